"""What a rule is: its code, name, default, options, and either a file visitor or a project check.

A rule never parses, walks the file system or reads config: a `FileRule` is called with
`ast` nodes of the types it subscribes to during the one walk of each file, and a
`ProjectRule` is given the joined `Project`. Both report through the engine.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Iterator
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from fastlint.diagnostics import Diagnostic, Fix
from fastlint.facts.records import FileFacts, Span
from fastlint.options import Option

if TYPE_CHECKING:
    from fastlint.facts.context import FileContext
    from fastlint.model.project import Project

T = TypeVar("T")


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    default_on: ClassVar[bool] = True
    severity: ClassVar[str] = "warning"  # "error" for bugs that break production
    fix_availability: ClassVar[str] = "none"  # "none" | "safe" | "unsafe" | "safe, unsafe"
    options: ClassVar[tuple[Option, ...]] = ()
    # Its findings point at secrets: reporters must not print their source line as it is.
    redacts_source: ClassVar[bool] = False
    # About request-time behaviour: reported only in application code (see fastlint.scope),
    # or in the scopes `[tool.fastlint.scope] report-in` lists.
    application_code_only: ClassVar[bool] = False
    # Scopes where it never reports (`docs` for examples with dummy values).
    quiet_in: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, settings: dict[str, Any] | None = None) -> None:
        settings = settings or {}
        self.settings: dict[str, Any] = {
            option.name: settings.get(option.name, option.default) for option in self.options
        }

    def option(self, name: str) -> Any:
        return self.settings[name]

    @classmethod
    def severity_of(cls, message: str) -> str:
        """The severity of one finding (most rules have one for all)."""
        return cls.severity


class FileRule(Rule):
    """Called during the walk of each file with the node types it lists."""

    node_types: ClassVar[tuple[type[ast.AST], ...]] = ()

    def visit(self, node: ast.AST, ctx: "FileContext") -> None:
        raise NotImplementedError


class ProjectRule(Rule):
    """Called once with the whole project; yields its diagnostics."""

    def check(self, project: "Project") -> Iterator[Diagnostic]:
        raise NotImplementedError

    def in_file(self, project: "Project", facts: FileFacts, part: str,
                compute: "Callable[[], Iterable[T]]") -> "tuple[T, ...]":
        """What `compute()` finds in one file (findings, or the calls a rule looks at), kept
        across an editor's edits while every file keeps its interface. `compute` may read
        this file's facts, the rule's options and what the interfaces decide (names,
        classes, bindings: see `Project.file_memo`), not routes, the call graph or scopes."""
        return project.file_memo((self._options_key, part), facts, lambda: tuple(compute()))

    def findings_by_file(self, project: "Project",
                         find: "Callable[[FileFacts], Iterable[Diagnostic]]") -> Iterator[Diagnostic]:
        """The findings of a rule whose findings in a file depend on that file alone (and on
        what the interfaces decide, see `in_file`): `find(facts)` for every file with calls,
        each file's kept across edits."""
        for facts in project.reported_files():
            if facts.calls:
                yield from self.in_file(project, facts, "findings", lambda: find(facts))

    @cached_property
    def _options_key(self) -> str:
        return f"{self.code} {sorted(self.settings.items())!r}"

    def diagnostic(
        self,
        facts: FileFacts,
        span: Span,
        message: str,
        fix: Fix | None = None,
        noqa_row: int = 0,
    ) -> Diagnostic:
        return Diagnostic(
            code=self.code,
            message=message,
            path=facts.path,
            row=span.row,
            col=span.col,
            end_row=span.end_row,
            end_col=span.end_col,
            fix=fix,
            noqa_row=noqa_row or span.row,
        )
