"""FL501 unversioned-route: a route whose effective path has no version segment.

The effective path is the route's own path after every router and include prefix on the
way to the app (from the FastAPI model). A whole router that is unversioned is reported
once, at its `APIRouter(...)`; otherwise each unversioned route is reported at its
decorator. A prefix that is not static gives no finding.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from fnmatch import fnmatchcase

from fastlint.diagnostics import Diagnostic
from fastlint.facts import Span
from fastlint.fastapi_model import Route, RouteOwner
from fastlint.project import Project
from fastlint.rules.base import Option, ProjectRule

UNVERSIONED_ALLOW = Option(
    "unversioned-allow",
    ["/health*", "/ready*", "/live*", "/metrics", "/docs*", "/redoc*", "/openapi.json"],
    "list[str]",
    "Effective paths (globs) that need no version: health checks, metrics, API docs.",
)


def is_allowed(path: str, allowed: list[str]) -> bool:
    return any(fnmatchcase(path, pattern) for pattern in allowed)


class UnversionedRoute(ProjectRule):
    code = "FL501"
    name = "unversioned-route"
    summary = "A route is served at a path without a version segment (`/v1/...`)"
    application_code_only = True
    options = (
        Option("version-pattern", r"^/(api/)?v[0-9]+(/|$)", "str",
               "A regular expression an effective path must match to count as versioned."),
        UNVERSIONED_ALLOW,
    )

    def check(self, project: Project) -> Iterator[Diagnostic]:
        versioned = re.compile(self.option("version-pattern"))
        allowed = self.option("unversioned-allow")
        for owner, routes in self._routes_by_owner(project):
            unversioned: list[tuple[Route, str]] = []
            counted = 0
            for route in routes:
                paths = [p for p in route.effective_paths if not is_allowed(p, allowed)]
                if not paths:
                    continue
                counted += 1
                bare = [p for p in paths if not versioned.search(p)]
                if bare:
                    unversioned.append((route, bare[0]))
            if not unversioned:
                continue
            if owner.kind == "router" and len(unversioned) == counted:
                yield self._router_finding(project, owner, [path for _, path in unversioned])
                continue
            for route, path in unversioned:
                yield self.diagnostic(
                    route.facts, route.span,
                    f"{'/'.join(route.methods)} {path} has no version in its path: serve it "
                    f"under a versioned prefix such as `/api/v1`",
                )

    @staticmethod
    def _routes_by_owner(project: Project) -> Iterator[tuple[RouteOwner, list[Route]]]:
        for key, routes in project.fastapi.routes_by_owner().items():
            # Unknown owners and unknown prefixes give no finding: never guess a path.
            if key is None:
                continue
            known = [route for route in routes if route.effective_paths]
            if known and len(known) == len(routes):
                yield project.fastapi.owners[key], known

    def _router_finding(self, project: Project, owner: RouteOwner, paths: list[str]) -> Diagnostic:
        span = owner.span
        binding = project.bindings.get(f"{owner.facts.module}.{owner.name}") if owner.name else None
        if binding is not None and binding[1].value.span == owner.span:
            start = binding[1].span
            span = Span(start.row, start.col, owner.span.end_row, owner.span.end_col)
        name = owner.name or "this router"
        example = paths[0]
        more = f" and {len(paths) - 1} more" if len(paths) > 1 else ""
        return self.diagnostic(
            owner.facts, span,
            f"every route of `{name}` is unversioned ({example}{more}): give it a versioned "
            f"prefix such as `APIRouter(prefix=\"/api/v1/...\")` or include it under one",
        )
