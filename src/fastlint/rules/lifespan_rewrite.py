"""The FL203 fix: `on_event("startup"/"shutdown")` handlers rewritten into one lifespan.

```
app = FastAPI()                          @asynccontextmanager
                                         async def lifespan(app):
@app.on_event("startup")                     await db.connect()
async def connect():             →           yield
    await db.connect()                       db.close()

@app.on_event("shutdown")                app = FastAPI(lifespan=lifespan)
def close():
    db.close()
```
The lifespan is defined just before the statement that builds the app, in the same scope
(the module, or a `create_app()` factory), and runs the startup bodies in registration
order, `yield`s, then the shutdown bodies. A handler's body is moved into the lifespan when
that keeps its meaning; otherwise (a `return`, other decorators, a name another handler
uses, a handler used elsewhere, a function registered with `add_event_handler`) the
lifespan calls the handler as Starlette did — `await handler()` or `handler()` — and only
its registration is removed. The rewrite is text edits from `ast` positions, built only for
files that have this finding, so every other line keeps its bytes.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from fastlint.diagnostics import Applicability, Edit, Fix, ImportNeeded
from fastlint.facts.records import CallFact, Span
from fastlint.rules.fixes import add_keyword
from fastlint.files.parse import ParseFailure, parse_module
from fastlint.model.project import FunctionRef
from fastlint.files.source import SourceFile

LIFESPAN = "lifespan"
ASYNCCONTEXTMANAGER = ImportNeeded("contextlib", "asynccontextmanager")
EVENTS = ("startup", "shutdown")


@dataclass(frozen=True, slots=True)
class Registration:
    """One `@app.on_event(event)` decorator or `app.add_event_handler(event, f)` call."""

    event: str
    span: Span  # the decorator's call, or the add_event_handler call
    handler: FunctionRef | None
    decorates: bool  # True for `@app.on_event(...)`


@dataclass(frozen=True, slots=True)
class _Handler:
    """A registration matched to its statement in the app's scope."""

    registration: Registration
    statement: ast.stmt
    decorator: ast.expr | None
    inline: bool


def lifespan_fix(
    source: SourceFile,
    app_call: CallFact,
    app_name: str,
    registrations: Sequence[Registration],
    used_elsewhere: Callable[[str], bool],
) -> Fix | None:
    """The edits that move every registration of one app into a new lifespan, or None."""
    if any(r.event not in EVENTS or r.handler is None for r in registrations):
        return None
    try:
        tree, _ = parse_module(source)
    except ParseFailure:
        return None
    if _binds_name(tree, LIFESPAN):
        return None
    found = _statement_at(tree.body, app_call.span.row)
    if found is None:
        return None
    body, app_statement = found
    handlers = _match(body, registrations, source)
    if handlers is None:
        return None
    handlers = _choose_inlining(tree, handlers, app_name, used_elsewhere)
    indent = _indent(source, app_statement.lineno)
    unit = _indent_unit(source, handlers)
    lifespan_text = _lifespan_text(source, handlers, indent, unit, module_level=body is tree.body,
                                   app_row=app_statement.lineno)
    keyword = add_keyword(source, app_call.func_end, (app_call.span.end_row, app_call.span.end_col),
                          f"{LIFESPAN}={LIFESPAN}")
    if lifespan_text is None or keyword is None:
        return None
    edits = [Edit(app_statement.lineno, 0, app_statement.lineno, 0, lifespan_text), keyword]
    edits += [Edit(first, 0, end, 0, "") for first, end in _removals(source, handlers)]
    return Fix(
        Applicability.UNSAFE, tuple(edits),
        "Move the startup/shutdown handlers into a lifespan passed to `FastAPI(lifespan=...)`",
        (ASYNCCONTEXTMANAGER,),
    )


# ---------------------------------------------------------------------- finding the code
def _binds_name(tree: ast.Module, name: str) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store):
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
            return True
        if isinstance(node, ast.alias) and (node.asname or node.name.split(".")[0]) == name:
            return True
    return False


def _statement_at(body: list[ast.stmt], row: int) -> tuple[list[ast.stmt], ast.stmt] | None:
    """The statement holding `row`, directly in the module or a function body (not in an
    `if`/`with`/`try` block, whose lifespan would be conditional)."""
    for statement in body:
        if not statement.lineno <= row <= (statement.end_lineno or statement.lineno):
            continue
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if statement.body and statement.body[0].lineno <= row:
                return _statement_at(statement.body, row)
            return None
        if isinstance(statement, (ast.Assign, ast.AnnAssign, ast.Expr, ast.Return)):
            return body, statement
        return None
    return None


