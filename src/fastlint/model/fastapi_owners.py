"""The apps and routers of a project, and what an expression passed to FastAPI stands for.

`OwnerResolution` is the base of the FastAPI model: which classes are apps or routers (also
project subclasses), which app or router an expression evaluates to (through bindings,
factories and annotated parameters), and what a `Depends(...)` or a `methods=[...]`
argument names. It holds the model's tables, filled by `fastlint.model.fastapi_build`.

May import `fastlint.facts` and `fastlint.model.fastapi_records`; the project only for
annotations.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import cached_property
from typing import TYPE_CHECKING

from fastlint.facts.records import FileFacts, FunctionFact, Val, parameter_name
from fastlint.model.fastapi_records import (
    APP_CLASSES, DEPENDS, ROUTER_CLASSES, Include, Route, RouteOwner,
)

if TYPE_CHECKING:
    from fastlint.model.project import Project

_MAX_OWNER_DEPTH = 6


class OwnerResolution:
    """The model's tables, and how values passed to FastAPI resolve to its objects."""

    def __init__(self, project: "Project") -> None:
        self.project = project
        self.owners: dict[tuple[str, int, int], RouteOwner] = {}
        self.includes: list[Include] = []
        self.routes: list[Route] = []
        # Where in `routes` those declared by decorators start: they follow in the order of
        # the files, and of the decorators in each.
        self.decorator_routes_from = 0
        self.middleware_functions: set[str] = set()
        self.exception_handlers: set[str] = set()
        self.lifespans: set[str] = set()
        # The app each lifespan function is given (`FastAPI(lifespan=lifespan)`).
        self.lifespan_apps: dict[str, RouteOwner | None] = {}
        # Apps handed to a server (`uvicorn.run(app)`): served at "/" even when built in a method.
        self.served_apps: set[tuple[str, int, int]] = set()
        self.startup_handlers: set[str] = set()
        # Apps and routers constructed inside a function (a `create_app()` factory).
        self.owners_by_function: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
        # The functions whose call sites were read (to tell the owner a parameter is given).
        self.call_sites_read: set[str] = set()

    @cached_property
    def app_classes(self) -> frozenset[str]:
        return self.project.table_memo("app classes", lambda: self._classes_derived_from(APP_CLASSES),
                                       reads_classes=True)

    @cached_property
    def router_classes(self) -> frozenset[str]:
        return self.project.table_memo("router classes",
                                       lambda: self._classes_derived_from(ROUTER_CLASSES), reads_classes=True)

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
            name = parameter_name(value.value)
            if function is not None and name is not None:
                return self._owner_passed(function, name, depth)
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
        returned = factory.function.returned
        if not built and returned and not returned.endswith("()"):
            # `return server.app`: the factory hands out an app built elsewhere.
            return self.owner_of(Val("ref", returned), facts, None, depth + 1)
        return None

    def _parameter_owner(self, function: FunctionFact, symbol: str, depth: int) -> RouteOwner | None:
        """The owner bound to a parameter annotated `FastAPI`/`APIRouter`, when every call
        site of the function passes the same one (FastAPI itself calls a lifespan with its
        app)."""
        matches = [index for index, param in enumerate(function.params)
                   if param.annotation is not None and f"{param.annotation}()" == symbol]
        if len(matches) != 1 or self.owner_kind(symbol[:-2]) is None:
            return None
        return self._owner_passed(function, function.params[matches[0]].name, depth)

    def _owner_passed(self, function: FunctionFact, name: str, depth: int) -> RouteOwner | None:
        """The owner every call site passes for the parameter `name` of `function`."""
        project = self.project
        index = next((i for i, param in enumerate(function.params) if param.name == name), None)
        if index is None:
            return None
        param = function.params[index]
        if param.kind not in ("positional", "kwonly"):
            return None
        if function.class_qualname is not None and not any(
            decorator.kind == "ref" and decorator.value == "staticmethod"
            for decorator in function.decorators
        ):
            index -= 1  # `self` is not passed at the call site
        found: dict[tuple[str, int, int], RouteOwner] = {}
        self.call_sites_read.add(function.qualname)
        served = self.lifespan_apps.get(function.qualname)
        if served is not None and index == 0 and param.kind == "positional":
            found[served.key] = served  # FastAPI calls its lifespan with the app
        for facts, call in project.callgraph.call_sites.get(function.qualname, ()):
            argument = call.call.kwarg(param.name)
            if argument is None and param.kind == "positional" and 0 <= index < len(call.call.args):
                argument = call.call.args[index]
            owner = self.owner_of(argument, facts, project.function_of(facts, call), depth + 1)
            if owner is None:
                return None
            found[owner.key] = owner
        return next(iter(found.values())) if len(found) == 1 else None

    def owner_class_names(self) -> frozenset[str]:
        """Last names under which an app or router class can be called (`FastAPI`,
        `APIRouter`, a project subclass, or a module-level alias of one): a first test of a
        call, before its callee is resolved (a name too many only costs that resolution)."""
        return self.project.table_memo(
            "owner class names", self._owner_class_names, reads_definitions=True,
            patched=lambda names, patch: names | self._names_of(patch.bindings.items(), patch.functions.items())
            | {qualname.rsplit(".", 1)[-1] for qualname in patch.classes
               if qualname in self.app_classes or qualname in self.router_classes})

    def _owner_class_names(self) -> frozenset[str]:
        classes = self.app_classes | self.router_classes
        return frozenset({qualname.rsplit(".", 1)[-1] for qualname in classes}) | self._names_of(
            self.project.bindings.items(), self.project.functions.items())

    def _names_of(self, bindings: Iterable, functions: Iterable) -> frozenset[str]:
        classes = self.app_classes | self.router_classes
        names = set()
        for qualname, found in bindings:
            # `APIRouter = get_api_router_class(APIRoute)`: a factory that returns a subclass.
            target = found[1].value.symbol if found is not None else None
            if target and self.project.canonical(target) in classes:
                names.add(qualname.rsplit(".", 1)[-1])
        for qualname, ref in functions:
            # `get_api_router_class(APIRoute)(prefix=...)`: the class a factory returns, called.
            if ref is not None and ref.function.returned is not None \
                    and self.project.canonical(f"{qualname}()") in classes:
                names.add(f"{ref.function.name}()")
        return frozenset(names)

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
