"""Human output: `path:row:col: CODE [*] message`, the source line with carets, a summary."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, TextIO

from fastlint.diagnostics import Applicability, Diagnostic
from fastlint.not_analysed import summary_line
from fastlint.rules.catalogue import BY_CODE
from fastlint.facts.secret_text import mask_line
from fastlint.files.source import SourceError, read_source

if TYPE_CHECKING:
    from fastlint.engine import RunResult
    from fastlint.reporters import RenderSettings

_BOLD, _RED, _CYAN, _DIM, _GREEN, _RESET = "\033[1m", "\033[31m", "\033[36m", "\033[2m", "\033[32m", "\033[0m"


class _Style:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, *codes: str) -> str:
        if not self.color:
            return text
        return "".join(codes) + text + _RESET


def _fixable_mark(diagnostic: Diagnostic, unsafe: bool) -> str:
    fix = diagnostic.fix
    if fix is not None and (fix.applicability is Applicability.SAFE or unsafe):
        return "[*] "
    return ""


def _snippet(diagnostic: Diagnostic, cache: dict, style: _Style) -> list[str]:
    if diagnostic.path not in cache:
        try:
            cache[diagnostic.path] = read_source(diagnostic.path)
        except SourceError:
            cache[diagnostic.path] = None
    source = cache[diagnostic.path]
    if source is None:
        return []
    line = source.line(diagnostic.row).replace("\t", " ")
    rule = BY_CODE.get(diagnostic.code)
    if rule is not None and rule.redacts_source:
        return [style(f"{diagnostic.row:>5} | ", _DIM) + mask_line(line)]
    if not line.strip():
        return []
    width = (diagnostic.end_col if diagnostic.end_row == diagnostic.row else len(line)) - diagnostic.col
    gutter = f"{diagnostic.row:>5} | "
    return [
        style(gutter, _DIM) + line,
        style(" " * 6 + "| ", _DIM) + " " * diagnostic.col + style("^" * max(width, 1), _RED),
    ]


RELATED_SHOWN = 10


def _related(diagnostic: Diagnostic, style: _Style) -> list[str]:
    """`= note: path:row: message` for each place that explains the finding (the call sites
    of a grouped chain), the first few of them."""
    lines = [style("      = note: ", _CYAN) + f"{place.path}:{place.row}:{place.col + 1}: {place.message}"
             for place in diagnostic.related[:RELATED_SHOWN]]
    hidden = len(diagnostic.related) - RELATED_SHOWN
    if hidden > 0:
        lines.append(style("      = note: ", _CYAN) + f"... and {hidden} more (all of them in "
                     "`--output-format json` or `sarif`)")
    return lines


def render(result: "RunResult", stream: TextIO, settings: "RenderSettings") -> None:
    style = _Style(settings.color)
    unsafe = result.unsafe_fixes_enabled
    full = settings.output_format in ("full", "text")
    cache: dict = {}
    if settings.statistics:
        _statistics(result, stream, style)
    elif not settings.quiet:
        for diagnostic in result.diagnostics:
            location = f"{diagnostic.path}:{diagnostic.row}:{diagnostic.col + 1}:"
            stream.write(
                f"{style(location, _BOLD)} {style(diagnostic.code, _RED, _BOLD)} "
                f"{_fixable_mark(diagnostic, unsafe)}{diagnostic.message}\n"
            )
            if full:
                for line in _snippet(diagnostic, cache, style):
                    stream.write(line + "\n")
                for line in _related(diagnostic, style):
                    stream.write(line + "\n")
                stream.write("\n")
    write_footer(result, stream, style, settings)


def write_footer(result: "RunResult", stream: TextIO, style: _Style, settings: "RenderSettings") -> None:
    """Errors, warnings, the fixes applied and the summary line, after the findings."""
    for message in result.errors + result.internal_errors:
        stream.write(f"{style('error', _RED, _BOLD)}: {message}\n")
    for message in result.warnings:
        stream.write(f"{style('warning', _BOLD)}: {message}\n")
    if settings.show_fixes and result.fixed:
        stream.write(f"\nFixed {sum(result.fixed.values())} problems:\n")
        for path, count in sorted(result.fixed.items()):
            stream.write(f"  {path}: {count} fixed\n")
    _summary(result, stream, style, settings)
    skipped = summary_line(result.not_analysed)
    if skipped is not None:
        stream.write(f"{style('note', _BOLD)}: {skipped}\n")


def _summary(result: "RunResult", stream: TextIO, style: _Style, settings: "RenderSettings") -> None:
    fixed = sum(result.fixed.values())
    remaining = len(result.diagnostics)
    unsafe = result.unsafe_fixes_enabled
    if remaining == 0:
        if fixed:
            stream.write(f"Found {fixed} problem{'s' if fixed != 1 else ''} ({fixed} fixed, 0 remaining).\n")
        elif not settings.quiet and not (result.errors or result.internal_errors):
            stream.write(style("All checks passed!", _GREEN) + "\n")
        return
    safe = sum(1 for d in result.diagnostics
               if d.fix is not None and (d.fix.applicability is Applicability.SAFE or unsafe))
    hidden = sum(1 for d in result.diagnostics
                 if d.fix is not None and d.fix.applicability is Applicability.UNSAFE and not unsafe)
    total = remaining + fixed
    head = f"Found {total} problem{'s' if total != 1 else ''}"
    if fixed:
        head += f" ({fixed} fixed, {remaining} remaining)"
    notes = []
    if safe:
        notes.append(f"{safe} fixable with `fastlint fix`")
    if hidden:
        notes.append(f"{hidden} more with `--unsafe-fixes`" if safe else
                     f"{hidden} fixable with `fastlint fix --unsafe-fixes`")
    stream.write(head + (f" ({'; '.join(notes)})" if notes else "") + ".\n")


def _statistics(result: "RunResult", stream: TextIO, style: _Style) -> None:
    counts = Counter(d.code for d in result.diagnostics)
    fixable = Counter(d.code for d in result.diagnostics if d.fix is not None)
    rules = BY_CODE
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        rule = rules.get(code)
        mark = "[*]" if fixable[code] else "   "
        stream.write(f"{count:>6}  {style(code, _RED, _BOLD)}  {mark} {rule.name if rule else ''}\n")
