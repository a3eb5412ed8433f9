"""Calls: the value of a call expression (callee symbol, arguments, receiver) and the CallFact
recorded for every call whose callee resolves, with where it runs (function, lambda, main
guard, a first-time block, argument guards, a generator, a class body) and what surrounds it
(awaited, entered as a context manager, assigned to a name).

May import `fastlint.facts.records`, `fastlint.facts.scopes` and `fastlint.facts.values`.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from fastlint.facts.dispatch import handles
from fastlint.facts.guards import Guard
from fastlint.facts.records import PARAMETER_WIRING, UNKNOWN, CallFact, Span, Val, new_record
from fastlint.facts.scopes import Scope
from fastlint.facts.values import dotted_text, intern


class CallRecording:
    """Walks call expressions and records their CallFacts (a mixin of the collector)."""

    scopes: list[Scope]
    calls: list[CallFact]
    guards: list[Guard]
    main_guard: int
    once: int
    generator_depth: int
    stmt_row: int
    expr: Callable[[ast.expr, ast.AST | None], Val]  # see ExpressionWalk
    sym_of: Callable[[ast.expr], str | None]
    span: Callable[[ast.AST], Span]
    position: Callable[[int, int], tuple[int, int]]
    dispatch: Callable[[ast.AST], None]
    rule_visits: dict[type, Any]

    @handles(ast.Call)
    def call(self, node: ast.Call, parent: ast.AST | None) -> Val:
        func = node.func
        receiver: Val | None = None
        if type(func) is ast.Attribute:
            receiver = self.expr(func.value, func)
            base = receiver.symbol
            if base is None and receiver.kind == "unknown" and receiver.value is not None \
                    and func.attr in PARAMETER_WIRING:
                base = receiver.value  # `<param app>`: see records.unannotated_parameter
            callee = intern(f"{base}.{func.attr}") if base is not None else None
            if receiver.kind != "call":
                receiver = None  # derivable from the callee (Val.target)
            if ast.Attribute in self.rule_visits:
                self.dispatch(func)
        else:
            called = self.expr(func, node)
            callee = called.symbol
            if called.kind == "call":
                receiver = called  # `app.get("/x")(handler)`: the call that made the callee
            elif callee is None and type(func) is ast.Subscript:
                callee = _specialised_class(self.sym_of(func.value))  # type: ignore[attr-defined]
        expr = self.expr
        args = []
        for arg in node.args:
            if type(arg) is ast.Starred:
                expr(arg.value, node)  # type: ignore[attr-defined]
                args.append(UNKNOWN)
            else:
                args.append(expr(arg, node))
        kwargs = tuple([(k.arg if k.arg is not None else "**", expr(k.value, node))
                        for k in node.keywords])
        value = new_record(Val, ("call", callee, self.span(node), tuple(args), kwargs, receiver))
        if callee is not None:
            self._record_call(node, func, value, parent)
        return value

    def _record_call(self, node: ast.Call, func: ast.expr, value: Val, parent: ast.AST | None) -> None:
        scope = self.scopes[-1]
        callable_scope = scope.callable_scope
        function_scope = scope.function_scope
        parent_kind = type(parent)
        assigned = ""
        if parent_kind is ast.Assign and parent.value is node and len(parent.targets) == 1 \
                and type(parent.targets[0]) is ast.Name:  # type: ignore[union-attr]
            assigned = parent.targets[0].id  # type: ignore[union-attr]
        # All of CallFact's fields, in order (see records.new_record).
        self.calls.append(new_record(CallFact, (
            value,  # call
            intern(dotted_text(func)),  # text
            value.span,  # span
            self.position(func.end_lineno or node.lineno, func.end_col_offset or 0),  # func_end
            function_scope.function_index if function_scope is not None else -1,  # function
            callable_scope is not None and callable_scope.kind == "lambda",  # in_lambda
            parent_kind is ast.Await,  # awaited
            (parent_kind is ast.Attribute or parent_kind is ast.Subscript  # needs_parens
             or (parent_kind is ast.Call and parent.func is node)),  # type: ignore[union-attr]
            self.main_guard > 0,  # in_main_guard
            self.stmt_row,  # stmt_row
            assigned,  # assigned_to
            self.generator_depth > 0,  # in_generator
            function_scope is not None and scope.in_class_body,  # in_class_body
            self.once > 0,  # once
            parent_kind is ast.With or parent_kind is ast.AsyncWith,  # context_manager
            tuple(self.guards) if self.guards else (),  # guards
        )))


def _specialised_class(symbol: str | None) -> str | None:
    """`Repository[User](...)` instantiates `Repository`, as `Repository(...)` does
    (a capitalised name: `handlers[0](...)` calls an element, not `handlers`)."""
    if symbol is None or not symbol.rsplit(".", 1)[-1][:1].isupper():
        return None
    return symbol
