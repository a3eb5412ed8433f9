"""Human output grouped by file: the file name once, then `row:col CODE [*] message` lines."""

from __future__ import annotations

from itertools import groupby
from typing import TYPE_CHECKING, TextIO

from fastlint.reporters import text
from fastlint.reporters.text import _BOLD, _CYAN, _RED, _fixable_mark, _Style, write_footer

if TYPE_CHECKING:
    from fastlint.engine import RunResult
    from fastlint.reporters import RenderSettings


def render(result: "RunResult", stream: TextIO, settings: "RenderSettings") -> None:
    if settings.statistics or settings.quiet:
        text.render(result, stream, settings)
        return
    style = _Style(settings.color)
    unsafe = result.unsafe_fixes_enabled
    for path, diagnostics in groupby(result.diagnostics, key=lambda d: d.path):
        found = list(diagnostics)
        width = max(len(f"{d.row}:{d.col + 1}") for d in found)
        stream.write(style(f"{path}:", _BOLD, _CYAN) + "\n")
        for diagnostic in found:
            position = f"{diagnostic.row}:{diagnostic.col + 1}".ljust(width)
            stream.write(
                f"  {position} {style(diagnostic.code, _RED, _BOLD)} "
                f"{_fixable_mark(diagnostic, unsafe)}{diagnostic.message}\n"
            )
        stream.write("\n")
    write_footer(result, stream, style, settings)
