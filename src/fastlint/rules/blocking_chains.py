"""FL102's plan: which coroutine calls reach which blocking call, and through which chain.

The plan holds calls by file and index (`At`), not facts, so that it can be kept across the
edits of an editor (see `Project.carried_memo`) and placed anew each time (`Step`).
`ChainSearch` finds a call's chain down to a blocking call, through the chain depths FL102
computes from the call graph.

May import `fastlint.facts`, `fastlint.model` and `fastlint.diagnostics`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fastlint.diagnostics import RelatedLocation
from fastlint.facts.guards import contradicted
from fastlint.facts.records import CallFact, FileFacts, Span, Val
from fastlint.model.callgraph import CallGraph
from fastlint.model.project import FunctionRef, Project


@dataclass(frozen=True, slots=True)
class Plan:
    """What FL102 finds, before it is placed: each blocking call reached, with the coroutine
    call sites that reach it and their chains; and the chain depths, startup work and
    application scope it was found with (an edit that keeps them may keep the plan, see
    `BlockingCallViaHelper._replanned`)."""

    chains: dict[str, int]
    runs_once: frozenset[str]
    reached: list[list[tuple[str, At, tuple[PlannedStep, ...]]]]
    # The files outside application code: a coroutine there (a CLI command, a test) starts
    # no chain, since no request waits on its event loop.
    outside: frozenset[str] = frozenset()


class Replaced(Exception):
    """A call the plan points at was replaced by the edit."""


@dataclass(frozen=True, slots=True)
class At:
    """A call, by the file it is in and its index in that file's calls (not its position)."""

    path: str
    call: int


@dataclass(frozen=True, slots=True)
class PlannedStep:
    """One call on a chain, before it is placed: a call of the next helper, or (last) the
    blocking call."""

    at: At
    text: str  # `helper()`, or the blocking call's symbol
    blocking: bool

    def placed(self, facts: FileFacts, call: CallFact) -> Step:
        return Step(facts, call.span, self.text, call.stmt_row, self.blocking)


@dataclass(frozen=True, slots=True)
class Step:
    """One call on a chain: a call of the next helper, or (last) the blocking call."""

    facts: FileFacts
    span: Span
    text: str  # `helper()`, or the blocking call's symbol
    stmt_row: int
    blocking: bool

    def describe(self, project: Project) -> str:
        return f"{project.relative_path(self.facts.path)}:{self.span.row} {self.text}"


class ChainSearch:
    """A chain from a call into a helper down to a blocking call, through calls that the
    caller's constant arguments do not rule out (`if name.startswith("oidc/"): open(...)` is
    not reached by `get_secret("API_KEY")`). The shortest such chain is preferred."""

    _BRANCHES = 3  # helpers tried at each hop, nearest the blocking call first

    def __init__(self, graph: CallGraph, chains: dict[str, int], depth: int,
                 leaves_of: Callable[[FileFacts], dict[str, list[tuple[int, CallFact, str]]]],
                 indexes_of: Callable[[FileFacts], dict[int, int]]) -> None:
        self.graph = graph
        self.chains = chains
        self.depth = depth
        self.leaves_of = leaves_of  # a file's blocking calls by function: (index, call, symbol)
        self.indexes_of = indexes_of  # a file's calls: id → index
        self._memo: dict[tuple, tuple[PlannedStep, ...] | None] = {}

    def steps(self, callee: FunctionRef, call: CallFact) -> tuple[PlannedStep, ...] | None:
        return self._from(callee, call.call, self.depth, frozenset())

    def at(self, facts: FileFacts, call: CallFact) -> At:
        """Where a call is, by index."""
        return At(facts.path, self.indexes_of(facts)[id(call)])

    def _from(self, ref: FunctionRef, incoming: Val, budget: int,
              visited: frozenset[str]) -> tuple[PlannedStep, ...] | None:
        key = (ref.qualname, _constants(incoming), budget)
        if key in self._memo:
            return self._memo[key]
        self._memo[key] = None  # a recursive chain back to here finds nothing
        found = self._search(ref, incoming, budget, visited | {ref.qualname})
        self._memo[key] = found
        return found

    def _search(self, ref: FunctionRef, incoming: Val, budget: int,
                visited: frozenset[str]) -> tuple[PlannedStep, ...] | None:
        function = ref.function
        calls = self.graph.calls_by_function.get(ref.qualname, ())
        for facts in files_of(calls):
            for index, call, symbol in self.leaves_of(facts).get(ref.qualname, ()):
                if not contradicted(call.guards, incoming, function):
                    return (PlannedStep(At(facts.path, index), symbol, True),)
        if budget <= 1:
            return None
        options = sorted(
            (self.chains[edge.callee.qualname], index, edge)
            for index, edge in enumerate(self.graph.edges.get(ref.qualname, ()))
            if edge.callee.qualname in self.chains and edge.callee.qualname not in visited
            and not edge.call.awaited and not edge.call.once
            and not contradicted(edge.call.guards, incoming, function)
        )
        for _, _, edge in options[:self._BRANCHES]:
            rest = self._from(edge.callee, edge.call.call, budget - 1, visited)
            if rest is not None:
                return (PlannedStep(self.at(edge.facts, edge.call), f"{edge.call.text}()", False), *rest)
        return None


def files_of(calls: list[tuple[FileFacts, CallFact]]) -> list[FileFacts]:
    """The files a function's calls are in, in order (one, but for a qualname two files share)."""
    if not calls:
        return []
    if calls[0][0] is calls[-1][0]:
        return [calls[0][0]]
    return list({id(facts): facts for facts, _ in calls}.values())


def leaf_calls(facts: FileFacts, is_leaf: Callable[[FileFacts, CallFact], str | None],
                ) -> dict[str, list[tuple[int, CallFact, str]]]:
    """A file's blocking calls, by the function they are in: (index, call, symbol)."""
    found: dict[str, list[tuple[int, CallFact, str]]] = {}
    functions = facts.functions
    for index, call in enumerate(facts.calls):
        if call.function < 0:
            continue
        symbol = is_leaf(facts, call)
        if symbol is not None:
            found.setdefault(functions[call.function].qualname, []).append((index, call, symbol))
    return found


def _constants(call: Val) -> tuple:
    """What of a call's arguments can rule out a guard: its constants, by position and name."""
    return (tuple(a.value if a.kind == "const" else ... for a in call.args),
            tuple((k, v.value if v.kind == "const" else ...) for k, v in call.kwargs))


def locations(steps: tuple[Step, ...]) -> tuple[RelatedLocation, ...]:
    """The chain's hops as locations (an editor lists them under the finding)."""
    return tuple(
        RelatedLocation(step.facts.path, step.span.row, step.span.col, step.span.end_row,
                        step.span.end_col, f"blocks: {step.text}" if step.blocking else f"calls {step.text}")
        for step in steps
    )
