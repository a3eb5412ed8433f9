"""The statement walk: each statement is dispatched by its type; function bodies count their
statements, branches and loops; `if` statements open the blocks that change where a call
runs (`if __name__ == "__main__":`, `if TYPE_CHECKING:`, a first-time `if _client is None:`
on a module global, and argument guards `if <test on a parameter>:`). File rules subscribed
to a statement's type are called after its body.

Definitions are walked in definitions.py, imports in imports.py, assignments in bindings.py.

May import `fastlint.facts.records`, `fastlint.facts.scopes`, `fastlint.facts.guards` and
`fastlint.facts.entry_points`.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from fastlint.facts.dispatch import handles
from fastlint.facts.entry_points import is_main_guard
from fastlint.facts.guards import Guard, guard_of, make_guard
from fastlint.facts.records import UNKNOWN, Val
from fastlint.facts.scopes import Scope
from fastlint.files.ast_compat import TryStar, TypeAlias

_LOOPS = frozenset({ast.For, ast.AsyncFor, ast.While})
_BRANCH_KINDS = frozenset({ast.If, ast.For, ast.AsyncFor, ast.While, ast.Try, ast.Match, TryStar})
_TYPE_CHECKING = ("typing.TYPE_CHECKING", "typing_extensions.TYPE_CHECKING")


class StatementWalk:
    """Walks statements (a mixin of the collector)."""

    STATEMENTS: ClassVar[dict[type, Callable[..., None]]]  # node type → handler, see Collector
    module: str
    scopes: list[Scope]
    stmt_row: int
    main_guard: int
    type_checking: int
    once: int
    guards: list[Guard]
    rule_visits: dict[type, Any]
    expr: Callable[[ast.expr, ast.AST | None], Val]  # see ExpressionWalk
    sym_of: Callable[[ast.expr], str | None]
    resolve_name: Callable[[str], Val | None]
    bind: Callable[[str, Val], None]
    mark_await: Callable[[], None]
    assign: Callable[..., None]  # see BindingRecording
    bind_target: Callable[[ast.expr, Val], None]
    dispatch: Callable[[ast.AST], None]

    def walk_body(self, body: Sequence[ast.stmt]) -> None:
        stmt = self.stmt
        for node in body:
            stmt(node)

    def stmt(self, node: ast.stmt) -> None:
        saved_row = self.stmt_row
        self.stmt_row = node.lineno
        kind = type(node)
        scope = self.scopes[-1]
        if scope.kind == "function":
            scope.statements += 1
            if kind in _BRANCH_KINDS:
                scope.branches += 1
                if kind in _LOOPS:
                    scope.loops += 1
        handler = self.STATEMENTS.get(kind)
        if handler is not None:
            handler(self, node)
        else:
            self.other_statement(node)
        if kind in self.rule_visits:
            self.dispatch(node)
        self.stmt_row = saved_row

    def annotation(self, node: ast.expr) -> None:
        """Annotations are shown to the rules, but not walked: they record no calls."""
        self.dispatch(node)

    @handles(ast.Expr)
    def expression_statement(self, node: ast.Expr) -> None:
        self.expr(node.value, node)

    @handles(ast.Assign)
    def assignment(self, node: ast.Assign) -> None:
        value = self.expr(node.value, node)
        for target in node.targets:
            self.assign(target, node.value, value, node)

    @handles(ast.AnnAssign)
    def annotated_assignment(self, node: ast.AnnAssign) -> None:
        value = self.expr(node.value, node) if node.value is not None else None
        self.annotation(node.annotation)
        self.assign(node.target, node.value, value, node, node.annotation)

    @handles(ast.AugAssign)
    def augmented_assignment(self, node: ast.AugAssign) -> None:
        self.expr(node.value, node)
        self.expr(node.target, node)

    @handles(TypeAlias)
    def type_alias(self, node: ast.stmt) -> None:
        # `type SessionDep = Annotated[...]` is an alias like `SessionDep = Annotated[...]`.
        value = self.expr(node.value, node)  # type: ignore[attr-defined]
        self.assign(node.name, node.value, value, node)  # type: ignore[attr-defined]

    @handles(ast.Return)
    def return_statement(self, node: ast.Return) -> None:
        if node.value is not None:
            returned = self.expr(node.value, node)
            function_scope = self.scopes[-1].function_scope
            if function_scope is not None and not (returned.kind == "const" and returned.value is None):
                function_scope.returned.append(returned.symbol)

    @handles(ast.If)
    def if_statement(self, node: ast.If) -> None:
        test = node.test
        self.expr(test, node)
        guard = self.scopes[-1].kind == "module" and is_main_guard(test)
        checking = self._is_type_checking(test)
        scope = self.scopes[-1].function_scope
        once = scope is not None and self._is_first_time_test(test, scope)
        if guard:
            self.main_guard += 1
        if checking:
            self.type_checking += 1
        on_parameter = guard_of(test, scope.params) if scope is not None and scope.params else None
        self.once += once
        if on_parameter is not None:
            self.guards.append(make_guard(on_parameter, True))
        self.walk_body(node.body)
        if on_parameter is not None:
            self.guards[-1] = make_guard(on_parameter, False)
        self.once -= once
        if guard:
            self.main_guard -= 1
        if checking:
            self.type_checking -= 1
        self.walk_body(node.orelse)
        if on_parameter is not None:
            self.guards.pop()

    def _is_type_checking(self, test: ast.expr) -> bool:
        if isinstance(test, ast.Name) and test.id == "TYPE_CHECKING":
            return True
        return self.sym_of(test) in _TYPE_CHECKING

    def _is_first_time_test(self, test: ast.expr, scope: Scope) -> bool:
        """`if _client is None:` / `if not _client:` on a module global, in a function (`scope`):
        a lazy initialisation, whose body runs once per process."""
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            name = test.operand
        elif (isinstance(test, ast.Compare) and len(test.ops) == 1
              and isinstance(test.ops[0], (ast.Is, ast.Eq))
              and isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None):
            name = test.left
        else:
            return False
        if not isinstance(name, ast.Name):
            return False
        if name.id in scope.global_names:
            return True
        value = self.resolve_name(name.id)
        return value is not None and value.kind == "ref" and value.value == f"{self.module}.{name.id}"

    @handles(ast.For, ast.AsyncFor)
    def for_loop(self, node: ast.For | ast.AsyncFor) -> None:
        if type(node) is ast.AsyncFor:
            self.mark_await()
        self.expr(node.iter, node)
        self.bind_target(node.target, UNKNOWN)
        self.walk_body(node.body)
        self.walk_body(node.orelse)

    @handles(ast.While)
    def while_loop(self, node: ast.While) -> None:
        self.expr(node.test, node)
        self.walk_body(node.body)
        self.walk_body(node.orelse)

    @handles(ast.With, ast.AsyncWith)
    def with_statement(self, node: ast.With | ast.AsyncWith) -> None:
        if type(node) is ast.AsyncWith:
            self.mark_await()
        for item in node.items:
            value = self.expr(item.context_expr, node)
            if item.optional_vars is not None:
                if isinstance(item.optional_vars, ast.Name) and value.kind == "call":
                    self.bind(item.optional_vars.id, value)
                else:
                    self.bind_target(item.optional_vars, UNKNOWN)
        self.walk_body(node.body)

    @handles(ast.Try, TryStar)
    def try_statement(self, node: ast.Try) -> None:
        self.walk_body(node.body)
        for handler in node.handlers:
            self.stmt_row = handler.lineno
            if handler.type is not None:
                self.expr(handler.type, handler)
            if handler.name:
                self.bind(handler.name, UNKNOWN)
            self.walk_body(handler.body)
        self.walk_body(node.orelse)
        self.walk_body(node.finalbody)

    @handles(ast.Raise)
    def raise_statement(self, node: ast.Raise) -> None:
        if node.exc is not None:
            self.expr(node.exc, node)
        if node.cause is not None:
            self.expr(node.cause, node)

    @handles(ast.Assert)
    def assert_statement(self, node: ast.Assert) -> None:
        self.expr(node.test, node)
        if node.msg is not None:
            self.expr(node.msg, node)

    @handles(ast.Delete)
    def delete_statement(self, node: ast.Delete) -> None:
        for target in node.targets:
            self.expr(target, node)

    @handles(ast.Match)
    def match_statement(self, node: ast.Match) -> None:
        self.expr(node.subject, node)
        for case in node.cases:
            if case.guard is not None:
                self.expr(case.guard, node)
            for sub in ast.walk(case.pattern):
                name = getattr(sub, "name", None)
                if isinstance(name, str):
                    self.bind(name, UNKNOWN)
            self.walk_body(case.body)

    @handles(ast.Global, ast.Nonlocal)
    def declaration(self, node: ast.Global | ast.Nonlocal) -> None:
        for name in node.names:
            self.bind(name, UNKNOWN)
        scope = self.scopes[-1]
        if type(node) is ast.Global and scope.kind == "function":
            scope.global_names.update(node.names)

    def other_statement(self, node: ast.stmt) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                self.expr(child, node)
            elif isinstance(child, ast.stmt):
                self.stmt(child)
