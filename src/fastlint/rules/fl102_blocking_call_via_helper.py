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

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import replace

from fastlint.model.callgraph import first_leaves
from fastlint.facts.catalog import is_blocking, reads_memory_buffer
from fastlint.diagnostics import Diagnostic, RelatedLocation
from fastlint.facts.records import CallFact, FileFacts
from fastlint.rules.fixes import to_thread
from fastlint.model.project import FunctionRef, Project
from fastlint.rules.base import Option, ProjectRule
from fastlint.rules.blocking_chains import (
    At, ChainSearch, Plan, PlannedStep, Replaced, Step, leaf_calls, locations,
)
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
        # Which calls reach which blocking call reads no position: kept while edits only
        # move code, or change calls that are not on a chain (see `Project.carried_memo`);
        # the findings are placed anew each time.
        files = {facts.path: facts for facts in project.files}
        plan = project.carried_memo((self._options_key, "reached"),
                                    lambda: self._reached(project, files),
                                    lambda before: self._replanned(project, before)).reached
        if not plan:
            return

        def placed(at: At) -> tuple[FileFacts, CallFact]:
            facts = files[at.path]
            return facts, facts.calls[at.call]

        for reached in plan:
            # One coroutine: a finding at each of its calls; several: one at the blocking call.
            one = len({caller for caller, _, _ in reached}) == 1
            if one and not any(project.is_reported(at.path) for _, at, _ in reached) \
                    or not one and not project.is_reported(reached[0][2][-1].at.path):
                continue
            sites = [(caller, *placed(at), tuple(step.placed(*placed(step.at)) for step in steps))
                     for caller, at, steps in reached]
            if one:
                for site in sites:
                    yield self._at_call_site(project, *site)
            else:
                yield self._at_blocking_call(project, sites)

    def _blocking_symbol(self, project: Project) -> Callable[[FileFacts, CallFact], str | None]:
        """What a call blocks on (its canonical symbol) when it is a leaf of a chain."""
        extra, allowed = blocking_settings(self)

        def blocking_symbol(facts: FileFacts, call: CallFact) -> str | None:
            if call.in_lambda or call.awaited or call.once:
                return None
            symbol = project.canonical(call.call.value)  # type: ignore[arg-type]
            if not is_blocking(symbol, extra, allowed) \
                    or reads_memory_buffer(symbol, call.call, project.canonical):
                return None
            return symbol
        return blocking_symbol

    def _chain_depths(self, project: Project,
                      blocking_symbol: Callable[[FileFacts, CallFact], str | None]) -> dict[str, int]:
        """Each sync function that reaches a blocking call → the functions on its shortest
        chain, itself included."""
        graph = project.callgraph
        depth = max(1, self.option("max-helper-depth"))

        def leaves_in(facts: FileFacts) -> dict[str, tuple[CallFact, str]]:
            return project.file_memo((self._options_key, "leaves"), facts,
                                     lambda: first_leaves(facts, blocking_symbol))

        def leaf_names(facts: FileFacts) -> tuple[str, tuple[tuple[str, str], ...]] | None:
            functions = project.functions
            # A function defined here that can be on no chain (a coroutine) is left out.
            leaves = tuple((name, symbol) for name, (_, symbol) in leaves_in(facts).items()
                           if name not in functions or functions[name].facts is not facts
                           or _runs_in_caller_thread(functions[name]))
            return (facts.path, leaves) if leaves else None

        def still_holds(depths: dict[str, int]) -> dict[str, int] | None:
            """The depths before an edit whose changed edges the search never follows: from
            a coroutine (a route calling a helper), awaited or run once, or off every chain
            (and from no function on a chain that is gone)."""
            functions = project.functions
            for caller, callee, awaited, once in graph.changed_edges:
                if caller in depths and caller not in functions:
                    return None  # a function on a chain is gone
                if callee in depths and not awaited and not once and caller in functions \
                        and _runs_in_caller_thread(functions[caller]):
                    return None
            return depths

        # Which functions reach a blocking call, and in how many hops, depends on the edges
        # and on where the blocking calls of the functions that can be on a chain are: kept
        # while both are the same, or while the edges that changed are not followed.
        every_leaf = tuple(found for facts in project.files if facts.calls
                           for found in [project.file_memo((self._options_key, "leaf names"), facts,
                                                           lambda: leaf_names(facts))] if found)
        return graph.memo(
            (self._options_key, "chain depths", every_leaf),
            lambda: {name: hop.depth for name, hop in graph.chains_to(
                blocking_symbol, _runs_in_caller_thread, depth, leaves_in).items()},
            still_holds)

    def _replanned(self, project: Project, before: Plan) -> Plan | None:
        """The plan before an edit that changed calls only, when none of those calls is on a
        chain (a blocking call, or a call of a function that reaches one), no coroutine it
        names was renamed or taken out, and the chains, startup work and application scope
        are the same: with the indexes of the moved calls shifted."""
        blocking_symbol = self._blocking_symbol(project)
        chains = self._chain_depths(project, blocking_symbol)
        if chains != before.chains:
            return None
        for facts, call in project.edit.calls():
            target = project.function_target(call.call.value)  # type: ignore[arg-type]
            if blocking_symbol(facts, call) is not None or target is not None and target.qualname in chains:
                return None
        if not chains:
            return before
        runs_once = project.per_request.at_startup
        outside = _outside_application(project)
        gone = project.edit.functions_gone()
        if runs_once != before.runs_once or outside != before.outside \
                or any(caller in gone for group in before.reached for caller, _, _ in group):
            return None
        edits = project.edit.by_path()

        def at(place: At) -> At:
            edit = edits.get(place.path)
            if edit is None:
                return place
            index = edit.new_index(place.call)
            if index is None:
                raise Replaced
            return At(place.path, index)

        try:
            reached = [[(caller, at(place), tuple(replace(step, at=at(step.at)) for step in steps))
                        for caller, place, steps in group] for group in before.reached]
        except Replaced:
            return None
        return Plan(chains, runs_once, reached, outside)

    def _reached(self, project: Project, files: dict[str, FileFacts]) -> Plan:
        """Every coroutine call site that reaches a blocking call, grouped by that call: the
        coroutine, where it calls, and the chain of calls down to the blocking one."""
        extra, allowed = blocking_settings(self)
        graph = project.callgraph
        blocking_symbol = self._blocking_symbol(project)
        depth = max(1, self.option("max-helper-depth"))
        chains = self._chain_depths(project, blocking_symbol)
        if not chains:
            return Plan(chains, frozenset(), [])
        runs_once = project.per_request.at_startup
        outside = _outside_application(project)
        search = ChainSearch(
            graph, chains, depth,
            lambda facts: project.file_memo((self._options_key, "leaf calls"), facts,
                                            lambda: leaf_calls(facts, blocking_symbol)),
            lambda facts: project.file_memo("call indexes", facts,
                                            lambda: {id(call): i for i, call in enumerate(facts.calls)}))
        by_leaf: dict[tuple[str, int, int], list[tuple[str, At, tuple[PlannedStep, ...]]]] = defaultdict(list)
        # Only a function that calls into a chain can reach one; the callers are taken in
        # the graph's order all the same (the chain search memoises as it goes).
        into_chains = {edge.caller for callee in chains for edge in graph.callers.get(callee, ())}
        for caller, edges in graph.edges.items():
            if caller not in into_chains:
                continue
            for edge in edges:
                call = edge.call
                # The def the call is in, not the first def of that name: `@overload async def`
                # stubs share their qualname with the plain `def` that implements them.
                if not edge.facts.functions[call.function].is_async:
                    continue
                if call.awaited or call.once or edge.callee.qualname not in chains \
                        or caller in runs_once or edge.facts.path in outside:
                    continue
                if is_blocking(project.canonical(call.call.value), extra, allowed):  # type: ignore[arg-type]
                    continue  # FL101 reports it
                steps = search.steps(edge.callee, call)
                if steps is None:
                    continue  # every chain is ruled out by the call's own arguments
                leaf = steps[-1].at
                span = files[leaf.path].calls[leaf.call].span
                by_leaf[(leaf.path, span.row, span.col)].append((caller, search.at(edge.facts, call), steps))
        return Plan(chains, runs_once, list(by_leaf.values()), outside)

    def _at_call_site(self, project: Project, caller: str, facts: FileFacts, call: CallFact,
                      steps: tuple[Step, ...]) -> Diagnostic:
        """One coroutine reaches the blocking call: reported at its call, with the fix."""
        source = project.source(facts.path)
        chain = " → ".join([f"{call.text}()", *(step.describe(project) for step in steps)])
        finding = self.diagnostic(
            facts, call.span,
            f"`{call.text}()` blocks the event loop in {project.fastapi.describe(caller)}: "
            f"{chain}; run it with `await asyncio.to_thread({call.text}, ...)` or make the chain async",
            to_thread(source, call) if source is not None else None,
            call.stmt_row,
        )
        return replace(finding, related=locations(steps))

    def _at_blocking_call(self, project: Project,
                          reached: list[tuple[str, FileFacts, CallFact, tuple[Step, ...]]]) -> Diagnostic:
        """Several coroutines reach the same blocking call: one finding, at it, naming how
        many and the shortest chain (one root cause, fixed in one place)."""
        reached = sorted(reached, key=lambda item: (len(item[3]), item[1].path, item[2].span.row))
        caller, facts, call, steps = reached[0]
        leaf = steps[-1]
        coroutines = len({item[0] for item in reached})
        chain = " → ".join([f"{project.relative_path(facts.path)}:{call.span.row} "
                            f"{call.text}()", *(step.describe(project) for step in steps)])
        finding = self.diagnostic(
            leaf.facts, leaf.span,
            f"`{leaf.text}` blocks the event loop: {coroutines} coroutines reach it through sync "
            f"calls ({len(reached)} call sites), e.g. {project.fastapi.describe(caller)}: "
            f"{chain}; make this path async, or move the call off the request path",
            None, leaf.stmt_row,
        )
        related = tuple(
            RelatedLocation(item[1].path, item[2].span.row, item[2].span.col,
                            item[2].span.end_row, item[2].span.end_col,
                            f"reached from {project.fastapi.describe(item[0])}")
            for item in reached
        )
        return replace(finding, related=related)


def _outside_application(project: Project) -> frozenset[str]:
    """The files outside application code (CLI commands, tests, scripts: see `model.scope`)."""
    return frozenset(path for path, scope in project.scope.by_path.items() if not scope.is_application)


def _runs_in_caller_thread(ref: FunctionRef) -> bool:
    function = ref.function
    # A `functools.cache` helper does its work once per argument, not per call.
    return not function.is_async and not function.cached and not any(
        decorator.symbol in THREAD_DECORATORS or decorator.value in THREAD_DECORATORS
        for decorator in function.decorators
    )
