"""The expression walk: each expression is walked once, children first, and its static value
(`Val`) is built on the way back up — a constant, a resolved symbol, a list, an f-string, a
dict, a call (see calls.py), a lambda — with the uses of imported names, awaits and yields
noted on the enclosing scope. File rules subscribed to an expression's type are called after
its children.

May import `fastlint.facts.records`, `fastlint.facts.scopes` and `fastlint.facts.values`.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any, ClassVar

from fastlint.facts.dispatch import handles
from fastlint.facts.records import UNKNOWN, Span, Val, new_record
from fastlint.facts.scopes import Scope
from fastlint.facts.values import concat, intern


class ExpressionWalk:
    """Walks expressions (a mixin of the collector)."""

    EXPRESSIONS: ClassVar[dict[type, Callable[..., Val]]]  # node type → handler, see Collector
    scopes: list[Scope]
    imported_names: set[str]
    import_uses: set[tuple[str, int]]
    generator_depth: int
    rule_visits: dict[type, Any]
    resolve_name: Callable[[str], Val | None]  # see ScopeStack
    bind: Callable[[str, Val], None]
    enter: Callable[[Scope], None]
    leave: Callable[[], None]
    mark_await: Callable[[], None]
    bind_target: Callable[[ast.expr, Val], None]  # see BindingRecording
    span: Callable[[ast.AST], Span]
    dispatch: Callable[[ast.AST], None]

    def expr(self, node: ast.expr, parent: ast.AST | None) -> Val:
        """Walk an expression once; return its value (for calls, the call's Val)."""
        kind = type(node)
        handler = self.EXPRESSIONS.get(kind)
        value = handler(self, node, parent) if handler is not None else self.other_expression(node)
        if kind in self.rule_visits:
            self.dispatch(node)
        return value

    @handles(ast.Name)
    def name(self, node: ast.Name, parent: ast.AST | None) -> Val:
        name = node.id
        if name in self.imported_names:
            function_scope = self.scopes[-1].function_scope
            self.import_uses.add((name, function_scope.function_index if function_scope is not None else -1))
        return self.resolve_name(name) or UNKNOWN

    @handles(ast.Attribute)
    def attribute(self, node: ast.Attribute, parent: ast.AST | None) -> Val:
        base = self.expr(node.value, node).symbol
        if base is None:
            return UNKNOWN
        return new_record(Val, ("ref", intern(f"{base}.{node.attr}"), None, (), (), None))

    @handles(ast.Constant)
    def constant(self, node: ast.Constant, parent: ast.AST | None) -> Val:
        return new_record(Val, ("const", node.value, self.span(node), (), (), None))

    @handles(ast.List, ast.Tuple, ast.Set)
    def display(self, node: ast.List | ast.Tuple | ast.Set, parent: ast.AST | None) -> Val:
        return new_record(Val, ("list", tuple([self.expr(e, node) for e in node.elts]),
                                self.span(node), (), (), None))

    @handles(ast.JoinedStr)
    def f_string(self, node: ast.JoinedStr, parent: ast.AST | None) -> Val:
        parts = []
        for part in node.values:
            if isinstance(part, ast.FormattedValue):
                parts.append(self.expr(part.value, part))
                if part.format_spec is not None:
                    self.expr(part.format_spec, part)
            else:
                parts.append(self.expr(part, node))
        return Val("fstr", tuple(parts), self.span(node))

    @handles(ast.Dict)
    def dict_display(self, node: ast.Dict, parent: ast.AST | None) -> Val:
        items = []
        for key, item in zip(node.keys, node.values):
            items.append((self.expr(key, node) if key is not None else UNKNOWN, self.expr(item, node)))
        return Val("dict", tuple(items), self.span(node))

    @handles(ast.BinOp)
    def binary(self, node: ast.BinOp, parent: ast.AST | None) -> Val:
        left = self.expr(node.left, node)
        right = self.expr(node.right, node)
        return concat(left, right, self.span(node)) if isinstance(node.op, ast.Add) else UNKNOWN

    @handles(ast.UnaryOp)
    def unary(self, node: ast.UnaryOp, parent: ast.AST | None) -> Val:
        inner = self.expr(node.operand, node)
        if isinstance(node.op, ast.USub) and inner.kind == "const" and isinstance(inner.value, (int, float)):
            return Val("const", -inner.value, self.span(node))
        return UNKNOWN

    @handles(ast.Await)
    def await_expr(self, node: ast.Await, parent: ast.AST | None) -> Val:
        self.mark_await()
        self.expr(node.value, node)
        return UNKNOWN

    @handles(ast.Yield, ast.YieldFrom)
    def yield_expr(self, node: ast.Yield | ast.YieldFrom, parent: ast.AST | None) -> Val:
        scope = self.scopes[-1].function_scope
        if scope is not None:
            scope.yields = True
            scope.first_yield = scope.first_yield or node.lineno
        if node.value is not None:
            yielded = self.expr(node.value, node)
            if scope is not None and type(node) is ast.Yield:
                scope.yielded.append(yielded.symbol)
        return UNKNOWN

    @handles(ast.NamedExpr)
    def named_expr(self, node: ast.NamedExpr, parent: ast.AST | None) -> Val:
        inner = self.expr(node.value, node)
        self.bind(node.target.id, inner if inner.kind == "call" else UNKNOWN)
        return inner

    @handles(ast.Lambda)
    def lambda_expr(self, node: ast.Lambda, parent: ast.AST | None) -> Val:
        """A lambda's value is `Val("lambda", <the value of its body>)`."""
        for default in node.args.defaults + [d for d in node.args.kw_defaults if d]:
            self.expr(default, node)
        scope = Scope("lambda", f"{self.scopes[-1].qualname}.<lambda>")
        for arg in node.args.posonlyargs + node.args.args + node.args.kwonlyargs:
            scope.names[arg.arg] = UNKNOWN
        for arg in (node.args.vararg, node.args.kwarg):  # type: ignore[assignment]
            if arg is not None:
                scope.names[arg.arg] = UNKNOWN
        self.enter(scope)
        body = self.expr(node.body, node)
        self.leave()
        return Val("lambda", body if body.kind == "call" else UNKNOWN)

    @handles(ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)
    def comprehension(self, node: ast.expr, parent: ast.AST | None) -> Val:
        generator_expression = type(node) is ast.GeneratorExp
        if generator_expression:
            self.generator_depth += 1
        for generator in node.generators:  # type: ignore[attr-defined]
            self.expr(generator.iter, node)
            self.bind_target(generator.target, UNKNOWN)
            if generator.is_async:
                self.mark_await()
            for condition in generator.ifs:
                self.expr(condition, node)
        if type(node) is ast.DictComp:
            self.expr(node.key, node)
            self.expr(node.value, node)
        else:
            self.expr(node.elt, node)  # type: ignore[attr-defined]
        if generator_expression:
            self.generator_depth -= 1
        return UNKNOWN

    # The common expressions without a value of their own, walked in `ast`'s field order
    # without `iter_child_nodes` (a generator per node).
    @handles(ast.Subscript)
    def subscript(self, node: ast.Subscript, parent: ast.AST | None) -> Val:
        self.expr(node.value, node)
        self.expr(node.slice, node)
        return UNKNOWN

    @handles(ast.Compare)
    def compare(self, node: ast.Compare, parent: ast.AST | None) -> Val:
        self.expr(node.left, node)
        for comparator in node.comparators:
            self.expr(comparator, node)
        return UNKNOWN

    @handles(ast.BoolOp)
    def boolean(self, node: ast.BoolOp, parent: ast.AST | None) -> Val:
        for operand in node.values:
            self.expr(operand, node)
        return UNKNOWN

    @handles(ast.IfExp)
    def conditional(self, node: ast.IfExp, parent: ast.AST | None) -> Val:
        self.expr(node.test, node)
        self.expr(node.body, node)
        self.expr(node.orelse, node)
        return UNKNOWN

    @handles(ast.Starred)
    def starred(self, node: ast.Starred, parent: ast.AST | None) -> Val:
        self.expr(node.value, node)
        return UNKNOWN

    def other_expression(self, node: ast.expr) -> Val:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                self.expr(child, node)
            elif isinstance(child, ast.comprehension):
                self.expr(child.iter, node)
        return UNKNOWN
