"""The call graph over project functions and methods, built from call facts.

Its `memo` keeps what is computed from the graph's edges alone (qualified names, not facts)
across edits that keep every edge: an edit whose changed files make the same calls of
project functions from the same functions (a library call added, a line moved). After an edit
that added or removed edges, it offers what was computed before to be reused when those
edges (`changed_edges`) do not matter to it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from fastlint.facts.records import CallFact, FileFacts

if TYPE_CHECKING:
    from fastlint.model.project import FunctionRef, Project

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Edge:
    """A call site in `caller` that reaches the project function `callee`."""

    caller: str
    callee: "FunctionRef"
    call: CallFact
    facts: FileFacts


@dataclass(frozen=True, slots=True)
class Hop:
    """One step of a chain towards a leaf call: through `edge`, or the leaf itself."""

    edge: Edge | None
    leaf: CallFact | None
    leaf_facts: FileFacts | None
    leaf_symbol: str | None
    depth: int = 1  # functions on the shortest chain from here to the leaf, this one included


@dataclass(slots=True)
class _FileCalls:
    """One file's part of the graph, each table keyed in the order the file first uses a key."""

    by_function: dict[str, list[tuple[FileFacts, CallFact]]]
    edges: dict[str, list[Edge]]
    callers: dict[str, list[Edge]]
    call_sites: dict[str, list[tuple[FileFacts, CallFact]]]


def _file_calls(project: "Project", facts: FileFacts) -> _FileCalls:
    part = _FileCalls({}, {}, {}, {})
    functions = facts.functions
    for call in facts.calls:
        if call.in_lambda:
            continue
        target = project.function_target(call.call.value)  # type: ignore[arg-type]
        if call.function < 0:
            if target is not None:
                part.call_sites.setdefault(target.qualname, []).append((facts, call))
            continue
        caller = functions[call.function].qualname
        part.by_function.setdefault(caller, []).append((facts, call))
        if target is not None:
            if target.qualname != caller:
                edge = Edge(caller, target, call, facts)
                part.edges.setdefault(caller, []).append(edge)
                part.callers.setdefault(target.qualname, []).append(edge)
            part.call_sites.setdefault(target.qualname, []).append((facts, call))
    return part


def _edge_shape(part: _FileCalls) -> tuple:
    """A file's edges without positions: for each caller, whom it calls, awaited, run once."""
    return tuple((caller, tuple((edge.callee.qualname, edge.call.awaited, edge.call.once)
                                for edge in edges))
                 for caller, edges in part.edges.items())


def _changed_edges(old: _FileCalls, new: _FileCalls) -> set[tuple[str, str, bool, bool]]:
    """The edges only one of two parts of a file has: (caller, callee, awaited, run once)."""
    def edges(part: _FileCalls) -> Counter:
        return Counter((caller, *edge) for caller, edges in _edge_shape(part) for edge in edges)
    before, after = edges(old), edges(new)
    return set((before - after) + (after - before))


def _definitions(facts: FileFacts) -> tuple:
    """What the graph's searches read of a file's functions: async, cached, decorated by
    what (not with which arguments: a route's path)."""
    return tuple((function.qualname, function.is_async, function.cached,
                  tuple((decorator.symbol, decorator.value) for decorator in function.decorators))
                 for function in facts.functions)


def first_leaves(facts: FileFacts,
                 is_leaf: Callable[[FileFacts, CallFact], str | None]) -> dict[str, tuple[CallFact, str]]:
    """The first call in each function of a file that `is_leaf` accepts, with what it says:
    what `CallGraph.chains_to` looks for, computed for one file."""
    found: dict[str, tuple[CallFact, str]] = {}
    functions = facts.functions
    for call in facts.calls:
        if call.in_lambda or call.function < 0:
            continue
        qualname = functions[call.function].qualname
        if qualname not in found:
            symbol = is_leaf(facts, call)
            if symbol is not None:
                found[qualname] = (call, symbol)
    return found


def _path_of(entry: "Edge | tuple[FileFacts, CallFact]") -> str:
    return entry.facts.path if isinstance(entry, Edge) else entry[0].path


def _splice(entries: list, path: str, new: list) -> list:
    """`entries` (in file order) with the entries of the file at `path` replaced by `new`."""
    return [e for e in entries if _path_of(e) < path] + new + [e for e in entries if _path_of(e) > path]


def _same_definitions(old: FileFacts, new: FileFacts) -> bool:
    """Whether the functions a file defines both before and after an edit are defined the
    same (functions added or taken out: their edges tell, see `changed_edges`)."""
    before, after = _definitions(old), _definitions(new)
    if before == after:
        return True
    names = {definition[0] for definition in before} & {definition[0] for definition in after}
    return [d for d in before if d[0] in names] == [d for d in after if d[0] in names]


