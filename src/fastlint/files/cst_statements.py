"""libcst statements to `ast` statements: the module, simple and compound statements,
functions and classes with their parameters and type parameters (half of the converter in
cst_to_ast.py, which gives positions; expressions are in cst_expressions.py).
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from typing import Any

import libcst as cst

from fastlint.files.ast_compat import HAS_TYPE_PARAMS, TryStar, TypeAlias

from fastlint.files.cst_expressions import _DEL, _LOAD, _OPERATORS, _STORE, _dotted, _outer


class StatementsFromCst:
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

    def optional(self, node: cst.BaseExpression | None) -> ast.expr | None:
        return self.expr(node) if node is not None else None
