"""libcst expressions to `ast` expressions: names, calls, operators, strings and f-/t-strings,
containers, comprehensions, and match patterns (half of the converter in cst_to_ast.py).
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Sequence
from typing import Any

import libcst as cst

from fastlint.files.ast_compat import Interpolation, TemplateStr

_OPERATORS = {
    "Add": ast.Add, "Subtract": ast.Sub, "Multiply": ast.Mult, "Divide": ast.Div,
    "FloorDivide": ast.FloorDiv, "Modulo": ast.Mod, "Power": ast.Pow, "LeftShift": ast.LShift,
    "RightShift": ast.RShift, "BitOr": ast.BitOr, "BitAnd": ast.BitAnd, "BitXor": ast.BitXor,
    "MatrixMultiply": ast.MatMult,
}
_UNARY = {"Plus": ast.UAdd, "Minus": ast.USub, "BitInvert": ast.Invert, "Not": ast.Not}
_COMPARISONS = {
    "Equal": ast.Eq, "NotEqual": ast.NotEq, "LessThan": ast.Lt, "LessThanEqual": ast.LtE,
    "GreaterThan": ast.Gt, "GreaterThanEqual": ast.GtE, "Is": ast.Is, "IsNot": ast.IsNot,
    "In": ast.In, "NotIn": ast.NotIn,
}
_CONSTANT_NAMES = {"None": None, "True": True, "False": False}
_LOAD, _STORE, _DEL = ast.Load(), ast.Store(), ast.Del()


class ExpressionsFromCst:
    def expr(self, node: cst.BaseExpression, ctx: ast.expr_context = _LOAD) -> Any:
        kind = type(node).__name__
        method = getattr(self, f"_{kind}", None)
        if method is None:
            raise NotImplementedError(f"expression {kind}")
        return method(node, ctx)

    def _Name(self, node: cst.Name, ctx: ast.expr_context) -> ast.expr:
        if node.value in _CONSTANT_NAMES:
            return self.at(ast.Constant(value=_CONSTANT_NAMES[node.value], kind=None), node)
        return self.at(ast.Name(id=node.value, ctx=ctx), node)

    def _Attribute(self, node: cst.Attribute, ctx: ast.expr_context) -> ast.expr:
        return self.at(ast.Attribute(value=self.expr(node.value), attr=node.attr.value, ctx=ctx), node)

    def _Call(self, node: cst.Call, ctx: ast.expr_context) -> ast.expr:
        args = [self.argument(a) for a in node.args if a.keyword is None and a.star != "**"]
        keywords = [self.keyword(a) for a in node.args if a.keyword is not None or a.star == "**"]
        new = self.at(ast.Call(func=self.expr(node.func), args=args, keywords=keywords), node)
        if len(node.args) == 1 and isinstance(node.args[0].value, cst.GeneratorExp) \
                and not node.args[0].value.lpar:
            # `f(x for x in y)`: the generator's parentheses are the call's.
            generator = args[0]
            row, col = self._next_paren(self._range(node.func).end)
            generator.lineno, generator.col_offset = row, col
            generator.end_lineno, generator.end_col_offset = new.end_lineno, new.end_col_offset
        return new

    def _next_paren(self, after: Any) -> tuple[int, int]:
        """The (row, byte column) of the first `(` at or after a position."""
        row, col = after.line, after.column
        while True:
            found = self.source.line(row).find("(", col)
            if found >= 0:
                return row, self._byte_col(row, found)
            row, col = row + 1, 0

    def _Integer(self, node: Any, ctx: ast.expr_context) -> ast.expr:
        return self.at(ast.Constant(value=ast.literal_eval(node.value), kind=None), node)

    _Float = _Imaginary = _Integer

    def _Ellipsis(self, node: cst.Ellipsis, ctx: ast.expr_context) -> ast.expr:
        return self.at(ast.Constant(value=..., kind=None), node)

    def _SimpleString(self, node: cst.SimpleString, ctx: ast.expr_context) -> ast.expr:
        kind = "u" if node.prefix.lower() == "u" else None
        return self.at(ast.Constant(value=ast.literal_eval(node.value), kind=kind), node)

    def _ConcatenatedString(self, node: cst.ConcatenatedString, ctx: ast.expr_context) -> ast.expr:
        pieces: list[cst.BaseString] = []
        _flatten_strings(node, pieces)
        new: ast.expr
        if all(isinstance(p, cst.SimpleString) for p in pieces):
            values = [ast.literal_eval(p.value) for p in pieces]  # type: ignore[attr-defined]
            joined: Any = b"".join(values) if isinstance(values[0], bytes) else "".join(values)
            kind = "u" if pieces[0].prefix.lower() == "u" else None  # type: ignore[attr-defined]
            new = ast.Constant(value=joined, kind=kind)
        else:
            parts: list[ast.expr] = []
            for piece in pieces:
                if isinstance(piece, cst.SimpleString):
                    parts.append(self.at(ast.Constant(value=ast.literal_eval(piece.value)), piece))
                else:
                    parts.extend(self.expr(piece).values)
            template = any(isinstance(p, cst.TemplatedString) for p in pieces)
            new = (TemplateStr if template else ast.JoinedStr)(values=_merge_constants(parts))
        return self.at(new, node)

    def _FormattedString(self, node: Any, ctx: ast.expr_context) -> ast.expr:
        template = isinstance(node, cst.TemplatedString)
        prefix = node.start.rstrip("'\"").lower().replace("f", "").replace("t", "")
        quote = node.end
        values = self.string_parts(node.parts, template, prefix, quote)
        cls = TemplateStr if template else ast.JoinedStr
        return self.at(cls(values=values), node)

    _TemplatedString = _FormattedString

    def string_parts(self, parts: Any, template: bool, prefix: str, quote: str) -> list[ast.expr]:
        """The values of an f-string's (or a format spec's) parts: text pieces and fields."""
        values: list[ast.expr] = []
        for part in parts:
            if isinstance(part, (cst.FormattedStringText, cst.TemplatedStringText)):
                text = _string_text(prefix, quote, part.value)
                if text:
                    values.append(self.at(ast.Constant(value=text), part))
            else:
                values.extend(self.replacement_field(part, template, prefix, quote))
        return _merge_constants(values)

    def replacement_field(self, part: Any, template: bool, prefix: str, quote: str) -> list[ast.expr]:
        value = self.expr(part.expression)
        spec = None
        if part.format_spec is not None:
            spec = ast.JoinedStr(values=self.string_parts(part.format_spec, template, prefix, quote))
            if part.format_spec:
                self.at(spec, part.format_spec[0], part.format_spec[-1])
                spec.col_offset -= 1  # it starts at its `:`
            else:
                self.at(spec, part)
        conversion = ord(part.conversion) if part.conversion else -1
        written = _code(part.expression)
        debug: list[ast.expr] = []
        if part.equal is not None:
            before = _code(part.whitespace_before_expression)
            after = _code(part.whitespace_after_expression)
            text = self.at(ast.Constant(value=f"{before}{written}{after}{_code(part.equal)}"), part)
            # The text is inside the braces, up to the conversion or the format spec.
            text.col_offset += 1
            text.end_col_offset -= 1 + (2 if part.conversion else 0)
            if spec is not None:
                text.end_lineno, text.end_col_offset = spec.lineno, spec.col_offset
            debug.append(text)
            if conversion == -1 and spec is None:
                conversion = ord("r")
        if template:
            field = Interpolation(value=value, str=written, conversion=conversion, format_spec=spec)
        else:
            field = ast.FormattedValue(value=value, conversion=conversion, format_spec=spec)
        return [*debug, self.at(field, part)]

    def _BinaryOperation(self, node: cst.BinaryOperation, ctx: ast.expr_context) -> ast.expr:
        new = ast.BinOp(left=self.expr(node.left), op=_OPERATORS[type(node.operator).__name__](),
                        right=self.expr(node.right))
        return self.at(new, node)

    def _UnaryOperation(self, node: cst.UnaryOperation, ctx: ast.expr_context) -> ast.expr:
        new = ast.UnaryOp(op=_UNARY[type(node.operator).__name__](), operand=self.expr(node.expression))
        return self.at(new, node)

    def _BooleanOperation(self, node: cst.BooleanOperation, ctx: ast.expr_context) -> ast.expr:
        operator = type(node.operator)
        values: list[ast.expr] = []

        def add(side: cst.BaseExpression) -> None:
            # `a and b and c` is one BoolOp in `ast`; parentheses start a new one.
            if isinstance(side, cst.BooleanOperation) and type(side.operator) is operator \
                    and not side.lpar:
                add(side.left)
                add(side.right)
            else:
                values.append(self.expr(side))

        add(node.left)
        add(node.right)
        op = ast.And() if operator is cst.And else ast.Or()
        return self.at(ast.BoolOp(op=op, values=values), node)

    def _Comparison(self, node: cst.Comparison, ctx: ast.expr_context) -> ast.expr:
        new = ast.Compare(
            left=self.expr(node.left),
            ops=[_COMPARISONS[type(c.operator).__name__]() for c in node.comparisons],
            comparators=[self.expr(c.comparator) for c in node.comparisons],
        )
        return self.at(new, node)

    def _Subscript(self, node: cst.Subscript, ctx: ast.expr_context) -> ast.expr:
        elements = node.slice
        converted = [self.subscript_element(e) for e in elements]
        last = elements[-1]
        if len(elements) == 1 and not isinstance(last.comma, cst.Comma):
            index = converted[0]
        else:
            end = last.comma if isinstance(last.comma, cst.Comma) else last.slice
            index = self.at(ast.Tuple(elts=converted, ctx=_LOAD), elements[0], end)
        return self.at(ast.Subscript(value=self.expr(node.value), slice=index, ctx=ctx), node)

    def subscript_element(self, node: cst.SubscriptElement) -> ast.expr:
        inner = node.slice
        if isinstance(inner, cst.Index):
            if inner.star is not None:
                return self.at(ast.Starred(value=self.expr(inner.value), ctx=_LOAD), inner)
            return self.expr(inner.value)
        new = ast.Slice(lower=self.optional(inner.lower), upper=self.optional(inner.upper),  # type: ignore[attr-defined]
                        step=self.optional(inner.step))  # type: ignore[attr-defined]
        second = inner.second_colon  # type: ignore[attr-defined]
        first = _outer(inner.lower, 0) or inner.first_colon  # type: ignore[attr-defined]
        last = _outer(inner.step, -1) or (second if isinstance(second, cst.Colon) else None) \
            or _outer(inner.upper, -1) or inner.first_colon  # type: ignore[attr-defined]
        return self.at(new, first, last)

    def _elements(self, elements: Sequence[Any], ctx: ast.expr_context) -> list[ast.expr]:
        converted = []
        for element in elements:
            if isinstance(element, cst.StarredElement):
                converted.append(self.expr(element, ctx))
            else:
                converted.append(self.expr(element.value, ctx))
        return converted

    def _StarredElement(self, node: cst.StarredElement, ctx: ast.expr_context) -> ast.expr:
        return self.at(ast.Starred(value=self.expr(node.value, ctx), ctx=ctx), node)

    def _Tuple(self, node: cst.Tuple, ctx: ast.expr_context) -> ast.expr:
        return self.at_parens(ast.Tuple(elts=self._elements(node.elements, ctx), ctx=ctx), node)

    def _List(self, node: cst.List, ctx: ast.expr_context) -> ast.expr:
        return self.at(ast.List(elts=self._elements(node.elements, ctx), ctx=ctx), node)

    def _Set(self, node: cst.Set, ctx: ast.expr_context) -> ast.expr:
        return self.at(ast.Set(elts=self._elements(node.elements, _LOAD)), node)

    def _Dict(self, node: cst.Dict, ctx: ast.expr_context) -> ast.expr:
        keys: list[ast.expr | None] = []
        values: list[ast.expr] = []
        for element in node.elements:
            if isinstance(element, cst.StarredDictElement):
                keys.append(None)
            else:
                keys.append(self.expr(element.key))
            values.append(self.expr(element.value))
        return self.at(ast.Dict(keys=keys, values=values), node)

    def comprehensions(self, node: cst.CompFor) -> list[ast.comprehension]:
        generators = []
        current: cst.CompFor | None = node
        while current is not None:
            generators.append(ast.comprehension(
                target=self.expr(current.target, _STORE), iter=self.expr(current.iter),
                ifs=[self.expr(i.test) for i in current.ifs],
                is_async=int(current.asynchronous is not None),
            ))
            current = current.inner_for_in
        return generators

    def _ListComp(self, node: cst.ListComp, ctx: ast.expr_context) -> ast.expr:
        return self.at(ast.ListComp(elt=self.expr(node.elt), generators=self.comprehensions(node.for_in)), node)

    def _SetComp(self, node: cst.SetComp, ctx: ast.expr_context) -> ast.expr:
        return self.at(ast.SetComp(elt=self.expr(node.elt), generators=self.comprehensions(node.for_in)), node)

    def _GeneratorExp(self, node: cst.GeneratorExp, ctx: ast.expr_context) -> ast.expr:
        new = ast.GeneratorExp(elt=self.expr(node.elt), generators=self.comprehensions(node.for_in))
        return self.at_parens(new, node)

    def _DictComp(self, node: cst.DictComp, ctx: ast.expr_context) -> ast.expr:
        new = ast.DictComp(key=self.expr(node.key), value=self.expr(node.value),
                           generators=self.comprehensions(node.for_in))
        return self.at(new, node)

    def _Lambda(self, node: cst.Lambda, ctx: ast.expr_context) -> ast.expr:
        return self.at(ast.Lambda(args=self.arguments(node.params), body=self.expr(node.body)), node)

    def _IfExp(self, node: cst.IfExp, ctx: ast.expr_context) -> ast.expr:
        new = ast.IfExp(test=self.expr(node.test), body=self.expr(node.body), orelse=self.expr(node.orelse))
        return self.at(new, node)

    def _Await(self, node: cst.Await, ctx: ast.expr_context) -> ast.expr:
        return self.at(ast.Await(value=self.expr(node.expression)), node)

    def _Yield(self, node: cst.Yield, ctx: ast.expr_context) -> ast.expr:
        value = node.value
        if isinstance(value, cst.From):
            return self.at(ast.YieldFrom(value=self.expr(value.item)), node)
        return self.at(ast.Yield(value=self.optional(value)), node)

    def _NamedExpr(self, node: cst.NamedExpr, ctx: ast.expr_context) -> ast.expr:
        new = ast.NamedExpr(target=self.expr(node.target, _STORE), value=self.expr(node.value))
        return self.at(new, node)

    # ------------------------------------------------------------------ match patterns
    def pattern(self, node: cst.MatchPattern) -> ast.pattern:
        new: ast.pattern
        if isinstance(node, cst.MatchValue):
            new = ast.MatchValue(value=self.expr(node.value))
        elif isinstance(node, cst.MatchSingleton):
            new = ast.MatchSingleton(value=_CONSTANT_NAMES[node.value.value])
        elif isinstance(node, (cst.MatchList, cst.MatchTuple)):
            new = ast.MatchSequence(patterns=[self.sequence_item(p) for p in node.patterns])
            return self.at_parens(new, node) if isinstance(node, cst.MatchTuple) else self.at(new, node)
        elif isinstance(node, cst.MatchMapping):
            new = ast.MatchMapping(
                keys=[self.expr(e.key) for e in node.elements],
                patterns=[self.pattern(e.pattern) for e in node.elements],
                rest=node.rest.value if node.rest is not None else None,
            )
        elif isinstance(node, cst.MatchClass):
            new = ast.MatchClass(
                cls=self.expr(node.cls),
                patterns=[self.pattern(p.value) for p in node.patterns],
                kwd_attrs=[k.key.value for k in node.kwds],
                kwd_patterns=[self.pattern(k.pattern) for k in node.kwds],
            )
        elif isinstance(node, cst.MatchAs):
            new = ast.MatchAs(pattern=self.pattern(node.pattern) if node.pattern is not None else None,
                              name=node.name.value if node.name is not None else None)
        elif isinstance(node, cst.MatchOr):
            new = ast.MatchOr(patterns=[self.pattern(p.pattern) for p in node.patterns])
        else:
            raise NotImplementedError(f"pattern {type(node).__name__}")
        return self.at(new, node)

    def sequence_item(self, node: Any) -> ast.pattern:
        if isinstance(node, cst.MatchStar):
            new = ast.MatchStar(name=node.name.value if node.name is not None else None)
            return self.at(new, node)
        return self.pattern(node.value)




def _outer(node: Any, side: int) -> Any:
    """The outermost parenthesis on one side of an expression (-1: closing), or the node."""
    if node is None:
        return None
    parens = node.rpar if side else node.lpar
    return parens[side] if parens else node


def _code(node: Any) -> str:
    return cst.Module(body=[]).code_for_node(node)


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    raise NotImplementedError(f"dotted name {type(node).__name__}")


def _flatten_strings(node: cst.BaseExpression, into: list[cst.BaseString]) -> None:
    if isinstance(node, cst.ConcatenatedString):
        _flatten_strings(node.left, into)
        _flatten_strings(node.right, into)
    else:
        into.append(node)  # type: ignore[arg-type]


def _string_text(prefix: str, quote: str, raw: str) -> str:
    """The value of the literal text between replacement fields (`{{` is `{`)."""
    if not raw:
        return ""
    text = raw.replace("{{", "{").replace("}}", "}")
    if "r" not in prefix and "\\" in text:
        # Escapes decoded as in a plain string (non-ASCII text passes through as \\u escapes).
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # `\\d`: an invalid escape stays as written
            return text.encode("ascii", "backslashreplace").decode("unicode_escape")
    return text


def _merge_constants(values: list[ast.expr]) -> list[ast.expr]:
    """Adjacent literal pieces are one Constant in `ast` (`"a" f"b{x}"` → 'ab', x)."""
    merged: list[ast.expr] = []
    for value in values:
        previous = merged[-1] if merged else None
        if isinstance(value, ast.Constant) and isinstance(previous, ast.Constant):
            joined = ast.Constant(value=previous.value + value.value)
            ast.copy_location(joined, previous)
            joined.end_lineno = value.end_lineno
            joined.end_col_offset = value.end_col_offset
            merged[-1] = joined
        else:
            merged.append(value)
    return merged
