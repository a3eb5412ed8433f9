"""FL501 unversioned-route: API routes left outside a project's versioned tree.

Only routes of the API count: not those hidden from the schema (`include_in_schema=False` on
the route, its router's include, or an app with `openapi_url=None`), not HTML, redirect or
file responses, not websockets, and not the well-known paths (`/`, `/.well-known/*`,
`/favicon.ico`, `/robots.txt`, health, metrics, docs; `unversioned-allow`), nor the paths
others fix: sign-in flows registered with an identity provider (`/oauth/...`) and files
browsers fetch at the root (`/manifest.json`), nor the other paths of a handler also served
in the versioned tree (`@app.get("/api/models")` over `@app.get("/api/v1/models")`: aliases
kept for old clients). A router that mirrors another API (it declares
that API's `/v1/...` paths itself, or forwards `/{path:path}`) is that API's to version.

In a project that versions its API (at least half of its API paths match
`version-pattern`), every API route outside the versioned tree (and not holding the tree
further down its path, as `/admin/api/v1/...` holds `/api/v1`) is reported: once at the router when all of its routes are, else
at each route. A project with no version anywhere has chosen not to version (or versions by
a header, `version-header`): nothing is reported, unless `require-versioning` is set, and
then once, at the include or router that sets the top prefix. A prefix that is not static
gives no finding.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from fnmatch import fnmatchcase
from functools import cached_property

from fastlint.diagnostics import Diagnostic
from fastlint.facts.records import FileFacts, Span, Val
from fastlint.model.fastapi_model import FastAPIModel, Route, RouteOwner
from fastlint.model.project import Project
from fastlint.rules.base import Option, ProjectRule

UNVERSIONED_ALLOW = Option(
    "unversioned-allow",
    ["/", "/.well-known/*", "/favicon.ico", "/robots.txt", "/health*", "/ready*", "/live*",
     "/ping", "/metrics*", "/docs*", "/redoc*", "/openapi.json"],
    "list[str]",
    "Effective paths (globs) that need no version: health checks, metrics, API docs, "
    "well-known files.",
)
# Probes and metrics under any prefix (`/api/health`) are not API routes either.
_PROBE_SEGMENTS = frozenset({"health", "healthz", "healthcheck", "ready", "readyz", "readiness",
                             "live", "livez", "liveness", "ping", "metrics"})
_NOT_API_RESPONSES = frozenset({"HTMLResponse", "RedirectResponse", "FileResponse"})
# Sign-in flows: their URLs are registered with the identity provider (redirect and
# back-channel URIs), so they stay put whatever the API's version.
_IDENTITY_SEGMENTS = frozenset({"oauth", "oauth2", "oidc", "openid", "saml", "sso"})
_VERSION_SEGMENT = re.compile(r"/v[0-9]+/")
_CATCH_ALL = re.compile(r"^/?\{[A-Za-z_][A-Za-z0-9_]*:path\}$")


def _fixed_by_others(path: str) -> bool:
    """Paths other parties fix: a sign-in flow's (`/oauth/{provider}/callback`) and a file
    browsers fetch at the root (`/manifest.json`, `/opensearch.xml`, `/sw.js`)."""
    segments = [s for s in path.split("/") if s]
    return any(s.lower() in _IDENTITY_SEGMENTS for s in segments) or \
        (len(segments) == 1 and "." in segments[0] and not segments[0].startswith("{"))


def _mirrors_upstream(routes: list[Route], versioned: re.Pattern[str], tree: str) -> bool:
    """A router that serves another API's paths: it declares that API's version itself
    (`/v1/chat/completions` on a router served at `/ollama`), or forwards every path with
    more than GET (`/{path:path}`). Its paths are the upstream's, not the project's to version."""
    for route in routes:
        own = route.path or ""
        if _CATCH_ALL.match(own) and set(route.methods) - {"GET", "HEAD"}:
            return True
        if _VERSION_SEGMENT.search(own) and any(
                not versioned.search(p) and not _tree_further_down(p, tree)
                for p in route.effective_paths):
            return True
    return False


def one_per_handler(labelled: Iterable[tuple[Route, str]]) -> Iterator[tuple[Route, str]]:
    """One (route, label) per handler, in the order the handlers first come: its stacked
    decorators (`@app.get("/x")` over `@app.head("/x")`) are one function to move. The top
    decorator's route, its label followed by how many more the handler has."""
    by_handler: dict[tuple[str, str], list[tuple[Route, str]]] = {}
    for route, label in labelled:
        by_handler.setdefault((route.facts.path, route.handler), []).append((route, label))
    for stacked in by_handler.values():
        route, label = min(stacked, key=lambda pair: pair[0].span)
        if len(stacked) > 1:
            label += f" (and {len(stacked) - 1} more of `{route.handler.rsplit('.', 1)[-1]}`)"
        yield route, label


