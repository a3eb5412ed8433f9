"""Every rule's code, name, default and options, without importing the rules.

Reading a configuration, selecting codes and choosing which findings are reported need only
this table; the rule implementations (and the project model they import) are loaded when a
file is analysed or a project joined. `tests/test_rule_catalogue.py` checks every row against
the rule class it describes, so the table cannot drift.

Imports nothing of fastlint's at import time (an option's definition is imported on demand).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastlint.options import Option


@dataclass(frozen=True)
class RuleEntry:
    code: str
    name: str
    default_on: bool
    # See `Rule.application_code_only` and `Rule.quiet_in`.
    application_code_only: bool
    quiet_in: frozenset[str]
    options: tuple[str, ...]

    @property
    def module(self) -> str:
        """The module the rule is defined in: `fl101_blocking_call_in_async`."""
        return f"fastlint.rules.fl{self.code[2:]}_{self.name.replace('-', '_')}"


def _rule(code: str, name: str, flags: str, options: tuple[str, ...] = ()) -> RuleEntry:
    """flags: "off" (opt-in), "app" (application code only), "quiet-in:SCOPE"."""
    words = flags.split()
    quiet = frozenset(word.split(":", 1)[1] for word in words if word.startswith("quiet-in:"))
    return RuleEntry(code, name, "off" not in words, "app" in words, quiet, options)


CATALOGUE: tuple[RuleEntry, ...] = (
    _rule("FL001", "syntax-error", ""),
    _rule("FL002", "unused-noqa", "off"),
    _rule("FL101", "blocking-call-in-async", "app", ("blocking-calls", "allow-blocking-calls")),
    _rule("FL102", "blocking-call-via-helper", "app",
          ("blocking-calls", "allow-blocking-calls", "max-helper-depth")),
    _rule("FL103", "loop-in-loop", "app"),
    _rule("FL104", "sequential-independent-awaits", "off app"),
    _rule("FL201", "client-per-request", "app"),
    _rule("FL202", "missing-timeout", "app", ("fix.default-timeout",)),
    _rule("FL203", "startup-event", "app"),
    _rule("FL204", "retry-without-stop", ""),
    _rule("FL205", "cache-without-ttl", ""),
    _rule("FL206", "background-task-durable-work", "off app"),
    _rule("FL207", "implicit-timeout", "off app", ("fix.default-timeout",)),
    _rule("FL301", "fat-route", "app", ("max-route-statements", "max-route-branches")),
    _rule("FL302", "db-in-route", "app"),
    _rule("FL303", "layer-violation", "app", ("layers",)),
    _rule("FL304", "misplaced-definition", "app", ("layers", "unversioned-allow")),
    _rule("FL305", "no-app-factory", "off"),
    _rule("FL401", "hardcoded-secret", "quiet-in:docs"),
    _rule("FL402", "hardcoded-config", "app"),
    _rule("FL403", "debug-enabled", "app"),
    _rule("FL404", "env-outside-settings", "app", ("settings-modules",)),
    _rule("FL405", "cors-wildcard-credentials", "app"),
    _rule("FL406", "settings-per-request", "app"),
    _rule("FL501", "unversioned-route", "app",
          ("version-pattern", "unversioned-allow", "require-versioning", "version-header")),
    _rule("FL502", "route-on-app", "app", ("unversioned-allow",)),
    _rule("FL503", "rate-limit-misuse", "app"),
    _rule("FL504", "unlimited-route", "off app"),
    _rule("FL601", "print-in-app", "app"),
    _rule("FL602", "wall-clock-duration", ""),
)

CODES: tuple[str, ...] = tuple(entry.code for entry in CATALOGUE)
DEFAULT_ON: frozenset[str] = frozenset(entry.code for entry in CATALOGUE if entry.default_on)
APPLICATION_CODE_ONLY: frozenset[str] = frozenset(
    entry.code for entry in CATALOGUE if entry.application_code_only)
QUIET_IN: dict[str, frozenset[str]] = {entry.code: entry.quiet_in for entry in CATALOGUE
                                       if entry.quiet_in}
OPTION_NAMES: frozenset[str] = frozenset(name for entry in CATALOGUE for name in entry.options)


@cache
def option(name: str) -> Option:
    """The definition of an option (importing the first rule module that has it)."""
    entry = next(entry for entry in CATALOGUE if name in entry.options)
    module = importlib.import_module(entry.module)
    for value in vars(module).values():
        if isinstance(value, type) and getattr(value, "code", None) == entry.code:
            return next(found for found in value.options if found.name == name)
    raise LookupError(f"{entry.module} defines no rule {entry.code}")