def _match(body: list[ast.stmt], registrations: Sequence[Registration],
           source: SourceFile) -> list[_Handler] | None:
    """Each registration's statement in `body`, in registration order; None if one is elsewhere."""
    matched = []
    for registration in sorted(registrations, key=lambda r: (r.span.row, r.span.col)):
        row = registration.span.row
        handler = None
        for statement in body:
            if registration.decorates and isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                decorator = next((d for d in statement.decorator_list if d.lineno == row), None)
                if decorator is not None and statement.name == registration.handler.function.name:  # type: ignore[union-attr]
                    if decorator is not statement.decorator_list[0]:
                        return None  # a decorator above it wraps what the name is bound to
                    handler = _Handler(registration, statement, decorator, False)
                    break
            elif not registration.decorates and isinstance(statement, ast.Expr) \
                    and isinstance(statement.value, ast.Call) and statement.lineno == row:
                handler = _Handler(registration, statement, None, False)
                break
        if handler is None or not _alone_on_its_lines(source, handler.statement):
            return None
        matched.append(handler)
    return matched


def _alone_on_its_lines(source: SourceFile, statement: ast.stmt) -> bool:
    """Nothing else shares the lines of the statement (or of the decorated def)."""
    row, col = statement.lineno, statement.col_offset
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement.decorator_list:
        row, col = statement.decorator_list[0].lineno, statement.decorator_list[0].col_offset - 1
    last = source.line(statement.end_lineno or statement.lineno)
    return not source.line(row)[:col].strip() and ";" not in last


# ---------------------------------------------------------------------- inline or call
def _choose_inlining(tree: ast.Module, handlers: list[_Handler], app_name: str,
                     used_elsewhere: Callable[[str], bool]) -> list[_Handler]:
    candidates = [h for h in handlers if _can_inline(tree, h, used_elsewhere)]
    scopes = {id(h): _names(h.statement) for h in candidates}  # type: ignore[arg-type]
    clash = False
    for handler in candidates:
        local, read = scopes[id(handler)]
        if LIFESPAN in local | read or "app" in local or ("app" in read and app_name != "app"):
            clash = True
        for other in candidates:
            if other is not handler and local & (scopes[id(other)][0] | scopes[id(other)][1]):
                clash = True
    inline = set() if clash else {id(h) for h in candidates}
    return [
        _Handler(h.registration, h.statement, h.decorator, id(h) in inline) for h in handlers
    ]


def _can_inline(tree: ast.Module, handler: _Handler, used_elsewhere: Callable[[str], bool]) -> bool:
    function = handler.statement
    if not handler.registration.decorates or not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    if len(function.decorator_list) != 1 or _has_parameters(function):
        return False
    if function.body[0].lineno == function.lineno:
        return False  # `def f(): ...` on one line
    if any(_escapes(statement) for statement in function.body):
        return False
    if used_elsewhere(handler.registration.handler.qualname):  # type: ignore[union-attr]
        return False
    return not any(
        isinstance(node, ast.Name) and node.id == function.name and not _inside(node, function)
        for node in ast.walk(tree)
    )


def _has_parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    args = function.args
    return bool(args.posonlyargs or args.args or args.vararg or args.kwonlyargs or args.kwarg)


def _inside(node: ast.AST, function: ast.stmt) -> bool:
    return function.lineno <= node.lineno <= (function.end_lineno or function.lineno)  # type: ignore[attr-defined]


