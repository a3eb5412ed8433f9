"""`# noqa` comments: found on the lines that mention them (not inside strings) and applied."""

from __future__ import annotations

import re

from fastlint.diagnostics import Diagnostic

NOQA = re.compile(
    r"#\s*noqa(?::[\s]*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?", re.IGNORECASE
)
FILE_NOQA = re.compile(r"#\s*fastlint\s*:\s*noqa\b", re.IGNORECASE)
FILE_NOQA_LINES = 10
# The same check in ruff (flake8-print, bandit, flake8-async): a line the team already
# marked `# noqa: T201` prints on purpose, and fastlint honours it as ruff does.
PEER_CODES: dict[str, frozenset[str]] = {
    "FL101": frozenset({"ASYNC210", "ASYNC212", "ASYNC220", "ASYNC221", "ASYNC222",
                        "ASYNC230", "ASYNC251"}),
    "FL202": frozenset({"S113"}),
    "FL401": frozenset({"S105", "S106", "S107"}),
    "FL601": frozenset({"T201", "T203"}),
}


def _comment_start(line: str) -> int:
    """Where the comment of a line starts (-1 if none), skipping `#` inside quotes."""
    quote = ""
    index = 0
    length = len(line)
    while index < length:
        char = line[index]
        if quote:
            if char == "\\":
                index += 1
            elif line.startswith(quote, index):
                index += len(quote) - 1
                quote = ""
        elif char == "#":
            return index
        elif char in "\"'":
            quote = line[index:index + 3] if line[index:index + 3] in ('"""', "'''") else char
            index += len(quote) - 1
        index += 1
    return -1


def directive(line: str) -> tuple[int, re.Match[str]] | None:
    """The `# noqa` directive of one line: where its comment starts, and the match in it."""
    hash_at = _comment_start(line)
    if hash_at < 0:
        return None
    match = NOQA.search(line, hash_at)
    return (hash_at, match) if match is not None else None


def find_noqa(text: str) -> tuple[tuple[tuple[int, tuple[str, ...]], ...], bool]:
    """The `# noqa` comments of a file (row → codes, () for a bare noqa) and whether a
    `# fastlint: noqa` in its first lines turns the whole file off.

    Only lines that mention noqa are looked at; a `#` inside a one-line string is skipped.
    """
    lowered = text.lower()
    if "noqa" not in lowered:
        return (), False
    if "\r" in text:
        # Rows are all that is returned: count a lone \r (old Mac files) as a line end, as
        # the parser does.
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        lowered = text.lower()
    comments: list[tuple[int, tuple[str, ...]]] = []
    file_noqa = False
    position = lowered.find("noqa")
    counted_to, row = 0, 1
    while position >= 0:
        start = max(text.rfind("\n", 0, position), text.rfind("\r", 0, position)) + 1
        end_n = text.find("\n", position)
        end = len(text) if end_n < 0 else end_n
        line = text[start:end].rstrip("\r")
        hash_at = _comment_start(line)
        if hash_at >= 0:
            comment = line[hash_at:]
            row += text.count("\n", counted_to, start)
            counted_to = start
            if row <= FILE_NOQA_LINES and FILE_NOQA.search(comment):
                file_noqa = True
            else:
                match = NOQA.search(comment)
                if match is not None:
                    codes = match.group("codes")
                    parsed = tuple(c.upper() for c in re.split(r"[\s,]+", codes) if c) if codes else ()
                    comments.append((row, parsed))
        position = lowered.find("noqa", end)
    return tuple(comments), file_noqa


def is_suppressed(diagnostic: Diagnostic, noqa: dict[int, tuple[str, ...]]) -> int | None:
    """The row of the noqa comment that suppresses a diagnostic, or None."""
    for row in dict.fromkeys((diagnostic.noqa_row or diagnostic.row, diagnostic.row)):
        codes = noqa.get(row)
        if codes is None:
            continue
        if not codes or diagnostic.code in codes \
                or not PEER_CODES.get(diagnostic.code, frozenset()).isdisjoint(codes):
            return row
    return None
