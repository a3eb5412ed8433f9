"""FL502 route-on-app: a path operation declared on the `FastAPI` object itself.

Routes belong on an `APIRouter` (one per feature), included by the app; what is not an API
route (FL501's notion: hidden from the schema, pages, redirects, files, catch-alls declared
with `include_in_schema=False`) and health checks and docs (`unversioned-allow`) may stay on
the app.
"""

from __future__ import annotations

from collections.abc import Iterator

from fastlint.diagnostics import Diagnostic
from fastlint.model.project import Project
from fastlint.rules.base import ProjectRule
from fastlint.rules.fl501_unversioned_route import (
    UNVERSIONED_ALLOW,
    ApiRoutes,
    is_allowed,
    one_per_handler,
)


class RouteOnApp(ProjectRule):
    code = "FL502"
    name = "route-on-app"
    summary = "A path operation is declared on the `FastAPI` app instead of an `APIRouter`"
    application_code_only = True
    options = (UNVERSIONED_ALLOW,)

    def check(self, project: Project) -> Iterator[Diagnostic]:
        allowed = self.option("unversioned-allow")
        api = ApiRoutes(project, allowed)
        labelled = []
        for route in project.fastapi.resolved_routes:
            owner = route.owner
            if owner is None or owner.kind != "app":
                continue
            if route.methods != ("WS",) and not api.is_api(route, need_paths=False):
                continue
            paths = route.effective_paths or ((route.path,) if route.path is not None else ())
            if paths and all(is_allowed(path, allowed) for path in paths):
                continue
            labelled.append((route, f"{'/'.join(route.methods)} {paths[0] if paths else '?'}"))
        for route, label in one_per_handler(labelled):
            name = route.owner.name or "app"  # type: ignore[union-attr]
            yield self.diagnostic(
                route.facts, route.span,
                f"{label} is declared on `{name}` itself: declare it on "
                f"an `APIRouter` in its feature module and `{name}.include_router()` it",
            )