def _in_file_order(table: dict, path: str, keys: dict) -> defaultdict:
    """`table` with the keys only the file at `path` uses (`keys`, in its order) where a
    fresh build puts them: after the keys of the files before it, before those after."""
    # (A key without entries was made by a reader asking for it: it stays at the end.)
    order = list(table)
    # The keys of the other files are in file order but for those after the last reordering:
    # what readers asked for since (empty), and the keys of this file not yet placed.
    end = len(order)
    while end and (not table[order[end - 1]] or order[end - 1] in keys):
        end -= 1
    placed = order[:end]
    first = bisect_left(placed, path, key=lambda key: _path_of(table[key][0]))
    last = bisect_right(placed, path, key=lambda key: _path_of(table[key][0]))
    if any(not table[key] or key in keys for key in placed[:first]) \
            or any(key not in keys for key in placed[first:last]):
        return _sorted_by_file(table, path, keys)  # not in file order: sort them all
    ordered = defaultdict(list)
    for key in (*placed[:first], *(key for key in keys if key in table), *placed[last:],
                *(key for key in order[end:] if not table[key])):
        ordered[key] = table[key]
    return ordered


def _sorted_by_file(table: dict, path: str, keys: dict) -> defaultdict:
    before = [key for key, entries in table.items() if entries and _path_of(entries[0]) < path]
    after = [key for key, entries in table.items() if entries and _path_of(entries[0]) > path]
    after.extend(key for key, entries in table.items() if not entries)
    ordered = defaultdict(list)
    for key in (*before, *(key for key in keys if key in table), *after):
        ordered[key] = table[key]
    return ordered


