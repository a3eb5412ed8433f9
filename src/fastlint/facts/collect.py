"""The per-file walk: one pass over a module's `ast` that resolves names and records its
FileFacts, calling the file-local rules on the way (see `rules.base.FileRule`).

The collector is one object made of small walkers that share its state, each in its own
module: scopes and name resolution (scopes.py), static values (values.py), statements
(statements.py), expressions (expressions.py), calls (calls.py), assignments (bindings.py),
imports (imports.py), definitions (definitions.py), the rules' view (context.py), positions
(positions.py). Each walk method handles the node types it is registered for (dispatch.py).

May import `fastlint.files` and the modules of `fastlint.facts`.
"""

from __future__ import annotations

import ast

from fastlint.facts.bindings import BindingRecording
from fastlint.facts.calls import CallRecording
from fastlint.facts.context import FileContext, HandlerFailed, NodeHandler, RuleDispatch
from fastlint.facts.definitions import DefinitionWalk
from fastlint.facts.dispatch import dispatch_table
from fastlint.facts.expressions import ExpressionWalk
from fastlint.facts.guards import Guard
from fastlint.facts.imports import ImportRecording
from fastlint.facts.positions import Positions
from fastlint.facts.records import (
    BindingFact,
    CallFact,
    ClassFact,
    FileFacts,
    FunctionFact,
    ImportFact,
)
from fastlint.facts.scopes import Scope, ScopeStack
from fastlint.facts.statements import StatementWalk
from fastlint.facts.values import ValueResolution
from fastlint.files.source import SourceFile


class Collector(StatementWalk, DefinitionWalk, ImportRecording, BindingRecording, ExpressionWalk,
                CallRecording, ValueResolution, ScopeStack, RuleDispatch):
    """Walks one module once; `run()` returns its FileFacts."""

    def __init__(
        self,
        source: SourceFile,
        tree: ast.Module,
        module: str,
        is_package: bool,
        is_test: bool = False,
        handlers: dict[type, list[NodeHandler]] | None = None,
        on_rule_failure: HandlerFailed | None = None,
    ) -> None:
        self.source = source
        self.tree = tree
        self.module = module
        self.is_package = is_package
        self.is_test = is_test
        self.rule_visits = {kind: list(visits) for kind, visits in (handlers or {}).items()}
        self.on_rule_failure = on_rule_failure
        positions = Positions(source)
        self.span = positions.span
        self.position = positions.position
        self.scopes: list[Scope] = []
        self.enter(Scope("module", module))
        self.imports: list[ImportFact] = []
        self.functions: list[FunctionFact | None] = []
        self.classes: list[ClassFact] = []
        self.calls: list[CallFact] = []
        self.bindings: list[BindingFact] = []
        self.defines: list[str] = []
        self.imported_names: set[str] = set()
        self.import_uses: set[tuple[str, int]] = set()
        self.reports: list[tuple] = []
        self.main_guard = 0
        self.once = 0  # depth of `if _cache is None:` blocks on a module global
        self.guards: list[Guard] = []  # `if <test on a parameter>:` around the current statement
        self.type_checking = 0
        self.stmt_row = 0
        self.generator_depth = 0
        self.context = FileContext(self)

    def run(self) -> FileFacts:
        body = self.tree.body
        self.bind_module_names(body)
        self.walk_body(body)
        return FileFacts(
            path=self.source.path,
            module=self.module,
            is_package=self.is_package,
            imports=tuple(self.imports),
            functions=tuple(f for f in self.functions if f is not None),
            classes=tuple(self.classes),
            calls=tuple(self.calls),
            bindings=tuple(self.bindings),
            defines=tuple(self.defines),
            is_test=self.is_test,
            import_uses=tuple(sorted(self.import_uses)),
        )

    def release(self) -> None:
        """Break the collector ↔ context cycle so the tree is freed without the GC."""
        self.context._collector = None  # type: ignore[assignment]
        self.tree = None  # type: ignore[assignment]


Collector.STATEMENTS = dispatch_table(Collector, ast.stmt)
Collector.EXPRESSIONS = dispatch_table(Collector, ast.expr)

__all__ = ["Collector", "FileContext", "NodeHandler"]
