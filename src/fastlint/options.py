"""A rule's options: how each is declared and validated (plain data, imported by rules, the
layer model and the config reader alike).

Imports nothing of fastlint's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


class OptionValueError(ValueError):
    """A structured option's value is wrong; `key` names the part (`layers.order[1].name`)."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key
        self.problem = problem


@dataclass(frozen=True)
class Option:
    """A rule option, set in `[tool.fastlint.<rule-name>]` or `[tool.fastlint]`."""

    name: str
    default: Any
    kind: str  # "list[str]" | "int" | "float" | "str" | "bool" | "table"
    help: str
    # For a "table": turns the TOML table into the (hashable) value the rule receives,
    # raising OptionValueError on a bad part.
    parse: Callable[[Any], Any] | None = None

    def accepts(self, value: object) -> bool:
        if self.kind == "table":
            return isinstance(value, dict)
        if self.kind == "list[str]":
            return isinstance(value, list) and all(isinstance(v, str) for v in value)
        if self.kind == "int":
            return isinstance(value, int) and not isinstance(value, bool)
        if self.kind == "float":
            return isinstance(value, (int, float)) and not isinstance(value, bool)
        if self.kind == "str":
            return isinstance(value, str)
        if self.kind == "bool":
            return isinstance(value, bool)
        return False