class CallGraph:
    """Calls, edges and call sites of every project function, in file order.

    Built from each file's part; after an edit that kept every interface (so every name
    resolves as before, see fastlint.model.interface), the graph of the project before the
    edit is updated: only the changed files' parts are replaced.
    """

    def __init__(self, project: "Project", previous: "CallGraph | None" = None,
                 changed: "list[tuple[FileFacts, FileFacts]] | None" = None) -> None:
        self.project = project
        self.calls_by_function: dict[str, list[tuple[FileFacts, CallFact]]] = defaultdict(list)
        self.edges: dict[str, list[Edge]] = defaultdict(list)
        self.callers: dict[str, list[Edge]] = defaultdict(list)
        # Every call of a project function, at module level too: qualname → (file, call).
        self.call_sites: dict[str, list[tuple[FileFacts, CallFact]]] = defaultdict(list)
        self._memos: dict[object, object] = {}
        # After an edit that kept every definition but added or removed edges: the memos of
        # the graph before it, and those edges (offered to `memo`'s `reuse`).
        self._memos_before: dict[object, object] = {}
        self.changed_edges: frozenset[tuple[str, str, bool, bool]] = frozenset()
        if previous is None or changed is None or not self._update(previous, changed):
            self._build()

    def memo(self, key: object, compute: Callable[[], T],
             reuse: "Callable[[T], T | None] | None" = None) -> T:
        """`compute()`, kept across edits that keep every edge (see the module docstring):
        it may read the edges (who calls whom, awaited or not, run once or not), the called
        functions' definitions, and what `key` says, and must hold no fact.

        After an edit that added or removed the edges `changed_edges` (caller, callee,
        awaited, run once), `reuse` is given what was computed before and returns it when it
        still holds, or None."""
        if key not in self._memos:
            value = None
            if reuse is not None and key in self._memos_before:
                value = reuse(self._memos_before[key])  # type: ignore[arg-type]
            self._memos[key] = compute() if value is None else value
        return self._memos[key]  # type: ignore[return-value]

    def _build(self) -> None:
        for table in (self.calls_by_function, self.edges, self.callers, self.call_sites):
            table.clear()
        for facts in self.project.files:
            part = _file_calls(self.project, facts)
            for table, found in ((self.calls_by_function, part.by_function), (self.edges, part.edges),
                                 (self.callers, part.callers), (self.call_sites, part.call_sites)):
                for key, entries in found.items():
                    table[key].extend(entries)

    def _update(self, previous: "CallGraph", changed: "list[tuple[FileFacts, FileFacts]]") -> bool:
        """Replace the changed files' parts in a copy of `previous`; False when the order of
        the tables' keys would differ from a fresh build (then the graph is built anew)."""
        project = self.project
        # A file's old part as it was put in: resolved by the project before the edit (the
        # edit may have changed what its own names resolve to, see `fastlint.model.edit`).
        parts = [(_file_calls(previous.project, old), _file_calls(project, new), new) for old, new in changed]
        # Rules walk these two tables in key order: keep it the order of a fresh build, where
        # a key comes where the first file that uses it puts it.
        reordered = [(old, new, facts) for old, new, facts in parts
                     if list(old.by_function) != list(new.by_function) or list(old.edges) != list(new.edges)]
        for old, new, facts in reordered:
            for table, was, now in ((previous.calls_by_function, old.by_function, new.by_function),
                                    (previous.edges, old.edges, new.edges)):
                if any(_path_of(entry) != facts.path for key in was.keys() | now.keys()
                       for entry in table.get(key, ())):
                    return False  # a key another file uses too: built anew
        for table, before in ((self.calls_by_function, previous.calls_by_function),
                              (self.edges, previous.edges), (self.callers, previous.callers),
                              (self.call_sites, previous.call_sites)):
            table.update(before)
        for old, new, facts in parts:
            path = facts.path
            for table, was, now in ((self.calls_by_function, old.by_function, new.by_function),
                                    (self.edges, old.edges, new.edges),
                                    (self.callers, old.callers, new.callers),
                                    (self.call_sites, old.call_sites, new.call_sites)):
                for key in was.keys() | now.keys():
                    entries = _splice(table.get(key, []), path, now.get(key, []))
                    if entries:
                        table[key] = entries
                    else:
                        del table[key]
        for _, new, facts in reordered:
            self.calls_by_function = _in_file_order(self.calls_by_function, facts.path, new.by_function)
            self.edges = _in_file_order(self.edges, facts.path, new.edges)
        for _, _, facts in parts:
            self._refresh_callees(facts)
        if not all(_same_definitions(old, new) for old, new in changed):
            return True
        if all(_edge_shape(old) == _edge_shape(new) for old, new, _ in parts):
            self._memos = dict(previous._memos)
        else:
            self._memos_before = previous._memos
            self.changed_edges = frozenset(edge for old, new, _ in parts
                                           for edge in _changed_edges(old, new))
        return True

    def _refresh_callees(self, facts: FileFacts) -> None:
        """Edges from other files into the changed file's functions get its new facts."""
        functions = self.project.functions
        for function in facts.functions:
            ref = functions.get(function.qualname)
            edges = self.callers.get(function.qualname)
            if ref is None or ref.facts is not facts or not edges:
                continue
            stale = {id(edge): Edge(edge.caller, ref, edge.call, edge.facts)
                     for edge in edges if edge.callee is not ref}
            if not stale:
                continue
            self.callers[function.qualname] = [stale.get(id(edge), edge) for edge in edges]
            for caller in {edge.caller for edge in edges if id(edge) in stale}:
                self.edges[caller] = [stale.get(id(edge), edge) for edge in self.edges[caller]]

    def reachable(
        self,
        entries: dict[str, str],
        through: Callable[["FunctionRef"], bool] | None = None,
    ) -> dict[str, tuple[str, Edge | None]]:
        """Functions reachable from entries: qualname → (entry it is reached from, last edge).

        With `through`, only functions it accepts are reached (and searched further).
        """
        seen: dict[str, tuple[str, Edge | None]] = {}
        queue = deque()
        for qualname in entries:
            seen[qualname] = (qualname, None)
            queue.append(qualname)
        while queue:
            current = queue.popleft()
            origin = seen[current][0]
            for edge in self.edges.get(current, ()):
                target = edge.callee.qualname
                if target not in seen and (through is None or through(edge.callee)):
                    seen[target] = (origin, edge)
                    queue.append(target)
        return seen

    def chains_to(
        self,
        is_leaf: Callable[[FileFacts, CallFact], str | None],
        through: Callable[["FunctionRef"], bool],
        max_depth: int,
        first_leaves: "Callable[[FileFacts], dict[str, tuple[CallFact, str]]] | None" = None,
    ) -> dict[str, Hop]:
        """For each function that reaches a leaf call through `through` functions only, its
        first hop on a shortest chain (multi-source BFS backwards from the leaves).

        `first_leaves`, when given, tells for a file the first leaf call (and what is_leaf
        says of it) of each of its functions: what `is_leaf` would find, kept per file."""
        project = self.project
        best: dict[str, Hop] = {}
        depth: dict[str, int] = {}
        queue: deque[str] = deque()
        leaves_by_file: dict[str, dict[str, tuple[CallFact, str]]] = {}
        for qualname, calls in self.calls_by_function.items():
            facts = calls[0][0]
            if first_leaves is not None and calls[-1][0] is facts:  # all in one file
                leaves = leaves_by_file.get(facts.path)
                if leaves is None:
                    leaves = leaves_by_file[facts.path] = first_leaves(facts)
                leaf = leaves.get(qualname)
                if leaf is None:
                    continue
                ref = project.functions.get(qualname)
                if ref is not None and through(ref):
                    best[qualname] = Hop(None, leaf[0], facts, leaf[1], 1)
                    depth[qualname] = 1
                    queue.append(qualname)
                continue
            ref = project.functions.get(qualname)
            if ref is None or not through(ref):
                continue
            for facts, call in calls:
                symbol = is_leaf(facts, call)
                if symbol is not None:
                    best[qualname] = Hop(None, call, facts, symbol, 1)
                    depth[qualname] = 1
                    queue.append(qualname)
                    break
        while queue:
            current = queue.popleft()
            if depth[current] >= max_depth:
                continue
            for edge in self.callers.get(current, ()):
                caller = edge.caller
                if caller in best:
                    continue
                ref = project.functions.get(caller)
                if ref is None or not through(ref) or edge.call.awaited or edge.call.once:
                    continue
                depth[caller] = depth[current] + 1
                best[caller] = Hop(edge, None, None, None, depth[caller])
                queue.append(caller)
        return best
