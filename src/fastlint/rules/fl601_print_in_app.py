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

from collections.abc import Iterator

from fastlint.diagnostics import Diagnostic
from fastlint.facts import FileFacts
from fastlint.project import Project
from fastlint.rules.base import ProjectRule

# A module that imports one of these is a command-line script: printing is its output.
CLI_LIBRARIES = frozenset({"click", "typer", "argparse", "fire", "docopt"})
# Modules run from a terminal: scripts, management commands, database migrations.
CLI_MODULE_NAMES = frozenset({"__main__", "cli", "manage", "scripts", "script", "commands",
                              "management", "migrations", "alembic"})


def is_cli_script(facts: FileFacts) -> bool:
    """A module run from a terminal, where printing is the output: by its name, by the
    command-line library it imports, or because it asks the user with `input()`."""
    if CLI_MODULE_NAMES.intersection(facts.module.split(".")):
        return True
    if any(imported.module.split(".", 1)[0] in CLI_LIBRARIES for imported in facts.imports):
        return True
    return any(call.call.value == "input" for call in facts.calls)


class PrintInApp(ProjectRule):
    code = "FL601"
    name = "print-in-app"
    summary = "`print()` in application code instead of a logger"

    def check(self, project: Project) -> Iterator[Diagnostic]:
        for facts in project.files:
            if facts.is_test:
                continue
            prints = [c for c in facts.calls if c.call.value == "print" and not c.in_main_guard]
            if not prints or is_cli_script(facts):
                continue
            for call in prints:
                yield self.diagnostic(
                    facts, call.span,
                    "`print()` in application code: use the app's logger (`logger.info(...)`), "
                    "which has levels and structure and goes where the logs are collected",
                    noqa_row=call.stmt_row,
                )
