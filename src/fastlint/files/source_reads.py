"""How much of each file's text the project rules read while joining (to build fixes).

A joined result is reused after an edit only if what it was computed from is unchanged: each
file's analysis, and the text the rules read. Rules read lines from the top (a line, an
offset) or the whole text, so a read is recorded as "the lines up to row N" or "all of it":
a comment appended below the last line a fix looked at keeps the result reusable.
"""

from __future__ import annotations

import hashlib

from fastlint.files.source import SourceFile

WHOLE = -1


class SourceReads:
    """The rows read of each file, by path (WHOLE: the whole text)."""

    def __init__(self) -> None:
        self.upto: dict[str, int] = {}

    def watch(self, source: SourceFile | None) -> "WatchedSource | None":
        return None if source is None else WatchedSource(source, self)

    def reach(self, path: str, row: int) -> None:
        current = self.upto.get(path, 0)
        if current != WHOLE:
            self.upto[path] = WHOLE if row == WHOLE else max(current, row)


def prefix_digest(source: SourceFile, upto: int) -> str:
    """The identity of the text up to the end of row `upto` (all of it for WHOLE)."""
    text = source.text
    if upto != WHOLE:
        starts = source.line_starts
        text = text[:starts[upto]] if upto < len(starts) else text
    return text_digest(text)


def text_digest(text: str) -> str:
    """The identity of a text (lone surrogates from undecodable bytes kept)."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class WatchedSource:
    """A SourceFile that tells `reads` how far into its text it was read."""

    def __init__(self, source: SourceFile, reads: SourceReads) -> None:
        self._source = source
        self._reads = reads
        self.path = source.path

    def line(self, row: int) -> str:
        self._reads.reach(self.path, row if row <= len(self._source.line_starts) else WHOLE)
        return self._source.line(row)

    def offset(self, row: int, col: int) -> int:
        self._reads.reach(self.path, row if row <= len(self._source.line_starts) else WHOLE)
        return self._source.offset(row, col)

    @property
    def prefilter_text(self) -> str:
        return self._source.text  # not a read the result depends on (see SourceFile)

    def __getattr__(self, name: str) -> object:
        # The whole text, the line table, the line ending, the encoding: all of it counts.
        self._reads.reach(self.path, WHOLE)
        return getattr(self._source, name)
