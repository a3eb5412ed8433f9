"""The FastAPI model: apps, routers, include chains, routes with effective paths, dependencies.

This is the one place that knows FastAPI semantics. It is built once from the project's
facts; what cannot be resolved statically is marked unknown (None), never guessed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from fastlint.facts.records import CallFact, FileFacts, FunctionFact, Span, Val

if TYPE_CHECKING:
    from fastlint.model.project import FunctionRef, Project

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
_MAX_OWNER_DEPTH = 6
_WIRING_METHODS = frozenset({"include_router", "mount", "add_api_route", "add_api_websocket_route",
                             "add_middleware", "add_exception_handler", "add_event_handler"})
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


class FastAPIModel:
    def __init__(self, project: "Project") -> None:
        self.project = project
        self.owners: dict[tuple[str, int, int], RouteOwner] = {}
        self.includes: list[Include] = []
        self.routes: list[Route] = []
        self.middleware_functions: set[str] = set()
        self.exception_handlers: set[str] = set()
        self.lifespans: set[str] = set()
        self.startup_handlers: set[str] = set()
        # Apps and routers constructed inside a function (a `create_app()` factory).
        self.owners_by_function: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
        self._build()

    # ------------------------------------------------------------------ objects
    @cached_property
    def app_classes(self) -> frozenset[str]:
        return self.project.table_memo("app classes", lambda: self._classes_derived_from(APP_CLASSES))

    @cached_property
    def router_classes(self) -> frozenset[str]:
        return self.project.table_memo("router classes",
                                       lambda: self._classes_derived_from(ROUTER_CLASSES))

    def _classes_derived_from(self, roots: frozenset[str]) -> frozenset[str]:
        project = self.project
        found = set(roots)
        for qualname in project.classes:
            if project.is_subclass(qualname, roots):
                found.add(qualname)
        return frozenset(found)

    def owner_kind(self, callee: str | None) -> str | None:
        if callee is None:
            return None
        canonical = self.project.canonical(callee)
        if canonical in self.app_classes:
            return "app"
        if canonical in self.router_classes:
            return "router"
        return None

    def owner_of(self, value: Val | None, facts: FileFacts,
                 function: FunctionFact | None = None, depth: int = 0) -> RouteOwner | None:
        """The app or router an expression evaluates to, in `function` of `facts`.

        Follows module bindings, factories (`app = create_app()` is the one app built in
        `create_app`) and parameters annotated with an app or router class (`def
        init_views(app: FastAPI)`: the owner every call site passes). None when unknown.
        """
        if value is None or depth > _MAX_OWNER_DEPTH:
            return None
        if value.kind == "call" and value.span is not None:
            return self._constructed_owner(facts, value, depth)
        if value.kind == "ref" and isinstance(value.value, str):
            found = self.project.binding_value(value.value)
            if found is not None and found[1].kind == "call" and found[1].span is not None:
                return self._constructed_owner(found[0], found[1], depth)
            if function is not None and found is None and value.value.endswith("()"):
                return self._parameter_owner(function, value.value, depth)
        return None

    def _constructed_owner(self, facts: FileFacts, call: Val, depth: int) -> RouteOwner | None:
        owner = self.owners.get((facts.path, call.span.row, call.span.col))  # type: ignore[union-attr]
        if owner is not None:
            return owner
        factory = self.project.function_target(call.value) if isinstance(call.value, str) else None
        if factory is None:
            return None
        built = [self.owners[key] for key in self.owners_by_function.get(factory.qualname, ())]
        apps = [owner for owner in built if owner.kind == "app"]
        if len(apps) == 1:
            return apps[0]
        if not apps and len(built) == 1:
            return built[0]
        return None

    def _parameter_owner(self, function: FunctionFact, symbol: str, depth: int) -> RouteOwner | None:
        """The owner bound to a parameter annotated `FastAPI`/`APIRouter`, when every call
        site of the function passes the same one."""
        project = self.project
        matches = [index for index, param in enumerate(function.params)
                   if param.annotation is not None and f"{param.annotation}()" == symbol]
        if len(matches) != 1 or self.owner_kind(symbol[:-2]) is None:
            return None
        index = matches[0]
        param = function.params[index]
        if param.kind not in ("positional", "kwonly"):
            return None
        if function.class_qualname is not None and not any(
            decorator.kind == "ref" and decorator.value == "staticmethod"
            for decorator in function.decorators
        ):
            index -= 1  # `self` is not passed at the call site
        found: dict[tuple[str, int, int], RouteOwner] = {}
        for facts, call in project.callgraph.call_sites.get(function.qualname, ()):
            argument = call.call.kwarg(param.name)
            if argument is None and param.kind == "positional" and 0 <= index < len(call.call.args):
                argument = call.call.args[index]
            owner = self.owner_of(argument, facts, project.function_of(facts, call), depth + 1)
            if owner is None:
                return None
            found[owner.key] = owner
        return next(iter(found.values())) if len(found) == 1 else None

    # ------------------------------------------------------------------ build
    def _build(self) -> None:
        project = self.project
        constructors: list[tuple[FileFacts, CallFact, str]] = []
        # Calls that wire routes, routers and handlers: handled once every owner is known.
        wiring: list[tuple[FileFacts, CallFact, str]] = []
        names_of_owner_classes = project.table_memo("owner class names", self._owner_class_names)
        for facts in project.files:
            if not facts.calls:
                continue
            built, wired = project.file_memo(
                "owner calls", facts, lambda: self._owner_calls(facts, names_of_owner_classes))
            constructors.extend((facts, call, kind) for call, kind in built)
            wiring.extend((facts, call, method) for call, method in wired)
        for facts, call, kind in constructors:
            key = (facts.path, call.span.row, call.span.col)
            names = project.file_memo("binding names", facts, lambda: _binding_names(facts))
            builder = facts.functions[call.function] if call.function >= 0 else None
            if builder is not None:
                self.owners_by_function[builder.qualname].append(key)
            prefix_val = call.call.kwarg("prefix")
            prefix = "" if prefix_val is None else project.string_value(prefix_val)
            self.owners[key] = RouteOwner(
                key, kind, names.get(key, call.assigned_to), facts, call.call, prefix,
                in_method=builder is not None and builder.class_qualname is not None,
            )
            lifespan = call.call.kwarg("lifespan")
            if lifespan is not None and lifespan.symbol:
                self.lifespans.add(project.canonical(lifespan.symbol))
        for facts, call, method in wiring:
            if method.endswith("()") and call.call.receiver is not None:
                self._call_form_route(facts, call)
            else:
                self._wiring_call(facts, call, method)
        for facts in project.files:
            for function in facts.functions:
                for decorator in function.decorators:
                    self._decorator(facts, function, decorator)

    def _owner_calls(self, facts: FileFacts, names_of_owner_classes: frozenset[str],
                     ) -> tuple[tuple[tuple[CallFact, str], ...], tuple[tuple[CallFact, str], ...]]:
        """A file's calls that construct an app or router (with its kind), and its calls that
        may wire routes, routers and handlers (with the method's name)."""
        constructors = []
        wiring = []
        for call in facts.calls:
            callee = call.call.value
            if not isinstance(callee, str):
                continue
            method = callee.rsplit(".", 1)[-1]
            if (method.endswith("()") and call.call.receiver is not None) or method in _WIRING_METHODS:
                wiring.append((call, method))
            # Canonicalising every callee is the costly part: look at the name first.
            if method not in names_of_owner_classes:
                continue
            kind = self.owner_kind(callee)
            if kind is not None:
                constructors.append((call, kind))
        return tuple(constructors), tuple(wiring)

    def _call_form_route(self, facts: FileFacts, call: CallFact) -> None:
        """`app.get("/x", include_in_schema=False)(handler)`: the decorator, called by hand."""
        decorator = call.call.receiver
        handler = call.call.args[0] if call.call.args else None
        if decorator is None or handler is None or handler.kind != "ref" or not handler.symbol:
            return
        target = self.project.function_target(handler.symbol)
        if target is None:
            return
        self._route_decorator(facts, target.function, decorator, self.project.function_of(facts, call))

    def _owner_class_names(self) -> frozenset[str]:
        """Last names under which an app or router class can be called (`FastAPI`,
        `APIRouter`, a project subclass, or a module-level alias of one)."""
        classes = self.app_classes | self.router_classes
        names = {qualname.rsplit(".", 1)[-1] for qualname in classes}
        for qualname, (_, binding) in self.project.bindings.items():
            # `APIRouter = get_api_router_class(APIRoute)`: a factory that returns a subclass.
            target = binding.value.symbol
            if target and self.project.canonical(target) in classes:
                names.add(qualname.rsplit(".", 1)[-1])
        for qualname, ref in self.project.functions.items():
            # `get_api_router_class(APIRoute)(prefix=...)`: the class a factory returns, called.
            if ref.function.returned is not None and self.project.canonical(f"{qualname}()") in classes:
                names.add(f"{ref.function.name}()")
        return frozenset(names)

    def _wiring_call(self, facts: FileFacts, call: CallFact, method: str) -> None:
        project = self.project
        value = call.call
        function = project.function_of(facts, call)
        if function is not None and self._in_owner_class(function):
            return  # the machinery of an app or router subclass, not a route of the project
        owner = self.owner_of(value.target, facts, function)
        if method in ("include_router", "mount"):
            if owner is None:
                return
            if method == "include_router":
                child_val = value.args[0] if value.args else value.kwarg("router")
                prefix_val = value.kwarg("prefix")
            else:
                child_val = value.args[1] if len(value.args) > 1 else value.kwarg("app")
                prefix_val = value.args[0] if value.args else value.kwarg("path")
            child = self.owner_of(child_val, facts, function) or self._included_object(child_val)
            if child is None:
                return
            prefix = "" if prefix_val is None else project.string_value(prefix_val)
            self.includes.append(
                Include(owner.key, child.key, prefix, self._dependency_list(value.kwarg("dependencies")),
                        facts, value)
            )
        elif method in ("add_api_route", "add_api_websocket_route"):
            path_val = value.args[0] if value.args else value.kwarg("path")
            endpoint = value.args[1] if len(value.args) > 1 else value.kwarg("endpoint")
            target = project.function_target(endpoint.symbol if endpoint is not None else None) \
                if endpoint is not None and endpoint.kind == "ref" else None
            if method == "add_api_websocket_route":
                methods: tuple[str, ...] = ("WS",)
            else:
                methods = self._declared_methods(value.kwarg("methods"))
            if owner is None and not self._is_owner_type(value.value):
                return
            self._add_route(facts, value, methods, project.string_value(path_val), target, owner,
                            self._dependency_list(value.kwarg("dependencies")))
        elif method == "add_middleware":
            if owner is None and not self._is_owner_type(value.value):
                return
            cls_val = value.args[0] if value.args else value.kwarg("middleware_class")
            if cls_val is not None and cls_val.symbol:
                cls = project.canonical(cls_val.symbol)
                for name in ("dispatch", "__call__"):
                    found = project.method(cls, name)
                    if found is not None:
                        self.middleware_functions.add(found.qualname)
        elif method == "add_exception_handler":
            handler = value.args[1] if len(value.args) > 1 else value.kwarg("handler")
            target = project.function_target(handler.symbol) if handler is not None and handler.kind == "ref" else None
            if target is not None:
                self.exception_handlers.add(target.qualname)
        elif method == "add_event_handler":
            handler = value.args[1] if len(value.args) > 1 else value.kwarg("func")
            target = project.function_target(handler.symbol) if handler is not None and handler.kind == "ref" else None
            if target is not None:
                self.startup_handlers.add(target.qualname)

    def _included_object(self, value: Val | None) -> RouteOwner | None:
        """A module-level object of a class the model does not know (a library's or a factory's
        router), passed to `include_router`: FastAPI takes it as a router, so does the model."""
        if value is None or value.kind != "ref" or not isinstance(value.value, str):
            return None
        found = self.project.binding_value(value.value)
        if found is None or found[1].kind != "call" or found[1].span is None:
            return None
        facts, call = found
        key = (facts.path, call.span.row, call.span.col)  # type: ignore[union-attr]
        if key not in self.owners:
            prefix_val = call.kwarg("prefix")
            prefix = "" if prefix_val is None else self.project.string_value(prefix_val)
            self.owners[key] = RouteOwner(key, "router", value.value.rsplit(".", 1)[-1], facts, call, prefix)
        return self.owners[key]

    def _in_owner_class(self, function: FunctionFact) -> bool:
        """Whether a function is (nested in) a method of an app or router class."""
        qualname = function.qualname
        while "." in qualname:
            qualname = qualname.rsplit(".", 1)[0]
            if qualname in self.app_classes or qualname in self.router_classes:
                return True
        return False

    def _is_owner_type(self, callee: str | None) -> bool:
        if not callee:
            return False
        owner = self.project.canonical(callee).rsplit(".", 1)[0]
        return owner in self.app_classes or owner in self.router_classes

    def _decorator(self, facts: FileFacts, function: FunctionFact, decorator: Val) -> None:
        enclosing = None
        if function.nested:
            parent = self.project.functions.get(function.qualname.rsplit(".", 1)[0])
            enclosing = parent.function if parent is not None else None
        self._route_decorator(facts, function, decorator, enclosing)

    def _route_decorator(self, facts: FileFacts, function: FunctionFact, decorator: Val,
                         enclosing: FunctionFact | None) -> None:
        """A decorator (`@router.get("/x")`) applied to `function`, written in `enclosing`."""
        if decorator.kind != "call" or not isinstance(decorator.value, str):
            return
        method = decorator.value.rsplit(".", 1)[-1]
        owner = self.owner_of(decorator.target, facts, enclosing)
        if owner is None and not self._is_owner_type(decorator.value):
            return
        project = self.project
        ref = project.functions.get(function.qualname)
        if method in ROUTE_METHODS:
            path_val = decorator.args[0] if decorator.args else decorator.kwarg("path")
            methods = ROUTE_METHODS[method] or self._declared_methods(decorator.kwarg("methods"))
            self._add_route(facts, decorator, methods, project.string_value(path_val), ref, owner,
                            self._dependency_list(decorator.kwarg("dependencies")))
        elif method == "middleware":
            self.middleware_functions.add(function.qualname)
        elif method == "exception_handler":
            self.exception_handlers.add(function.qualname)
        elif method == "on_event":
            self.startup_handlers.add(function.qualname)

    def _declared_methods(self, value: Val | None) -> tuple[str, ...]:
        """`methods=[...]` of api_route/add_api_route: GET when absent, `?` when not static."""
        if value is None:
            return ("GET",)
        return self._methods(value) or ("?",)

    def _methods(self, value: Val | None) -> tuple[str, ...]:
        resolved = self.project.resolve_value(value)
        if resolved is None or resolved.kind != "list":
            return ()
        methods = []
        for item in resolved.value:  # type: ignore[union-attr]
            text = self.project.string_value(item)
            if text is None:
                return ()
            methods.append(text.upper())
        return tuple(methods)

    def _dependency_list(self, value: Val | None) -> tuple[str, ...]:
        resolved = self.project.resolve_value(value)
        if resolved is None or resolved.kind != "list":
            return ()
        found = []
        for item in resolved.value:  # type: ignore[union-attr]
            target = self.depends_target(item)
            if target is not None:
                found.append(target)
        return tuple(found)

    def depends_target(self, value: Val) -> str | None:
        """`Depends(f)` → the canonical symbol of f."""
        if value.kind != "call" or not value.value:
            return None
        if self.project.canonical(value.value) not in DEPENDS:  # type: ignore[arg-type]
            return None
        target = value.args[0] if value.args else value.kwarg("dependency")
        if target is None or target.symbol is None:
            return None
        return self.dependency_symbol(target.symbol)

    def _add_route(
        self,
        facts: FileFacts,
        call: Val,
        methods: tuple[str, ...],
        path: str | None,
        target: "FunctionRef | None",
        owner: RouteOwner | None,
        extra_dependencies: tuple[str, ...],
    ) -> None:
        function = target.function if target is not None else None
        handler = target.qualname if target is not None else "?"
        deps = list(extra_dependencies)
        if function is not None:
            deps.extend(self.param_dependencies(function))
        self.routes.append(
            Route(
                methods=methods,
                path=path,
                effective_paths=(),
                handler=handler,
                facts=facts,
                span=call.span,  # type: ignore[arg-type]
                is_async=function.is_async if function is not None else False,
                owner=owner,
                dependencies=tuple(deps),
                function=function,
            )
        )

    def param_dependencies(self, function: FunctionFact) -> list[str]:
        """The Depends targets of a function's parameters (defaults, Annotated, aliases)."""
        project = self.project
        found = []
        for param in function.params:
            target = param.depends
            if target is None and param.annotation is not None:
                binding = project.bindings.get(project.canonical_binding(param.annotation))
                if binding is not None and binding[1].depends is not None:
                    target = binding[1].depends
            if target is not None:
                found.append(self.dependency_symbol(target))
        return found

    def dependency_symbol(self, target: str) -> str:
        """Canonical name of a dependency; a factory's result stays a call (`requires("x")`
        depends on what `requires` returns: `app.auth.requires()`, not its return type)."""
        if target.endswith("()"):
            return f"{self.project.canonical(target[:-2])}()"
        return self.project.canonical(target)

    def owner_dependencies(self, key: tuple[str, int, int],
                           seen: frozenset = frozenset()) -> tuple[str, ...]:
        """The dependencies every route of an owner gets, outermost first: those of the apps and
        routers above it, of the `include_router(dependencies=...)` calls, and its own."""
        found: list[str] = []
        if key not in seen:
            for include in self.includes:
                if include.child == key:
                    found.extend(self.owner_dependencies(include.parent, seen | {key}))
                    found.extend(include.dependencies)
        found.extend(self._dependency_list(self.owners[key].call.kwarg("dependencies")))
        return tuple(dict.fromkeys(found))

    def route_dependencies(self, route: Route) -> tuple[str, ...]:
        """Every dependency FastAPI resolves for a route, each once: owner-level, route-level,
        the handler's parameters, then their sub-dependencies."""
        found = list(self.owner_dependencies(route.owner.key)) if route.owner is not None else []
        found.extend(route.dependencies)
        ordered = dict.fromkeys(found)
        pending = list(ordered)
        while pending:
            target = self.project.function_target(pending.pop(0))
            if target is None:
                continue
            for sub in self.param_dependencies(target.function):
                if sub not in ordered:
                    ordered[sub] = None
                    pending.append(sub)
        return tuple(ordered)

    # ------------------------------------------------------------------ paths
    def owner_prefixes(self, key: tuple[str, int, int], seen: frozenset = frozenset()) -> list[str] | None:
        """Every full prefix under which an owner's routes are served; None when unknown."""
        owner = self.owners[key]
        if owner.prefix is None:
            return None
        parents = [include for include in self.includes if include.child == key]
        if owner.kind == "app" and not parents:
            return None if owner.in_method else [owner.prefix]
        if not parents or key in seen:
            return None
        prefixes: list[str] = []
        for include in parents:
            if include.prefix is None:
                return None
            above = self.owner_prefixes(include.parent, seen | {key})
            if above is None:
                return None
            prefixes.extend(f"{p}{include.prefix}{owner.prefix}" for p in above)
        return prefixes

    @cached_property
    def resolved_routes(self) -> list[Route]:
        """The routes with their effective paths filled in."""
        resolved = []
        cache: dict[tuple[str, int, int], list[str] | None] = {}
        for route in self.routes:
            paths: tuple[str, ...] = ()
            if route.owner is not None and route.path is not None:
                key = route.owner.key
                if key not in cache:
                    cache[key] = self.owner_prefixes(key)
                prefixes = cache[key]
                if prefixes is not None:
                    paths = tuple(dict.fromkeys(f"{p}{route.path}" for p in prefixes))
            resolved.append(
                Route(route.methods, route.path, paths, route.handler, route.facts, route.span,
                      route.is_async, route.owner, route.dependencies, route.function)
            )
        return resolved

    # ------------------------------------------------------------------ roles
    @cached_property
    def route_handlers(self) -> dict[str, Route]:
        return {route.handler: route for route in self.resolved_routes if route.handler != "?"}

    @cached_property
    def dependencies(self) -> set[str]:
        """Every function used as a dependency, directly or as a sub-dependency."""
        project = self.project
        pending = []
        for route in self.routes:
            pending.extend(route.dependencies)
        for include in self.includes:
            pending.extend(include.dependencies)
        for owner in self.owners.values():
            pending.extend(self._dependency_list(owner.call.kwarg("dependencies")))
        # Any Depends() anywhere (e.g. in a helper module's Annotated alias) marks a dependency.
        for facts in project.files:
            for binding in facts.bindings:
                if binding.depends is not None:
                    pending.append(project.canonical(binding.depends))
            for function in facts.functions:
                for param in function.params:
                    if param.depends is not None:
                        pending.append(project.canonical(param.depends))
        found: set[str] = set()
        while pending:
            symbol = pending.pop()
            target = project.function_target(symbol)
            if target is None:
                instance_call = project.method(project.canonical(symbol), "__call__") \
                    if project.canonical(symbol) in project.classes else None
                target = instance_call
            if target is None or target.qualname in found:
                continue
            found.add(target.qualname)
            pending.extend(self.param_dependencies(target.function))
        return found

    @cached_property
    def middleware(self) -> set[str]:
        project = self.project
        found = set(self.middleware_functions)
        for qualname in project.classes:
            if project.is_subclass(qualname, MIDDLEWARE_BASES):
                dispatch = project.functions.get(f"{qualname}.dispatch")
                if dispatch is not None:
                    found.add(dispatch.qualname)
        return found

    @cached_property
    def request_entry_points(self) -> dict[str, str]:
        """Functions FastAPI calls on every request, with what they are (route, dependency…)."""
        # Sorted: the order decides which entry a shared function is reported as reached
        # from, and must not depend on the hash seed.
        entries: dict[str, str] = {}
        for qualname in sorted(self.exception_handlers):
            entries[qualname] = "exception handler"
        for qualname in sorted(self.middleware):
            entries[qualname] = "middleware"
        for qualname in sorted(self.dependencies):
            entries[qualname] = "dependency"
        for qualname in self.route_handlers:
            entries[qualname] = "route"
        return entries

    def describe(self, qualname: str) -> str:
        """How a message names a function: `route GET /users/{id}` or `dependency get_db`."""
        route = self.route_handlers.get(qualname)
        if route is not None:
            return f"route {route.label}"
        role = self.request_entry_points.get(qualname)
        short = qualname.rsplit(".", 1)[-1]
        if role is not None:
            return f"{role} `{short}`"
        return f"coroutine `{short}`"

    def routes_by_owner(self) -> dict[tuple[str, int, int] | None, list[Route]]:
        grouped: dict = defaultdict(list)
        for route in self.resolved_routes:
            grouped[route.owner.key if route.owner else None].append(route)
        return grouped


def _binding_names(facts: FileFacts) -> dict[tuple[str, int, int], str]:
    """The name each call of a file is bound to, by the call's place (`router = APIRouter()`)."""
    names = {}
    for binding in facts.bindings:
        value = binding.value
        if value.kind == "call" and value.span is not None:
            names[(facts.path, value.span.row, value.span.col)] = binding.qualname.rsplit(".", 1)[-1]
    return names
