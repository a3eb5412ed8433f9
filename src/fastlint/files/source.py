"""Reading a Python file as the interpreter would: encoding, BOM and line endings kept."""

from __future__ import annotations

import codecs
import io
import os
import stat
import tokenize
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate
from pathlib import Path


class SourceError(Exception):
    """A file that cannot be read or decoded; the message says why, and (row, col) where."""

    def __init__(self, message: str, row: int = 1, col: int = 0) -> None:
        super().__init__(message)
        self.row = row
        self.col = col


@dataclass(frozen=True)
class SourceFile:
    path: str
    raw: bytes
    text: str
    encoding: str
    bom: bool

    @cached_property
    def newline(self) -> str:
        """The file's dominant line ending, used for any line a fix adds."""
        crlf = self.text.count("\r\n")
        lf = self.text.count("\n") - crlf
        cr = self.text.count("\r") - crlf
        if crlf >= lf and crlf >= cr and crlf:
            return "\r\n"
        if cr > lf:
            return "\r"
        return "\n"

    @cached_property
    def line_starts(self) -> list[int]:
        """Character offset of each line (index 0 = line 1); \\r\\n, \\n and \\r end a line."""
        text = self.text
        if "\r" not in text:  # the common case, in C: one start after each \n
            return [0, *accumulate(len(line) + 1 for line in text.split("\n")[:-1])]
        starts = [0]
        i = 0
        n = len(text)
        find = text.find
        while True:
            j = find("\n", i)
            k = find("\r", i, j if j >= 0 else n)
            if k >= 0:
                # A lone \r (or the \r of \r\n) before the next \n.
                if k + 1 < n and text[k + 1] == "\n":
                    starts.append(k + 2)
                    i = k + 2
                else:
                    starts.append(k + 1)
                    i = k + 1
                continue
            if j < 0:
                break
            starts.append(j + 1)
            i = j + 1
        return starts

    @property
    def prefilter_text(self) -> str:
        """The text, for a search that only decides whether to look at the tree at all and
        cannot change what is found there: such a read does not make a result depend on the
        text (see files/source_reads.py)."""
        return self.text

    def line(self, row: int) -> str:
        """Line `row` (1-based) without its line ending."""
        starts = self.line_starts
        if row < 1 or row > len(starts):
            return ""
        start = starts[row - 1]
        end = starts[row] if row < len(starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    def offset(self, row: int, col: int) -> int:
        """Character offset of (1-based row, 0-based character column)."""
        starts = self.line_starts
        if row > len(starts):
            return len(self.text)
        return starts[row - 1] + col

    def encode(self, text: str) -> bytes:
        """Bytes for new content in this file's encoding, keeping its BOM."""
        data = text.encode(self.encoding)
        if self.bom and not data.startswith(codecs.BOM_UTF8):
            data = codecs.BOM_UTF8 + data
        return data


def decode_source(path: str, raw: bytes) -> SourceFile:
    """Decode bytes using the BOM or coding cookie, as the interpreter does."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
    except SyntaxError as error:
        # detect_encoding fails the same way for a bad cookie and for undecodable bytes in
        # the first two lines: say which, and where.
        if b"coding" not in raw[:200]:
            _raise_decode_error(raw, "utf-8")
        raise SourceError(f"has an invalid encoding declaration: {error}") from None
    bom = encoding == "utf-8-sig"
    try:
        text = raw.decode(encoding)
    except LookupError as error:
        raise SourceError(f"declares an unknown encoding ({error})") from None
    except UnicodeDecodeError:
        _raise_decode_error(raw, encoding)
    nul = text.find("\x00")
    if nul >= 0:
        row = text.count("\n", 0, nul) + 1
        raise SourceError("contains NUL bytes: this is a binary file, not Python source",
                          row, nul - (text.rfind("\n", 0, nul) + 1))
    if bom:
        encoding = "utf-8"
    return SourceFile(path=path, raw=raw, text=text, encoding=encoding, bom=bom)


def _raise_decode_error(raw: bytes, encoding: str) -> None:
    try:
        raw.decode(encoding)
    except UnicodeDecodeError as error:
        row = raw.count(b"\n", 0, error.start) + 1
        line_start = raw.rfind(b"\n", 0, error.start) + 1
        col = len(raw[line_start:error.start].decode(encoding, errors="replace"))
        name = "UTF-8" if encoding.replace("-", "").lower() in ("utf8", "utf8sig") else encoding
        raise SourceError(
            f"is not valid {name} text: byte 0x{raw[error.start]:02x} at line {row}, column "
            f"{col + 1} (declare the encoding with a `# -*- coding: ... -*-` line)", row, col
        ) from None
    raise SourceError(f"is not valid {encoding} text")


def read_bytes(path: str | Path) -> bytes:
    """The bytes of a regular file. Never blocks: a FIFO, socket or device is refused
    (opened without waiting for a writer), as is a directory."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except IsADirectoryError:
        raise SourceError("is a directory, not a file") from None
    except OSError as error:
        raise SourceError(f"cannot be read: {error.strerror or error}") from None
    with os.fdopen(descriptor, "rb") as handle:
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISDIR(mode):
            raise SourceError("is a directory, not a file")
        if not stat.S_ISREG(mode):
            kind = "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) \
                else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "special"
            raise SourceError(f"is not a regular file ({kind}); skipped")
        try:
            return handle.read()
        except OSError as error:
            raise SourceError(f"cannot be read: {error.strerror or error}") from None


def read_source(path: str | Path) -> SourceFile:
    """Read and decode a file; raises SourceError with a clear message."""
    return decode_source(str(path), read_bytes(path))


def char_col(line: str, byte_col: int) -> int:
    """Convert an `ast` column (UTF-8 bytes) to a character column on `line`."""
    if line.isascii():
        return byte_col
    return len(line.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))
