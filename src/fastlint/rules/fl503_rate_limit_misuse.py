"""FL503 rate-limit-misuse: a slowapi `@limiter.limit` that cannot work.

Bad:
    @limiter.limit("5/minute")      # above the route: the route registered is unlimited
    @router.get("/resource")
    async def get_resource(request: Request): ...

Good:
    @router.get("/resource")
    @limiter.limit("5/minute")
    async def get_resource(request: Request): ...
"""

from __future__ import annotations

from collections.abc import Iterator

from fastlint.diagnostics import Applicability, Diagnostic, Edit, Fix
from fastlint.facts.records import FileFacts, FunctionFact, Span, Val
from fastlint.model.project import Project
from fastlint.rules.base import ProjectRule
from fastlint.files.source import SourceFile

_LIMITERS = ("slowapi.Limiter", "slowapi.extension.Limiter")
LIMIT_DECORATORS = frozenset(f"{cls}.{m}" for cls in _LIMITERS for m in ("limit", "shared_limit"))
EXEMPT_DECORATORS = frozenset(f"{cls}.exempt" for cls in _LIMITERS)
REQUEST_PARAMETERS = ("request", "websocket")


def is_limit(project: Project, decorator: Val) -> bool:
    return decorator.kind == "call" and isinstance(decorator.value, str) \
        and decorator.value.rsplit(".", 1)[-1] in ("limit", "shared_limit") \
        and project.canonical(decorator.value) in LIMIT_DECORATORS


def is_exempt(project: Project, decorator: Val) -> bool:
    symbol = decorator.value if decorator.kind == "ref" else None
    return isinstance(symbol, str) and symbol.endswith(".exempt") \
        and project.canonical(symbol) in EXEMPT_DECORATORS


class RateLimitMisuse(ProjectRule):
    code = "FL503"
    name = "rate-limit-misuse"
    summary = "A slowapi `@limiter.limit` is above the route decorator or has no `request`"
    application_code_only = True
    fix_availability = "safe"
    severity = "error"

    def check(self, project: Project) -> Iterator[Diagnostic]:
        limited = [
            (facts, function, limits)
            for facts in project.reported_files()
            for function in facts.functions
            if function.decorators
            and (limits := [d for d in function.decorators if is_limit(project, d)])
        ]
        if not limited:
            return  # no slowapi limits: the FastAPI model is not needed
        route_decorators = {
            (route.facts.path, route.span.row, route.span.col) for route in project.fastapi.routes
        }
        for facts, function, limits in limited:
            yield from self._check(project, facts, function, limits, route_decorators)

    def _check(self, project: Project, facts: FileFacts, function: FunctionFact,
               limits: list[Val], route_decorators: set[tuple[str, int, int]]) -> Iterator[Diagnostic]:
        source = project.source(facts.path)
        routes = [
            d for d in function.decorators
            if d.span is not None and (facts.path, d.span.row, d.span.col) in route_decorators
        ]
        lowest_route = max((d.span for d in routes), default=None)  # type: ignore[type-var]
        has_request = any(param.name in REQUEST_PARAMETERS for param in function.params)
        for limit in limits:
            span: Span = limit.span  # type: ignore[assignment]
            written = _written(source, span)
            if lowest_route is not None and span < lowest_route:
                fix = _move_below(source, span, lowest_route) if source is not None else None
                yield self.diagnostic(
                    facts, span,
                    f"`@{written}` is above the route decorator of `{function.name}`: the route "
                    "registered is the function without the limit, so no limit applies; put it "
                    "just below the route decorator",
                    fix,
                )
            if not has_request:
                yield self.diagnostic(
                    facts, span,
                    f"`@{written}` on `{function.name}`, which has no `request` (or `websocket`) "
                    "parameter: slowapi needs it to identify the client and raises without it; "
                    "add `request: Request`",
                )


def _written(source: SourceFile | None, span: Span) -> str:
    if source is None or span.end_row != span.row:
        return "limiter.limit(...)"
    return source.line(span.row)[span.col:span.end_col]


def _move_below(source: SourceFile, limit: Span, route: Span) -> Fix | None:
    """Move the decorator's whole lines to just after the route decorator's last line."""
    first = source.line(limit.row)
    last = source.line(limit.end_row)
    if first[:limit.col].strip() != "@" or not _rest_is_comment(last[limit.end_col:]):
        return None
    start = source.offset(limit.row, 0)
    end = source.offset(limit.end_row + 1, 0)
    moved = source.text[start:end]
    if not moved.endswith(("\n", "\r")):
        return None
    return Fix(
        Applicability.SAFE,
        (
            Edit(limit.row, 0, limit.end_row + 1, 0, ""),
            Edit(route.end_row + 1, 0, route.end_row + 1, 0, moved),
        ),
        "Move the limit decorator below the route decorator",
    )


def _rest_is_comment(text: str) -> bool:
    rest = text.strip()
    return not rest or rest.startswith("#")