def _escapes(statement: ast.stmt) -> bool:
    """A `return`, `yield` or `nonlocal` that would mean something else in the lifespan, or
    a `global` that is not at the top of the handler's body."""
    for node in _walk_same_scope(statement):
        if isinstance(node, (ast.Return, ast.Yield, ast.YieldFrom, ast.Nonlocal)):
            return True
        if isinstance(node, ast.Global) and node is not statement:
            return True
    return False


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def _walk_same_scope(node: ast.AST):
    """ast.walk that yields nested functions, classes and lambdas but not their insides."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if current is node or not isinstance(current, _SCOPES):
            stack.extend(ast.iter_child_nodes(current))


def _names(function: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[set[str], set[str]]:
    """(names bound locally in the body, names read anywhere in it)."""
    declared_global: set[str] = set()
    local: set[str] = set()
    read: set[str] = set()
    for statement in function.body:
        for node in _walk_same_scope(statement):
            if isinstance(node, ast.Global):
                declared_global.update(node.names)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                local.add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                local.add(node.name)
            elif isinstance(node, ast.alias):
                local.add(node.asname or node.name.split(".")[0])
            elif isinstance(node, ast.ExceptHandler) and node.name:
                local.add(node.name)
        for node in ast.walk(statement):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                read.add(node.id)
    return local - declared_global, read


# ---------------------------------------------------------------------- writing
def _indent(source: SourceFile, row: int) -> str:
    line = source.line(row)
    return line[: len(line) - len(line.lstrip())]


def _indent_unit(source: SourceFile, handlers: list[_Handler]) -> str:
    for handler in handlers:
        function = handler.statement
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            outer, inner = _indent(source, function.lineno), _indent(source, function.body[0].lineno)
            if inner.startswith(outer) and len(inner) > len(outer):
                return inner[len(outer):]
    return "    "


def _lifespan_text(source: SourceFile, handlers: list[_Handler], indent: str, unit: str,
                   module_level: bool, app_row: int) -> str | None:
    newline = source.newline
    inner = indent + unit
    globals_: list[str] = []
    parts: dict[str, list[str]] = {event: [] for event in EVENTS}
    for handler in handlers:
        event = handler.registration.event
        if handler.inline:
            lines = _body_lines(source, handler.statement, inner, globals_)  # type: ignore[arg-type]
            if lines is None:
                return None
            parts[event].extend(lines)
        else:
            ref = handler.registration.handler
            call = f"{ref.function.name}()"  # type: ignore[union-attr]
            if not handler.registration.decorates:
                call = _handler_expression(source, handler.statement) + "()"
            prefix = "await " if ref.function.is_async else ""  # type: ignore[union-attr]
            parts[event].append(f"{inner}{prefix}{call}")
    above = [source.line(row).strip() for row in (app_row - 2, app_row - 1) if row >= 1]
    if module_level:
        before = newline * sum(1 for line in above if line)  # two blank lines above a def
    else:
        before = newline if above and above[-1] and not above[-1].endswith(":") else ""
    lines = [f"{indent}@asynccontextmanager", f"{indent}async def {LIFESPAN}(app):"]
    if globals_:
        lines.append(f"{inner}global {', '.join(dict.fromkeys(globals_))}")
    lines += parts["startup"] + [f"{inner}yield"] + parts["shutdown"]
    blank = newline * (2 if module_level else 1)
    return before + newline.join(lines) + newline + blank


def _body_lines(source: SourceFile, function: ast.FunctionDef | ast.AsyncFunctionDef, inner: str,
                globals_: list[str]) -> list[str] | None:
    """The handler's body lines (docstring and top-level `global`s left out), as written."""
    body = function.body
    if _is_docstring(body[0]):
        first_row = (body[0].end_lineno or body[0].lineno) + 1
        body = body[1:]
    else:
        header = source.line(function.lineno).split("#", 1)[0].rstrip()
        first_row = function.lineno + 1 if header.endswith(":") else body[0].lineno
    skipped: set[int] = set()
    for statement in body:
        if isinstance(statement, ast.Global):
            globals_.extend(statement.names)
            skipped.update(range(statement.lineno, (statement.end_lineno or statement.lineno) + 1))
    if not body:
        return []
    last_row = function.end_lineno or body[-1].lineno
    lines = []
    for row in range(first_row, last_row + 1):
        if row in skipped:
            continue
        line = source.line(row)
        if line.strip() and not line.startswith(inner):
            return None  # indented differently from the lifespan's body: not moved verbatim
        lines.append(line)
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def _is_docstring(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant) \
        and isinstance(statement.value.value, str)


def _handler_expression(source: SourceFile, statement: ast.stmt) -> str:
    """The handler as written in `app.add_event_handler("startup", handler)`."""
    call = statement.value  # type: ignore[attr-defined]
    node = call.args[1] if len(call.args) > 1 else next(k.value for k in call.keywords if k.arg == "func")
    return ast.get_source_segment(source.text, node) or ""


def _removals(source: SourceFile, handlers: list[_Handler]) -> list[tuple[int, int]]:
    """Row ranges [first, end) to delete: each handler with the blank lines after it (or,
    when the lifespan calls it, only its decorator), merged when they touch."""
    ranges = []
    total = len(source.line_starts)
    for handler in handlers:
        statement = handler.statement
        if handler.decorator is not None and not handler.inline:
            decorator = handler.decorator
            ranges.append((decorator.lineno, (decorator.end_lineno or decorator.lineno) + 1))
            continue
        first = statement.lineno
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement.decorator_list:
            first = statement.decorator_list[0].lineno
        end = (statement.end_lineno or statement.lineno) + 1
        while end < total and not source.line(end).strip():
            end += 1
        ranges.append((first, end))
    ranges.sort()
    merged: list[tuple[int, int]] = []
    for first, end in ranges:
        if merged and first <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((first, end))
    if merged and merged[-1][1] >= total and not source.line(merged[-1][1]).strip():
        first, end = merged[-1]
        while first > 1 and not source.line(first - 1).strip():
            first -= 1  # at the end of the file, the blank lines before it go instead
        merged[-1] = (first, end)
    return merged
