"""Positions: fastlint's (1-based rows, 0-based code point columns) ↔ the protocol's
(0-based lines, columns counted in the negotiated encoding: UTF-16 unless the client
offers another), and `file://` URIs ↔ paths."""

from __future__ import annotations

import io
import os
import tokenize
from bisect import bisect_right
from pathlib import Path

from lsprotocol import types
from pygls.uris import from_fs_path, to_fs_path

from fastlint.files.source import SourceFile


def path_of(uri: str) -> Path | None:
    """The file a `file://` URI names (None for other schemes: untitled buffers, git diffs)."""
    if not uri.startswith("file:"):
        return None
    path = to_fs_path(uri)
    return Path(path) if path else None


def uri_of(path: str | Path) -> str:
    return from_fs_path(os.path.abspath(path)) or ""


def _units(text: str, encoding: str) -> int:
    if encoding == types.PositionEncodingKind.Utf8:
        return len(text.encode("utf-8", "surrogatepass"))
    if encoding == types.PositionEncodingKind.Utf32:
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


class LineIndex:
    """One text's lines, to convert positions both ways (lines end at \\n, \\r\\n or \\r, in
    Python as in the protocol)."""

    def __init__(self, text: str, encoding: str) -> None:
        self.source = SourceFile(path="", raw=b"", text=text, encoding="utf-8", bom=False)
        self.encoding = encoding

    @property
    def text(self) -> str:
        return self.source.text

    def position(self, row: int, col: int) -> types.Position:
        line = self.source.line(row)
        return types.Position(line=max(row - 1, 0), character=_units(line[:col], self.encoding))

    def range(self, row: int, col: int, end_row: int, end_col: int) -> types.Range:
        return types.Range(start=self.position(row, col), end=self.position(end_row, end_col))

    def row_col(self, position: types.Position) -> tuple[int, int]:
        """The fastlint (row, column) of a protocol position."""
        row = position.line + 1
        line = self.source.line(row)
        if self.encoding == types.PositionEncodingKind.Utf32:
            return row, min(position.character, len(line))
        col = 0
        counted = 0
        while col < len(line) and counted < position.character:
            counted += _units(line[col], self.encoding)
            col += 1
        return row, col

    def position_at(self, offset: int) -> types.Position:
        starts = self.source.line_starts
        row = bisect_right(starts, offset)
        return self.position(row, offset - starts[row - 1])

    def edit_to(self, new_text: str) -> types.TextEdit | None:
        """One edit turning this text into `new_text`: the span between their common prefix
        and common suffix (None when they are equal)."""
        old = self.text
        if old == new_text:
            return None
        start = 0
        limit = min(len(old), len(new_text))
        while start < limit and old[start] == new_text[start]:
            start += 1
        end_old, end_new = len(old), len(new_text)
        while end_old > start and end_new > start and old[end_old - 1] == new_text[end_new - 1]:
            end_old -= 1
            end_new -= 1
        # Never split a \r\n: the protocol counts it as one line end.
        if 0 < start < len(old) and old[start - 1] == "\r" and old[start] == "\n":
            start -= 1
        if 0 < end_old < len(old) and old[end_old - 1] == "\r" and old[end_old] == "\n":
            end_old += 1
            end_new += 1
        return types.TextEdit(
            range=types.Range(start=self.position_at(start), end=self.position_at(end_old)),
            new_text=new_text[start:end_new],
        )


def buffer_bytes(text: str) -> bytes:
    """The bytes an editor buffer would be saved as: in the encoding its coding cookie
    declares (UTF-8 otherwise), so that fastlint reads it as it reads the file."""
    head = "\n".join(text.splitlines()[:2]) + "\n"
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(head.encode("utf-8", "replace")).readline)
    except SyntaxError:
        encoding = "utf-8"
    if encoding == "utf-8-sig":
        encoding = "utf-8"
    try:
        return text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        # Not savable as declared: fastlint reports the decode error (FL001) on these bytes.
        return text.encode("utf-8", "surrogatepass")
