"""FL403 debug-enabled: debug mode or auto-reload switched on in application code.

Bad:
    app = FastAPI(debug=True)
    uvicorn.run("main:app", reload=True)

Good:
    app = FastAPI(debug=settings.debug)
    if __name__ == "__main__":
        uvicorn.run("main:app", reload=True)   # the development entry point
"""

from __future__ import annotations

import ast

from fastlint.facts.context import FileContext
from fastlint.facts.entry_points import development_entry_points
from fastlint.rules.base import FileRule

APP_CLASSES = frozenset({"fastapi.FastAPI", "fastapi.applications.FastAPI",
                         "starlette.applications.Starlette", "starlette.Starlette"})
SWITCHES = {name: "debug" for name in APP_CLASSES} | {"uvicorn.run": "reload"}
_APP_NAMES = ("app", "application")


def _is_true(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


class DebugEnabled(FileRule):
    code = "FL403"
    name = "debug-enabled"
    summary = "Debug mode or auto-reload is switched on in application code"
    application_code_only = True
    severity = "error"
    node_types = (ast.Call, ast.Assign)

    def __init__(self, settings: dict | None = None) -> None:
        super().__init__(settings)
        self._entry_points: tuple[FileContext | None, list[tuple[int, int]]] = (None, [])

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if ctx.is_test or ctx.in_main_guard:
            return
        if type(node) is ast.Call:
            self._call(node, ctx)  # type: ignore[arg-type]
        else:
            self._assign(node, ctx)  # type: ignore[arg-type]

    def _in_entry_point(self, node: ast.AST, ctx: FileContext) -> bool:
        """Inside a development entry point of this file (rows of their bodies, found once)."""
        checked, spans = self._entry_points
        if checked is not ctx:
            spans = development_entry_points(ctx.tree) + _debug_branches(ctx.tree)
            self._entry_points = (ctx, spans)
        row = getattr(node, "lineno", 0)
        return any(start <= row <= end for start, end in spans)

    def _call(self, node: ast.Call, ctx: FileContext) -> None:
        if not node.keywords:
            return
        switched = [k for k in node.keywords if k.arg in ("debug", "reload") and _is_true(k.value)]
        if not switched:
            return
        symbol = ctx.symbol(node.func)
        for keyword in switched:
            if SWITCHES.get(symbol or "") == keyword.arg and not self._in_entry_point(node, ctx):
                ctx.report(self.code, keyword, _message(f"{keyword.arg}=True", keyword.arg))

    def _assign(self, node: ast.Assign, ctx: FileContext) -> None:
        if not _is_true(node.value):
            return
        for target in node.targets:
            if isinstance(target, ast.Attribute) and target.attr == "debug" \
                    and self._is_app(target.value, ctx) and not self._in_entry_point(node, ctx):
                ctx.report(self.code, node, _message(f"{ast.unparse(target)} = True", "debug"))

    def _is_app(self, node: ast.expr, ctx: FileContext) -> bool:
        value = ctx.value(node)
        if value.kind == "call":
            return value.value in APP_CLASSES
        symbol = value.symbol or ""
        if symbol.endswith("()"):
            return symbol[:-2] in APP_CLASSES
        written = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
        return written in _APP_NAMES or written.endswith("_app")


def _debug_branches(tree: ast.Module) -> list[tuple[int, int]]:
    """`if settings.debug:` / `if in_debug_mode():` bodies: the switch already comes from
    configuration (the branch only runs when debugging is asked for)."""
    spans = []
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "debug" in ast.unparse(node.test).lower() and node.body:
            spans.append((node.body[0].lineno, node.body[-1].end_lineno or node.body[-1].lineno))
    return spans


def _message(written: str, switch: str) -> str:
    if switch == "debug":
        effect = "tracebacks with source and local values are served to any client"
    else:
        effect = "the server watches files and restarts, a development-only mode"
    return (f"`{written}` in application code: {effect}; take it from settings, or move it "
            'under `if __name__ == "__main__":`')
