"""Findings as protocol diagnostics: the severity is the finding's, as in the CLI's reports."""

from __future__ import annotations

from lsprotocol import types

from fastlint.diagnostics import Diagnostic
from fastlint.rules import rules_by_code
from fastlint.server.positions import LineIndex
from fastlint.server.translate import to_lsp

TEXT = 'SECRET_KEY = "x"\nDB_PASSWORD = "y"\n'


def _severity(message: str) -> types.DiagnosticSeverity | None:
    finding = Diagnostic("FL401", message, "app.py", 1, 0, 1, 5)
    index = LineIndex(TEXT, types.PositionEncodingKind.Utf16)
    return to_lsp(finding, index, lambda path: None).severity


def test_severity_is_the_findings_own():
    rule = rules_by_code()["FL401"]
    for message in ("Hardcoded signing key in `SECRET_KEY`", "Hardcoded password in `DB_PASSWORD`"):
        expected = types.DiagnosticSeverity.Error if rule.severity_of(message) == "error" \
            else types.DiagnosticSeverity.Warning
        assert _severity(message) == expected
    assert _severity("Hardcoded password in `DB_PASSWORD`") == types.DiagnosticSeverity.Warning
