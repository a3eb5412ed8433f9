"""The call graph over project functions and methods, built from call facts."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastlint.facts.records import CallFact, FileFacts

if TYPE_CHECKING:
    from fastlint.model.project import FunctionRef, Project


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


class CallGraph:
    def __init__(self, project: "Project") -> None:
        self.project = project
        self.calls_by_function: dict[str, list[tuple[FileFacts, CallFact]]] = defaultdict(list)
        self.edges: dict[str, list[Edge]] = defaultdict(list)
        self.callers: dict[str, list[Edge]] = defaultdict(list)
        # Every call of a project function, at module level too: qualname → (file, call).
        self.call_sites: dict[str, list[tuple[FileFacts, CallFact]]] = defaultdict(list)
        for facts in project.files:
            functions = facts.functions
            for call in facts.calls:
                if call.in_lambda:
                    continue
                if call.function < 0:
                    target = project.function_target(call.call.value)  # type: ignore[arg-type]
                    if target is not None:
                        self.call_sites[target.qualname].append((facts, call))
                    continue
                caller = functions[call.function].qualname
                self.calls_by_function[caller].append((facts, call))
                target = project.function_target(call.call.value)  # type: ignore[arg-type]
                if target is not None and target.qualname != caller:
                    edge = Edge(caller, target, call, facts)
                    self.edges[caller].append(edge)
                    self.callers[target.qualname].append(edge)
                if target is not None:
                    self.call_sites[target.qualname].append((facts, call))

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
    ) -> dict[str, Hop]:
        """For each function that reaches a leaf call through `through` functions only, its
        first hop on a shortest chain (multi-source BFS backwards from the leaves)."""
        project = self.project
        best: dict[str, Hop] = {}
        depth: dict[str, int] = {}
        queue: deque[str] = deque()
        for qualname, calls in self.calls_by_function.items():
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
