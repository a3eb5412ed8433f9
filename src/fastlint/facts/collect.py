"""The per-file walk: one pass over the `ast` that resolves names and records FileFacts.

Names are resolved the way Python binds them: module-level imports and definitions, then
function parameters and local assignments (which shadow the module's names), with class
bodies invisible from their methods. File-local rules subscribe to node types and are
called during the same walk (see `rules.base.FileRule`).
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from fastlint.files.ast_compat import TryStar, TypeAlias
from fastlint.facts.entry_points import is_main_guard
from fastlint.facts.records import (
    UNKNOWN,
    BindingFact,
    CallFact,
    ClassFact,
    FileFacts,
    FunctionFact,
    ImportFact,
    ParamFact,
    Span,
    Val,
)
from fastlint.facts.route_logic import measure as measure_logic
from fastlint.facts.guards import Guard, guard_of, make_guard
from fastlint.files.source import SourceFile, char_col

# The class of `request.state` and `app.state`: their attributes are bound under this name.
STATE = "starlette.datastructures.State"
BUILTIN_NAMES = frozenset({"open", "print", "input", "exec", "eval", "breakpoint", "property"})
CACHE_DECORATORS = frozenset(
    {"functools.cache", "functools.lru_cache", "functools.lru_cache()", "functools.cache()",
     "async_lru.alru_cache", "async_lru.alru_cache()", "cachetools.cached()", "aiocache.cached()"}
)
_GENERATOR_WRAPPERS = frozenset(
    {"typing.Generator", "typing.Iterator", "typing.AsyncGenerator", "typing.AsyncIterator",
     "collections.abc.Generator", "collections.abc.Iterator", "collections.abc.AsyncGenerator",
     "collections.abc.AsyncIterator", "typing.Iterable", "collections.abc.Iterable"}
)
_OPTIONAL_WRAPPERS = frozenset({"typing.Optional", "typing.Union"})
_DEPENDS = frozenset({"fastapi.Depends", "fastapi.Security", "fastapi.params.Depends",
                      "fastapi.params.Security", "fastapi.param_functions.Depends",
                      "fastapi.param_functions.Security"})
_LOOPS = frozenset({ast.For, ast.AsyncFor, ast.While})
_BRANCH_KINDS = frozenset({ast.If, ast.For, ast.AsyncFor, ast.While, ast.Try, ast.Match, TryStar})


@dataclass
class Scope:
    kind: str  # "module" | "class" | "function" | "lambda"
    qualname: str
    names: dict[str, Val] = field(default_factory=dict)
    function_index: int = -1
    is_async: bool = False
    class_qualname: str | None = None
    awaits: bool = False
    yields: bool = False
    statements: int = 0
    branches: int = 0
    loops: int = 0
    # Symbols of the values it returns (or yields, for a generator); None: not static.
    returned: list = field(default_factory=list)
    yielded: list = field(default_factory=list)
    global_names: set = field(default_factory=set)  # declared `global` in it
    first_yield: int = 0  # row of its first `yield`
    params: frozenset = frozenset()  # names of its parameters


class FileContext:
    """What a file-local rule sees during the walk."""

    def __init__(self, collector: "Collector") -> None:
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


NodeHandler = Callable[[ast.AST, FileContext], None]


class Collector:
    """Walks one module once; `run()` returns its FileFacts."""

    def __init__(
        self,
        source: SourceFile,
        tree: ast.Module,
        module: str,
        is_package: bool,
        is_test: bool = False,
        handlers: dict[type, list[NodeHandler]] | None = None,
    ) -> None:
        self.source = source
        self.tree = tree
        self.module = module
        self.is_package = is_package
        self.is_test = is_test
        self.handlers = handlers or {}
        self.scopes: list[Scope] = [Scope("module", module)]
        self.imports: list[ImportFact] = []
        self.functions: list[FunctionFact | None] = []
        self.classes: list[ClassFact] = []
        self.calls: list[CallFact] = []
        self.bindings: list[BindingFact] = []
        self.defines: list[str] = []
        self.imported_names: set[str] = set()
        self.import_uses: set[tuple[str, int]] = set()
        self.reports: list[tuple] = []
        self.main_guard = 0
        self.once = 0  # depth of `if _cache is None:` blocks on a module global
        self.guards: list[Guard] = []  # `if <test on a parameter>:` around the current statement
        self.type_checking = 0
        self.stmt_row = 0
        self.generator_depth = 0
        self.context = FileContext(self)
        self.ascii = source.text.isascii()

    # ----------------------------------------------------------------- positions
    def _line(self, row: int) -> str:
        return self.source.line(row)

    def span(self, node: ast.AST) -> Span:
        row = node.lineno  # type: ignore[attr-defined]
        end_row = node.end_lineno or row  # type: ignore[attr-defined]
        col = node.col_offset  # type: ignore[attr-defined]
        end_col = node.end_col_offset or col  # type: ignore[attr-defined]
        if self.ascii:
            return Span(row, col, end_row, end_col)
        line = self._line(row)
        if not line.isascii():
            col = char_col(line, col)
        if end_row != row:
            line = self._line(end_row)
        if not line.isascii():
            end_col = char_col(line, end_col)
        return Span(row, col, end_row, end_col)

    def _pos(self, row: int, byte_col: int) -> tuple[int, int]:
        if self.ascii:
            return (row, byte_col)
        line = self._line(row)
        return (row, byte_col if line.isascii() else char_col(line, byte_col))

    # ----------------------------------------------------------------- scopes
    def innermost_function(self) -> Scope | None:
        for scope in reversed(self.scopes):
            if scope.kind in ("function", "lambda"):
                return scope
        return None

    def _function_scope(self) -> Scope | None:
        for scope in reversed(self.scopes):
            if scope.kind == "function":
                return scope
            if scope.kind == "lambda":
                return None
        return None

    def bind(self, name: str, value: Val) -> None:
        scope = self.scopes[-1]
        if scope.kind == "module":
            return  # module names come from the pre-pass (the last binding wins)
        scope.names[name] = value

    def resolve_name(self, name: str) -> Val | None:
        scopes = self.scopes
        last = len(scopes) - 1
        for index in range(last, -1, -1):
            scope = scopes[index]
            if scope.kind == "class" and index != last:
                continue
            value = scope.names.get(name)
            if value is not None:
                return value
        if name in BUILTIN_NAMES:
            return Val("ref", name)
        return None

    # ----------------------------------------------------------------- values
    def sym_of(self, node: ast.expr) -> str | None:
        if isinstance(node, ast.Name):
            value = self.resolve_name(node.id)
            return value.symbol if value is not None else None
        if isinstance(node, ast.Attribute):
            base = self.sym_of(node.value)
            return f"{base}.{node.attr}" if base is not None else None
        if isinstance(node, ast.Call):
            base = self.sym_of(node.func)
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
            return Val("ref", _intern(f"{base}.{node.attr}"), self.span(node)) if base else UNKNOWN
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
            if outer in ("typing.Annotated", "typing_extensions.Annotated"):
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
        """The dependency of `Depends(f)` / `Security(f)` / `Annotated[T, Depends(f)]`."""
        if node is None:
            return None
        if isinstance(node, ast.Call) and self.sym_of(node.func) in _DEPENDS:
            target = node.args[0] if node.args else None
            for keyword in node.keywords:
                if keyword.arg == "dependency":
                    target = keyword.value
            return self.sym_of(target) if target is not None else None
        if isinstance(node, ast.Subscript) and self.sym_of(node.value) in (
            "typing.Annotated", "typing_extensions.Annotated"
        ):
            if isinstance(node.slice, ast.Tuple):
                for extra in node.slice.elts[1:]:
                    target = self.depends_target(extra)
                    if target is not None:
                        return target
        if isinstance(node, ast.Name):
            # An alias of Annotated[...] defined in this module is resolved by the project.
            return None
        return None

    def _is_bare_depends(self, node: ast.expr | None) -> bool:
        """`Depends()` without a dependency, directly or inside `Annotated[...]`."""
        if isinstance(node, ast.Call):
            return not node.args and not node.keywords and self.sym_of(node.func) in _DEPENDS
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Tuple) and self.sym_of(
            node.value
        ) in ("typing.Annotated", "typing_extensions.Annotated"):
            return any(self._is_bare_depends(extra) for extra in node.slice.elts[1:])
        return False

    # ----------------------------------------------------------------- pre-pass
    def _prepass(self, body: Sequence[ast.stmt]) -> None:
        """Bind every module-level name before walking, so functions see later definitions."""
        names = self.scopes[0].names
        module = self.module
        for stmt in body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names[stmt.name] = Val("ref", f"{module}.{stmt.name}")
                self.defines.append(stmt.name)
            elif isinstance(stmt, ast.Import):
                for alias in stmt.names:
                    self.imported_names.add(alias.asname or alias.name.split(".", 1)[0])
                    if alias.asname:
                        names[alias.asname] = Val("ref", alias.name)
                    else:
                        head = alias.name.split(".", 1)[0]
                        names[head] = Val("ref", head)
            elif isinstance(stmt, ast.ImportFrom):
                base = self._import_base(stmt)
                for alias in stmt.names:
                    if alias.name == "*":
                        continue
                    self.imported_names.add(alias.asname or alias.name)
                    names[alias.asname or alias.name] = Val("ref", f"{base}.{alias.name}")
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign, TypeAlias)):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [
                    stmt.name if isinstance(stmt, TypeAlias) else stmt.target  # type: ignore[attr-defined]
                ]
                for target in targets:
                    for name in _target_names(target):
                        names[name] = Val("ref", f"{module}.{name}")
                        self.defines.append(name)
            elif isinstance(stmt, ast.If):
                self._prepass(stmt.body)
                self._prepass(stmt.orelse)
            elif isinstance(stmt, (ast.Try, TryStar)):
                self._prepass(stmt.body)
                for handler in stmt.handlers:
                    self._prepass(handler.body)
                self._prepass(stmt.orelse)
                self._prepass(stmt.finalbody)
            elif isinstance(stmt, (ast.With, ast.For, ast.While)):
                self._prepass(stmt.body)

    def _import_base(self, stmt: ast.ImportFrom) -> str:
        if not stmt.level:
            return stmt.module or ""
        parts = self.module.split(".")
        if not self.is_package:
            parts = parts[:-1]
        up = stmt.level - 1
        if up > len(parts):
            parts = []
        elif up:
            parts = parts[:-up]
        base = ".".join(parts)
        if stmt.module:
            base = f"{base}.{stmt.module}" if base else stmt.module
        return base

    def release(self) -> None:
        """Break the collector ↔ context cycle so the tree is freed without the GC."""
        self.context._collector = None  # type: ignore[assignment]
        self.tree = None  # type: ignore[assignment]

    # ----------------------------------------------------------------- walk
    def run(self) -> FileFacts:
        body = self.tree.body
        self._prepass(body)
        self.walk_body(body)
        return FileFacts(
            path=self.source.path,
            module=self.module,
            is_package=self.is_package,
            imports=tuple(self.imports),
            functions=tuple(f for f in self.functions if f is not None),
            classes=tuple(self.classes),
            calls=tuple(self.calls),
            bindings=tuple(self.bindings),
            defines=tuple(self.defines),
            is_test=self.is_test,
            import_uses=tuple(sorted(self.import_uses)),
        )

    def _dispatch(self, node: ast.AST) -> None:
        handlers = self.handlers.get(type(node))
        if handlers:
            for handler in handlers:
                handler(node, self.context)

    def walk_body(self, body: Sequence[ast.stmt]) -> None:
        for stmt in body:
            self.stmt(stmt)

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
        if kind is ast.Expr:
            self.expr(node.value, node)
        elif kind is ast.Assign:
            value = self.expr(node.value, node)
            for target in node.targets:
                self.assign(target, node.value, value, node)
        elif kind is ast.AnnAssign:
            value = self.expr(node.value, node) if node.value is not None else None
            self.annotation(node.annotation)
            self.assign(node.target, node.value, value, node, node.annotation)
        elif kind is ast.AugAssign:
            self.expr(node.value, node)
            self.expr(node.target, node)
        elif kind is TypeAlias:
            # `type SessionDep = Annotated[...]` is an alias like `SessionDep = Annotated[...]`.
            value = self.expr(node.value, node)  # type: ignore[attr-defined]
            self.assign(node.name, node.value, value, node)  # type: ignore[attr-defined]
        elif kind is ast.Return:
            if node.value is not None:
                returned = self.expr(node.value, node)
                function_scope = self._function_scope()
                if function_scope is not None and not (returned.kind == "const" and returned.value is None):
                    function_scope.returned.append(returned.symbol)
        elif kind in (ast.FunctionDef, ast.AsyncFunctionDef):
            self.function(node)  # type: ignore[arg-type]
        elif kind is ast.ClassDef:
            self.class_def(node)  # type: ignore[arg-type]
        elif kind is ast.If:
            self.if_stmt(node)  # type: ignore[arg-type]
        elif kind in (ast.For, ast.AsyncFor):
            if kind is ast.AsyncFor:
                self._mark_await()
            self.expr(node.iter, node)
            self.bind_target(node.target, UNKNOWN)
            self.walk_body(node.body)
            self.walk_body(node.orelse)
        elif kind is ast.While:
            self.expr(node.test, node)
            self.walk_body(node.body)
            self.walk_body(node.orelse)
        elif kind in (ast.With, ast.AsyncWith):
            if kind is ast.AsyncWith:
                self._mark_await()
            for item in node.items:
                value = self.expr(item.context_expr, node)
                if item.optional_vars is not None:
                    if isinstance(item.optional_vars, ast.Name) and value.kind == "call":
                        self.bind(item.optional_vars.id, value)
                    else:
                        self.bind_target(item.optional_vars, UNKNOWN)
            self.walk_body(node.body)
        elif kind in (ast.Try, TryStar):
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
        elif kind is ast.Import or kind is ast.ImportFrom:
            self.import_stmt(node)  # type: ignore[arg-type]
        elif kind is ast.Raise:
            if node.exc is not None:
                self.expr(node.exc, node)
            if node.cause is not None:
                self.expr(node.cause, node)
        elif kind is ast.Assert:
            self.expr(node.test, node)
            if node.msg is not None:
                self.expr(node.msg, node)
        elif kind is ast.Delete:
            for target in node.targets:
                self.expr(target, node)
        elif kind is ast.Match:
            self.expr(node.subject, node)
            for case in node.cases:
                if case.guard is not None:
                    self.expr(case.guard, node)
                for sub in ast.walk(case.pattern):
                    name = getattr(sub, "name", None)
                    if isinstance(name, str):
                        self.bind(name, UNKNOWN)
                self.walk_body(case.body)
        elif kind in (ast.Global, ast.Nonlocal):
            for name in node.names:
                self.bind(name, UNKNOWN)
            if kind is ast.Global and scope.kind == "function":
                scope.global_names.update(node.names)
        else:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.expr):
                    self.expr(child, node)
                elif isinstance(child, ast.stmt):
                    self.stmt(child)
        if self.handlers:
            self._dispatch(node)
        self.stmt_row = saved_row

    def if_stmt(self, node: ast.If) -> None:
        test = node.test
        self.expr(test, node)
        guard = self.scopes[-1].kind == "module" and is_main_guard(test)
        checking = _is_type_checking(test, self)
        scope = self._function_scope()
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

    def _mark_await(self) -> None:
        scope = self._function_scope()
        if scope is not None:
            scope.awaits = True

    # ----------------------------------------------------------------- bindings
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
            if scope.kind in ("module", "class"):
                depends = None
                if isinstance(value_node, ast.Subscript) and self.sym_of(value_node.value) in (
                    "typing.Annotated", "typing_extensions.Annotated"
                ):
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
            else:
                self.bind(target.id, bound)
            return
        if isinstance(target, ast.Attribute):
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
                self.bindings.append(
                    BindingFact(f"{STATE}.{target.attr}", value, None, self.span(target))
                )
            return
        if isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self.assign(element, None, UNKNOWN, stmt)
            return
        if isinstance(target, ast.Starred):
            self.assign(target.value, None, UNKNOWN, stmt)
            return
        self.expr(target, stmt)

    def bind_target(self, target: ast.expr, value: Val) -> None:
        for name in _target_names(target):
            self.bind(name, value)
        if not isinstance(target, ast.Name):
            for child in ast.walk(target):
                if isinstance(child, (ast.Attribute, ast.Subscript)):
                    self.expr(child.value, None)  # type: ignore[arg-type]

    def import_stmt(self, node: ast.Import | ast.ImportFrom) -> None:
        in_function = self.innermost_function() is not None
        span = self.span(node)
        checking = self.type_checking > 0
        if isinstance(node, ast.Import):
            for alias in node.names:
                bound = alias.asname or alias.name.split(".", 1)[0]
                target = alias.name if alias.asname else bound
                self.imports.append(
                    ImportFact(alias.name, None, bound, span, checking, in_function)
                )
                self.imported_names.add(bound)
                self.bind(bound, Val("ref", target))
            return
        base = self._import_base(node)
        unresolved = bool(node.level) and not base
        for alias in node.names:
            if alias.name == "*":
                self.imports.append(
                    ImportFact(base, "*", "*", span, checking, in_function, unresolved)
                )
                continue
            bound = alias.asname or alias.name
            self.imports.append(
                ImportFact(base, alias.name, bound, span, checking, in_function, unresolved)
            )
            self.imported_names.add(bound)
            self.bind(bound, Val("ref", f"{base}.{alias.name}"))

    # ----------------------------------------------------------------- definitions
    def function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        outer = self.scopes[-1]
        is_async = isinstance(node, ast.AsyncFunctionDef)
        decorators = tuple(self.expr(d, node) for d in node.decorator_list)
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
        self.scopes.append(scope)
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
        self.scopes.pop()
        def_row, def_col = self._pos(node.lineno, node.col_offset)
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
            nested=any(s.kind in ("function", "lambda") for s in self.scopes),
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
                self._is_bare_depends(default) or self._is_bare_depends(arg.annotation)
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
                bound = UNKNOWN
            scope.names[arg.arg] = bound
        return tuple(params)

    def class_def(self, node: ast.ClassDef) -> None:
        outer = self.scopes[-1]
        decorators = tuple(self.expr(d, node) for d in node.decorator_list)
        bases = []
        for base in node.bases:
            self.expr(base, node)
            symbol = self.sym_of(base)
            if symbol is None and isinstance(base, ast.Subscript):
                symbol = self.sym_of(base.value)
            if symbol is not None:
                bases.append(symbol)
        keywords = tuple((k.arg or "**", self.expr(k.value, node)) for k in node.keywords)
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
        self.scopes.append(Scope("class", qualname, class_qualname=qualname))
        self.walk_body(node.body)
        self.scopes.pop()

    def annotation(self, node: ast.expr) -> None:
        """Annotations are walked for rules, but record no calls."""
        self._dispatch(node)

    # ----------------------------------------------------------------- expressions
    def expr(self, node: ast.expr, parent: ast.AST | None) -> Val:
        """Walk an expression once; return its value (for calls, the call's Val)."""
        kind = type(node)
        if kind is ast.Name:
            value = self.resolve_name(node.id) or UNKNOWN  # type: ignore[attr-defined]
            if node.id in self.imported_names:  # type: ignore[attr-defined]
                self._record_import_use(node.id)  # type: ignore[attr-defined]
        elif kind is ast.Call:
            value = self.call(node, parent)  # type: ignore[arg-type]
        elif kind is ast.Attribute:
            base = self.expr(node.value, node).symbol  # type: ignore[attr-defined]
            value = Val("ref", _intern(f"{base}.{node.attr}")) if base is not None else UNKNOWN  # type: ignore[attr-defined]
        elif kind is ast.Constant:
            value = Val("const", node.value, self.span(node))  # type: ignore[attr-defined]
        elif kind in (ast.List, ast.Tuple, ast.Set):
            value = Val("list", tuple([self.expr(e, node) for e in node.elts]), self.span(node))  # type: ignore[attr-defined]
        elif kind is ast.JoinedStr:
            parts = []
            for part in node.values:  # type: ignore[attr-defined]
                if isinstance(part, ast.FormattedValue):
                    parts.append(self.expr(part.value, part))
                    if part.format_spec is not None:
                        self.expr(part.format_spec, part)
                else:
                    parts.append(self.expr(part, node))
            value = Val("fstr", tuple(parts), self.span(node))
        elif kind is ast.Dict:
            items = []
            for key, item in zip(node.keys, node.values):  # type: ignore[attr-defined]
                items.append((self.expr(key, node) if key is not None else UNKNOWN, self.expr(item, node)))
            value = Val("dict", tuple(items), self.span(node))
        elif kind is ast.BinOp:
            left = self.expr(node.left, node)  # type: ignore[attr-defined]
            right = self.expr(node.right, node)  # type: ignore[attr-defined]
            value = _concat(left, right, self.span(node)) if isinstance(node.op, ast.Add) else UNKNOWN  # type: ignore[attr-defined]
        elif kind is ast.Await:
            self._mark_await()
            self.expr(node.value, node)  # type: ignore[attr-defined]
            value = UNKNOWN
        elif kind in (ast.Yield, ast.YieldFrom):
            scope = self._function_scope()
            if scope is not None:
                scope.yields = True
                scope.first_yield = scope.first_yield or node.lineno  # type: ignore[attr-defined]
            if node.value is not None:  # type: ignore[attr-defined]
                yielded = self.expr(node.value, node)  # type: ignore[attr-defined]
                if scope is not None and kind is ast.Yield:
                    scope.yielded.append(yielded.symbol)
            value = UNKNOWN
        elif kind is ast.Lambda:
            value = self.lambda_expr(node)  # type: ignore[arg-type]
        elif kind in (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp):
            self.comprehension(node)
            value = UNKNOWN
        elif kind is ast.NamedExpr:
            inner = self.expr(node.value, node)  # type: ignore[attr-defined]
            self.bind(node.target.id, inner if inner.kind == "call" else UNKNOWN)  # type: ignore[attr-defined]
            value = inner
        elif kind is ast.UnaryOp:
            inner = self.expr(node.operand, node)  # type: ignore[attr-defined]
            value = UNKNOWN
            if isinstance(node.op, ast.USub) and inner.kind == "const" \
                    and isinstance(inner.value, (int, float)):  # type: ignore[attr-defined]
                value = Val("const", -inner.value, self.span(node))
        else:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.expr):
                    self.expr(child, node)
                elif isinstance(child, ast.comprehension):
                    self.expr(child.iter, node)
            value = UNKNOWN
        if self.handlers:
            self._dispatch(node)
        return value

    def lambda_expr(self, node: ast.Lambda) -> Val:
        """Walk a lambda; its value is `Val("lambda", <the value of its body>)`."""
        for default in node.args.defaults + [d for d in node.args.kw_defaults if d]:
            self.expr(default, node)
        scope = Scope("lambda", f"{self.scopes[-1].qualname}.<lambda>")
        for arg in node.args.posonlyargs + node.args.args + node.args.kwonlyargs:
            scope.names[arg.arg] = UNKNOWN
        for arg in (node.args.vararg, node.args.kwarg):
            if arg is not None:
                scope.names[arg.arg] = UNKNOWN
        self.scopes.append(scope)
        body = self.expr(node.body, node)
        self.scopes.pop()
        return Val("lambda", body if body.kind == "call" else UNKNOWN)

    def comprehension(self, node: ast.expr) -> None:
        generator_expression = type(node) is ast.GeneratorExp
        if generator_expression:
            self.generator_depth += 1
        for generator in node.generators:  # type: ignore[attr-defined]
            self.expr(generator.iter, node)
            self.bind_target(generator.target, UNKNOWN)
            if generator.is_async:
                self._mark_await()
            for condition in generator.ifs:
                self.expr(condition, node)
        if type(node) is ast.DictComp:
            self.expr(node.key, node)
            self.expr(node.value, node)
        else:
            self.expr(node.elt, node)  # type: ignore[attr-defined]
        if generator_expression:
            self.generator_depth -= 1

    def call(self, node: ast.Call, parent: ast.AST | None) -> Val:
        func = node.func
        receiver: Val | None = None
        if isinstance(func, ast.Attribute):
            receiver = self.expr(func.value, func)
            base = receiver.symbol
            callee = _intern(f"{base}.{func.attr}") if base is not None else None
            if receiver.kind != "call":
                receiver = None  # derivable from the callee (Val.target)
            if self.handlers:
                self._dispatch(func)
        else:
            called = self.expr(func, node)
            callee = called.symbol
            if called.kind == "call":
                receiver = called  # `app.get("/x")(handler)`: the call that made the callee
            elif callee is None and isinstance(func, ast.Subscript):
                callee = _specialised_class(func, self.sym_of(func.value))
        args = tuple([self._argument(a, node) for a in node.args])
        kwargs = tuple([(k.arg if k.arg is not None else "**", self.expr(k.value, node))
                        for k in node.keywords])
        value = Val("call", callee, self.span(node), args, kwargs, receiver)
        if callee is not None:
            self._record_call(node, func, value, parent)
        return value

    def _argument(self, arg: ast.expr, call: ast.Call) -> Val:
        if isinstance(arg, ast.Starred):
            self.expr(arg.value, call)
            return UNKNOWN
        return self.expr(arg, call)

    def _record_import_use(self, name: str) -> None:
        function_scope = self._function_scope()
        self.import_uses.add((name, function_scope.function_index if function_scope is not None else -1))

    def _record_call(self, node: ast.Call, func: ast.expr, value: Val, parent: ast.AST | None) -> None:
        scope = self.innermost_function()
        function_scope = self._function_scope()
        end_row, end_col = self._pos(func.end_lineno or node.lineno, func.end_col_offset or 0)
        assigned = ""
        if isinstance(parent, ast.Assign) and parent.value is node and len(parent.targets) == 1 \
                and isinstance(parent.targets[0], ast.Name):
            assigned = parent.targets[0].id
        self.calls.append(
            CallFact(
                call=value,
                text=_intern(_dotted_text(func)),
                span=value.span,  # type: ignore[arg-type]
                func_end=(end_row, end_col),
                function=function_scope.function_index if function_scope is not None else -1,
                in_lambda=scope is not None and scope.kind == "lambda",
                awaited=isinstance(parent, ast.Await),
                needs_parens=(
                    isinstance(parent, (ast.Attribute, ast.Subscript))
                    or (isinstance(parent, ast.Call) and parent.func is node)
                ),
                in_main_guard=self.main_guard > 0,
                once=self.once > 0,
                guards=tuple(self.guards) if self.guards else (),
                context_manager=isinstance(parent, (ast.With, ast.AsyncWith)),
                stmt_row=self.stmt_row,
                assigned_to=assigned,
                in_generator=self.generator_depth > 0,
                in_class_body=function_scope is not None and self._in_class_body(),
            )
        )

    def _in_class_body(self) -> bool:
        for scope in reversed(self.scopes):
            if scope.kind == "class":
                return True
            if scope.kind in ("function", "lambda"):
                return False
        return False


