"""The FastAPI model after an edit that only moved code: the model before it, placed anew.

When every changed file has the positionless facts it had (see
`fastlint.model.interface.positionless_facts`), building the model again would make the same
decisions on the same records: only where the changed files' records are written differs.
`place_moved` fills a new model's tables from the previous model's, with each record of a
changed file pointing at the new facts (its file, call, function, span, owner key). When a
position of an old file cannot be told apart from another (two spans that move differently
from one place), it gives up and the model is built.

May import `fastlint.facts` and `fastlint.model.fastapi_records`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from fastlint.facts.records import FileFacts, FunctionFact, Span, Val
from fastlint.model.fastapi_records import Include, Route, RouteOwner

if TYPE_CHECKING:
    from fastlint.model.fastapi_owners import OwnerResolution

Key = tuple[str, int, int]


class _Placement:
    """Where each span, value and function of the changed files' old facts is in their new
    facts (paired by walking both, which have the same shape)."""

    def __init__(self, changed: list[tuple[FileFacts, FileFacts]]) -> None:
        self.files: dict[int, FileFacts] = {id(old): new for old, new in changed}
        self.objects: dict[int, object] = {}  # id of an old Val or FunctionFact → the new one
        self.keys: dict[Key, Key] = {}  # (path, row, col) where a span starts → where it is now
        self.spans: dict[tuple[str, Span], Span] = {}
        self.clear = True  # False when one old position is two new ones
        for old, new in changed:
            for was, now in zip((old.imports, old.functions, old.classes, old.calls, old.bindings),
                                (new.imports, new.functions, new.classes, new.calls, new.bindings)):
                self._pair(old.path, was, now)

    def _pair(self, path: str, was: object, now: object) -> None:
        if type(was) is Span:
            self._span(path, was, now)  # type: ignore[arg-type]
        elif isinstance(was, tuple) and isinstance(now, tuple):
            if isinstance(was, (Val, FunctionFact)):
                self.objects[id(was)] = now
            for part, new_part in zip(was, now):
                self._pair(path, part, new_part)

    def _span(self, path: str, was: Span, now: Span) -> None:
        if self.spans.setdefault((path, was), now) != now:
            self.clear = False
        start = (path, was.row, was.col)
        if self.keys.setdefault(start, (path, now.row, now.col)) != (path, now.row, now.col):
            self.clear = False

    def key(self, key: Key) -> Key:
        return self.keys.get(key, key)

    def facts(self, facts: FileFacts) -> FileFacts:
        return self.files.get(id(facts), facts)

    def obj(self, item):  # type: ignore[no-untyped-def]
        return self.objects.get(id(item), item) if item is not None else None

    def span(self, path: str, span: Span) -> Span:
        return self.spans.get((path, span), span)


def place_moved(model: "OwnerResolution", before: "OwnerResolution",
                changed: list[tuple[FileFacts, FileFacts]]) -> bool:
    """Fill `model`'s tables from `before`'s with the changed files' records placed in their
    new facts; False (the tables left empty) when a position cannot be placed."""
    place = _Placement(changed)
    if not place.clear:
        return False
    moved = set(place.files)

    def owner(found: RouteOwner) -> RouteOwner:
        return model.owners[place.key(found.key)]

    for key, found in before.owners.items():
        if id(found.facts) in moved or key in place.keys:
            found = replace(found, key=place.key(key), facts=place.facts(found.facts),
                            call=place.obj(found.call))
        model.owners[found.key] = found
    for include in before.includes:
        facts = include.facts
        model.includes.append(Include(
            place.key(include.parent), place.key(include.child), include.prefix,
            include.dependencies, place.facts(facts) if facts is not None else None,
            place.obj(include.call)))
    for route in before.routes:
        route_owner = owner(route.owner) if route.owner is not None else None
        if id(route.facts) in moved or route_owner is not route.owner \
                or id(route.function) in place.objects:
            route = replace(route, facts=place.facts(route.facts),
                            span=place.span(route.facts.path, route.span), owner=route_owner,
                            function=place.obj(route.function))
        model.routes.append(route)
    for table in ("middleware_functions", "exception_handlers", "lifespans", "startup_handlers"):
        getattr(model, table).update(getattr(before, table))
    model.lifespan_apps.update((name, owner(app) if app is not None else None)
                               for name, app in before.lifespan_apps.items())
    model.served_apps.update(place.key(key) for key in before.served_apps)
    for qualname, keys in before.owners_by_function.items():
        model.owners_by_function[qualname] = [place.key(key) for key in keys]
    return True
