"""Imports: the ImportFacts of `import` and `from ... import` statements (relative imports
resolved against the file's module), and the names they bind.

May import `fastlint.facts.records` and `fastlint.facts.scopes`.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from fastlint.facts.dispatch import handles
from fastlint.facts.records import ImportFact, Span, Val
from fastlint.facts.scopes import Scope


class ImportRecording:
    """Records ImportFacts (a mixin of the collector)."""

    module: str
    is_package: bool
    scopes: list[Scope]
    imports: list[ImportFact]
    imported_names: set[str]
    type_checking: int
    bind: Callable[[str, Val], None]  # see ScopeStack
    span: Callable[[ast.AST], Span]

    @handles(ast.Import, ast.ImportFrom)
    def import_statement(self, node: ast.Import | ast.ImportFrom) -> None:
        in_function = self.scopes[-1].callable_scope is not None
        span = self.span(node)
        checking = self.type_checking > 0
        if isinstance(node, ast.Import):
            for alias in node.names:
                bound = alias.asname or alias.name.split(".", 1)[0]
                target = alias.name if alias.asname else bound
                self.imports.append(ImportFact(alias.name, None, bound, span, checking, in_function))
                self.imported_names.add(bound)
                self.bind(bound, Val("ref", target))
            return
        base = self.import_base(node)
        unresolved = bool(node.level) and not base
        for alias in node.names:
            if alias.name == "*":
                self.imports.append(ImportFact(base, "*", "*", span, checking, in_function, unresolved))
                continue
            bound = alias.asname or alias.name
            self.imports.append(
                ImportFact(base, alias.name, bound, span, checking, in_function, unresolved)
            )
            self.imported_names.add(bound)
            self.bind(bound, Val("ref", f"{base}.{alias.name}"))

    def import_base(self, stmt: ast.ImportFrom) -> str:
        """The module `from <base> import ...` imports from, relative imports resolved."""
        if not stmt.level:
            return stmt.module or ""
        parts = self.module.split(".")
        if not self.is_package:
            parts = parts[:-1]
        up = stmt.level - 1
        if up > len(parts):
            parts = []
        elif up:
            parts = parts[:-up]
        base = ".".join(parts)
        if stmt.module:
            base = f"{base}.{stmt.module}" if base else stmt.module
        return base
