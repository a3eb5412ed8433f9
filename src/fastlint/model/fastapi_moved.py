"""The FastAPI model after an edit that only moved code: the model before it, placed anew.

When every changed file has the positionless facts it had (see
`fastlint.model.interface.positionless_facts`), building the model again would make the same
decisions on the same records: only where the changed files' records are written differs.
So it is too when only calls the model does not read changed (a statement typed in a route:
see `FastAPIModel.moved`); the calls kept before and after them are paired in order.
`place_moved` fills a new model's tables from the previous model's, with each record of a
changed file pointing at the new facts (its file, call, function, span, owner key). When a
position of an old file cannot be told apart from another (two spans that move differently
from one place), or a record points at something not paired, it gives up and the model is
built.

May import `fastlint.facts` and `fastlint.model.fastapi_records` (`fastlint.model.interface`
for annotations).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from fastlint.facts.records import CallFact, FileFacts, Span, Val
from fastlint.model.fastapi_records import RouteOwner

if TYPE_CHECKING:
    from fastlint.model.fastapi_owners import OwnerResolution
    from fastlint.model.interface import CallsEdit, Run

Key = tuple[str, int, int]


class _Unplaced(Exception):
    """A record of a changed file points at something the placement did not pair."""


class _Placement:
    """Where the values, functions and spans of the changed files' old facts that the
    model's records point at (calls, decorators, bindings' values, functions) are in their
    new facts, paired record by record (both have the same shape)."""

    def __init__(self, changed: list[tuple[FileFacts, FileFacts]],
                 edits: "dict[str, CallsEdit]") -> None:
        self.files: dict[int, FileFacts] = {id(old): new for old, new in changed}
        self.paths = {old.path for old, _ in changed}
        self.objects: dict[int, object] = {}  # id of an old Val or FunctionFact → the new one
        self.keys: dict[Key, Key] = {}  # (path, row, col) where a span starts → where it is now
        self.spans: dict[tuple[str, Span], Span] = {}
        self.clear = True  # False when one old position is two new ones
        self.removed: set[int] = set()  # ids of the old functions an edit took out
        for old, new in changed:
            path = old.path
            edit = edits.get(path)
            for was, now in _kept_calls(old, new, edit):
                self._pair(path, was.call, now.call)
                self._span(path, was.span, now.span)
            if edit is not None:
                self.removed.update(map(id, edit.functions.removed_of(old.functions)))
            for was, now in _kept(old.functions, new.functions, edit.functions if edit else None):
                self.objects[id(was)] = now
                for decorator, new_decorator in zip(was.decorators, now.decorators):
                    self._pair(path, decorator, new_decorator)
            for was, now in _kept(old.bindings, new.bindings, edit.bindings if edit else None):
                self._pair(path, was.value, now.value)

    def _pair(self, path: str, was: Val, now: Val) -> None:
        self.objects[id(was)] = now
        if was.span is not None and now.span is not None:
            self._span(path, was.span, now.span)

    def _span(self, path: str, was: Span, now: Span) -> None:
        if self.spans.setdefault((path, was), now) != now:
            self.clear = False
        start = (path, was.row, was.col)
        if self.keys.setdefault(start, (path, now.row, now.col)) != (path, now.row, now.col):
            self.clear = False

    def moved(self, facts: FileFacts | None) -> bool:
        return facts is not None and id(facts) in self.files

    def facts(self, facts: FileFacts) -> FileFacts:
        return self.files.get(id(facts), facts)

    def key(self, key: Key) -> Key:
        if key[0] not in self.paths:
            return key
        if key not in self.keys:
            raise _Unplaced(key)
        return self.keys[key]

    def obj(self, item):  # type: ignore[no-untyped-def]
        """The new value or function of an old one of a changed file."""
        if item is None:
            return None
        if id(item) not in self.objects:
            raise _Unplaced(item)
        return self.objects[id(item)]

    def span(self, path: str, span: Span) -> Span:
        if (path, span) not in self.spans:
            raise _Unplaced(span)
        return self.spans[(path, span)]


def _kept_calls(old: FileFacts, new: FileFacts,
                edit: "CallsEdit | None") -> Iterator[tuple[CallFact, CallFact]]:
    """The calls of a file before and after an edit that are the same call, paired."""
    if edit is None:
        yield from zip(old.calls, new.calls)
        return
    yield from zip(old.calls[:edit.kept_before], new.calls[:edit.kept_before])
    if edit.kept_after:
        yield from zip(old.calls[-edit.kept_after:], new.calls[-edit.kept_after:])


def _kept(old: tuple, new: tuple, run: "Run | None") -> Iterator[tuple]:
    """The records (functions or bindings) of a file before and after an edit that are the
    same record, paired."""
    if run is None:
        yield from zip(old, new)
        return
    for index, was in enumerate(old):
        now = run.new_index(index)
        if now is not None:
            yield was, new[now]


def place_moved(model: "OwnerResolution", before: "OwnerResolution",
                changed: list[tuple[FileFacts, FileFacts]], edits: "dict[str, CallsEdit]") -> bool:
    """Fill `model`'s tables from `before`'s with the changed files' records placed in their
    new facts (`edits`: how the calls of those whose calls changed did); False when one
    cannot be placed (`model` is then not to be used)."""
    place = _Placement(changed, edits)
    if not place.clear:
        return False
    try:
        _place(model, before, place)
    except _Unplaced:
        return False  # the caller builds the model instead of this one
    return True


def _place(model: "OwnerResolution", before: "OwnerResolution", place: _Placement) -> None:
    def owner(found: RouteOwner) -> RouteOwner:
        return model.owners[place.key(found.key)]

    for key, found in before.owners.items():
        if place.moved(found.facts):
            found = replace(found, key=place.key(key), facts=place.facts(found.facts),
                            call=place.obj(found.call))
        elif key[0] in place.paths:
            raise _Unplaced(key)  # an owner keyed in a changed file, built from another
        model.owners[found.key] = found
    for include in before.includes:
        if place.moved(include.facts):
            include = replace(include, facts=place.facts(include.facts), call=place.obj(include.call))
        model.includes.append(replace(include, parent=place.key(include.parent),
                                      child=place.key(include.child)))
    model.decorator_routes_from = before.decorator_routes_from
    for index, route in enumerate(before.routes):
        if route.function is not None and id(route.function) in place.removed:
            if index >= before.decorator_routes_from and place.moved(route.facts):
                continue  # its function was taken out or replaced: its decorators are read again
            raise _Unplaced(route.function)  # a route another call declares
        route_owner = owner(route.owner) if route.owner is not None else None
        if place.moved(route.facts):
            route = replace(route, facts=place.facts(route.facts),
                            span=place.span(route.facts.path, route.span),
                            function=place.obj(route.function))
        elif route.function is not None and id(route.function) in place.objects:
            route = replace(route, function=place.obj(route.function))
        if route_owner is not route.owner:
            route = replace(route, owner=route_owner)
        model.routes.append(route)
    for table in ("middleware_functions", "exception_handlers", "lifespans", "startup_handlers"):
        getattr(model, table).update(getattr(before, table))
    model.lifespan_apps.update((name, owner(app) if app is not None else None)
                               for name, app in before.lifespan_apps.items())
    model.served_apps.update(place.key(key) for key in before.served_apps)
    for qualname, keys in before.owners_by_function.items():
        model.owners_by_function[qualname] = [place.key(key) for key in keys]
