"""The plain values every stage exchanges: positions, edits, fixes and diagnostics."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Applicability(str, Enum):
    """How far a fix can be trusted: `safe` keeps meaning, `unsafe` may change behaviour."""

    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the text between two positions (1-based rows, 0-based character columns)."""

    row: int
    col: int
    end_row: int
    end_col: int
    content: str


@dataclass(frozen=True, slots=True)
class ImportNeeded:
    """An import a fix relies on: `import module` (name None) or `from module import name`."""

    module: str
    name: str | None = None

    def statement(self) -> str:
        if self.name is None:
            return f"import {self.module}"
        return f"from {self.module} import {self.name}"


@dataclass(frozen=True, slots=True)
class Fix:
    """A repair: text edits applied together, plus the imports they need."""

    applicability: Applicability
    edits: tuple[Edit, ...]
    message: str
    imports: tuple[ImportNeeded, ...] = ()


@dataclass(frozen=True, slots=True)
class RelatedLocation:
    """A place that explains a finding, such as one hop of a call chain."""

    path: str
    row: int
    col: int
    end_row: int
    end_col: int
    message: str


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding, at a range of a file (1-based rows, 0-based character columns)."""

    code: str
    message: str
    path: str
    row: int
    col: int
    end_row: int
    end_col: int
    fix: Fix | None = None
    # The line a `# noqa` must sit on: for a multi-line statement, the line it starts on.
    noqa_row: int = 0
    extra: tuple[tuple[str, str], ...] = field(default=())
    related: tuple[RelatedLocation, ...] = ()

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.row, self.col, self.code)


def is_applicable(diagnostic: Diagnostic, unsafe: bool) -> bool:
    """Whether a finding has a fix that this run applies (unsafe ones only when asked)."""
    fix = diagnostic.fix
    return fix is not None and (fix.applicability is Applicability.SAFE or unsafe)
