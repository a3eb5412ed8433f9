"""The FastAPI model's plain records and the FastAPI names it knows: apps and routers
(`RouteOwner`), `include_router` calls (`Include`), routes (`Route`).

May import `fastlint.facts`.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastlint.facts.records import FileFacts, FunctionFact, Span, Val

# Library subclasses count too (cadwyn's versioned app and router).
APP_CLASSES = frozenset({"fastapi.FastAPI", "starlette.Starlette", "cadwyn.Cadwyn"})
ROUTER_CLASSES = frozenset({"fastapi.APIRouter", "cadwyn.VersionedAPIRouter"})
ROUTE_METHODS = {
    "get": ("GET",), "post": ("POST",), "put": ("PUT",), "patch": ("PATCH",),
    "delete": ("DELETE",), "options": ("OPTIONS",), "head": ("HEAD",), "trace": ("TRACE",),
    "api_route": None, "websocket": ("WS",), "route": None,
}
MIDDLEWARE_BASES = frozenset({
    "starlette.middleware.base.BaseHTTPMiddleware", "fastapi.middleware.base.BaseHTTPMiddleware",
})
WIRING_METHODS = frozenset({"include_router", "mount", "add_api_route", "add_api_websocket_route",
                             "add_middleware", "add_exception_handler", "add_event_handler"})
# Calls that serve an app at the root of a server: an app built in a method is served at
# "/" when the project hands it to one of these (`uvicorn.Config(self.app, ...)`).
SERVER_CALLS = frozenset({"uvicorn.run", "uvicorn.Config", "uvicorn.config.Config", "uvicorn.main.run",
                          "hypercorn.asyncio.serve", "hypercorn.trio.serve"})
# The module-level names ASGI servers are pointed at (`uvicorn main:app`).
ASGI_NAMES = frozenset({"app", "application", "asgi_app"})
DEPENDS = frozenset({"fastapi.Depends", "fastapi.Security", "fastapi.params.Depends",
                     "fastapi.params.Security", "fastapi.param_functions.Depends",
                     "fastapi.param_functions.Security"})


@dataclass(frozen=True, slots=True)
class RouteOwner:
    """A `FastAPI(...)` app or an `APIRouter(...)` (also of a project subclass)."""

    key: tuple[str, int, int]  # file, row, col of the constructor call
    kind: str  # "app" | "router"
    name: str  # the name it is bound to, as written (`router`, `api_router`), or ""
    facts: FileFacts
    call: Val
    prefix: str | None  # its own prefix; None when not static
    # Built inside a method (`def get_fastapi_app(self)`): a sub-app mounted somewhere the
    # model may not see, so it is not assumed to be served at the root.
    in_method: bool = False

    @property
    def span(self) -> Span:
        return self.call.span  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class Include:
    parent: tuple[str, int, int]
    child: tuple[str, int, int]
    prefix: str | None
    dependencies: tuple[str, ...]
    # The `include_router(...)` call, for findings about the include itself.
    facts: FileFacts | None = None
    call: Val | None = None


@dataclass(frozen=True, slots=True)
class Route:
    methods: tuple[str, ...]
    path: str | None  # the path as declared on its owner
    effective_paths: tuple[str, ...]  # through every prefix to an app; () when unknown
    handler: str  # qualname
    facts: FileFacts
    span: Span  # the decorator (or the add_api_route call)
    is_async: bool
    owner: RouteOwner | None
    dependencies: tuple[str, ...]  # qualnames or symbols of Depends targets, direct ones
    function: FunctionFact | None

    @property
    def effective_path(self) -> str | None:
        return self.effective_paths[0] if self.effective_paths else None

    @property
    def label(self) -> str:
        method = "/".join(self.methods)
        return f"{method} {self.effective_path or self.path or '?'}"
