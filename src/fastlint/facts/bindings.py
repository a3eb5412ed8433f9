"""Assignments: what a name is bound to in the scope that assigns it, and the BindingFacts of
module- and class-level names, of `self.x = ...` in a method (the class attribute `Class.x`)
and of `request.state.x = ...` (one name per attribute of any request's or app's state).

May import `fastlint.facts.records`, `fastlint.facts.scopes` and `fastlint.facts.values`.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from fastlint.facts.records import UNKNOWN, BindingFact, Span, Val
from fastlint.facts.scopes import Scope, target_names
from fastlint.facts.values import ANNOTATED

# The class of `request.state` and `app.state`: their attributes are bound under this name.
STATE = "starlette.datastructures.State"


class BindingRecording:
    """Binds assigned names and records BindingFacts (a mixin of the collector)."""

    scopes: list[Scope]
    bindings: list[BindingFact]
    expr: Callable[[ast.expr, ast.AST | None], Val]  # see ExpressionWalk
    bind: Callable[[str, Val], None]  # see ScopeStack
    sym_of: Callable[[ast.expr], str | None]  # see ValueResolution
    annotation_symbol: Callable[[ast.expr | None], str | None]
    depends_target: Callable[[ast.expr | None], str | None]
    span: Callable[[ast.AST], Span]

    def assign(
        self,
        target: ast.expr,
        value_node: ast.expr | None,
        value: Val | None,
        stmt: ast.stmt,
        annotation: ast.expr | None = None,
    ) -> None:
        scope = self.scopes[-1]
        if isinstance(target, ast.Name):
            self._assign_name(scope, target, value_node, value, annotation)
            return
        if isinstance(target, ast.Attribute):
            self._assign_attribute(scope, target, value, stmt, annotation)
            return
        if isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self.assign(element, None, UNKNOWN, stmt)
            return
        if isinstance(target, ast.Starred):
            self.assign(target.value, None, UNKNOWN, stmt)
            return
        self.expr(target, stmt)

    def _assign_name(self, scope: Scope, target: ast.Name, value_node: ast.expr | None,
                     value: Val | None, annotation: ast.expr | None) -> None:
        bound = value if value is not None else UNKNOWN
        # A class-level dependency (`session: Session = Depends(get_db)`, fastapi-utils'
        # `@cbv`) is the value the dependency gives, not the `Depends` marker.
        dependency = self.depends_target(value_node) if scope.kind == "class" else None
        if annotation is not None and (value is None or bound.kind == "unknown" or dependency):
            ann = self.annotation_symbol(annotation)
            if ann is not None:
                bound = Val("ref", f"{ann}()")
                dependency = None
        if dependency is not None:
            bound = Val("ref", f"{dependency}()")
        if scope.kind not in ("module", "class"):
            self.bind(target.id, bound)
            return
        depends = None
        if isinstance(value_node, ast.Subscript) and self.sym_of(value_node.value) in ANNOTATED:
            aliased = self.annotation_symbol(value_node)
            bound = Val("ref", aliased) if aliased else UNKNOWN
            depends = self.depends_target(value_node)
        self.bindings.append(
            BindingFact(
                qualname=f"{scope.qualname}.{target.id}",
                value=bound,
                annotation=self.annotation_symbol(annotation) if annotation else None,
                span=self.span(target),
                depends=depends,
            )
        )

    def _assign_attribute(self, scope: Scope, target: ast.Attribute, value: Val | None,
                          stmt: ast.stmt, annotation: ast.expr | None) -> None:
        self.expr(target.value, stmt)
        # `self.x = value` inside a method binds the class attribute `Class.x`.
        if (
            isinstance(target.value, ast.Name)
            and target.value.id == "self"
            and scope.kind == "function"
            and scope.class_qualname is not None
            and value is not None
        ):
            self.bindings.append(
                BindingFact(
                    qualname=f"{scope.class_qualname}.{target.attr}",
                    value=value,
                    annotation=self.annotation_symbol(annotation) if annotation else None,
                    span=self.span(target),
                )
            )
        elif (
            isinstance(target.value, ast.Attribute)
            and target.value.attr == "state"
            and value is not None
            and value.symbol is not None
        ):
            # `request.state.db = SessionLocal()` in a middleware, read in the routes as
            # `request.state.db`: one name per attribute of any request's or app's state.
            self.bindings.append(BindingFact(f"{STATE}.{target.attr}", value, None, self.span(target)))

    def bind_target(self, target: ast.expr, value: Val) -> None:
        """Bind the names of a `for`, `with` or comprehension target; walk what it stores into."""
        if type(target) is ast.Name:
            self.bind(target.id, value)
            return
        for name in target_names(target):
            self.bind(name, value)
        for child in ast.walk(target):
            if isinstance(child, (ast.Attribute, ast.Subscript)):
                self.expr(child.value, None)
