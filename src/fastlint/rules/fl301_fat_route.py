"""FL301 fat-route: a route handler that holds business logic instead of orchestrating.

Bad:
    @router.post("/orders")
    async def create_order(...):
        # 20 statements of validation, pricing and persistence
        ...

Good:
    @router.post("/orders")
    async def create_order(order: OrderIn, service: OrderServiceDep):
        return await service.create(order)
"""

from __future__ import annotations

from collections.abc import Iterator

from fastlint.model.db_calls import is_database_call, is_statement
from fastlint.diagnostics import Diagnostic
from fastlint.facts.records import LogicSize
from fastlint.model.project import Project
from fastlint.rules.base import Option, ProjectRule


class FatRoute(ProjectRule):
    code = "FL301"
    name = "fat-route"
    application_code_only = True
    summary = "A route handler holds business logic (too many statements or branches)"
    options = (
        Option("max-route-statements", 12, "int",
               "Statements a route may hold (counted through nested blocks; the docstring, markup "
               "builders, HTTP exits and redirects excluded)."),
        Option("max-route-branches", 3, "int",
               "Branches a route may hold (`if`, `elif`, `for`, `while`, `try`, `match`; "
               "not `if request.method == ...` nor an `if` that only raises an HTTP error)."),
    )

    def check(self, project: Project) -> Iterator[Diagnostic]:
        max_statements = self.option("max-route-statements")
        max_branches = self.option("max-route-branches")
        for route in project.fastapi.route_handlers.values():
            function, facts = route.function, route.facts
            if function is None or facts.is_test or not project.is_reported(facts.path):
                continue
            size = function.logic or LogicSize(function.statements, function.branches, function.loops)
            excess = []
            if size.statements > max_statements:
                excess.append(f"{size.statements} statements (max {max_statements})")
            if size.branches > max_branches:
                excess.append(f"{size.branches} branches (max {max_branches})")
            if excess:
                index = facts.functions.index(function)
                queries = sum(1 for call in facts.calls if call.function == index
                              and call.call.value is not None
                              and is_database_call(project, call.call.value)  # type: ignore[arg-type]
                              and not is_statement(project, call.call.value))  # type: ignore[arg-type]
                contributors = _contributors(size, queries)
                yield self.diagnostic(
                    facts, function.def_span,
                    f"route {route.label} (`{function.name}`) holds business logic: "
                    f"{' and '.join(excess)}{f' ({contributors})' if contributors else ''}: "
                    "move the logic into a service, keep the route as orchestration",
                )


def _contributors(size: LogicSize, queries: int) -> str:
    """`3 database calls, 2 loops, 11 branches`: the biggest first, none that is zero."""
    parts = [(queries, "database call", "database calls"), (size.loops, "loop", "loops"),
             (size.branches, "branch", "branches")]
    parts.sort(key=lambda part: -part[0])
    return ", ".join(f"{count} {one if count == 1 else many}" for count, one, many in parts if count)
