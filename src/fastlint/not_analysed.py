"""Files a run could not analyse, and the one line that says how many and why.

A file that does not parse, cannot be read or is not Python (a template with a `.py` name)
gets no rule at all: the run says so at its end even when FL001 is ignored, so a clean
report never hides files nobody looked at.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from fastlint.facts.results import SYNTAX_ERROR, FileResult

SYNTAX_ERROR_REASON = "with a syntax error (FL001)"
UNREADABLE_REASON = "unreadable"
NOT_PYTHON_REASON = "not Python (a template)"


@dataclass(frozen=True)
class NotAnalysed:
    path: str
    reason: str
    detail: str


def not_analysed(result: FileResult) -> NotAnalysed | None:
    """Why no rule ran on a file, or None if it was analysed."""
    if result.read_error is not None:
        return NotAnalysed(result.path, UNREADABLE_REASON, result.read_error)
    if result.skipped is not None:
        return NotAnalysed(result.path, NOT_PYTHON_REASON, result.skipped)
    for diagnostic in result.diagnostics:
        if diagnostic.code == SYNTAX_ERROR:
            return NotAnalysed(result.path, SYNTAX_ERROR_REASON, diagnostic.message)
    return None


def summary_line(files: Iterable[NotAnalysed]) -> str | None:
    """`3 files were not analysed: 2 with a syntax error (FL001), 1 unreadable.`"""
    counts = Counter(item.reason for item in files)
    total = sum(counts.values())
    if not total:
        return None
    reasons = ", ".join(f"{count} {reason}" for reason, count in counts.most_common())
    return f"{total} file{'s were' if total != 1 else ' was'} not analysed (no rule ran on " \
           f"{'them' if total != 1 else 'it'}): {reasons}."
