"""What the per-file stage gives for one file (its facts, findings and errors), and what it is
given (the module a file is, the rules that run): plain data, cached and sent between processes.

Imports only `fastlint.diagnostics` and the facts records, so the warm path (answered from the
cache) reads results without importing the walk or the rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastlint.diagnostics import Diagnostic
from fastlint.facts.records import FileFacts

SYNTAX_ERROR = "FL001"


@dataclass(frozen=True)
class RuleSet:
    """Which rules run, with their options: plain and hashable, so it can key the cache."""

    codes: frozenset[str]
    options: tuple[tuple[str, Any], ...] = ()

    @property
    def settings(self) -> dict[str, Any]:
        return dict(self.options)

    def fingerprint(self) -> str:
        return repr((sorted(self.codes), self.options))


@dataclass(frozen=True)
class ModuleInfo:
    module: str
    is_package: bool
    is_test: bool
    alt_module: str = ""


@dataclass(frozen=True)
class FileResult:
    path: str
    facts: FileFacts | None
    diagnostics: tuple[Diagnostic, ...]
    # Internal errors (a rule that raised): reported, never fatal.
    errors: tuple[str, ...] = ()
    # Why the file could not be read at all (unreadable, dangling symlink, a directory).
    read_error: str | None = None
    # Why a readable file is not analysed although it is not an error (a Jinja template).
    skipped: str | None = None
