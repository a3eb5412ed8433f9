"""The client's settings: which rules to select or ignore on top of `pyproject.toml`.

Given as `initializationOptions` or in `workspace/didChangeConfiguration` (under a
`fastlint` key or bare), with ruff's names: `select`, `extendSelect` (or `extend-select`),
`ignore`, each a list of codes or prefixes. They apply like the CLI's options of the same name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ClientSettings:
    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    @classmethod
    def parse(cls, value: Any) -> "ClientSettings":
        """Settings from the client's JSON; unknown keys and wrong types are ignored (the
        editor's settings are not ours to reject)."""
        if isinstance(value, dict) and isinstance(value.get("fastlint"), dict):
            value = value["fastlint"]
        if not isinstance(value, dict):
            return cls()

        def codes(*keys: str) -> tuple[str, ...]:
            for key in keys:
                found = value.get(key)
                if isinstance(found, str):
                    found = [found]
                if isinstance(found, list):
                    return tuple(str(code).strip().upper() for code in found if str(code).strip())
            return ()

        return cls(
            select=codes("select"),
            extend_select=codes("extendSelect", "extend-select", "extend_select"),
            ignore=codes("ignore"),
        )