def is_allowed(path: str, allowed: list[str]) -> bool:
    if any(fnmatchcase(path, pattern) for pattern in allowed) or "/.well-known/" in path:
        return True
    segments = [s for s in path.split("/") if s and not s.startswith("{")]
    return bool(segments) and segments[-1] in _PROBE_SEGMENTS


class UnversionedRoute(ProjectRule):
    code = "FL501"
    name = "unversioned-route"
    summary = "An API route is served outside the versioned tree (`/v1/...`) the rest of the API uses"
    application_code_only = True
    options = (
        Option("version-pattern", r"^/(api/)?v[0-9]+(/|$)", "str",
               "A regular expression an effective path must match to count as versioned."),
        UNVERSIONED_ALLOW,
        Option("require-versioning", False, "bool",
               "Report a project that versions no route at all (once, at its top prefix)."),
        Option("version-header", "", "str",
               "The request header that carries the API version (`X-API-Version`): paths "
               "need no version, nothing is reported."),
    )

    def check(self, project: Project) -> Iterator[Diagnostic]:
        if self.option("version-header"):
            return
        versioned = re.compile(self.option("version-pattern"))
        api = ApiRoutes(project, self.option("unversioned-allow"))
        routes = [(route, path) for route in api.routes for path in api.paths(route)]
        if not routes:
            return
        trees = Counter(m.group(0).rstrip("/") for _, p in routes for m in [versioned.search(p)] if m)
        if sum(trees.values()) * 2 < len(routes):
            # A few versioned paths in an unversioned API are a spec's fixed paths (an
            # OpenAI-compatible `/v1/chat/completions`), not the project's versioning.
            trees.clear()
        if not trees:
            if self.option("require-versioning"):
                yield self._unversioned_project(project, api, [p for _, p in routes])
            return
        tree = trees.most_common(1)[0][0]
        # A handler also served in the tree keeps its other paths as aliases for old clients.
        in_tree = {(route.facts.path, route.handler) for route, path in routes
                   if versioned.search(path) or _tree_further_down(path, tree)}
        for owner, owned in api.by_owner():
            outside = [(route, bare[0]) for route in owned
                       if (route.facts.path, route.handler) not in in_tree
                       for bare in [[p for p in api.paths(route)
                                     if not versioned.search(p) and not _tree_further_down(p, tree)
                                     and not _fixed_by_others(p)]]
                       if bare]
            if not outside or (owner.kind == "router" and _mirrors_upstream(owned, versioned, tree)):
                continue
            if owner.kind == "router" and len(outside) == len(owned):
                yield self._router_finding(project, api.model, owner,
                                           [path for _, path in outside], tree)
                continue
            labelled = [(route, f"{'/'.join(route.methods)} {path}")
                        for route, path in sorted(outside, key=lambda pair: pair[0].span)]
            for route, label in one_per_handler(labelled):
                yield self.diagnostic(
                    route.facts, route.span,
                    f"{label} is outside the versioned API "
                    f"(`{tree}/...`): declare it on a router included under `{tree}`",
                )

    def _router_finding(self, project: Project, model: FastAPIModel, owner: RouteOwner,
                        paths: list[str], tree: str) -> Diagnostic:
        span = owner.span
        binding = project.bindings.get(f"{owner.facts.module}.{owner.name}") if owner.name else None
        if binding is not None and binding[1].value.span == owner.span:
            start = binding[1].span
            span = Span(start.row, start.col, owner.span.end_row, owner.span.end_col)
        name = owner.name or "this router"
        more = f" and {len(paths) - 1} more" if len(paths) > 1 else ""
        chain = _prefix_chain(project, model, owner)
        return self.diagnostic(
            owner.facts, span,
            f"every route of `{name}` is outside the versioned API (`{tree}/...`): "
            f"{paths[0]}{more}, served through {chain}; include `{name}` under `{tree}` "
            f"instead",
        )

    def _unversioned_project(self, project: Project, api: "ApiRoutes",
                             paths: list[str]) -> Diagnostic:
        """One finding where the top prefix is set (an include, a router, else the app)."""
        tops = {p.split("/")[1] if p.count("/") > 1 else "" for p in paths}
        top = f"/{tops.pop()}" if len(tops) == 1 and "" not in tops else ""
        model = api.model
        if top:
            for include in model.includes:
                parent = model.owners.get(include.parent)
                if parent is not None and parent.kind == "app" and include.facts is not None \
                        and include.call is not None and include.call.span is not None \
                        and (include.prefix or "").startswith(top):
                    return self.diagnostic(
                        include.facts, include.call.span,
                        f"no route of the API is versioned: every path starts with `{top}`, "
                        f"set here; make it `{top}/v1` (or require a version header)")
            for owner in model.owners.values():
                if (owner.prefix or "").startswith(top):
                    return self.diagnostic(
                        owner.facts, owner.span,
                        f"no route of the API is versioned: every path starts with `{top}`, "
                        f"set here; make it `{top}/v1` (or require a version header)")
        app = next((o for o in model.owners.values() if o.kind == "app"), api.routes[0].owner)
        assert app is not None
        return self.diagnostic(
            app.facts, app.span,
            "no route of the API is versioned: include the routers under a versioned prefix "
            "(`/v1`) or require a version header")