def _one_symbol(symbols: list) -> str | None:
    """The symbol every returned (or yielded) value stands for, when they agree."""
    found = set(symbols)
    return found.pop() if len(found) == 1 and None not in found else None


def _intern(text: str) -> str:
    # Symbols repeat thousands of times; one object each keeps the cache and IPC small.
    return sys.intern(text)


def _specialised_class(func: ast.Subscript, symbol: str | None) -> str | None:
    """`Repository[User](...)` instantiates `Repository`, as `Repository(...)` does
    (a capitalised name: `handlers[0](...)` calls an element, not `handlers`)."""
    if symbol is None or not symbol.rsplit(".", 1)[-1][:1].isupper():
        return None
    return symbol


def _concat(left: Val, right: Val, span: Span) -> Val:
    """`a + b` of strings (constants, f-strings or names of constants), else unknown."""
    if left.kind not in ("const", "fstr", "ref") or right.kind not in ("const", "fstr", "ref"):
        return UNKNOWN
    if (left.kind == "const" and not isinstance(left.value, str)) or (
        right.kind == "const" and not isinstance(right.value, str)
    ):
        return UNKNOWN
    parts = (left.value if left.kind == "fstr" else (left,)) + (
        right.value if right.kind == "fstr" else (right,)
    )
    return Val("fstr", parts, span)


def _target_names(target: ast.expr) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        names: list[str] = []
        for element in target.elts:
            names.extend(_target_names(element))
        return names
    if isinstance(target, ast.Starred):
        return _target_names(target.value)
    return []


def _dotted_text(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted_text(node.value)}.{node.attr}"
    if isinstance(node, ast.Call):
        return f"{_dotted_text(node.func)}()"
    if isinstance(node, ast.Subscript):
        return f"{_dotted_text(node.value)}[…]"
    return "…"


def _is_type_checking(test: ast.expr, collector: Collector) -> bool:
    if isinstance(test, ast.Name) and test.id == "TYPE_CHECKING":
        return True
    return collector.sym_of(test) in ("typing.TYPE_CHECKING", "typing_extensions.TYPE_CHECKING")
