"""Which project functions run on every request, and the request path that reaches them.

FL201 and FL406 report work repeated on every request (a client built, settings re-read) in
a route, dependency, middleware or exception handler, or in any project function they call.
Calls are not followed into code that runs once: functions under `functools.cache` /
`lru_cache`, lifespans, startup handlers and app factories; nor more than `MAX_HOPS` deep.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from fastlint.facts.guards import Guard, contradicted
from fastlint.model.callgraph import Edge
from fastlint.model.scope import is_cli_command

if TYPE_CHECKING:
    from fastlint.model.project import FunctionRef, Project

# Calls are followed this many functions deep: beyond, a path is too speculative to report
# (and usually reconfiguration, not request work).
MAX_HOPS = 4

_ROLE_PHRASES = {
    "route": "request to {label}",
    "dependency": "request{to} that depends on `{name}`",
    "middleware": "request, in middleware `{name}`",
    "exception handler": "failing request, in exception handler `{name}`",
}


@dataclass(frozen=True, slots=True)
class RequestPath:
    """How a function is reached per request: from `entry`, calling the functions in `hops`
    in turn (qualified names: a path holds no fact, so it is kept across edits that only
    move code, see `Project.carried_memo`)."""

    entry: str
    role: str  # "route" | "dependency" | "middleware" | "exception handler"
    hops: tuple[str, ...]


class PerRequest:
    """The functions of a project that run on every request."""

    def __init__(self, project: "Project") -> None:
        self.project = project

    @cached_property
    def runs_once(self) -> frozenset[str]:
        """Functions that run once per process, not per request: lifespans (startup before
        the `yield`, shutdown after), startup/shutdown handlers, and app factories."""
        return self.project.carried_memo(("per request", "runs once"), self._runs_once,
                                         self.project.kept_with_model_but_routes)

    def _runs_once(self) -> frozenset[str]:
        model = self.project.fastapi
        once = set(model.lifespans) | set(model.startup_handlers)
        for owner in model.owners.values():
            if owner.kind != "app" or owner.call.span is None:
                continue
            factory = _enclosing_function(owner.facts.functions, owner.call.span)
            if factory is not None:
                once.add(factory)
        return frozenset(once)

    @cached_property
    def at_startup(self) -> frozenset[str]:
        """`runs_once`, and the coroutines only they (or code outside the application, or a
        command-line command wherever it is: `scope.is_cli_command`) call: `async def
        startup(app)` awaited by the lifespan, and what it awaits in turn. A request entry
        point is never startup work."""
        return self.project.carried_memo(("per request", "at startup"), self._at_startup)

    def _at_startup(self) -> frozenset[str]:
        project = self.project
        entries = project.fastapi.request_entry_points
        graph = project.callgraph
        application: dict[str, bool] = {}

        def outside(edge: Edge) -> bool:
            """A caller outside the application, or a command-line command (in a module the
            app imports, as lnbits's `commands.py`)."""
            path = edge.facts.path
            if path not in application:
                application[path] = project.scope.is_application(edge.facts)
            return not application[path] or is_cli_command(edge.facts, edge.facts.functions[edge.call.function])

        found = set(self.runs_once)
        pending = list(found)
        while pending:
            for edge in graph.edges.get(pending.pop(), ()):
                callee = edge.callee
                qualname = callee.qualname
                if qualname in found or qualname in entries or not callee.function.is_async:
                    continue
                if all(caller.caller in found or outside(caller) for caller in graph.callers[qualname]):
                    found.add(qualname)
                    pending.append(qualname)
        return frozenset(found)

    def _runs_per_request(self, ref: FunctionRef) -> bool:
        return not ref.function.cached and ref.qualname not in self.runs_once

    @cached_property
    def paths(self) -> dict[str, RequestPath]:
        """Every function run per request → the path from its request entry point."""
        return self.project.carried_memo(("per request", "paths"), self._paths)

    def _paths(self) -> dict[str, RequestPath]:
        project = self.project
        roles = project.fastapi.request_entry_points
        entries = {
            qualname: role for qualname, role in roles.items()
            if qualname in project.functions and self._runs_per_request(project.functions[qualname])
        }
        reached = project.callgraph.reachable(entries, self._runs_per_request)
        found: dict[str, RequestPath] = {}
        for qualname, (origin, _) in reached.items():
            hops: list[str] = []
            current = qualname
            while True:
                edge = reached[current][1]
                if edge is None or len(hops) > len(reached):
                    break
                hops.append(edge.callee.qualname)
                current = edge.caller
            if len(hops) > MAX_HOPS:
                continue
            found[qualname] = RequestPath(origin, roles[origin], tuple(reversed(hops)))
        return found

    def path_through(self, qualname: str, guards: tuple[Guard, ...]) -> RequestPath | None:
        """How a call under `guards` in function `qualname` is reached per request: through a
        caller whose constant arguments take that branch. None when no caller does (a client
        built for `isinstance(x, list)` when every caller passes a string)."""
        path = self.paths.get(qualname)
        if path is None or not guards or qualname in self.project.fastapi.request_entry_points:
            return path
        function = self.project.functions[qualname].function
        for edge in self.project.callgraph.callers.get(qualname, ()):
            above = self.paths.get(edge.caller)
            if above is None or len(above.hops) >= MAX_HOPS or contradicted(guards, edge.call.call, function):
                continue
            return RequestPath(above.entry, above.role, (*above.hops, qualname))
        return None

    @cached_property
    def _root(self) -> str:
        directories = {os.path.dirname(facts.path) for facts in self.project.files}
        try:
            return os.path.commonpath(sorted(directories)) if directories else ""
        except ValueError:
            return ""

    def location(self, ref: FunctionRef) -> str:
        """`services/users.py:12`: where a function is defined, relative to the project."""
        path = ref.facts.path
        if self._root:
            path = os.path.relpath(path, self._root)
        return f"{path.replace(os.sep, '/')}:{ref.function.def_span.row}"

    def describe(self, path: RequestPath) -> str:
        """`request to GET /users/{id} (users.py:41 → services/users.py:12 fetch_user())`."""
        functions = self.project.functions
        entry = functions[path.entry]
        route = self.project.fastapi.route_handlers.get(entry.qualname)
        label = route.label if route is not None else entry.function.name
        phrase = _ROLE_PHRASES.get(path.role, "request, in `{name}`")
        where = [self.location(entry)]
        where.extend(f"{self.location(functions[hop])} {functions[hop].function.name}()" for hop in path.hops)
        to = f" to {self._route_using[entry.qualname]}" if entry.qualname in self._route_using else ""
        return f"{phrase.format(label=label, name=entry.function.name, to=to)} ({' → '.join(where)})"

    @cached_property
    def _route_using(self) -> dict[str, str]:
        """A dependency → the first route that declares it (to name a request path)."""
        found: dict[str, str] = {}
        for route in self.project.fastapi.resolved_routes:
            for dependency in route.dependencies:
                found.setdefault(dependency, route.label)
        return found


def _enclosing_function(functions, span) -> str | None:
    """The innermost function whose body contains a span."""
    found = None
    for function in functions:
        body = function.span
        if (body.row, body.col) <= (span.row, span.col) and (span.end_row, span.end_col) <= (
            body.end_row, body.end_col
        ):
            if found is None or (function.span.row, function.span.col) >= (found.span.row, found.span.col):
                found = function
    return found.qualname if found is not None else None
