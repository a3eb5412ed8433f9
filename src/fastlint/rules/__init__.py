"""The rule registry: every `flNNN_*.py` module in this package defines one rule class."""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import cache

from fastlint.rules.base import FileRule, ProjectRule, Rule

_RULE_MODULE = re.compile(r"^fl\d{3}_\w+$")


@cache
def all_rules() -> tuple[type[Rule], ...]:
    """Every rule class, sorted by code."""
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
