"""How much logic a function body holds, for FL301: statements, branches and loops, leaving out
what every server-rendered or HTML-speaking route does without deciding anything.

Not counted:
- markup: a `with` builder block (`with tag.div(): text(...)`, nested to any depth) that only
  calls, loops and tests to render; a statement that only returns a rendered template;
- logging: `logger.info(...)` and its kin;
- HTTP exits: `raise HTTPException(...)`, `return JSONResponse(..., status_code=404)`, a
  redirect, a flash message, and the `if` that only 404s a missing record
  (`if item is None: raise HTTPException(404)`; a validation that raises is still a branch);
- form dispatch: `if request.method == "POST":` is not a branch (its body counts).
Nested functions and classes count as one statement each (their bodies are their own).
"""

from __future__ import annotations

import ast
from collections.abc import Sequence

from fastlint.facts.records import LogicSize

# `with` items that manage a resource or a transaction, never a markup element.
RESOURCE_CONTEXTS = frozenset({
    "begin", "begin_nested", "transaction", "atomic", "lock", "acquire", "suppress", "span",
    "start_span", "start_as_current_span", "timeout", "timer", "open", "connect", "session",
    "Session", "patch", "catch_warnings", "redirect_stdout", "redirect_stderr", "ExitStack",
})
# Methods whose call changes the database or the world: never markup.
EFFECT_METHODS = frozenset({
    "add", "add_all", "delete", "commit", "flush", "refresh", "execute", "exec", "merge",
    "rollback", "send", "put", "post", "publish", "enqueue", "apply_async", "delay", "save",
})
RENDER_NAMES = ("render", "TemplateResponse")
LOGGERS = frozenset({"logger", "logging", "log", "LOGGER", "LOG", "_logger", "_log"})
LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical",
                         "log", "success", "trace"})


def measure(body: Sequence[ast.stmt]) -> LogicSize:
    counter = _Counter()
    counter.block(body)
    return LogicSize(counter.statements, counter.branches, counter.loops)


class _Counter:
    def __init__(self) -> None:
        self.statements = 0
        self.branches = 0
        self.loops = 0

    def block(self, body: Sequence[ast.stmt]) -> None:
        for stmt in body:
            self.stmt(stmt)

    def stmt(self, node: ast.stmt) -> None:
        if _is_markup(node) or _is_http_exit(node) or _is_guard(node) or _is_log(node):
            return
        if isinstance(node, ast.If) and _is_method_dispatch(node.test):
            self.block(node.body)
            self.block(node.orelse)
            return
        self.statements += 1
        if isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
            self.branches += 1
            self.loops += 1
            self.block(node.body)
            self.block(node.orelse)
        elif isinstance(node, ast.If):
            self.branches += 1
            self.block(node.body)
            self.block(node.orelse)
        elif isinstance(node, (ast.Try, getattr(ast, "TryStar", ast.Try))):
            self.branches += 1
            self.block(node.body)
            for handler in node.handlers:
                self.block(handler.body)
            self.block(node.orelse)
            self.block(node.finalbody)
        elif isinstance(node, ast.Match):
            self.branches += 1
            for case in node.cases:
                self.block(case.body)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            self.block(node.body)


def _callee_name(node: ast.expr | None) -> str:
    """The last name of a call's callee (`tag.div()` → `div`), '' for anything else."""
    if isinstance(node, ast.Await):
        node = node.value
    if not isinstance(node, ast.Call):
        return ""
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _is_markup(node: ast.stmt) -> bool:
    """A `with` builder whose body only renders."""
    if not isinstance(node, ast.With):
        return False
    for item in node.items:
        if item.optional_vars is not None or not isinstance(item.context_expr, ast.Call) \
                or _callee_name(item.context_expr) in RESOURCE_CONTEXTS:
            return False
    return all(_renders(stmt) for stmt in node.body)


def _renders(node: ast.stmt) -> bool:
    if isinstance(node, ast.Pass):
        return True
    if isinstance(node, ast.Expr):
        value = node.value
        if isinstance(value, ast.Constant):
            return True
        return isinstance(value, ast.Call) and _callee_name(value) not in EFFECT_METHODS
    if isinstance(node, ast.With):
        return _is_markup(node)
    if isinstance(node, (ast.For, ast.If)):
        return all(_renders(stmt) for stmt in node.body) and all(_renders(stmt) for stmt in node.orelse)
    return False


def _is_http_exit(node: ast.stmt) -> bool:
    if isinstance(node, ast.Raise):
        exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
        name = exc.attr if isinstance(exc, ast.Attribute) else exc.id if isinstance(exc, ast.Name) else ""
        return name.endswith("HTTPException")
    if isinstance(node, (ast.Return, ast.Expr)) and node.value is not None:
        name = _callee_name(node.value)
        lowered = name.lower()
        if "redirect" in lowered or "flash" in lowered:
            return True
        if isinstance(node, ast.Return) and any(render in name for render in RENDER_NAMES):
            return True
        return isinstance(node, ast.Return) and _is_error_response(node.value)
    return False


def _is_error_response(value: ast.expr) -> bool:
    """`return JSONResponse(..., status_code=404)`: an HTTP exit written as a return."""
    if not isinstance(value, ast.Call):
        return False
    for keyword in value.keywords:
        if keyword.arg == "status_code":
            code = keyword.value
            if isinstance(code, ast.Constant) and isinstance(code.value, int):
                return code.value >= 400
            return isinstance(code, ast.Attribute) and code.attr.startswith(("HTTP_4", "HTTP_5"))
    return False


def _is_log(node: ast.stmt) -> bool:
    """`logger.info(...)`: a statement that only logs."""
    if not isinstance(node, ast.Expr) or not isinstance(node.value, ast.Call):
        return False
    func = node.value.func
    return isinstance(func, ast.Attribute) and func.attr in LOG_METHODS \
        and isinstance(func.value, ast.Name) and func.value.id in LOGGERS


def _is_guard(node: ast.stmt) -> bool:
    """`if item is None: raise HTTPException(404)`: the 404 of a record that is not there,
    not a decision. A validation (`if data.password != data.repeat: raise ...`) still counts."""
    if not isinstance(node, ast.If) or node.orelse or not all(_is_http_exit(stmt) for stmt in node.body):
        return False
    return _is_missing_test(node.test) or any(_is_not_found(stmt) for stmt in node.body)


def _is_missing_test(test: ast.expr) -> bool:
    """`not item`, `item is None`, `await repo.get(id) is None`."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return isinstance(test.operand, (ast.Name, ast.Attribute, ast.Await))
    return isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Is) \
        and isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None


def _is_not_found(node: ast.stmt) -> bool:
    """A raise of a 404 (`404`, `HTTPStatus.NOT_FOUND`, `status.HTTP_404_NOT_FOUND`)."""
    if not isinstance(node, ast.Raise) or not isinstance(node.exc, ast.Call):
        return False
    values = [*node.exc.args, *(keyword.value for keyword in node.exc.keywords)]
    return any((isinstance(v, ast.Constant) and v.value == 404)
               or (isinstance(v, ast.Attribute) and ("404" in v.attr or v.attr == "NOT_FOUND"))
               for v in values)


def _is_method_dispatch(test: ast.expr) -> bool:
    """`request.method == "POST"`, `request.method in ("POST", "PUT")`."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1
            and isinstance(test.left, ast.Attribute) and test.left.attr == "method"):
        return False
    (other,) = test.comparators
    values = other.elts if isinstance(other, (ast.Tuple, ast.List, ast.Set)) else [other]
    return all(isinstance(value, ast.Constant) and isinstance(value.value, str) for value in values)
