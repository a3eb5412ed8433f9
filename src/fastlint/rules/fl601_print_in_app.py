"""FL601 print-in-app: `print()` in application code instead of the app's logger.

Bad:
    @router.post("/orders")
    async def create_order(order: Order):
        print("creating order", order.id)

Good:
    logger = logging.getLogger(__name__)
    ...
        logger.info("creating order", extra={"order_id": order.id})
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from fastlint.diagnostics import Diagnostic
from fastlint.facts.records import CallFact, FileFacts
from fastlint.model.project import Project
from fastlint.rules.base import ProjectRule
from fastlint.model.scope import cli_library


# Packages and modules of command-line commands (`freqtrade/commands/list_commands.py`),
# whose output is printed even when the app imports them for their helpers.
CLI_MODULE_NAMES = frozenset({"cli", "commands", "management"})


def is_cli_script(facts: FileFacts) -> bool:
    """A module whose output is for a terminal, even when the app imports it: a command
    module by name, one that imports a command-line library, or one that asks the user with
    `input()`. (Scripts, CLI-only modules and migrations are outside application code: see
    fastlint.scope.)"""
    if CLI_MODULE_NAMES.intersection(facts.module.split(".")) or cli_library(facts):
        return True
    return any(call.call.value in _TERMINAL_INPUT or str(call.call.value).startswith("sys.stdin")
               for call in facts.calls)


# Reading the terminal: the module talks to a person at a terminal.
_TERMINAL_INPUT = frozenset({"input", "getpass.getpass"})
# Functions whose job is to write to the terminal: by name, or by printing several times.
_OUTPUT_FUNCTION_PREFIXES = ("show", "print", "display", "echo")
_OUTPUT_FUNCTION_PRINTS = 3


def _output_functions(facts: FileFacts, prints: list[CallFact]) -> set[int]:
    """The functions (indexes) that are terminal output routines: `show_results()`,
    `_print_table()`, or a function printing three times or more."""
    counts = Counter(call.function for call in prints if call.function >= 0)
    return {
        index for index, function in enumerate(facts.functions)
        if function.name.lstrip("_").startswith(_OUTPUT_FUNCTION_PREFIXES)
        or counts[index] >= _OUTPUT_FUNCTION_PRINTS
    }


class PrintInApp(ProjectRule):
    code = "FL601"
    name = "print-in-app"
    summary = "`print()` in application code instead of a logger"
    application_code_only = True

    def check(self, project: Project) -> Iterator[Diagnostic]:
        return self.findings_by_file(project, self._in_file)

    def _in_file(self, facts: FileFacts) -> Iterator[Diagnostic]:
        if facts.is_test:
            return
        prints = [c for c in facts.calls if c.call.value == "print" and not c.in_main_guard]
        if not prints or is_cli_script(facts):
            return
        output = _output_functions(facts, prints)
        in_output = sum(1 for call in prints if call.function in output)
        if in_output * 2 >= len(prints) and in_output:
            return  # a terminal output module: its other prints are output too
        for call in prints:
            if call.function in output:
                continue
            yield self.diagnostic(
                facts, call.span,
                "`print()` in application code: use the app's logger (`logger.info(...)`), "
                "which has levels and structure and goes where the logs are collected",
                noqa_row=call.stmt_row,
            )