class ApiRoutes:
    """The routes of a project's API: known paths, in application code, in the schema, JSON."""

    def __init__(self, project: Project, allowed: list[str]) -> None:
        self.project = project
        self.model = project.fastapi
        self._allowed = allowed
        self._hidden_owners: dict[tuple[str, int, int], bool] = {}

    @cached_property
    def routes(self) -> list[Route]:
        """Every API route (FL502 asks `is_api` of a few routes and never needs the list)."""
        return [route for route in self.model.resolved_routes if self.is_api(route)]

    def paths(self, route: Route) -> list[str]:
        return [p for p in route.effective_paths if not is_allowed(p, self._allowed)]

    def by_owner(self) -> Iterator[tuple[RouteOwner, list[Route]]]:
        counted = {id(route) for route in self.routes if self.paths(route)}
        resolved = {(r.facts.path, r.span): r for r in self.routes}
        for key, routes in self.model.routes_by_owner().items():
            # Unknown owners and unknown prefixes give no finding: never guess a path.
            if key is None or not routes or any(not r.effective_paths for r in routes):
                continue
            owned = [resolved[(r.facts.path, r.span)] for r in routes
                     if (r.facts.path, r.span) in resolved]
            owned = [r for r in owned if id(r) in counted]
            if owned:
                yield self.model.owners[key], owned

    def is_api(self, route: Route, need_paths: bool = True) -> bool:
        if route.owner is None or route.methods == ("WS",) or (need_paths and not route.effective_paths):
            return False
        if not self.project.scope.is_application(route.facts):
            return False
        call = _route_call(route)
        if call is not None:
            hidden = call.kwarg("include_in_schema")
            if hidden is not None and hidden.kind == "const" and hidden.value is False:
                return False
            if _not_json(self.project, call.kwarg("response_class")):
                return False
        if self._owner_hidden(route.owner.key, frozenset()):
            return False
        if route.function is not None:
            function = route.function
            # Annotated, or what every `return` gives (`return RedirectResponse(url)`).
            answers = function.returns or (function.returned or "").removesuffix("()")
            if answers and _is_not_api_response(answers):
                return False
            pages = self.project.file_memo("template pages", route.facts, lambda: _template_pages(route.facts))
            if route.function.qualname in pages:
                return False
        return True

    def _owner_hidden(self, key: tuple[str, int, int], seen: frozenset) -> bool:
        """Out of the schema or served as pages: `openapi_url=None` on every app above,
        `include_in_schema=False` on an include, `default_response_class=HTMLResponse`."""
        cached = self._hidden_owners.get(key)
        if cached is not None:
            return cached
        model = self.model
        owner = model.owners[key]
        call = owner.call
        hidden = _is_false(call.kwarg("include_in_schema")) or \
            _not_json(self.project, call.kwarg("default_response_class"))
        if not hidden and owner.kind == "app":
            openapi = call.kwarg("openapi_url")
            hidden = openapi is not None and openapi.kind == "const" and openapi.value is None
        parents = [i for i in model.includes if i.child == key and i.parent not in seen]
        if not hidden and parents:
            hidden = all(
                (i.call is not None and _is_false(i.call.kwarg("include_in_schema")))
                or self._owner_hidden(i.parent, seen | {key})
                for i in parents
            )
        self._hidden_owners[key] = hidden
        return hidden


