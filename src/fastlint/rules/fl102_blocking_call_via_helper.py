"""FL102 blocking-call-via-helper: an `async def` calls project code that blocks.

Bad:
    # services/report.py
    def build():
        time.sleep(1)

    # routes.py
    @router.get("/report")
    async def report():
        build()

Good:
    @router.get("/report")
    async def report():
        await asyncio.to_thread(build)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from fastlint.callgraph import Hop
from fastlint.catalog import is_blocking
from fastlint.diagnostics import Diagnostic, RelatedLocation
from fastlint.facts import CallFact, FileFacts, Span
from fastlint.fixes import to_thread
from fastlint.per_request import PerRequest
from fastlint.project import FunctionRef, Project
from fastlint.rules.base import Option, ProjectRule
from fastlint.rules.fl101_blocking_call_in_async import BLOCKING_OPTIONS, blocking_settings

# A sync function under one of these runs in a worker thread when called.
THREAD_DECORATORS = frozenset({"asgiref.sync.sync_to_async", "asgiref.sync.sync_to_async()",
                               "asyncer.asyncify"})


class BlockingCallViaHelper(ProjectRule):
    code = "FL102"
    name = "blocking-call-via-helper"
    summary = "An `async def` calls a sync project function that reaches a blocking call"
    application_code_only = True
    fix_availability = "unsafe"
    severity = "error"
    options = BLOCKING_OPTIONS + (
        Option("max-helper-depth", 8, "int",
               "How many sync project functions a chain may go through (the first helper counts)."),
    )

    def check(self, project: Project) -> Iterator[Diagnostic]:
        extra, allowed = blocking_settings(self)
        graph = project.callgraph

        def blocking_symbol(facts: FileFacts, call: CallFact) -> str | None:
            if call.in_lambda or call.awaited or call.once:
                return None
            symbol = project.canonical(call.call.value)  # type: ignore[arg-type]
            return symbol if is_blocking(symbol, extra, allowed) else None

        chains = graph.chains_to(blocking_symbol, _runs_in_caller_thread,
                                 max(1, self.option("max-helper-depth")))
        if not chains:
            return
        model = project.fastapi
        runs_once = PerRequest(project).runs_once
        for caller, edges in graph.edges.items():
            for edge in edges:
                call = edge.call
                # The def the call is in, not the first def of that name: `@overload async def`
                # stubs share their qualname with the plain `def` that implements them.
                if not edge.facts.functions[call.function].is_async:
                    continue
                if call.awaited or call.once or edge.callee.qualname not in chains \
                        or caller in runs_once:
                    continue
                if is_blocking(project.canonical(call.call.value), extra, allowed):  # type: ignore[arg-type]
                    continue  # FL101 reports it
                chain = blocking_chain(project, chains, edge.callee, call)
                source = project.source(edge.facts.path)
                finding = self.diagnostic(
                    edge.facts, call.span,
                    f"`{call.text}()` blocks the event loop in {model.describe(caller)}: {chain}; "
                    f"run it with `await asyncio.to_thread({call.text}, ...)` or make the chain async",
                    to_thread(source, call) if source is not None else None,
                    call.stmt_row,
                )
                yield replace(finding, related=chain_locations(chains, edge.callee))


def _runs_in_caller_thread(ref: FunctionRef) -> bool:
    function = ref.function
    # A `functools.cache` helper does its work once per argument, not per call.
    return not function.is_async and not function.cached and not any(
        decorator.symbol in THREAD_DECORATORS or decorator.value in THREAD_DECORATORS
        for decorator in function.decorators
    )


def _hops(chains: dict[str, Hop], first: FunctionRef) -> Iterator[tuple[FileFacts, Span, str]]:
    """Each call of the chain below `first`, ending with the blocking call (its symbol, where
    the others are `helper()`): where, and what."""
    hop = chains[first.qualname]
    seen = {first.qualname}
    while hop.edge is not None:
        edge = hop.edge
        yield edge.facts, edge.call.span, f"{edge.call.text}()"
        if edge.callee.qualname in seen:  # cannot happen on a shortest chain; never loop
            return
        seen.add(edge.callee.qualname)
        hop = chains[edge.callee.qualname]
    if hop.leaf is not None and hop.leaf_facts is not None:
        yield hop.leaf_facts, hop.leaf.span, str(hop.leaf_symbol)


def blocking_chain(project: Project, chains: dict[str, Hop], first: FunctionRef, call: CallFact) -> str:
    """`report() → services/report.py:12 build() → services/report.py:20 time.sleep`."""
    parts = [f"{call.text}()"]
    parts.extend(f"{project.relative_path(facts.path)}:{span.row} {what}"
                 for facts, span, what in _hops(chains, first))
    return " → ".join(parts)


def chain_locations(chains: dict[str, Hop], first: FunctionRef) -> tuple[RelatedLocation, ...]:
    """The chain's hops as locations (an editor lists them under the finding)."""
    hops = list(_hops(chains, first))
    return tuple(
        RelatedLocation(facts.path, span.row, span.col, span.end_row, span.end_col,
                        f"blocks: {what}" if index == len(hops) - 1 else f"calls {what}")
        for index, (facts, span, what) in enumerate(hops)
    )
