"""FL104 sequential-independent-awaits: awaits in a row that could run concurrently.

Bad:
    user = await get_user(user_id)
    orders = await get_orders(user_id)

Good:
    async with asyncio.TaskGroup() as tg:
        user = tg.create_task(get_user(user_id))
        orders = tg.create_task(get_orders(user_id))
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from fastlint.facts.context import FileContext
from fastlint.facts.records import Span
from fastlint.rules.base import FileRule

# Methods whose order is the point: they end or start something, or pace the loop.
ORDERED_METHODS = frozenset({
    "sleep", "commit", "rollback", "flush", "refresh", "close", "aclose", "acquire", "release",
    "wait", "accept", "connect", "disconnect", "start", "stop", "shutdown", "send", "send_text",
    "send_json", "send_bytes", "receive", "receive_text", "receive_json", "receive_bytes",
})


@dataclass(frozen=True)
class AwaitStatement:
    statement: ast.stmt
    call: ast.Call
    assigns: frozenset[str]  # names it binds
    reads: frozenset[str]  # names its call reads
    receiver: str | None  # the object whose method it calls, as written (`db`, `self.repo`)
    receiver_root: str | None  # the name that object is reached from (`db`, `self`)


class SequentialIndependentAwaits(FileRule):
    code = "FL104"
    name = "sequential-independent-awaits"
    summary = "Consecutive awaits that do not depend on each other run one after the other"
    application_code_only = True
    default_on = False
    node_types = (ast.AsyncFunctionDef,)

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        for block in _blocks(node.body):  # type: ignore[attr-defined]
            for run in _independent_runs(block):
                first, last = run[0].statement, run[-1].statement
                span = Span(first.lineno, ctx.span(first).col,
                            last.end_lineno or last.lineno, ctx.span(last).end_col)
                ctx.report(
                    self.code, span,
                    f"{len(run)} awaits in a row do not use each other's results, so each waits "
                    "for the previous one: run them concurrently with `asyncio.TaskGroup` "
                    "(or `asyncio.gather`)",
                )


def _blocks(body: list[ast.stmt]) -> Iterator[list[ast.stmt]]:
    """Every statement list of a function body, nested blocks included, nested defs not."""
    yield body
    for statement in body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(statement, field, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                yield from _blocks(inner)
        for handler in getattr(statement, "handlers", ()):
            yield from _blocks(handler.body)
        for case in getattr(statement, "cases", ()):
            yield from _blocks(case.body)


def _independent_runs(block: list[ast.stmt]) -> Iterator[list[AwaitStatement]]:
    run: list[AwaitStatement] = []
    for statement in block:
        current = _await_statement(statement)
        if current is not None and run and _independent(current, run):
            run.append(current)
            continue
        if len(run) > 1:
            yield run
        run = [current] if current is not None and not _is_ordered(current) else []
    if len(run) > 1:
        yield run


def _await_statement(statement: ast.stmt) -> AwaitStatement | None:
    """An `x = await f(...)`; a bare `await f(...)` is called for its effect (a permission
    check that raises, a write, an event) and may be what the next await relies on."""
    targets: list[ast.expr]
    if isinstance(statement, ast.Assign):
        value, targets = statement.value, statement.targets
    elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
        value, targets = statement.value, [statement.target]
    else:
        return None
    if not isinstance(value, ast.Await) or not isinstance(value.value, ast.Call):
        return None
    assigns = set()
    for target in targets:
        for node in ast.walk(target):
            if isinstance(node, ast.Name):
                assigns.add(node.id)
            elif not isinstance(node, (ast.Tuple, ast.List, ast.Starred, ast.Store)):
                return None  # `self.x = await ...`: a write others may read
    call = value.value
    reads = frozenset(n.id for n in ast.walk(call) if isinstance(n, ast.Name))
    owner = call.func.value if isinstance(call.func, ast.Attribute) else None
    receiver = _dotted(owner) if owner is not None else None
    return AwaitStatement(statement, call, frozenset(assigns), reads, receiver,
                          _root_name(owner) if owner is not None else None)


def _root_name(node: ast.expr) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _dotted(node: ast.expr) -> str:
    """The receiver as written: `self.repo` (cheaply, for the usual name or attribute chain)."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ast.unparse(node)


def _is_ordered(statement: AwaitStatement) -> bool:
    func = statement.call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name in ORDERED_METHODS


def _independent(current: AwaitStatement, earlier: list[AwaitStatement]) -> bool:
    if _is_ordered(current):
        return False
    for previous in earlier:
        if previous.assigns & current.reads or previous.assigns & current.assigns:
            return False
        if current.receiver is not None and current.receiver == previous.receiver:
            return False  # one object (a session, a socket) handles one call at a time
        if current.receiver_root in previous.reads or previous.receiver_root in current.reads:
            return False  # `await enqueue(queue)` then `await queue.reserve()`: one object
    return True
