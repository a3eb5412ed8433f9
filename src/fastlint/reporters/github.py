"""GitHub Actions workflow commands: one `::error`/`::warning` annotation per finding.

GitHub reads `::level file=…,line=…::message`; in the message `%`, CR and LF must be
escaped, and in a property value also `:` and `,` (the runner's own escaping rules).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from fastlint.reporters.locations import report_paths, report_root
from fastlint.rules.catalogue import BY_CODE, severity_of

if TYPE_CHECKING:
    from fastlint.engine import RunResult
    from fastlint.reporters import RenderSettings


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(level: str, message: str, **properties: str | int) -> str:
    fields = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    return f"::{level} {fields}::{escape_data(message)}"


def render(result: "RunResult", stream: TextIO, settings: "RenderSettings") -> None:
    root = report_root(settings.root)
    rules = BY_CODE
    paths = report_paths(result.diagnostics, root)
    for diagnostic in result.diagnostics:
        rule = rules.get(diagnostic.code)
        # `severity_of` is "warning" for a code no rule has.
        level = severity_of(diagnostic.code, diagnostic.message)
        name = rule.name if rule is not None else diagnostic.code
        position: dict[str, str | int] = {"file": paths[diagnostic.path],
                                          "line": diagnostic.row}
        if diagnostic.end_row > diagnostic.row:
            position["endLine"] = diagnostic.end_row
        else:  # GitHub reads columns only on single-line annotations
            position.update(col=diagnostic.col + 1, endColumn=max(diagnostic.end_col, diagnostic.col) + 1)
        title = f"fastlint {diagnostic.code} ({name})"
        message = f"{diagnostic.code} {diagnostic.message}"
        stream.write(annotation(level, message, **position, title=title) + "\n")
    for message in result.errors + result.internal_errors:
        stream.write(annotation("error", message, title="fastlint") + "\n")
