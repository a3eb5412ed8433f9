"""Static values of expressions: the symbol a name or attribute resolves to, the type an
annotation names, the dependency a `Depends(...)` gives — read without recording anything.

May import `fastlint.facts.records` and `fastlint.facts.scopes`.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Callable

from fastlint.facts.records import UNKNOWN, Span, Val

ANNOTATED = ("typing.Annotated", "typing_extensions.Annotated")
_GENERATOR_WRAPPERS = frozenset(
    {"typing.Generator", "typing.Iterator", "typing.AsyncGenerator", "typing.AsyncIterator",
     "collections.abc.Generator", "collections.abc.Iterator", "collections.abc.AsyncGenerator",
     "collections.abc.AsyncIterator", "typing.Iterable", "collections.abc.Iterable"}
)
_OPTIONAL_WRAPPERS = frozenset({"typing.Optional", "typing.Union"})
DEPENDS = frozenset({"fastapi.Depends", "fastapi.Security", "fastapi.params.Depends",
                     "fastapi.params.Security", "fastapi.param_functions.Depends",
                     "fastapi.param_functions.Security"})


class ValueResolution:
    """Symbols and values of expressions in the current scope (a mixin of the collector)."""

    resolve_name: Callable[[str], Val | None]  # see ScopeStack
    span: Callable[[ast.AST], Span]

    def sym_of(self, node: ast.expr) -> str | None:
        kind = type(node)
        if kind is ast.Name:
            value = self.resolve_name(node.id)  # type: ignore[attr-defined]
            return value.symbol if value is not None else None
        if kind is ast.Attribute:
            base = self.sym_of(node.value)  # type: ignore[attr-defined]
            return f"{base}.{node.attr}" if base is not None else None  # type: ignore[attr-defined]
        if kind is ast.Call:
            base = self.sym_of(node.func)  # type: ignore[attr-defined]
            return f"{base}()" if base is not None else None
        return None

    def val_of(self, node: ast.expr) -> Val:
        """The value of a constant, a name or an attribute, without recording anything.

        (Values of whole expressions are built once, by the walk, into the facts.)
        """
        if isinstance(node, ast.Constant):
            return Val("const", node.value, self.span(node))
        if isinstance(node, ast.Name):
            value = self.resolve_name(node.id)
            if value is None:
                return UNKNOWN
            if value.kind == "ref":
                return Val("ref", value.value, self.span(node))
            return value
        if isinstance(node, ast.Attribute):
            base = self.sym_of(node.value)
            return Val("ref", intern(f"{base}.{node.attr}"), self.span(node)) if base else UNKNOWN
        return UNKNOWN

    def annotation_symbol(self, node: ast.expr | None) -> str | None:
        """The type an annotation names: `Annotated[T, ...]`, `Optional[T]`, `T | None` → T."""
        if node is None:
            return None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                node = ast.parse(node.value, mode="eval").body
            except (SyntaxError, ValueError):  # ValueError: a NUL in the string (Python 3.10)
                return None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            left, right = node.left, node.right
            if isinstance(right, ast.Constant) and right.value is None:
                return self.annotation_symbol(left)
            if isinstance(left, ast.Constant) and left.value is None:
                return self.annotation_symbol(right)
            return None
        if isinstance(node, ast.Subscript):
            outer = self.sym_of(node.value)
            inner = node.slice
            if outer in ANNOTATED:
                if isinstance(inner, ast.Tuple) and inner.elts:
                    return self.annotation_symbol(inner.elts[0])
                return None
            if outer in _OPTIONAL_WRAPPERS:
                elts = inner.elts if isinstance(inner, ast.Tuple) else [inner]
                real = [e for e in elts if not (isinstance(e, ast.Constant) and e.value is None)]
                return self.annotation_symbol(real[0]) if len(real) == 1 else None
            if outer in _GENERATOR_WRAPPERS:
                first = inner.elts[0] if isinstance(inner, ast.Tuple) and inner.elts else inner
                return self.annotation_symbol(first)
            return None
        return self.sym_of(node)

    def depends_target(self, node: ast.expr | None) -> str | None:
        """The dependency of `Depends(f)` / `Security(f)` / `Annotated[T, Depends(f)]`.

        (An alias of `Annotated[...]` defined in this module is resolved by the project.)"""
        if node is None:
            return None
        if isinstance(node, ast.Call) and self.sym_of(node.func) in DEPENDS:
            target = node.args[0] if node.args else None
            for keyword in node.keywords:
                if keyword.arg == "dependency":
                    target = keyword.value
            return self.sym_of(target) if target is not None else None
        if isinstance(node, ast.Subscript) and self.sym_of(node.value) in ANNOTATED:
            if isinstance(node.slice, ast.Tuple):
                for extra in node.slice.elts[1:]:
                    target = self.depends_target(extra)
                    if target is not None:
                        return target
        return None

    def is_bare_depends(self, node: ast.expr | None) -> bool:
        """`Depends()` without a dependency, directly or inside `Annotated[...]`."""
        if isinstance(node, ast.Call):
            return not node.args and not node.keywords and self.sym_of(node.func) in DEPENDS
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Tuple) \
                and self.sym_of(node.value) in ANNOTATED:
            return any(self.is_bare_depends(extra) for extra in node.slice.elts[1:])
        return False


# Symbols repeat thousands of times; one object each keeps the cache and IPC small.
intern = sys.intern


def concat(left: Val, right: Val, span: Span) -> Val:
    """`a + b` of strings (constants, f-strings or names of constants), else unknown."""
    if left.kind not in ("const", "fstr", "ref") or right.kind not in ("const", "fstr", "ref"):
        return UNKNOWN
    if (left.kind == "const" and not isinstance(left.value, str)) or (
        right.kind == "const" and not isinstance(right.value, str)
    ):
        return UNKNOWN
    parts = (left.value if left.kind == "fstr" else (left,)) + (  # type: ignore[operator]
        right.value if right.kind == "fstr" else (right,)
    )
    return Val("fstr", parts, span)


def dotted_text(node: ast.expr) -> str:
    """An expression as written, for messages: `rq.get`, `Session().execute`, `x[…].y`."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{dotted_text(node.value)}.{node.attr}"
    if isinstance(node, ast.Call):
        return f"{dotted_text(node.func)}()"
    if isinstance(node, ast.Subscript):
        return f"{dotted_text(node.value)}[…]"
    return "…"
