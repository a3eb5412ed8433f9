"""The rules, stage 4 of the pipeline: every `flNNN_*.py` module defines one rule class (a
`FileRule` visited during the per-file walk, or a `ProjectRule` given the joined model), and
this module is their registry. Beside them, what rules share: `base` (what a rule is),
`fixes` and `lifespan_rewrite` (fix edits built from exact positions), `outbound_timeouts`,
and each rule's documentation (`pages`, `links`).

May import the model, facts, files, options and diagnostics; never the engine, the fixer
or a reporter.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastlint.rules.base import Rule

_RULE_MODULE = re.compile(r"^fl\d{3}_\w+$")


@cache
def all_rules() -> tuple[type[Rule], ...]:
    """Every rule class, sorted by code."""
    from fastlint.rules.base import FileRule, ProjectRule, Rule

    found: list[type[Rule]] = []
    for info in pkgutil.iter_modules(__path__):
        if not _RULE_MODULE.match(info.name):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Rule)
                and value not in (Rule, FileRule, ProjectRule)
                and value.__module__ == module.__name__
            ):
                found.append(value)
    return tuple(sorted(found, key=lambda rule: rule.code))


@cache
def rules_by_code() -> dict[str, type[Rule]]:
    return {rule.code: rule for rule in all_rules()}


@cache
def rules_by_name() -> dict[str, type[Rule]]:
    return {rule.name: rule for rule in all_rules()}
