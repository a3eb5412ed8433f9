"""`--add-noqa`: write `# noqa: CODES` on the line each reported finding is read from.

For adopting fastlint with inline suppressions instead of a baseline. The comment goes on
`Diagnostic.noqa_row` (for a multi-line statement, its first line) and merges into a
noqa comment already there. A line whose end lies inside a multi-line string or after a
backslash continuation cannot hold a comment: the finding's own row is tried next, and if
that cannot either, the finding is skipped and said so. So is a line fastlint's own noqa reader would not
read the comment on (one that closes a multi-line string): a comment is only written
where it works. Files keep their encoding and
line endings, must still compile, and are written atomically.
"""

from __future__ import annotations

import io
import tokenize
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from fastlint.files.containment import left_alone, outside_root
from fastlint.diagnostics import Diagnostic
from fastlint.fix.fixer import FileChangedError, compiles, write_atomic
from fastlint.noqa import NOQA, _comment_start, find_noqa
from fastlint.files.source import SourceError, SourceFile, read_source

_FSTRING_START = getattr(tokenize, "FSTRING_START", None)  # Python 3.12+
_FSTRING_END = getattr(tokenize, "FSTRING_END", None)


@dataclass
class NoqaOutcome:
    added: int = 0  # comments added or extended
    files: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def rows_inside_strings(text: str) -> set[int]:
    """Rows whose line ends inside a string literal (a comment appended there is text)."""
    rows: set[int] = set()
    open_fstrings: list[int] = []
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.STRING and token.end[0] > token.start[0]:
            rows.update(range(token.start[0], token.end[0]))
        elif token.type == _FSTRING_START:
            open_fstrings.append(token.start[0])
        elif token.type == _FSTRING_END and open_fstrings:
            rows.update(range(open_fstrings.pop(), token.end[0]))
    return rows


def with_noqa(line: str, codes: Iterable[str]) -> str:
    """`line` with a noqa comment for `codes`, merged into one already there."""
    hash_at = _comment_start(line)
    if hash_at >= 0:
        match = NOQA.search(line, hash_at)
        if match is not None:
            if match.group("codes") is None:
                return line  # a bare noqa already covers every code
            present = [c.upper() for c in match.group("codes").replace(",", " ").split()]
            merged = present + sorted(set(codes) - set(present))
            return f"{line[:match.start()]}# noqa: {', '.join(merged)}{line[match.end():]}"
    return f"{line.rstrip()}  # noqa: {', '.join(sorted(set(codes)))}"


def is_read_back(line: str, code: str) -> bool:
    """Whether fastlint's noqa reader sees `code` suppressed on this line (it reads a line on
    its own, so a line closing a multi-line string is beyond it)."""
    comments, _ = find_noqa(line)
    return any(not codes or code in codes for _, codes in comments)


def _comment_row(diagnostic: Diagnostic, source: SourceFile, blocked: set[int]) -> int | None:
    for row in dict.fromkeys((diagnostic.noqa_row or diagnostic.row, diagnostic.row)):
        line = source.line(row)
        if row not in blocked and not line.rstrip().endswith("\\") \
                and is_read_back(with_noqa(line, [diagnostic.code]), diagnostic.code):
            return row
    return None


def add_noqa_to_file(source: SourceFile, diagnostics: list[Diagnostic],
                     outcome: NoqaOutcome) -> tuple[str, int]:
    """The file's text with the noqa comments its findings need, and how many it has;
    findings left without one are noted in `outcome`."""
    try:
        blocked = rows_inside_strings(source.text)
    except (tokenize.TokenError, SyntaxError) as error:
        outcome.errors.append(f"{source.path}: cannot be tokenized ({error}); no noqa added")
        return source.text, 0
    by_row: dict[int, set[str]] = defaultdict(set)
    for diagnostic in diagnostics:
        row = _comment_row(diagnostic, source, blocked)
        if row is None:
            outcome.skipped.append(
                f"{source.path}:{diagnostic.row}: {diagnostic.code}: no line of the statement can "
                "hold a noqa comment (it is inside or closes a multi-line string, or continues "
                "with `\\`); not added"
            )
            continue
        by_row[row].add(diagnostic.code)
    text = source.text
    starts = source.line_starts
    added = 0
    for row in sorted(by_row, reverse=True):
        line = source.line(row)
        changed = with_noqa(line, by_row[row])
        if changed != line:
            start = starts[row - 1]
            text = text[:start] + changed + text[start + len(line):]
            added += 1
    return text, added


def add_noqa(diagnostics: Iterable[Diagnostic], roots: Mapping[str, Path]) -> NoqaOutcome:
    """Add noqa comments for every finding (syntax errors cannot be suppressed); `roots`
    gives each file's project root: a file leading outside it is not written."""
    outcome = NoqaOutcome()
    by_file: dict[str, list[Diagnostic]] = defaultdict(list)
    for diagnostic in diagnostics:
        if diagnostic.code != "FL001":
            by_file[diagnostic.path].append(diagnostic)
    for path, found in sorted(by_file.items()):
        target = outside_root(path, roots[path]) if path in roots else Path(path).absolute()
        if target is not None:
            outcome.skipped.append(left_alone(path, target, "noqa not added"))
            continue
        try:
            source = read_source(path)
        except SourceError as error:
            outcome.errors.append(f"{path}: {error}")
            continue
        text, added = add_noqa_to_file(source, found, outcome)
        if not added:
            continue
        problem = compiles(text, path)
        if problem is not None:
            outcome.errors.append(f"{path}: adding noqa comments would break it ({problem}); not changed")
            continue
        try:
            write_atomic(path, source.encode(text), source.raw)
        except (OSError, FileChangedError) as error:
            outcome.errors.append(f"{path}: noqa not added: {error}")
            continue
        outcome.added += added
        outcome.files.append(path)
    return outcome
