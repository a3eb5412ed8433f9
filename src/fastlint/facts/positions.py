"""Where a node is, as fastlint reports it: 1-based rows and character columns (`ast` gives
UTF-8 byte columns, which differ on a line with non-ASCII text).

May import `fastlint.files` and `fastlint.facts.records`.
"""

from __future__ import annotations

import ast
import re
from bisect import bisect_right

from fastlint.facts.records import Span
from fastlint.files.source import SourceFile, char_col

_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
# A span per node: built without NamedTuple's Python-level __new__ (a tenth of the walk's
# object building).
_new_span = tuple.__new__


class Positions:
    """Spans of one file's nodes."""

    def __init__(self, source: SourceFile) -> None:
        # row → line, for the lines with non-ASCII text (few, even in a file that has some):
        # on every other line a byte column is a character column.
        self._wide_lines: dict[int, str] = {}
        text = source.text
        if text.isascii():
            return
        if "\r" not in text:  # the common case: lines end at each \n (5x faster than below)
            self._wide_lines = {row: line for row, line in enumerate(text.split("\n"), 1)
                                if not line.isascii()}
            return
        starts = source.line_starts
        for match in _NON_ASCII.finditer(text):
            row = bisect_right(starts, match.start())
            if row not in self._wide_lines:
                self._wide_lines[row] = source.line(row)

    def span(self, node: ast.AST) -> Span:
        row = node.lineno  # type: ignore[attr-defined]
        end_row = node.end_lineno or row  # type: ignore[attr-defined]
        col = node.col_offset  # type: ignore[attr-defined]
        end_col = node.end_col_offset or col  # type: ignore[attr-defined]
        wide = self._wide_lines
        if wide:
            line = wide.get(row)
            if line is not None:
                col = char_col(line, col)
            line = wide.get(end_row)
            if line is not None:
                end_col = char_col(line, end_col)
        return _new_span(Span, (row, col, end_row, end_col))

    def position(self, row: int, byte_col: int) -> tuple[int, int]:
        """(row, character column) of an `ast` position."""
        line = self._wide_lines.get(row)
        return (row, byte_col if line is None else char_col(line, byte_col))