def _route_call(route: Route) -> Val | None:
    """The decorator (or `add_api_route` call) that declared a route."""
    if route.function is not None:
        for decorator in route.function.decorators:
            if decorator.span == route.span:
                return decorator
    for call in route.facts.calls:
        if call.span == route.span:
            return call.call
    return None


def _is_false(value: Val | None) -> bool:
    return value is not None and value.kind == "const" and value.value is False


def _not_json(project: Project, value: Val | None) -> bool:
    symbol = value.symbol if value is not None else None
    return symbol is not None and _is_not_api_response(project.canonical(symbol))


def _tree_further_down(path: str, tree: str) -> bool:
    """`/admin/api/v1/audit` holds the tree `/api/v1`: one area's versioned API, as a project
    with several areas lays them out (`/ollama/v1/...` does not hold `/api/v1`)."""
    return f"{tree}/" in f"{path}/"


def _is_not_api_response(symbol: str) -> bool:
    return symbol.rsplit(".", 1)[-1] in _NOT_API_RESPONSES


def _template_pages(facts: FileFacts) -> frozenset[str]:
    """The functions of a file that return `templates.TemplateResponse(...)`: pages, not APIs
    (of functions sharing a qualname, the first counts)."""
    first = {}
    for index, function in enumerate(facts.functions):
        first.setdefault(function.qualname, index)
    rendering = {call.function for call in facts.calls
                 if call.function >= 0 and call.text.rsplit(".", 1)[-1] == "TemplateResponse"}
    return frozenset(qualname for qualname, index in first.items() if index in rendering)


def _prefix_chain(project: Project, model: FastAPIModel, owner: RouteOwner) -> str:
    """`include_router(prefix="/api")` (main.py:7) → `APIRouter(prefix="/items")` (items.py:3)."""
    steps: list[str] = []
    key = owner.key
    seen = set()
    while key not in seen:
        seen.add(key)
        current = model.owners[key]
        where = f"{project.relative_path(current.facts.path)}:{current.span.row}"
        kind = "FastAPI" if current.kind == "app" else "APIRouter"
        steps.append(f"`{kind}(prefix=\"{current.prefix}\")` ({where})" if current.prefix
                     else f"`{current.name or kind}` ({where})")
        parents = [i for i in model.includes if i.child == key]
        if not parents:
            break
        include = parents[0]
        if include.prefix and include.facts is not None and include.call is not None \
                and include.call.span is not None:
            where = f"{project.relative_path(include.facts.path)}:{include.call.span.row}"
            steps.append(f"`include_router(prefix=\"{include.prefix}\")` ({where})")
        key = include.parent
    return " → ".join(reversed(steps))
