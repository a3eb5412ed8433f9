"""FL602 wall-clock-duration: `time.time()` used to measure how long something took.

Bad:
    start = time.time()
    response = await call_next(request)
    elapsed = time.time() - start

Good:
    start = time.perf_counter()
    response = await call_next(request)
    elapsed = time.perf_counter() - start
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Any

from fastlint.facts.context import FileContext
from fastlint.diagnostics import Applicability, Edit, Fix, ImportNeeded
from fastlint.facts.records import Span
from fastlint.rules.base import FileRule
from fastlint.files.source import SourceFile

MONOTONIC = {"time.time": "perf_counter", "time.time_ns": "perf_counter_ns"}
_CALLEE = re.compile(r"^[A-Za-z_][\w.]*$")


@dataclass(frozen=True)
class Reading:
    """One side of a subtraction that is a wall-clock reading: a call, or a name bound to one."""

    span: Span  # the time.time() call
    symbol: str  # time.time or time.time_ns
    name: str | None  # the variable it was read through, if any


@dataclass(frozen=True)
class Duration:
    """`later - earlier` of two wall-clock readings, waiting for its function to end."""

    readings: tuple[Reading, Reading]
    row: int


class WallClockDuration(FileRule):
    code = "FL602"
    name = "wall-clock-duration"
    summary = "`time.time()` is used to measure elapsed time"
    fix_availability = "safe"
    node_types = (ast.BinOp, ast.FunctionDef, ast.AsyncFunctionDef)

    def __init__(self, settings: dict[str, Any] | None = None) -> None:
        super().__init__(settings)
        self._file: FileContext | None = None
        self._pending: list[Duration] = []
        self._subtracted: set[int] = set()  # the operand nodes of wall-clock subtractions

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if ctx is not self._file:
            self._file, self._pending, self._subtracted = ctx, [], set()
        if type(node) is ast.BinOp:
            if type(node.op) is ast.Sub:  # type: ignore[attr-defined]
                self._subtraction(node, ctx)  # type: ignore[arg-type]
        elif self._pending:
            self._function_end(node, ctx)  # type: ignore[arg-type]

    def _subtraction(self, node: ast.BinOp, ctx: FileContext) -> None:
        later = _reading(node.left, ctx)
        if later is None:
            return
        earlier = _reading(node.right, ctx)
        if earlier is not None and earlier.span != later.span:
            self._pending.append(Duration((later, earlier), node.lineno))
            self._subtracted.update((id(node.left), id(node.right)))

    def _function_end(self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> None:
        """Report the durations measured in this function, now that all its uses are known."""
        end = node.end_lineno or node.lineno
        inside = [d for d in self._pending if node.lineno <= d.row <= end]
        if not inside:
            return
        self._pending = [d for d in self._pending if d not in inside]
        names = {r.name for d in inside for r in d.readings if r.name is not None}
        fixable = _only_subtracted(node, names, self._subtracted)
        # Durations that share their start are one measurement taken on several paths (the
        # success and the error branch): one finding at the start, one fix for all readings.
        by_start: dict[Span, list[Reading]] = {}
        for duration in inside:
            first = min(r.span for r in duration.readings)
            readings = by_start.setdefault(first, [])
            readings += [r for r in duration.readings if all(r.span != k.span for k in readings)]
        for first, readings in by_start.items():
            fix = _to_perf_counter(ctx.source, tuple(readings)) if fixable else None
            advice = "use `time.perf_counter()`" if fixable else (
                "take a separate `time.perf_counter()` reading for the duration (this one is "
                "also used as a timestamp)")
            ctx.report(
                self.code, first,
                "`time.time()` measures a duration: the wall clock can jump (NTP, manual or DST "
                f"changes) and give wrong or negative durations; {advice}",
                fix,
            )


def _reading(node: ast.expr, ctx: FileContext) -> Reading | None:
    if isinstance(node, ast.Call):
        if node.args or node.keywords:
            return None
        symbol = ctx.symbol(node.func)
        return Reading(ctx.span(node), symbol, None) if symbol in MONOTONIC else None  # type: ignore[arg-type]
    if isinstance(node, ast.Name):
        value = ctx.value(node)
        if value.kind == "call" and value.value in MONOTONIC and not value.args \
                and value.span is not None:
            return Reading(value.span, value.value, node.id)  # type: ignore[arg-type]
    return None


def _only_subtracted(function: ast.AST, names: set[str], subtracted: set[int]) -> bool:
    """Whether every read of these variables is one side of a wall-clock subtraction: only
    then can their readings change clock without changing anything else."""
    if not names:
        return True
    return all(
        id(node) in subtracted
        for node in ast.walk(function)
        if isinstance(node, ast.Name) and node.id in names and isinstance(node.ctx, ast.Load)
    )


def _to_perf_counter(source: SourceFile, readings: tuple[Reading, ...]) -> Fix | None:
    edits: list[Edit] = []
    imports: list[ImportNeeded] = []
    for reading in readings:
        span = reading.span
        line = source.line(span.row)
        paren = line.find("(", span.col)
        callee = line[span.col:paren] if paren > 0 else ""
        if not _CALLEE.match(callee):
            return None
        replacement = MONOTONIC[reading.symbol]
        if "." in callee:
            replacement = f"{callee.rsplit('.', 1)[0]}.{replacement}"
        else:
            imports.append(ImportNeeded("time", replacement))
        edits.append(Edit(span.row, span.col, span.row, paren, replacement))
    return Fix(Applicability.SAFE, tuple(edits), "Use `time.perf_counter()` for both readings",
               tuple(dict.fromkeys(imports)))
