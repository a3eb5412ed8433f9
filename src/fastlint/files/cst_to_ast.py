"""Read a file the running `ast` rejects: parse it with libcst, build the same `ast` tree.

libcst parses every syntax up to Python 3.14 on any interpreter (PEP 695 `type` aliases and
generics, PEP 758 `except A, B:`, PEP 701 f-strings, PEP 750 t-strings). The tree built here
is what `ast.parse` returns on the newest Python, with the same positions (1-based lines,
UTF-8 byte columns), so facts, findings and fixes are the same whichever path read the file.
It is the slow path (libcst parse + positions): only files that need it take it.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Sequence
from typing import Any

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from fastlint.files.ast_compat import HAS_TYPE_PARAMS, Interpolation, TemplateStr, TryStar, TypeAlias
from fastlint.files.source import SourceFile

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


def parse_with_libcst(source: SourceFile) -> ast.Module:
    """The `ast.Module` of a file, built from libcst's parse (raises libcst's ParserSyntaxError)."""
    module = cst.parse_module(source.text)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    return _Converter(source, wrapper.resolve(PositionProvider)).module(module)


class _Converter:
    def __init__(self, source: SourceFile, positions: Any) -> None:
        self.source = source
        self.positions = positions
        self.ascii = source.text.isascii()

    # ------------------------------------------------------------------ positions
    def _byte_col(self, row: int, col: int) -> int:
        if self.ascii:
            return col
        line = self.source.line(row)
        return col if line.isascii() else len(line[:col].encode("utf-8"))

    def _range(self, node: cst.CSTNode) -> CodeRange:
        return self.positions[node]

    def at(self, new: ast.AST, start: cst.CSTNode, end: cst.CSTNode | None = None) -> Any:
        """Give `new` the position from `start`'s beginning to `end`'s (default: `start`'s) end."""
        first = self._range(start).start
        last = self._range(end if end is not None else start).end
        new.lineno = first.line  # type: ignore[attr-defined]
        new.col_offset = self._byte_col(first.line, first.column)  # type: ignore[attr-defined]
        new.end_lineno = last.line  # type: ignore[attr-defined]
        new.end_col_offset = self._byte_col(last.line, last.column)  # type: ignore[attr-defined]
        return new

    def at_parens(self, new: ast.AST, node: Any) -> Any:
        """A tuple or generator written in parentheses: `ast` counts the innermost pair."""
        if getattr(node, "lpar", None):
            return self.at(new, node.lpar[-1], node.rpar[0])
        return self.at(new, node)

    # ------------------------------------------------------------------ module, statements
    def module(self, node: cst.Module) -> ast.Module:
        return ast.Module(body=self.body(node.body), type_ignores=[])

    def body(self, statements: Sequence[cst.CSTNode]) -> list[ast.stmt]:
        converted: list[ast.stmt] = []
        for statement in statements:
            if isinstance(statement, cst.SimpleStatementLine):
                converted.extend(self.small(s) for s in statement.body)
            else:
                converted.append(self.compound(statement))
        return converted

    def suite(self, suite: cst.BaseSuite) -> list[ast.stmt]:
        if isinstance(suite, cst.SimpleStatementSuite):
            return [self.small(s) for s in suite.body]
        return self.body(suite.body)  # type: ignore[attr-defined]

    def small(self, node: cst.BaseSmallStatement) -> ast.stmt:
        kind = type(node).__name__
        new: ast.stmt
        if kind == "Expr":
            new = ast.Expr(value=self.expr(node.value))  # type: ignore[attr-defined]
        elif kind == "Assign":
            new = ast.Assign(
                targets=[self.expr(t.target, _STORE) for t in node.targets],  # type: ignore[attr-defined]
                value=self.expr(node.value), type_comment=None,  # type: ignore[attr-defined]
            )
        elif kind == "AnnAssign":
            target = node.target  # type: ignore[attr-defined]
            new = ast.AnnAssign(
                target=self.expr(target, _STORE),
                annotation=self.expr(node.annotation.annotation),  # type: ignore[attr-defined]
                value=self.optional(node.value),  # type: ignore[attr-defined]
                simple=int(isinstance(target, cst.Name) and not target.lpar),
            )
        elif kind == "AugAssign":
            operator = type(node.operator).__name__.removesuffix("Assign")  # type: ignore[attr-defined]
            new = ast.AugAssign(
                target=self.expr(node.target, _STORE), op=_OPERATORS[operator](),  # type: ignore[attr-defined]
                value=self.expr(node.value),  # type: ignore[attr-defined]
            )
        elif kind == "Return":
            new = ast.Return(value=self.optional(node.value))  # type: ignore[attr-defined]
        elif kind == "Pass":
            new = ast.Pass()
        elif kind == "Break":
            new = ast.Break()
        elif kind == "Continue":
            new = ast.Continue()
        elif kind == "Raise":
            cause = node.cause  # type: ignore[attr-defined]
            new = ast.Raise(exc=self.optional(node.exc),  # type: ignore[attr-defined]
                            cause=self.expr(cause.item) if cause is not None else None)
        elif kind == "Assert":
            new = ast.Assert(test=self.expr(node.test), msg=self.optional(node.msg))  # type: ignore[attr-defined]
        elif kind == "Del":
            target = node.target  # type: ignore[attr-defined]
            if isinstance(target, cst.Tuple) and not target.lpar:
                targets = [self.expr(e.value, _DEL) for e in target.elements]
            else:
                targets = [self.expr(target, _DEL)]
            new = ast.Delete(targets=targets)
        elif kind == "Import":
            new = ast.Import(names=[self.alias(a) for a in node.names])  # type: ignore[attr-defined]
        elif kind == "ImportFrom":
            names = node.names  # type: ignore[attr-defined]
            module = node.module  # type: ignore[attr-defined]
            new = ast.ImportFrom(
                module=_dotted(module) if module is not None else None,
                names=[self.at(ast.alias(name="*", asname=None), names)]
                if isinstance(names, cst.ImportStar) else [self.alias(a) for a in names],
                level=len(node.relative),  # type: ignore[attr-defined]
            )
        elif kind in ("Global", "Nonlocal"):
            new = getattr(ast, kind)(names=[n.name.value for n in node.names])  # type: ignore[attr-defined]
        elif kind == "TypeAlias":
            new = TypeAlias(
                name=self.expr(node.name, _STORE),  # type: ignore[attr-defined]
                type_params=self.type_params(node.type_parameters),  # type: ignore[attr-defined]
                value=self.expr(node.value),  # type: ignore[attr-defined]
            )
        else:
            raise NotImplementedError(f"statement {kind}")
        return self.at(new, node)

    def alias(self, node: cst.ImportAlias) -> ast.alias:
        asname = node.asname.name.value if node.asname is not None else None  # type: ignore[union-attr]
        new = ast.alias(name=_dotted(node.name), asname=asname)
        start = self._range(node).start
        end = self._range(node.asname.name if node.asname is not None else node.name).end
        new.lineno, new.end_lineno = start.line, end.line
        new.col_offset = self._byte_col(start.line, start.column)
        new.end_col_offset = self._byte_col(end.line, end.column)
        return new

    def compound(self, node: cst.BaseCompoundStatement) -> ast.stmt:
        kind = type(node).__name__
        new: ast.stmt
        if kind == "FunctionDef":
            return self.function(node)  # type: ignore[arg-type]
        if kind == "ClassDef":
            return self.class_def(node)  # type: ignore[arg-type]
        if kind == "If":
            return self.if_stmt(node)  # type: ignore[arg-type]
        if kind == "For":
            cls = ast.AsyncFor if node.asynchronous is not None else ast.For  # type: ignore[attr-defined]
            new = cls(
                target=self.expr(node.target, _STORE), iter=self.expr(node.iter),  # type: ignore[attr-defined]
                body=self.suite(node.body), orelse=self.orelse(node.orelse),  # type: ignore[attr-defined]
                type_comment=None,
            )
        elif kind == "While":
            new = ast.While(test=self.expr(node.test), body=self.suite(node.body),  # type: ignore[attr-defined]
                            orelse=self.orelse(node.orelse))  # type: ignore[attr-defined]
        elif kind == "With":
            cls = ast.AsyncWith if node.asynchronous is not None else ast.With  # type: ignore[attr-defined]
            items = [
                ast.withitem(
                    context_expr=self.expr(item.item),
                    optional_vars=self.expr(item.asname.name, _STORE) if item.asname else None,
                )
                for item in node.items  # type: ignore[attr-defined]
            ]
            new = cls(items=items, body=self.suite(node.body), type_comment=None)  # type: ignore[attr-defined]
        elif kind in ("Try", "TryStar"):
            cls = ast.Try if kind == "Try" else TryStar
            new = cls(
                body=self.suite(node.body),  # type: ignore[attr-defined]
                handlers=[self.handler(h) for h in node.handlers],  # type: ignore[attr-defined]
                orelse=self.orelse(node.orelse),  # type: ignore[attr-defined]
                finalbody=self.suite(node.finalbody.body) if node.finalbody else [],  # type: ignore[attr-defined]
            )
        elif kind == "Match":
            new = ast.Match(
                subject=self.expr(node.subject),  # type: ignore[attr-defined]
                cases=[
                    ast.match_case(pattern=self.pattern(case.pattern), guard=self.optional(case.guard),
                                   body=self.suite(case.body))
                    for case in node.cases  # type: ignore[attr-defined]
                ],
            )
        else:
            raise NotImplementedError(f"statement {kind}")
        return self.at(new, node)

    def orelse(self, node: cst.Else | None) -> list[ast.stmt]:
        return self.suite(node.body) if node is not None else []

    def if_stmt(self, node: cst.If) -> ast.If:
        orelse = node.orelse
        if isinstance(orelse, cst.If):
            converted_else: list[ast.stmt] = [self.if_stmt(orelse)]
        else:
            converted_else = self.orelse(orelse)
        new = ast.If(test=self.expr(node.test), body=self.suite(node.body), orelse=converted_else)
        return self.at(new, node)

    def handler(self, node: cst.ExceptHandler | cst.ExceptStarHandler) -> ast.ExceptHandler:
        new = ast.ExceptHandler(
            type=self.optional(node.type),
            name=node.name.name.value if node.name is not None else None,  # type: ignore[union-attr]
            body=self.suite(node.body),
        )
        return self.at(new, node)

    def _after_decorators(self, new: ast.stmt, node: Any) -> Any:
        """`ast` starts a decorated definition at `def`/`class`, not at its decorators."""
        self.at(new, node)
        if node.decorators:
            keyword = node.asynchronous if getattr(node, "asynchronous", None) else None
            first = self._range(keyword if keyword is not None else node.name).start
            line = self.source.line(first.line) if keyword is None else ""
            row = first.line
            col = first.column
            if keyword is None:
                word = "class" if isinstance(node, cst.ClassDef) else "def"
                col = line.rfind(word, 0, first.column)
            new.lineno = row
            new.col_offset = self._byte_col(row, col)
        return new

    def function(self, node: cst.FunctionDef) -> ast.stmt:
        cls = ast.AsyncFunctionDef if node.asynchronous is not None else ast.FunctionDef
        fields: dict[str, Any] = dict(
            name=node.name.value,
            args=self.arguments(node.params),
            body=self.suite(node.body),
            decorator_list=[self.expr(d.decorator) for d in node.decorators],
            returns=self.expr(node.returns.annotation) if node.returns is not None else None,
            type_comment=None,
        )
        if HAS_TYPE_PARAMS:
            fields["type_params"] = self.type_params(node.type_parameters)
        return self._after_decorators(cls(**fields), node)

    def class_def(self, node: cst.ClassDef) -> ast.stmt:
        fields: dict[str, Any] = dict(
            name=node.name.value,
            bases=[self.argument(a) for a in node.bases],
            keywords=[self.keyword(a) for a in node.keywords],
            body=self.suite(node.body),
            decorator_list=[self.expr(d.decorator) for d in node.decorators],
        )
        if HAS_TYPE_PARAMS:
            fields["type_params"] = self.type_params(node.type_parameters)
        return self._after_decorators(ast.ClassDef(**fields), node)

    def type_params(self, node: cst.TypeParameters | None) -> list[ast.AST]:
        if node is None or not HAS_TYPE_PARAMS:
            return []
        converted: list[ast.AST] = []
        for param in node.params:
            inner = param.param
            name = inner.name.value
            default = self.optional(param.default)
            extra = {"default_value": default} if "default_value" in ast.TypeVar._fields else {}  # type: ignore[attr-defined]
            if isinstance(inner, cst.TypeVar):
                new = ast.TypeVar(name=name, bound=self.optional(inner.bound), **extra)  # type: ignore[attr-defined]
            elif isinstance(inner, cst.TypeVarTuple):
                new = ast.TypeVarTuple(name=name, **extra)  # type: ignore[attr-defined]
            else:
                new = ast.ParamSpec(name=name, **extra)  # type: ignore[attr-defined]
            bound = getattr(inner, "bound", None)
            end = param.default or bound or inner.name  # not its comma
            converted.append(self.at(new, param, _outer(end, -1)))
        return converted

    # ------------------------------------------------------------------ parameters, arguments
    def arguments(self, node: cst.Parameters) -> ast.arguments:
        positional = list(node.posonly_params) + list(node.params)
        defaults = [self.expr(p.default) for p in positional if p.default is not None]
        star = node.star_arg
        return ast.arguments(
            posonlyargs=[self.arg(p) for p in node.posonly_params],
            args=[self.arg(p) for p in node.params],
            vararg=self.arg(star) if isinstance(star, cst.Param) else None,
            kwonlyargs=[self.arg(p) for p in node.kwonly_params],
            kw_defaults=[self.optional(p.default) for p in node.kwonly_params],
            kwarg=self.arg(node.star_kwarg) if node.star_kwarg is not None else None,
            defaults=defaults,
        )

    def arg(self, node: cst.Param) -> ast.arg:
        annotation = node.annotation.annotation if node.annotation is not None else None
        new = ast.arg(arg=node.name.value,
                      annotation=self.expr(annotation) if annotation is not None else None,
                      type_comment=None)
        if annotation is None:
            return self.at(new, node.name)
        return self.at(new, node.name, annotation.rpar[-1] if annotation.rpar else annotation)

    def argument(self, node: cst.Arg) -> ast.expr:
        if node.star == "*":
            return self.at(ast.Starred(value=self.expr(node.value), ctx=_LOAD), node)
        return self.expr(node.value)

    def keyword(self, node: cst.Arg) -> ast.keyword:
        name = node.keyword.value if node.keyword is not None else None
        return self.at(ast.keyword(arg=name, value=self.expr(node.value)), node)

    # ------------------------------------------------------------------ expressions
    def optional(self, node: cst.BaseExpression | None) -> ast.expr | None:
        return self.expr(node) if node is not None else None

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
