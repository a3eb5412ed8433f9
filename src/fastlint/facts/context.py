"""What a file-local rule sees during the walk (`FileContext`), and how the walk calls the
rules subscribed to a node's type (`RuleDispatch`): after the node's children, once per node;
a rule that raises is reported (not fatal) and not called again on that file.

May import `fastlint.files`, `fastlint.facts.records` and `fastlint.facts.scopes`.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import TYPE_CHECKING

from fastlint.facts.records import Span, Val
from fastlint.facts.scopes import Scope

if TYPE_CHECKING:
    from fastlint.facts.collect import Collector

NodeHandler = Callable[[ast.AST, "FileContext"], None]
# Told which handler raised, and what: the walk goes on without it.
HandlerFailed = Callable[[NodeHandler, Exception], None]


class FileContext:
    """What a file-local rule sees during the walk."""

    def __init__(self, collector: Collector) -> None:
        self._collector = collector
        self.source = collector.source
        self.module = collector.module
        self.is_test = collector.is_test

    def symbol(self, node: ast.expr) -> str | None:
        """The resolved symbol of an expression (`rq.get` → `requests.get`), or None."""
        return self._collector.sym_of(node)

    def value(self, node: ast.expr) -> Val:
        """The static value of a constant, a name or an attribute."""
        return self._collector.val_of(node)

    @property
    def in_async_function(self) -> bool:
        scope = self._collector.innermost_function()
        return scope is not None and scope.kind == "function" and scope.is_async

    @property
    def in_function(self) -> bool:
        return self._collector.innermost_function() is not None

    @property
    def in_main_guard(self) -> bool:
        return self._collector.main_guard > 0

    @property
    def class_qualname(self) -> str | None:
        for scope in reversed(self._collector.scopes):
            if scope.kind == "class":
                return scope.qualname
        return None

    @property
    def tree(self) -> ast.Module:
        """The whole module, for a rule that needs a fact about the file before its walk ends."""
        return self._collector.tree

    @property
    def statement_row(self) -> int:
        return self._collector.stmt_row

    def span(self, node: ast.AST) -> Span:
        return self._collector.span(node)

    def report(self, code: str, node: ast.AST | Span, message: str, fix=None) -> None:
        span = node if isinstance(node, Span) else self.span(node)
        self._collector.reports.append((code, span, message, fix, self._collector.stmt_row))


class RuleDispatch:
    """Calls the rules subscribed to a node's type (a mixin of the collector)."""

    rule_visits: dict[type, list[NodeHandler]]
    on_rule_failure: HandlerFailed | None
    context: FileContext
    scopes: list[Scope]

    def dispatch(self, node: ast.AST) -> None:
        visits = self.rule_visits.get(type(node))
        if visits is None:
            return
        context = self.context
        for visit in visits:
            try:
                visit(node, context)
            except Exception as error:  # a broken rule must not stop the run
                self._drop(visit, error)

    def _drop(self, visit: NodeHandler, error: Exception) -> None:
        if self.on_rule_failure is None:
            raise error
        self.on_rule_failure(visit, error)
        # New lists: a dispatch in progress goes on over the old one.
        self.rule_visits = {kind: [other for other in visits if other != visit]
                            for kind, visits in self.rule_visits.items()}
