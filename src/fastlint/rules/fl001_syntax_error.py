"""FL001 syntax-error: a file that cannot be parsed is a finding, not a crash."""

from __future__ import annotations

from fastlint.rules.base import FileRule


class SyntaxErrorRule(FileRule):
    """Reported by the engine when a file cannot be read as Python source.

    The run goes on with every other file; the finding points at the error's position.
    """

    code = "FL001"
    name = "syntax-error"
    summary = "A file cannot be parsed (syntax error, bad encoding or binary content)"
    severity = "error"
    node_types = ()
