"""FL002: the `# noqa: FLxxx` codes that suppressed nothing in a run, and their removal.

The pipeline knows which noqa comments suppressed which findings (see
`pipeline.reported.select_reported`); what is left over is reported here, from what it is
handed (the results and the text of the reported files), without importing the pipeline. Only fastlint's own codes are
judged: a bare `# noqa` and codes of other tools (`# noqa: E501`) are left alone, and so is a
code whose rule did not run (nothing can be said about it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping

from fastlint.diagnostics import Applicability, Diagnostic, Edit, Fix
from fastlint.facts.results import FileResult
from fastlint.files.source import SourceFile
from fastlint.noqa import directive
from fastlint.rules.catalogue import CODES

UNUSED_NOQA = "FL002"
_OWN_CODE = re.compile(r"^FL[0-9]+$")
_SEPARATORS = re.compile(r"[\s,]+")


def unused_noqa(reported: Iterable[str], results: Mapping[str, FileResult],
                source_of: Callable[[str], SourceFile | None], used: set[tuple[str, int, str]],
                enabled: frozenset[str]) -> Iterator[Diagnostic]:
    """One FL002 finding per noqa comment with fastlint codes that suppressed nothing."""
    known = frozenset(CODES)
    for path in sorted(reported):
        result = results.get(path)
        facts = result.facts if result is not None else None
        if facts is None or facts.file_noqa or not facts.noqa:
            continue
        for row, codes in facts.noqa:
            unused = [
                code for code in codes
                if _OWN_CODE.match(code) and code != UNUSED_NOQA
                and (code not in known or (code in enabled and (path, row, code) not in used))
            ]
            if unused:
                source = source_of(path)
                line = source.line(row) if source is not None else ""
                yield _finding(path, row, line, unused, known)


def _finding(path: str, row: int, line: str, unused: list[str], known: Iterable[str]) -> Diagnostic:
    found = directive(line)
    start, end = (found[1].start(), found[1].end()) if found is not None else (0, len(line))
    described = ", ".join(
        f"`{code}`" + ("" if code in known else " (unknown code)") for code in unused
    )
    edit = removal(line, row, set(unused))
    fix = Fix(Applicability.SAFE, (edit,), "Remove the unused noqa code") if edit else None
    return Diagnostic(
        code=UNUSED_NOQA,
        message=f"Unused `noqa`: {described} suppresses nothing on this line; remove it",
        path=path, row=row, col=start, end_row=row, end_col=end, fix=fix, noqa_row=row,
    )


def removal(line: str, row: int, unused: set[str]) -> Edit | None:
    """The edit that drops the unused codes from a line's noqa, or the whole directive."""
    found = directive(line)
    if found is None or found[1].group("codes") is None:
        return None
    hash_at, match = found
    kept = [code for code in _SEPARATORS.split(match.group("codes")) if code and code.upper() not in unused]
    if kept:
        return Edit(row, match.start("codes"), row, match.end("codes"), ", ".join(kept))
    after = line[match.end():]
    if match.start() == hash_at and after.strip():
        # `# noqa: FL101 because …` → `# because …`: the rest of the comment stays a comment.
        return Edit(row, match.start(), row, len(line) - len(after.lstrip()), "# ")
    if match.start() == hash_at:
        return Edit(row, len(line[:hash_at].rstrip()), row, len(line), "")
    # `# type: ignore  # noqa: FL101` → `# type: ignore`
    return Edit(row, len(line[:match.start()].rstrip()), row, match.end(), "")
