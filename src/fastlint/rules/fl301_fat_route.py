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

from fastlint.diagnostics import Diagnostic
from fastlint.project import Project
from fastlint.rules.base import Option, ProjectRule


class FatRoute(ProjectRule):
    code = "FL301"
    name = "fat-route"
    summary = "A route handler holds business logic (too many statements or branches)"
    options = (
        Option("max-route-statements", 12, "int",
               "Statements a route may hold (counted through nested blocks, docstring excluded)."),
        Option("max-route-branches", 3, "int",
               "Branches a route may hold (`if`, `elif`, `for`, `while`, `try`, `match`)."),
    )

    def check(self, project: Project) -> Iterator[Diagnostic]:
        max_statements = self.option("max-route-statements")
        max_branches = self.option("max-route-branches")
        for route in project.fastapi.route_handlers.values():
            function = route.function
            if function is None or route.facts.is_test:
                continue
            excess = []
            if function.statements > max_statements:
                excess.append(f"{function.statements} statements (max {max_statements})")
            if function.branches > max_branches:
                excess.append(f"{function.branches} branches (max {max_branches})")
            if excess:
                yield self.diagnostic(
                    route.facts, function.def_span,
                    f"route {route.label} (`{function.name}`) holds business logic: "
                    f"{' and '.join(excess)}: move the logic into a service, keep the route as orchestration",
                )
