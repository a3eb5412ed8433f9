"""FL101 blocking-call-in-async: a known blocking call directly in code on the event loop.

Bad:
    @router.get("/report")
    async def report():
        time.sleep(1)

Good:
    @router.get("/report")
    async def report():
        await asyncio.sleep(1)
"""

from __future__ import annotations

from collections.abc import Iterator

from fastlint.facts.catalog import is_blocking, reads_memory_buffer
from fastlint.diagnostics import Applicability, Diagnostic, Fix
from fastlint.facts.records import CallFact, FileFacts, FunctionFact
from fastlint.rules.fixes import ASYNCIO, awaited_call, make_sync, to_thread
from fastlint.model.project import Project
from fastlint.rules.base import Option, ProjectRule

SLEEP = "time.sleep"
_SESSION_PREFIXES = ("sqlalchemy.orm.Session.", "sqlmodel.Session.")


def blocking_settings(rule: ProjectRule) -> tuple[frozenset[str], frozenset[str]]:
    return frozenset(rule.option("blocking-calls")), frozenset(rule.option("allow-blocking-calls"))


BLOCKING_OPTIONS = (
    Option("blocking-calls", [], "list[str]",
           "More blocking calls, as qualified names (`mylib.slow_call`, `mylib.Client.*`)."),
    Option("allow-blocking-calls", [], "list[str]",
           "Built-in blocking calls to stop reporting (`open`, `pathlib.Path.read_text`)."),
)


class BlockingCallInAsync(ProjectRule):
    code = "FL101"
    name = "blocking-call-in-async"
    summary = "A blocking call runs directly on the event loop inside an `async def`"
    application_code_only = True
    fix_availability = "safe, unsafe"
    severity = "error"
    options = BLOCKING_OPTIONS

    def check(self, project: Project) -> Iterator[Diagnostic]:
        extra, allowed = blocking_settings(self)
        runs_once = project.per_request.at_startup
        for facts in project.reported_files():
            if not facts.calls:
                continue
            blocking = self.in_file(project, facts, "blocking calls",
                                    lambda: _blocking_in_async(project, facts, extra, allowed))
            found = [item for item in blocking if item[1].qualname not in runs_once]
            if found:
                yield from self._report(project, facts, found)

    def _report(self, project: Project, facts: FileFacts,
                found: list[tuple[CallFact, FunctionFact, str]]) -> Iterator[Diagnostic]:
        model = project.fastapi
        sleeping = {function.qualname for _, function, symbol in found if symbol == SLEEP}
        source = project.source(facts.path)
        for call, function, symbol in found:
            where = model.describe(function.qualname)
            can_be_sync = (
                function.qualname in model.request_entry_points
                and model.request_entry_points[function.qualname] in ("route", "dependency")
                and not function.awaits
                and function.qualname not in sleeping
                # `await get_current_user(...)` (or `create_task(f())`) in the project would
                # break, silently inside an `except Exception`, once it returns a value.
                and not project.callgraph.call_sites.get(function.qualname)
            )
            fix: Fix | None = None
            if symbol == SLEEP:
                advice = "use `await asyncio.sleep()`"
                if source is not None:
                    fix = awaited_call(source, call, "asyncio.sleep",
                                       "Replace with `await asyncio.sleep()`",
                                       Applicability.SAFE, (ASYNCIO,))
            else:
                if symbol.startswith(_SESSION_PREFIXES):
                    advice = "use an `AsyncSession`"
                else:
                    advice = "use an async library, or `await asyncio.to_thread(...)`"
                if can_be_sync:
                    advice += f", or make `{function.name}` a plain `def` (FastAPI runs it in a threadpool)"
                if source is not None:
                    fix = make_sync(source, function) if can_be_sync else to_thread(source, call)
            yield self.diagnostic(
                facts, call.span,
                f"`{call.text}()` blocks the event loop in {where}: {advice}",
                fix, call.stmt_row,
            )


def _blocking_in_async(project: Project, facts: FileFacts, extra: frozenset[str],
                       allowed: frozenset[str]) -> Iterator[tuple[CallFact, FunctionFact, str]]:
    """The blocking calls made directly in a file's `async def`s, with the callee's name."""
    functions = facts.functions
    for call, symbol in zip(facts.calls, project.call_symbols(facts)):
        if call.function < 0 or call.in_lambda or call.awaited or call.once:
            continue
        function = functions[call.function]
        if not function.is_async:
            continue
        if is_blocking(symbol, extra, allowed) \
                and not reads_memory_buffer(symbol, call.call, project.canonical):
            yield call, function, symbol
