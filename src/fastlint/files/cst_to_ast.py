"""Read a file the running `ast` rejects: parse it with libcst, build the same `ast` tree.

libcst parses every syntax up to Python 3.14 on any interpreter (PEP 695 `type` aliases and
generics, PEP 758 `except A, B:`, PEP 701 f-strings, PEP 750 t-strings). The tree built here
is what `ast.parse` returns on the newest Python, with the same positions (1-based lines,
UTF-8 byte columns), so facts, findings and fixes are the same whichever path read the file.
It is the slow path (libcst parse + positions): only files that need it take it.

The converter is one class made of two halves: statements (cst_statements.py) and
expressions, strings and patterns (cst_expressions.py); this module owns the positions.
Imports nothing of fastlint's but `fastlint.files`.
"""

from __future__ import annotations

import ast
from typing import Any

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from fastlint.files.cst_expressions import ExpressionsFromCst
from fastlint.files.cst_statements import StatementsFromCst
from fastlint.files.source import SourceFile


def parse_with_libcst(source: SourceFile) -> ast.Module:
    """The `ast.Module` of a file, built from libcst's parse (raises libcst's ParserSyntaxError)."""
    module = cst.parse_module(source.text)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    return _Converter(source, wrapper.resolve(PositionProvider)).module(module)



class _Converter(StatementsFromCst, ExpressionsFromCst):
    """libcst nodes to `ast` nodes with `ast`'s positions."""

    def __init__(self, source: SourceFile, positions: Any) -> None:
        self.source = source
        self.positions = positions
        self.ascii = source.text.isascii()

    # ------------------------------------------------------------------ positions
    def _byte_col(self, row: int, col: int) -> int:
        if self.ascii:
            return col
        line = self.source.line(row)
        return col if line.isascii() else len(line[:col].encode("utf-8"))

    def _range(self, node: cst.CSTNode) -> CodeRange:
        return self.positions[node]

    def at(self, new: ast.AST, start: cst.CSTNode, end: cst.CSTNode | None = None) -> Any:
        """Give `new` the position from `start`'s beginning to `end`'s (default: `start`'s) end."""
        first = self._range(start).start
        last = self._range(end if end is not None else start).end
        new.lineno = first.line  # type: ignore[attr-defined]
        new.col_offset = self._byte_col(first.line, first.column)  # type: ignore[attr-defined]
        new.end_lineno = last.line  # type: ignore[attr-defined]
        new.end_col_offset = self._byte_col(last.line, last.column)  # type: ignore[attr-defined]
        return new

    def at_parens(self, new: ast.AST, node: Any) -> Any:
        """A tuple or generator written in parentheses: `ast` counts the innermost pair."""
        if getattr(node, "lpar", None):
            return self.at(new, node.lpar[-1], node.rpar[0])
        return self.at(new, node)
