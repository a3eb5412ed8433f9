"""Fix builders shared by rules: text edits computed from exact positions in the facts."""

from __future__ import annotations

import io
import tokenize

from fastlint.diagnostics import Applicability, Edit, Fix, ImportNeeded
from fastlint.facts.records import CallFact, FunctionFact, Span
from fastlint.files.source import SourceFile

ASYNCIO = ImportNeeded("asyncio")
_TRIVIA = frozenset({tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
                     tokenize.DEDENT, tokenize.ENDMARKER})


def _open_paren(source: SourceFile, call: CallFact) -> tuple[int, int] | None:
    """Position of the `(` that opens a call's arguments (right after the callee)."""
    row, col = call.func_end
    line = source.line(row)
    if col < len(line) and line[col] == "(":
        return row, col
    return None


def awaited_call(source: SourceFile, call: CallFact, new_callee: str, message: str,
                 applicability: Applicability, imports: tuple[ImportNeeded, ...]) -> Fix | None:
    """`time.sleep(x)` → `await asyncio.sleep(x)`."""
    if call.in_generator or call.in_class_body:
        return None
    span = call.span
    edits = [
        Edit(span.row, span.col, span.row, span.col, "(await " if call.needs_parens else "await "),
        Edit(span.row, span.col, call.func_end[0], call.func_end[1], new_callee),
    ]
    if call.needs_parens:
        edits.append(Edit(span.end_row, span.end_col, span.end_row, span.end_col, ")"))
    return Fix(applicability, tuple(edits), message, imports)


def to_thread(source: SourceFile, call: CallFact) -> Fix | None:
    """`f(a, k=v)` → `await asyncio.to_thread(f, a, k=v)`.

    Not for `with f() as x:`: the blocking work of a context manager is in its `__enter__`
    and `__exit__`, which would still run on the loop.
    """
    if call.in_generator or call.in_class_body or call.context_manager:
        return None
    paren = _open_paren(source, call)
    if paren is None:
        return None
    span = call.span
    separator = ""
    if call.call.args or call.call.kwargs:
        rest = source.line(paren[0])[paren[1] + 1:].strip()
        # Arguments on the next lines: no space left at the end of this one.
        separator = "," if not rest or rest.startswith("#") else ", "
    prefix = "(await asyncio.to_thread(" if call.needs_parens else "await asyncio.to_thread("
    edits = [
        Edit(span.row, span.col, span.row, span.col, prefix),
        Edit(paren[0], paren[1], paren[0], paren[1] + 1, separator),
    ]
    if call.needs_parens:
        edits.append(Edit(span.end_row, span.end_col, span.end_row, span.end_col, ")"))
    return Fix(Applicability.UNSAFE, tuple(edits),
               f"Run `{call.text}()` in a worker thread with `await asyncio.to_thread()`", (ASYNCIO,))


def make_sync(source: SourceFile, function: FunctionFact) -> Fix | None:
    """`async def f` → `def f` (FastAPI then runs it in its threadpool)."""
    span: Span = function.def_span
    line = source.line(span.row)
    if not line[span.col:].startswith("async"):
        return None
    at = line.find("def", span.col + 5)
    if at < 0 or line[span.col + 5:at].strip():
        return None
    return Fix(
        Applicability.UNSAFE,
        (Edit(span.row, span.col, span.row, at, ""),),
        f"Make `{function.name}` a plain `def`: FastAPI runs it in a threadpool",
    )


def add_keyword(source: SourceFile, arguments_start: tuple[int, int], call_end: tuple[int, int],
                keyword: str) -> Edit | None:
    """An edit that appends `keyword` (`timeout=10.0`) to a call's arguments.

    `arguments_start` is where the `(` opening the arguments is, `call_end` just after the
    closing `)`. A trailing comma and comments inside the parentheses are kept in place.
    """
    # Line by line rather than a slice of the whole text: the cache then knows this fix
    # depends on these lines only (see fastlint.source_reads).
    lines = [source.line(row) for row in range(arguments_start[0], call_end[0] + 1)]
    lines[-1] = lines[-1][:call_end[1]]
    lines[0] = lines[0][arguments_start[1]:]
    fragment = "\n".join(lines)
    if not (fragment.startswith("(") and fragment.endswith(")")):
        return None
    try:
        tokens = [
            token for token in tokenize.generate_tokens(io.StringIO(fragment).readline)
            if token.type not in _TRIVIA
        ]
    except (tokenize.TokenError, SyntaxError):
        return None
    if len(tokens) < 2 or tokens[-1].string != ")":
        return None
    last = tokens[-2]

    def position(row: int, col: int) -> tuple[int, int]:
        return (arguments_start[0] + row - 1, arguments_start[1] + col if row == 1 else col)

    if last.string == "(" and last.start == (1, 0):
        row, col = position(*last.end)
        return Edit(row, col, row, col, keyword)
    row, col = position(*last.end)
    content = f" {keyword}," if last.string == "," else f", {keyword}"
    return Edit(row, col, row, col, content)
