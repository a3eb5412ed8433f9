"""Findings in the protocol's terms: diagnostics (severity, code, link to the rule page,
the hops of a call chain, tags) and hovers."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from lsprotocol import types

from fastlint.diagnostics import Diagnostic
from fastlint.rules.pages import page_path
from fastlint.rules.links import rule_url
from fastlint.rules import rules_by_code
from fastlint.server.positions import LineIndex, uri_of

SOURCE = "fastlint"
_SEVERITY = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning}
# Findings an editor can grey out (a noqa that suppresses nothing) or strike through (a
# deprecated FastAPI API).
_TAGS = {"FL002": [types.DiagnosticTag.Unnecessary], "FL203": [types.DiagnosticTag.Deprecated]}


def rule_page_uri(code: str) -> str | None:
    """The rule's page shipped with fastlint, as a file the editor can open."""
    path = page_path(code)
    return path.resolve().as_uri() if path is not None else None


def to_lsp(diagnostic: Diagnostic, index: LineIndex,
           index_of: Callable[[str], LineIndex | None],
           url_template: str | None = None) -> types.Diagnostic:
    """A finding as a protocol diagnostic; `index_of` gives the lines of other files (for
    the hops of a chain); `url_template` is the project's `rule-url-template`."""
    rule = rules_by_code().get(diagnostic.code)
    related = []
    for location in diagnostic.related:
        other = index if location.path == diagnostic.path else index_of(location.path)
        if other is None:
            continue
        related.append(types.DiagnosticRelatedInformation(
            location=types.Location(
                uri=uri_of(location.path),
                range=other.range(location.row, location.col, location.end_row, location.end_col),
            ),
            message=location.message,
        ))
    url = rule_url(diagnostic.code, url_template)
    return types.Diagnostic(
        range=index.range(diagnostic.row, diagnostic.col, diagnostic.end_row, diagnostic.end_col),
        message=diagnostic.message,
        severity=_SEVERITY.get(rule.severity_of(diagnostic.message) if rule else "warning",
                              types.DiagnosticSeverity.Warning),
        code=diagnostic.code,
        code_description=types.CodeDescription(href=url) if url else None,
        source=SOURCE,
        related_information=related or None,
        tags=_TAGS.get(diagnostic.code),
    )


def covers(diagnostic: Diagnostic, row: int, col: int) -> bool:
    """Whether a (row, column) falls in a finding's range (its ends included)."""
    return (diagnostic.row, diagnostic.col) <= (row, col) <= (diagnostic.end_row, diagnostic.end_col)


def hover(found: Iterable[Diagnostic], index: LineIndex,
          url_template: str | None = None) -> types.Hover | None:
    """The rule summaries of the findings under the cursor, with links to their pages."""
    found = list(found)
    if not found:
        return None
    parts = []
    for diagnostic in found:
        rule = rules_by_code().get(diagnostic.code)
        title = f"**{diagnostic.code}** `{rule.name}`: {rule.summary}" if rule else f"**{diagnostic.code}**"
        url = rule_url(diagnostic.code, url_template)
        link = f"[Rule page]({url}) · " if url else ""
        parts.append(f"{title}\n\n{link}command `fastlint.showRulePage` with `{diagnostic.code}` opens it")
    first = found[0]
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n\n---\n\n".join(parts)),
        range=index.range(first.row, first.col, first.end_row, first.end_col),
    )
