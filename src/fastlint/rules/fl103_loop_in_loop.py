"""FL103 loop-in-loop: starting an event loop from code that already runs on one.

Bad:
    async def refresh():
        asyncio.run(fetch_all())        # RuntimeError: cannot be called from a running event loop

Good:
    async def refresh():
        await fetch_all()
"""

from __future__ import annotations

from collections.abc import Iterator

from fastlint.diagnostics import Diagnostic
from fastlint.facts.records import CallFact, FileFacts
from fastlint.model.project import Project
from fastlint.rules.base import ProjectRule

LOOP_RUNNERS = frozenset({"asyncio.run", "anyio.run", "trio.run", "asyncio.Runner.run"})


def is_loop_runner(symbol: str) -> bool:
    """`asyncio.run`, `anyio.run`, or `run_until_complete` of any event loop."""
    return symbol in LOOP_RUNNERS or symbol.endswith(".run_until_complete")


class LoopInLoop(ProjectRule):
    code = "FL103"
    name = "loop-in-loop"
    summary = "An event loop is started from code that already runs on the event loop"
    application_code_only = True
    severity = "error"

    def check(self, project: Project) -> Iterator[Diagnostic]:
        model = project.fastapi
        for facts in project.reported_files():
            if not facts.calls:
                continue
            functions = facts.functions
            for call in self.in_file(project, facts, "loop runners", lambda: _loop_runners(project, facts)):
                where = model.describe(functions[call.function].qualname)
                yield self.diagnostic(
                    facts, call.span,
                    f"`{call.text}()` in {where} starts an event loop inside the running one "
                    "(RuntimeError, or the loop is blocked until it ends): `await` the coroutine "
                    "instead",
                    noqa_row=call.stmt_row,
                )


def _loop_runners(project: Project, facts: FileFacts) -> Iterator[CallFact]:
    """The calls in a file's `async def`s that start an event loop."""
    functions = facts.functions
    for call, symbol in zip(facts.calls, project.call_symbols(facts)):
        if call.function >= 0 and not call.in_lambda and functions[call.function].is_async \
                and is_loop_runner(symbol):
            yield call
