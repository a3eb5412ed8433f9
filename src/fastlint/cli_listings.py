"""The commands that show rather than check: `baseline` (write one), `rules`, `rule CODE`,
`routes`, `layers`, and `server` (the language server). `register` adds them to the app.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from fastlint.cli_app import (
    _CACHE_DIR, _CONFIG, _EXTEND, _IGNORE, _JOBS, _NO_CACHE, _PATHS, _SELECT, TableFormat, _codes,
    _fail, _use_color,
)

_COMMANDS: list[tuple[str, object]] = []


def _command(name: str):
    def record(function):
        _COMMANDS.append((name, function))
        return function
    return record


def register(app: typer.Typer) -> None:
    """Add these commands to `app`, after the checking ones (the order `--help` lists)."""
    for name, function in _COMMANDS:
        app.command(name)(function)


@_command("baseline")
def baseline_command(
    paths: Optional[list[Path]] = _PATHS,
    select: Optional[list[str]] = _SELECT,
    extend_select: Optional[list[str]] = _EXTEND,
    ignore: Optional[list[str]] = _IGNORE,
    output: Path = typer.Option(Path("fastlint-baseline.json"), "--output",
                                help="The baseline file to write."),
    config: Optional[Path] = _CONFIG,
    jobs: Optional[int] = _JOBS,
    no_cache: bool = _NO_CACHE,
    cache_dir: Optional[Path] = _CACHE_DIR,
) -> None:
    """Write a baseline of today's findings; `check --baseline FILE` then reports only new ones."""
    from fastlint.reporters.baseline import baseline_of
    from fastlint.config import ConfigError
    from fastlint.engine import RunOptions, run_check

    options = RunOptions(select=_codes(select), extend_select=_codes(extend_select),
                         ignore=_codes(ignore), config_file=config, jobs=jobs,
                         no_cache=no_cache, cache_dir=cache_dir)
    try:
        result = run_check(paths or [Path(".")], options)
    except ConfigError as error:
        _fail(str(error))
        return
    for message in result.errors + result.internal_errors:
        sys.stderr.write(f"error: {message}\n")
    written = baseline_of(result.diagnostics, output)
    try:
        written.save(output)
    except OSError as error:
        _fail(f"{output}: cannot be written: {error.strerror or error}")
    files = len({path for path, _ in written.entries})
    typer.echo(f"Wrote {output}: {len(result.diagnostics)} findings in {files} files "
               f"({len(written.entries)} file and rule entries).")
    raise typer.Exit(2 if result.internal_errors else 0)


@_command("rules")
def rules_command(
    output_format: TableFormat = typer.Option(TableFormat.text, "--output-format", help="text or json."),
) -> None:
    """List every rule: code, name, default, fix."""
    import json

    from fastlint.rules import all_rules

    rows = [
        {
            "code": rule.code, "name": rule.name, "summary": rule.summary,
            "default": "on" if rule.default_on else "opt-in", "fix": rule.fix_availability,
            "severity": rule.severity,
            "options": {option.name: option.default for option in rule.options},
        }
        for rule in all_rules()
    ]
    if output_format is TableFormat.json:
        typer.echo(json.dumps(rows, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("code", "name", "default", "fix", "summary")
    for row in rows:
        table.add_row(row["code"], row["name"], row["default"], row["fix"], row["summary"])
    Console(no_color=bool(os.environ.get("NO_COLOR"))).print(table)


@_command("rule")
def rule_command(code: str = typer.Argument(..., help="A rule code, e.g. FL101.")) -> None:
    """Print a rule's page: why, a bad and a good example, the fix, its options."""
    from fastlint.rules.pages import page_text
    from fastlint.rules import rules_by_code, rules_by_name

    rule = rules_by_code().get(code.upper()) or rules_by_name().get(code)
    if rule is None:
        _fail(f"unknown rule {code!r} (see `fastlint rules`)")
        return
    text = page_text(rule.code)
    if text is None:
        _fail(f"no page found for {rule.code}")
        return
    typer.echo(text)


@_command("routes")
def routes_command(
    paths: Optional[list[Path]] = typer.Argument(None, help="Files or directories (default: .)"),
    output_format: TableFormat = typer.Option(TableFormat.text, "--output-format", help="text or json."),
    config: Optional[Path] = _CONFIG,
    jobs: Optional[int] = _JOBS,
    no_cache: bool = _NO_CACHE,
    cache_dir: Optional[Path] = _CACHE_DIR,
) -> None:
    """List the routes: methods, effective path, handler, dependencies, findings."""
    from fastlint.config import ConfigError
    from fastlint.engine import RunOptions
    from fastlint.reporters.route_listing import list_routes, render_json, render_table

    try:
        rows, _ = list_routes(paths or [Path(".")], RunOptions(config_file=config, jobs=jobs,
                                                               no_cache=no_cache, cache_dir=cache_dir))
    except ConfigError as error:
        _fail(str(error))
        return
    if output_format is TableFormat.json:
        render_json(rows, sys.stdout)
    else:
        render_table(rows, sys.stdout, _use_color(sys.stdout))


class LayersFormat(str, Enum):
    text = "text"
    json = "json"
    mermaid = "mermaid"
    dot = "dot"


@_command("layers")
def layers_command(
    paths: Optional[list[Path]] = _PATHS,
    output_format: LayersFormat = typer.Option(LayersFormat.text, "--output-format",
                                               help="text, json, mermaid or dot."),
    config: Optional[Path] = _CONFIG,
    no_cache: bool = _NO_CACHE,
    cache_dir: Optional[Path] = _CACHE_DIR,
) -> None:
    """Show the layers (detected or configured), the imports between them and the violations."""
    from fastlint.config import ConfigError
    from fastlint.reporters.layer_report import RENDERERS, build_reports

    try:
        reports = build_reports(paths or [Path(".")], config, no_cache=no_cache, cache_dir=cache_dir)
    except ConfigError as error:
        _fail(str(error))
        return
    RENDERERS[output_format.value](reports, sys.stdout)


@_command("server")
def server_command(
    no_cache: bool = _NO_CACHE,
    cache_dir: Optional[Path] = _CACHE_DIR,
) -> None:
    """Run the language server (LSP over stdin/stdout) for editors."""
    try:
        import pygls  # noqa: F401
    except ImportError:
        _fail("the language server needs the `server` extra: pip install 'fastlint[server]'")
    from fastlint.server import serve

    serve(use_cache=not no_cache, cache_dir=cache_dir)
