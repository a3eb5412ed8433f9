"""`fastlint routes`: the FastAPI model of a project, as a table or as JSON.

Each row is one path operation: its methods, its effective path (through every router and
include prefix; unknown prefixes shown as `?`), its handler, where it is declared, whether
it is async, every dependency FastAPI resolves for it, and the findings inside its handler.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from fastlint.diagnostics import Diagnostic
from fastlint.engine import RunOptions, RunResult, joined_project, run_check
from fastlint.model.fastapi_model import FastAPIModel, Route, RouteOwner
from fastlint.model.project import Project


@dataclass(frozen=True)
class RouteRow:
    methods: tuple[str, ...]
    path: str | None  # the first effective path; None when a prefix is not static
    paths: tuple[str, ...]  # every effective path (a router included in several places)
    declared_path: str | None
    handler: str  # module:function, or "?"
    file: str
    line: int
    is_async: bool
    dependencies: tuple[str, ...]
    router: str | None  # module:name of the app or router it is declared on
    findings: tuple[Diagnostic, ...]

    @property
    def shown_path(self) -> str:
        if self.paths:
            return "\n".join(self.paths)
        return f"?{self.declared_path}" if self.declared_path is not None else "?"

    def as_json(self) -> dict:
        return {
            "methods": list(self.methods),
            "path": self.path,
            "paths": list(self.paths),
            "declared_path": self.declared_path,
            "handler": self.handler,
            "file": self.file,
            "line": self.line,
            "async": self.is_async,
            "dependencies": list(self.dependencies),
            "router": self.router,
            "findings": [
                {"code": d.code, "line": d.row, "message": d.message} for d in self.findings
            ],
        }


def list_routes(paths: Sequence[Path], options: RunOptions) -> tuple[list[RouteRow], RunResult]:
    """The routes declared in the given paths, modelled from their whole projects."""
    result = run_check(paths, options)
    by_file: dict[str, list[Diagnostic]] = defaultdict(list)
    for diagnostic in result.diagnostics:
        by_file[diagnostic.path].append(diagnostic)
    rows: list[RouteRow] = []
    for run in result.projects:
        project = joined_project(run)
        model = project.fastapi
        for route in model.resolved_routes:
            if route.facts.path in run.reported:
                rows.append(_row(project, model, route, by_file))
    rows.sort(key=lambda row: (row.path or row.declared_path or "", row.methods, row.file, row.line))
    return rows, result


def _row(project: Project, model: FastAPIModel, route: Route,
         by_file: dict[str, list[Diagnostic]]) -> RouteRow:
    return RouteRow(
        methods=route.methods,
        path=route.effective_path,
        paths=route.effective_paths,
        declared_path=route.path,
        handler=_function_name(project, route.handler),
        file=route.facts.path,
        line=route.span.row,
        is_async=route.is_async,
        dependencies=tuple(_function_name(project, d) for d in model.route_dependencies(route)),
        router=_owner_name(route.owner),
        findings=tuple(_findings(project, route, by_file)),
    )


def _function_name(project: Project, qualname: str) -> str:
    """`module:__qualname__`, as FastAPI's route objects name a handler:
    `app.api.routes.items.read_item` → `app.api.routes.items:read_item`, a function nested in
    `create_app` → `app.main:create_app.<locals>.health`."""
    ref = project.functions.get(qualname)
    if ref is None:
        return qualname
    module = ref.facts.module
    if not qualname.startswith(module + "."):
        return qualname
    parts = qualname[len(module) + 1:].split(".")
    named: list[str] = []
    enclosing = module
    for part in parts[:-1]:
        enclosing = f"{enclosing}.{part}"
        named.append(part)
        if enclosing in project.functions:
            named.append("<locals>")
    named.append(parts[-1])
    return f"{module}:{'.'.join(named)}"


def _owner_name(owner: RouteOwner | None) -> str | None:
    if owner is None:
        return None
    return f"{owner.facts.module}:{owner.name or f'<{owner.kind} at line {owner.span.row}>'}"


def _findings(project: Project, route: Route,
              by_file: dict[str, list[Diagnostic]]) -> list[Diagnostic]:
    """Findings on the route's decorator (or add_api_route call) and in its handler."""
    found = [d for d in by_file.get(route.facts.path, ()) if d.row == route.span.row]
    ref = project.functions.get(route.handler)
    if ref is not None:
        function = ref.function
        first = min([function.span.row] + [d.span.row for d in function.decorators if d.span])
        found.extend(
            d for d in by_file.get(ref.facts.path, ())
            if first <= d.row <= function.span.end_row and d not in found
        )
    return sorted(found, key=lambda d: d.sort_key)


def render_json(rows: list[RouteRow], stream: TextIO) -> None:
    json.dump([row.as_json() for row in rows], stream, indent=2)
    stream.write("\n")


def render_table(rows: list[RouteRow], stream: TextIO, color: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table("methods", "path", "handler", "file:line", "async", "dependencies", "findings")
    for row in rows:
        table.add_row(
            ",".join(row.methods),
            row.shown_path,
            row.handler,
            f"{row.file}:{row.line}",
            "async" if row.is_async else "sync",
            "\n".join(row.dependencies),
            "\n".join(f"{d.code} (line {d.row})" for d in row.findings),
        )
    console = Console(file=stream, no_color=not color, highlight=False,
                      width=None if color else 240)
    console.print(table)
    known = sum(1 for row in rows if row.paths)
    console.print(f"{len(rows)} routes ({len(rows) - known} with a prefix that is not static)")
