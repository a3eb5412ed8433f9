"""FL204 retry-without-stop: a tenacity retry with no `stop=`: it retries forever.

Bad:
    @retry(wait=wait_exponential(max=8))
    async def call_service(url): ...

Good:
    @retry(stop=stop_after_attempt(3), wait=wait_exponential(max=8))
    async def call_service(url): ...
"""

from __future__ import annotations

import ast

from fastlint.facts.context import FileContext
from fastlint.diagnostics import Applicability, Edit, Fix, ImportNeeded
from fastlint.rules.fixes import add_keyword
from fastlint.rules.base import FileRule

RETRY_DECORATORS = frozenset({"tenacity.retry"})
RETRYING_CLASSES = frozenset({"tenacity.Retrying", "tenacity.AsyncRetrying",
                              "tenacity.asyncio.AsyncRetrying", "tenacity.retry"})
_NAMES = frozenset({"retry", "Retrying", "AsyncRetrying"})
STOP = "stop=stop_after_attempt(3)"
STOP_IMPORT = ImportNeeded("tenacity", "stop_after_attempt")


def _last_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


class RetryWithoutStop(FileRule):
    code = "FL204"
    name = "retry-without-stop"
    summary = "A tenacity retry has no `stop=`: it retries forever"
    fix_availability = "unsafe"
    node_types = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Call)

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if isinstance(node, ast.Call):
            self._call(node, ctx)
            return
        for decorator in node.decorator_list:  # type: ignore[attr-defined]
            # `@retry(...)` is a call, reported when the walk reaches it; only `@retry` is here.
            if _last_name(decorator) in _NAMES and ctx.symbol(decorator) in RETRY_DECORATORS:
                span = ctx.span(decorator)
                fix = Fix(Applicability.UNSAFE,
                          (Edit(span.end_row, span.end_col, span.end_row, span.end_col, f"({STOP})"),),
                          f"Add `{STOP}`", (STOP_IMPORT,))
                self._report(ctx, decorator, ast.unparse(decorator), fix)

    def _call(self, node: ast.Call, ctx: FileContext) -> None:
        if _last_name(node.func) not in _NAMES or ctx.symbol(node.func) not in RETRYING_CLASSES:
            return
        if any(keyword.arg in ("stop", None) for keyword in node.keywords):
            return  # `stop=` given, or maybe inside `**options`
        func = ctx.span(node.func)
        span = ctx.span(node)
        edit = add_keyword(ctx.source, (func.end_row, func.end_col), (span.end_row, span.end_col), STOP)
        fix = Fix(Applicability.UNSAFE, (edit,), f"Add `{STOP}`", (STOP_IMPORT,)) if edit else None
        self._report(ctx, node, f"{ast.unparse(node.func)}(...)", fix)

    def _report(self, ctx: FileContext, node: ast.AST, text: str, fix: Fix | None) -> None:
        span = ctx.span(node)
        if span.col > 0 and ctx.source.line(span.row)[span.col - 1] == "@":
            span = span._replace(col=span.col - 1)  # a decorator is reported from its `@`
        ctx.report(
            self.code, span,
            f"`{text}` has no `stop=`: it retries forever, holding the request and hammering a "
            "service that is down; add `stop=stop_after_attempt(n)` (or a `stop_after_delay`)",
            fix,
        )
