"""Where a node is, as fastlint reports it: 1-based rows and character columns (`ast` gives
UTF-8 byte columns, which differ on a line with non-ASCII text).

May import `fastlint.files` and `fastlint.facts.records`.
"""

from __future__ import annotations

import ast

from fastlint.facts.records import Span
from fastlint.files.source import SourceFile, char_col


class Positions:
    """Spans of one file's nodes."""

    def __init__(self, source: SourceFile) -> None:
        self.source = source
        self.ascii = source.text.isascii()
        # row → the line, when it has non-ASCII text (else None): many nodes share a row.
        self._wide_lines: dict[int, str | None] = {}

    def span(self, node: ast.AST) -> Span:
        row = node.lineno  # type: ignore[attr-defined]
        end_row = node.end_lineno or row  # type: ignore[attr-defined]
        col = node.col_offset  # type: ignore[attr-defined]
        end_col = node.end_col_offset or col  # type: ignore[attr-defined]
        if self.ascii:
            return Span(row, col, end_row, end_col)
        line = self._wide_line(row)
        if line is not None:
            col = char_col(line, col)
        if end_row != row:
            line = self._wide_line(end_row)
        if line is not None:
            end_col = char_col(line, end_col)
        return Span(row, col, end_row, end_col)

    def position(self, row: int, byte_col: int) -> tuple[int, int]:
        """(row, character column) of an `ast` position."""
        if self.ascii:
            return (row, byte_col)
        line = self._wide_line(row)
        return (row, byte_col if line is None else char_col(line, byte_col))

    def _wide_line(self, row: int) -> str | None:
        try:
            return self._wide_lines[row]
        except KeyError:
            line = self.source.line(row)
            wide = None if line.isascii() else line
            self._wide_lines[row] = wide
            return wide
