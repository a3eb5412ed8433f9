"""How the FastAPI model is read from the facts: app and router constructors, the calls that
wire them (`include_router`, `mount`, `add_api_route`, `add_middleware`, handlers) and the
decorators that declare routes.

May import `fastlint.facts`, `fastlint.model.fastapi_records` and
`fastlint.model.fastapi_owners`; the project only for annotations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastlint.facts.records import BindingFact, CallFact, FileFacts, FunctionFact, Val
from fastlint.model.fastapi_owners import OwnerResolution
from fastlint.model.fastapi_records import (
    ASGI_NAMES, ROUTE_METHODS, SERVER_CALLS, WIRING_METHODS, Include, Route, RouteOwner,
)

if TYPE_CHECKING:
    from fastlint.model.project import FunctionRef


class FastAPIReader(OwnerResolution):
    """Fills the model's tables from every file's facts (`_build`, once)."""

    def _build(self) -> None:
        project = self.project
        constructors: list[tuple[FileFacts, CallFact, str]] = []
        # Calls that wire routes, routers and handlers: handled once every owner is known.
        wiring: list[tuple[FileFacts, CallFact, str]] = []
        names_of_owner_classes = self.owner_class_names()
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
                served = project.canonical(lifespan.symbol)
                self.lifespans.add(served)
                if kind == "app":  # a lifespan shared by two apps is given neither
                    owner = self.lifespan_apps.get(served, self.owners[key])
                    self.lifespan_apps[served] = owner if owner is self.owners[key] else None
        for facts, call, method in wiring:
            if method == "serve":
                self._served(facts, call)
            elif method.endswith("()") and call.call.receiver is not None:
                self._call_form_route(facts, call)
            else:
                self._wiring_call(facts, call, method)
        self.decorator_routes_from = len(self.routes)
        for facts in project.files:
            for function, decorator in project.file_memo("route decorators", facts,
                                                         lambda: route_decorators(facts)):
                self._decorator(facts, function, decorator)
            for binding in project.file_memo("asgi bindings", facts, lambda: asgi_bindings(facts)):
                self._served_by_name(facts, binding)

    def _owner_calls(self, facts: FileFacts, names_of_owner_classes: frozenset[str],
                     ) -> tuple[tuple[tuple[CallFact, str], ...], tuple[tuple[CallFact, str], ...]]:
        """A file's calls that construct an app or router (with its kind), and its calls that
        may wire routes, routers and handlers (with the method's name)."""
        constructors = []
        wiring = []
        for call in facts.calls:
            kind, method = self._call_role(call, names_of_owner_classes)
            if method is not None:
                wiring.append((call, method))
            if kind is not None:
                constructors.append((call, kind))
        return tuple(constructors), tuple(wiring)

    def _call_role(self, call: CallFact, names_of_owner_classes: frozenset[str],
                   ) -> tuple[str | None, str | None]:
        """Whether a call constructs an app or router (its kind), and whether it may wire
        routes, routers or handlers (the method's name, or "serve")."""
        callee = call.call.value
        if not isinstance(callee, str):
            return None, None
        method = callee.rsplit(".", 1)[-1]
        wires = None
        if (method.endswith("()") and call.call.receiver is not None) or method in WIRING_METHODS:
            wires = method
        elif callee in SERVER_CALLS:
            wires = "serve"
        # Canonicalising every callee is the costly part: look at the name first.
        if method not in names_of_owner_classes:
            return None, wires
        return self.owner_kind(callee), wires

    def reads_call(self, facts: FileFacts, call: CallFact) -> bool:
        """Whether building the model read this call: it constructs an app or router, may
        wire one, or calls a function whose call sites tell the owner a parameter is given."""
        names = self.owner_class_names()
        if self._call_role(call, names) != (None, None):
            return True
        target = self.project.function_target(call.call.value) \
            if isinstance(call.call.value, str) else None
        return target is not None and target.qualname in self.call_sites_read

    def _served_by_name(self, facts: FileFacts, binding: BindingFact) -> None:
        """`app = create_app()` at module level: the name an ASGI server is pointed at
        (`uvicorn main:app`), so the app is served at the root, wherever it was built."""
        owner = self.owner_of(binding.value, facts)
        if owner is not None and owner.kind == "app":
            self.served_apps.add(owner.key)

    def _served(self, facts: FileFacts, call: CallFact) -> None:
        """`uvicorn.run(app)`: the app is served at the root, wherever it was built."""
        value = call.call
        argument = value.args[0] if value.args else value.kwarg("app")
        owner = self.owner_of(argument, facts, self.project.function_of(facts, call))
        if owner is not None and owner.kind == "app":
            self.served_apps.add(owner.key)

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

    def add_typed_route(self, facts: FileFacts, function: FunctionFact, decorator: Val) -> None:
        """The route of a decorator typed after the model was built, put where a build puts
        it: among the routes of decorators, in the order of the files and of their place."""
        count = len(self.routes)
        self._decorator(facts, function, decorator)
        if len(self.routes) == count:
            return
        route = self.routes.pop()
        place = (facts.path, route.span.row, route.span.col)
        index = next((index for index in range(self.decorator_routes_from, len(self.routes))
                      for other in [self.routes[index]]
                      if (other.facts.path, other.span.row, other.span.col) > place), len(self.routes))
        self.routes.insert(index, route)

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


def _binding_names(facts: FileFacts) -> dict[tuple[str, int, int], str]:
    """The name each call of a file is bound to, by the call's place (`router = APIRouter()`)."""
    names = {}
    for binding in facts.bindings:
        value = binding.value
        if value.kind == "call" and value.span is not None:
            names[(facts.path, value.span.row, value.span.col)] = binding.qualname.rsplit(".", 1)[-1]
    return names


_DECORATOR_METHODS = frozenset(ROUTE_METHODS) | {"middleware", "exception_handler", "on_event"}


def asgi_bindings(facts: FileFacts) -> tuple[BindingFact, ...]:
    """A file's module-level bindings of the names ASGI servers are pointed at, to a call or
    a reference (`app = create_app()`)."""
    names = {f"{facts.module}.{name}" for name in ASGI_NAMES}
    return tuple(binding for binding in facts.bindings
                 if binding.qualname in names and binding.value.kind in ("call", "ref"))


def route_decorators(facts: FileFacts) -> tuple[tuple[FunctionFact, Val], ...]:
    """The decorators of a file that may declare a route or a handler (`@x.get(...)`,
    `@x.middleware(...)`…), with the function each decorates: the only ones
    `_route_decorator` acts on."""
    return tuple((function, decorator) for function in facts.functions
                 for decorator in function.decorators if decorator_method(decorator))


def decorator_method(decorator: Val) -> str | None:
    """The method of a decorator that may declare a route or a handler (`get`, `middleware`…)."""
    if decorator.kind == "call" and isinstance(decorator.value, str):
        method = decorator.value.rsplit(".", 1)[-1]
        if method in _DECORATOR_METHODS:
            return method
    return None
