"""Definitions: the FunctionFact of each `def` (its parameters with their annotations and
dependencies, decorators, what it returns, awaits and yields, its size and, for a decorated
function — a possible route — the logic it holds) and the ClassFact of each `class`.

May import `fastlint.facts.records`, `fastlint.facts.scopes`, `fastlint.facts.values` and
`fastlint.facts.route_logic`.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence

from fastlint.facts.dispatch import handles
from fastlint.facts.guards import Guard
from fastlint.facts.records import (
    UNKNOWN, ClassFact, FunctionFact, ParamFact, Span, Val, unannotated_parameter,
)
from fastlint.facts.route_logic import measure as measure_logic
from fastlint.facts.scopes import Scope

CACHE_DECORATORS = frozenset(
    {"functools.cache", "functools.lru_cache", "functools.lru_cache()", "functools.cache()",
     "async_lru.alru_cache", "async_lru.alru_cache()", "cachetools.cached()", "aiocache.cached()"}
)


class DefinitionWalk:
    """Walks function and class definitions into their facts (a mixin of the collector)."""

    scopes: list[Scope]
    functions: list[FunctionFact | None]
    classes: list[ClassFact]
    once: int
    guards: list[Guard]
    expr: Callable[[ast.expr, ast.AST | None], Val]  # see ExpressionWalk
    walk_body: Callable[[Sequence[ast.stmt]], None]  # see StatementWalk
    annotation: Callable[[ast.expr], None]
    bind: Callable[[str, Val], None]  # see ScopeStack
    enter: Callable[[Scope], None]
    leave: Callable[[], None]
    sym_of: Callable[[ast.expr], str | None]  # see ValueResolution
    annotation_symbol: Callable[[ast.expr | None], str | None]
    depends_target: Callable[[ast.expr | None], str | None]
    is_bare_depends: Callable[[ast.expr | None], bool]
    span: Callable[[ast.AST], Span]
    position: Callable[[int, int], tuple[int, int]]

    @handles(ast.FunctionDef, ast.AsyncFunctionDef)
    def function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        outer = self.scopes[-1]
        is_async = type(node) is ast.AsyncFunctionDef
        decorators = tuple([self.expr(d, node) for d in node.decorator_list])
        args = node.args
        for default in args.defaults + [d for d in args.kw_defaults if d is not None]:
            self.expr(default, node)
        for arg in args.posonlyargs + args.args + args.kwonlyargs + [
            a for a in (args.vararg, args.kwarg) if a is not None
        ]:
            if arg.annotation is not None:
                self.annotation(arg.annotation)
        if node.returns is not None:
            self.annotation(node.returns)
        qualname = f"{outer.qualname}.{node.name}"
        class_qualname = outer.qualname if outer.kind == "class" else None
        index = len(self.functions)
        self.functions.append(None)  # placeholder: nested defs come after their parent
        self.bind(node.name, Val("ref", qualname) if outer.kind != "module" else UNKNOWN)
        scope = Scope(
            "function", qualname, function_index=index, is_async=is_async,
            class_qualname=class_qualname,
        )
        params = self._params(node, scope, class_qualname, decorators)
        self.enter(scope)
        body = node.body
        docstring = None
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                and isinstance(body[0].value.value, str):
            docstring = body[0].value.value
            body = body[1:]
        once, self.once = self.once, 0  # a nested def runs when it is called
        guards, self.guards = self.guards, []
        scope.params = frozenset(param.name for param in params)
        self.walk_body(body)
        self.once, self.guards = once, guards
        self.leave()
        def_row, def_col = self.position(node.lineno, node.col_offset)
        # `async def name` / `def name`, assuming single spaces: the range is for reporting
        # only; fixes check the text itself.
        def_end = def_col + (10 if is_async else 4) + len(node.name)
        self.functions[index] = FunctionFact(
            qualname=qualname,
            name=node.name,
            class_qualname=class_qualname,
            is_async=is_async,
            span=self.span(node),
            def_span=Span(def_row, def_col, def_row, def_end),
            decorators=decorators,
            params=params,
            returns=self.annotation_symbol(node.returns),
            awaits=scope.awaits,
            yields=scope.yields,
            nested=outer.callable_scope is not None,
            statements=scope.statements,
            branches=scope.branches,
            loops=scope.loops,
            returned=_one_symbol(scope.yielded if scope.yields else scope.returned),
            logic=measure_logic(body) if decorators else None,
            first_yield=scope.first_yield,
            docstring=docstring,
            cached=any(
                (d.symbol in CACHE_DECORATORS) or (d.kind == "ref" and d.value in CACHE_DECORATORS)
                for d in decorators
            ),
        )

    def _params(
        self,
        node: ast.FunctionDef | ast.AsyncFunctionDef,
        scope: Scope,
        class_qualname: str | None,
        decorators: tuple[Val, ...],
    ) -> tuple[ParamFact, ...]:
        """The parameters' facts; binds each in the function's scope (not yet entered) to an
        instance of its annotation or dependency, or `self`/`cls` to the class."""
        args = node.args
        positional = args.posonlyargs + args.args
        defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults)) + list(
            args.defaults
        )
        entries: list[tuple[ast.arg, ast.expr | None, str]] = [
            (a, d, "positional") for a, d in zip(positional, defaults)
        ]
        if args.vararg is not None:
            entries.append((args.vararg, None, "vararg"))
        entries += [(a, d, "kwonly") for a, d in zip(args.kwonlyargs, args.kw_defaults)]
        if args.kwarg is not None:
            entries.append((args.kwarg, None, "kwarg"))
        is_static = any(d.kind == "ref" and d.value in ("staticmethod",) for d in decorators) or any(
            isinstance(d, ast.Name) and d.id == "staticmethod" for d in node.decorator_list
        )
        is_classmethod = any(
            isinstance(d, ast.Name) and d.id == "classmethod" for d in node.decorator_list
        )
        params = []
        for position, (arg, default, kind) in enumerate(entries):
            annotation = self.annotation_symbol(arg.annotation)
            depends = self.depends_target(default) or self.depends_target(arg.annotation)
            if depends is None and annotation is not None and (
                self.is_bare_depends(default) or self.is_bare_depends(arg.annotation)
            ):
                depends = annotation  # `x: Form = Depends()` depends on the annotated class
            constant = Val("const", default.value) if isinstance(default, ast.Constant) else None
            params.append(ParamFact(arg.arg, annotation, depends, kind, constant))
            if position == 0 and class_qualname is not None and not is_static:
                bound = Val("ref", class_qualname if is_classmethod else f"{class_qualname}()")
            elif annotation is not None:
                bound = Val("ref", f"{annotation}()")
            elif depends is not None:
                bound = Val("ref", f"{depends}()")
            elif arg.annotation is not None and isinstance(arg.annotation, ast.Name):
                # An Annotated alias (`SessionDep`): resolved by the project.
                alias = self.sym_of(arg.annotation)
                bound = Val("ref", f"{alias}()") if alias else UNKNOWN
            else:
                bound = unannotated_parameter(arg.arg)
            scope.names[arg.arg] = bound
        return tuple(params)

    @handles(ast.ClassDef)
    def class_def(self, node: ast.ClassDef) -> None:
        outer = self.scopes[-1]
        decorators = tuple([self.expr(d, node) for d in node.decorator_list])
        bases = []
        for base in node.bases:
            self.expr(base, node)
            symbol = self.sym_of(base)
            if symbol is None and isinstance(base, ast.Subscript):
                symbol = self.sym_of(base.value)
            if symbol is not None:
                bases.append(symbol)
        keywords = tuple([(k.arg or "**", self.expr(k.value, node)) for k in node.keywords])
        qualname = f"{outer.qualname}.{node.name}"
        self.classes.append(
            ClassFact(
                qualname=qualname,
                name=node.name,
                bases=tuple(bases),
                keywords=keywords,
                span=self.span(node),
                decorators=decorators,
                nested=outer.kind != "module",
            )
        )
        self.bind(node.name, Val("ref", qualname) if outer.kind != "module" else UNKNOWN)
        self.enter(Scope("class", qualname, class_qualname=qualname))
        self.walk_body(node.body)
        self.leave()


def _one_symbol(symbols: list) -> str | None:
    """The symbol every returned (or yielded) value stands for, when they agree."""
    found = set(symbols)
    return found.pop() if len(found) == 1 and None not in found else None
