"""FL504 unlimited-route: a route with no rate limit in a project that sets up slowapi.

Bad:
    limiter = Limiter(key_func=get_remote_address)

    @router.post("/login")
    async def login(request: Request): ...

Good:
    @router.post("/login")
    @limiter.limit("5/minute")
    async def login(request: Request): ...
"""

from __future__ import annotations

from collections.abc import Iterator

from fastlint.diagnostics import Diagnostic
from fastlint.facts.records import Val
from fastlint.model.project import Project
from fastlint.rules.base import ProjectRule
from fastlint.rules.fl503_rate_limit_misuse import is_exempt, is_limit

LIMITER_CLASSES = frozenset({"slowapi.Limiter", "slowapi.extension.Limiter"})
# Limits that apply to every route without a decorator.
GLOBAL_LIMITS = ("default_limits", "application_limits")


class UnlimitedRoute(ProjectRule):
    code = "FL504"
    name = "unlimited-route"
    summary = "A route has no rate limit while slowapi is set up without default limits"
    application_code_only = True
    default_on = False

    def check(self, project: Project) -> Iterator[Diagnostic]:
        limiters = [
            call.call for _, call in project.calls()
            if isinstance(call.call.value, str) and call.call.value.endswith("Limiter")
            and project.canonical(call.call.value) in LIMITER_CLASSES
        ]
        if not limiters or any(_has_global_limits(project, limiter) for limiter in limiters):
            return
        for route in project.fastapi.resolved_routes:
            function = route.function
            if function is None or route.facts.is_test or not project.is_reported(route.facts.path):
                continue
            if any(is_limit(project, d) or is_exempt(project, d) for d in function.decorators):
                continue
            yield self.diagnostic(
                route.facts, route.span,
                f"Route {route.label} has no rate limit: slowapi is set up but its `Limiter` has "
                "no `default_limits`; add `@limiter.limit(...)` (or `@limiter.exempt`), or give "
                "the limiter `default_limits`",
            )


def _has_global_limits(project: Project, limiter: Val) -> bool:
    for keyword in GLOBAL_LIMITS:
        value = project.resolve_value(limiter.kwarg(keyword))
        if value is not None and not (value.kind == "list" and not value.value):
            return True
    return False
