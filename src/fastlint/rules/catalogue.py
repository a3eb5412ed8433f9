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
    from fastlint.rules.base import Rule


@dataclass(frozen=True)
class RuleEntry:
    code: str
    name: str
    default_on: bool
    # See `Rule.application_code_only` and `Rule.quiet_in`.
    application_code_only: bool
    quiet_in: frozenset[str]
    options: tuple[str, ...]
    severity: str  # "error" or "warning" (see `Rule.severity`)
    redacts_source: bool  # see `Rule.redacts_source`
    severity_by_message: bool  # the rule's `severity_of` reads the message

    @property
    def module(self) -> str:
        """The module the rule is defined in: `fl101_blocking_call_in_async`."""
        return f"fastlint.rules.fl{self.code[2:]}_{self.name.replace('-', '_')}"


def _rule(code: str, name: str, flags: str, options: tuple[str, ...] = ()) -> RuleEntry:
    """flags: "off" (opt-in), "app" (application code only), "quiet-in:SCOPE", "error" (its
    severity), "redacts" (its findings point at secrets), "by-message" (its severity
    depends on the finding)."""
    words = flags.split()
    quiet = frozenset(word.split(":", 1)[1] for word in words if word.startswith("quiet-in:"))
    return RuleEntry(code, name, "off" not in words, "app" in words, quiet, options,
                     "error" if "error" in words else "warning", "redacts" in words,
                     "by-message" in words)


CATALOGUE: tuple[RuleEntry, ...] = (
    _rule("FL001", "syntax-error", "error"),
    _rule("FL002", "unused-noqa", "off"),
    _rule("FL101", "blocking-call-in-async", "app error",
          ("blocking-calls", "allow-blocking-calls")),
    _rule("FL102", "blocking-call-via-helper", "app error",
          ("blocking-calls", "allow-blocking-calls", "max-helper-depth")),
    _rule("FL103", "loop-in-loop", "app error"),
    _rule("FL104", "sequential-independent-awaits", "off app"),
    _rule("FL201", "client-per-request", "app error"),
    _rule("FL202", "missing-timeout", "app", ("fix.default-timeout",)),
    _rule("FL203", "startup-event", "app"),
    _rule("FL204", "retry-without-stop", ""),
    _rule("FL205", "cache-without-ttl", ""),
    _rule("FL206", "background-task-durable-work", "off app"),
    _rule("FL207", "implicit-timeout", "off app", ("fix.default-timeout",)),
    _rule("FL301", "fat-route", "app", ("max-route-statements", "max-route-branches")),
    _rule("FL302", "db-in-route", "app"),
    _rule("FL303", "layer-violation", "app", ("layers",)),
    _rule("FL304", "misplaced-definition", "app", ("layers",)),
    _rule("FL305", "no-app-factory", "off"),
    _rule("FL401", "hardcoded-secret", "quiet-in:docs error redacts by-message"),
    _rule("FL402", "hardcoded-config", "app redacts"),
    _rule("FL403", "debug-enabled", "app error"),
    _rule("FL404", "env-outside-settings", "app", ("settings-modules",)),
    _rule("FL405", "cors-wildcard-credentials", "app error"),
    _rule("FL406", "settings-per-request", "app"),
    _rule("FL501", "unversioned-route", "app",
          ("version-pattern", "unversioned-allow", "require-versioning", "version-header")),
    _rule("FL502", "route-on-app", "app", ("unversioned-allow",)),
    _rule("FL503", "rate-limit-misuse", "app error"),
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
BY_CODE: dict[str, RuleEntry] = {entry.code: entry for entry in CATALOGUE}


def severity_of(code: str, message: str) -> str:
    """A finding's severity ("warning" for a code no rule has)."""
    entry = BY_CODE.get(code)
    if entry is None:
        return "warning"
    if entry.severity_by_message:
        return _rule_class(entry).severity_of(message)
    return entry.severity


@cache
def option(name: str) -> Option:
    """The definition of an option (importing the first rule module that has it)."""
    entry = next(entry for entry in CATALOGUE if name in entry.options)
    return next(found for found in _rule_class(entry).options if found.name == name)


@cache
def _rule_class(entry: RuleEntry) -> type[Rule]:
    """The class of one rule, importing its module alone."""
    module = importlib.import_module(entry.module)
    for value in vars(module).values():
        if isinstance(value, type) and getattr(value, "code", None) == entry.code:
            return value
    raise LookupError(f"{entry.module} defines no rule {entry.code}")
