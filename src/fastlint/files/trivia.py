"""Edits that touch only comments and blank lines, recognised without parsing the file again.

A file's analysis depends on its tree, its `# noqa` comments and the lines the file rules
read; comment-only and blank lines outside every statement are none of these. So when the
new text differs from the analysed one only on such lines (at the same positions, or added or
removed at the end), the analysis is the same, and only the noqa comments need reading again.

The `TriviaSignature` of an analysed file makes that check possible without the old text:
- the rows to keep verbatim: lines 1–2 (an encoding declaration), every multi-line statement
  and compound-statement header (any multi-line string lies in one), and a line after a
  line ending in `\\` (it continues that line);
- the digest of the text with every other comment-only or blank line emptied and the
  trailing empty lines dropped;
- how far the file rules read the text (to build fixes), with the digest of that prefix.
Text with a lone `\\r` (a line end to the parser, not to this check) or a NUL byte is never
matched.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from fastlint.files.source import SourceFile
from fastlint.files.source_reads import WHOLE, prefix_digest, text_digest

# A comment-only or blank line (its `\r` kept), unless it continues the line above.
_TRIVIA_LINE = re.compile(r"(?<!\\\n)(?<!\\\r\n)^[ \t\f]*(?:#[^\r\n]*)?(\r?)$", re.MULTILINE)
_ENCODING_ROWS = (1, 2)


@dataclass(frozen=True)
class TriviaSignature:
    guarded: tuple[tuple[int, int], ...]  # row ranges kept verbatim, sorted, disjoint
    code_digest: str
    read_upto: int  # rows the file rules read: 0 none, n up to row n
    read_digest: str


def trivia_signature(source: SourceFile, tree: ast.Module, read_upto: int) -> TriviaSignature | None:
    """The signature of an analysed file, or None when no edit of it can be trusted (its
    rules read the whole text, or the text has line ends the check does not count)."""
    if read_upto == WHOLE or not _checkable(source.text):
        return None
    guarded = _guarded_rows(tree)
    return TriviaSignature(guarded, _code_digest(source, guarded), read_upto,
                           prefix_digest(source, read_upto) if read_upto else "")


def only_trivia_changed(signature: TriviaSignature, source: SourceFile) -> bool:
    """Whether `source` differs from the text the signature was made of only in comment-only
    and blank lines the analysis did not depend on."""
    if not _checkable(source.text):
        return False
    if signature.read_upto and prefix_digest(source, signature.read_upto) != signature.read_digest:
        return False
    return _code_digest(source, signature.guarded) == signature.code_digest


def _checkable(text: str) -> bool:
    return "\0" not in text and text.count("\r") == text.count("\r\n")


def _guarded_rows(tree: ast.Module) -> tuple[tuple[int, int], ...]:
    """Lines 1–2 and the rows of every multi-line statement and compound-statement header
    (from its first decorator to its body's first line), merged."""
    ranges = [_ENCODING_ROWS]
    bodies = [tree.body]
    while bodies:
        for stmt in bodies.pop():
            start = stmt.lineno
            decorators = getattr(stmt, "decorator_list", None)
            if decorators:
                start = min(start, decorators[0].lineno)
            body = getattr(stmt, "body", None)
            if isinstance(body, list) and body:
                end = body[0].lineno
                bodies.append(body)
                for name in ("orelse", "finalbody"):
                    more = getattr(stmt, name, None)
                    if more:
                        bodies.append(more)
                for handler in getattr(stmt, "handlers", ()):
                    ranges.append((handler.lineno, handler.body[0].lineno))
                    bodies.append(handler.body)
            else:  # a simple statement, or a `match` (kept whole: patterns and guards)
                end = stmt.end_lineno or start
            if end > start:
                ranges.append((start, end))
    ranges.sort()
    merged: list[tuple[int, int]] = []
    for start, end in ranges:
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


def _code_digest(source: SourceFile, guarded: tuple[tuple[int, int], ...]) -> str:
    text = source.text
    starts = source.line_starts
    count = len(starts)
    pieces = []
    position = 0
    for first, last in guarded:
        if first > count:
            break
        begin = max(starts[first - 1], position)
        end = starts[last] if last < count else len(text)
        while last < count and text.endswith(("\\\n", "\\\r\n"), 0, end):
            last += 1  # a line ending in `\` goes on on the next one: keep that one too
            end = starts[last] if last < count else len(text)
        if end <= begin:
            continue
        pieces.append(_TRIVIA_LINE.sub(r"\1", text[position:begin]))
        pieces.append(text[begin:end])
        position = end
    pieces.append(_TRIVIA_LINE.sub(r"\1", text[position:]))
    code = "".join(pieces).rstrip("\r\n")
    return text_digest(code)
