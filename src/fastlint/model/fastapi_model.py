"""The FastAPI model: apps, routers, include chains, routes with effective paths, dependencies.

This is the one place that knows FastAPI semantics. It is built once from the project's
facts (`fastlint.model.fastapi_build` reads them, `fastlint.model.fastapi_owners` resolves
what values stand for); what cannot be resolved statically is marked unknown (None), never
guessed. This module answers the questions rules ask: effective paths, every dependency of
a route, which functions FastAPI calls per request and how to name them.

May import `fastlint.facts` and the `fastlint.model.fastapi_*` modules; the project only
for annotations.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cached_property
from typing import TYPE_CHECKING

from fastlint.facts.records import FileFacts, FunctionFact, Val
from fastlint.model.fastapi_build import FastAPIReader, asgi_bindings, decorator_method
from fastlint.model.fastapi_moved import place_moved
from fastlint.model.interface import class_signature
from fastlint.model.fastapi_records import MIDDLEWARE_BASES, ROUTE_METHODS, Route, RouteOwner

# The records are imported from here by rules (`from fastlint.model.fastapi_model import Route`).
__all__ = ["FastAPIModel", "MIDDLEWARE_BASES", "Route", "RouteOwner"]

if TYPE_CHECKING:
    from fastlint.model.interface import CallsEdit
    from fastlint.model.project import Project


class FastAPIModel(FastAPIReader):
    """Apps, routers, includes and routes of a project, and what FastAPI does with them."""

    def __init__(self, project: "Project") -> None:
        super().__init__(project)
        # Whether the model was placed from the one before an edit that typed or took out
        # routes (see `moved`): its other tables are that model's.
        self.routes_changed = False
        self._build()

    @classmethod
    def moved(cls, project: "Project", before: "FastAPIModel",
              changed: list[tuple[FileFacts, FileFacts]],
              edits: "dict[str, CallsEdit]") -> "FastAPIModel | None":
        """The model of a project whose changed files only moved, or changed calls the model
        does not read: `before`'s, placed in the new facts (see fastlint.model.fastapi_moved);
        None when it cannot be placed. An edit that typed or took out functions, or changed
        the arguments of a function's decorators, may have typed, taken out or changed their
        routes too, in a module that declares others before and after: they are added or
        left out (`routes_changed`)."""
        model = cls.__new__(cls)
        super(FastAPIModel, model).__init__(project)
        model.routes_changed = False
        model.call_sites_read.update(before.call_sites_read)
        if any(model.reads_call(facts, call) for facts, call in project.edit.calls()) \
                or not project.edit.definitions_kept(lambda facts: _definition_inputs(project, facts)):
            return None
        typed = _typed_routes(project)
        if typed is None or project.edit.functions_gone() & before.owners_by_function.keys() \
                or not place_moved(model, before, changed, edits):
            return None
        if typed or len(model.routes) != len(before.routes):
            owners = len(model.owners)
            for facts, function, decorator in typed:
                model.add_typed_route(facts, function, decorator)
            modules = {new.module for _, new, edit in project.edit.files
                       if edit.functions.removed or edit.functions.added}
            if len(model.owners) != owners or not modules <= {route.facts.module for route in before.routes} \
                    or not modules <= {route.facts.module for route in model.routes}:
                return None  # a module starts or stops declaring routes: the scope reads that
            model.routes_changed = True
        return model

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
            return None if owner.in_method and key not in self.served_apps else [owner.prefix]
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

    # The functions FastAPI calls, and how, are names read from no position: kept across
    # edits that only move code or change calls the model does not read (see
    # `Project.carried_memo`).
    @cached_property
    def dependencies(self) -> frozenset[str]:
        """Every function used as a dependency, directly or as a sub-dependency."""
        return self.project.carried_memo(("fastapi", "dependencies"), self._dependencies,
                                         self.project.kept_with_model)

    def _dependencies(self) -> frozenset[str]:
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
            pending.extend(project.file_memo("depends targets", facts, lambda: _depends_targets(project, facts)))
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
        return frozenset(found)

    @cached_property
    def middleware(self) -> frozenset[str]:
        project = self.project
        return project.carried_memo(  # every middleware class's `dispatch`: read again when a class changed
            ("fastapi", "middleware"), self._middleware,
            lambda before: project.kept_with_model_but_routes(before)
            if project.edit.definitions_kept(class_signature) else None)

    def _middleware(self) -> frozenset[str]:
        project = self.project
        # The `dispatch` of every middleware class: names alone decide them.
        dispatches = project.table_memo("middleware dispatch methods", reads_classes=True, compute=lambda: frozenset(
            project.functions[f"{qualname}.dispatch"].qualname for qualname in project.classes
            if project.is_subclass(qualname, MIDDLEWARE_BASES)
            and f"{qualname}.dispatch" in project.functions))
        return frozenset(self.middleware_functions) | dispatches

    @cached_property
    def request_entry_points(self) -> dict[str, str]:
        """Functions FastAPI calls on every request, with what they are (route, dependency…)."""
        return self.project.carried_memo(("fastapi", "entry points"), self._request_entry_points,
                                         self.project.kept_with_model)

    def _request_entry_points(self) -> dict[str, str]:
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


def _definition_inputs(project: "Project", facts: FileFacts) -> tuple:
    """What building the model reads of a file's definitions besides their names and their
    routes: how many bindings an ASGI server may be pointed at (an edit of definitions adds
    or takes out some in one place, see `calls_edit`), and what its `Depends(...)` name."""
    return len(asgi_bindings(facts)), _depends_targets(project, facts)


def _typed_routes(project: "Project") -> "list[tuple[FileFacts, FunctionFact, Val]] | None":
    """The decorators that declare a route on the functions an edit typed (see `calls_edit`),
    with their file and function; None when one it typed or took out declares a handler
    (middleware, exception or startup: other tables hold those)."""
    found = []
    for old, new, edit in project.edit.files:
        run = edit.functions
        for facts, functions in ((old, run.removed_of(old.functions)),
                                 (new, run.added_of(new.functions))):
            for function in functions:
                for decorator in function.decorators:
                    method = decorator_method(decorator)
                    if method is not None and method not in ROUTE_METHODS:
                        return None
                    if method is not None and facts is new:
                        found.append((new, function, decorator))
    return found


def _depends_targets(project: "Project", facts: FileFacts) -> tuple[str, ...]:
    """What every `Depends(...)` of a file names (in bindings, then parameters), canonical."""
    found = [project.canonical(binding.depends) for binding in facts.bindings if binding.depends is not None]
    found.extend(project.canonical(param.depends) for function in facts.functions
                 for param in function.params if param.depends is not None)
    return tuple(found)
