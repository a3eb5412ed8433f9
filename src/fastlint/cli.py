"""The command line: `fastlint check`, `fix`, `baseline`, `rules`, `rule CODE`, `routes`, `layers`."""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from fastlint import __version__

if TYPE_CHECKING:
    from fastlint.engine import RunResult

app = typer.Typer(
    name="fastlint",
    help="A static analyzer for FastAPI codebases.",
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


class CheckFormat(str, Enum):
    full = "full"
    text = "text"
    concise = "concise"
    grouped = "grouped"
    json = "json"
    json_lines = "json-lines"
    sarif = "sarif"
    github = "github"
    gitlab = "gitlab"
    junit = "junit"


class TableFormat(str, Enum):
    text = "text"
    json = "json"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"fastlint {__version__}")
        raise typer.Exit(0)


@app.callback()
def main_callback(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """A static analyzer for FastAPI codebases."""


def _codes(values: Optional[list[str]]) -> tuple[str, ...]:
    codes: list[str] = []
    for value in values or ():
        codes.extend(part.strip().upper() for part in value.split(",") if part.strip())
    return tuple(codes)


def _use_color(stream) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


def _fail(message: str) -> None:
    typer.echo(f"fastlint: error: {message}", err=True)
    raise typer.Exit(2)


def run_check_command(
    paths: list[Path], select, extend_select, ignore, fix: bool, unsafe_fixes: Optional[bool],
    diff: bool, show_fixes: bool, statistics: bool, output_format: CheckFormat,
    exit_zero: bool, config: Optional[Path], quiet: bool, jobs: Optional[int],
    no_cache: bool = False, cache_dir: Optional[Path] = None,
    *, output_file: Optional[Path] = None, baseline: Optional[Path] = None,
    prune_baseline: bool = False, strict_baseline: bool = False, add_noqa: bool = False,
) -> None:
    from fastlint.config import ConfigError
    from fastlint.engine import RunOptions, run_check
    from fastlint.reporters import HUMAN_FORMATS, RenderSettings, renderer

    options = RunOptions(
        select=_codes(select), extend_select=_codes(extend_select), ignore=_codes(ignore),
        config_file=config, fix=fix, unsafe_fixes=unsafe_fixes, diff=diff, jobs=jobs,
        no_cache=no_cache, cache_dir=cache_dir,
    )
    try:
        result = run_check(paths or [Path(".")], options)
    except ConfigError as error:
        _fail(str(error))
        return
    except KeyboardInterrupt:
        # Files are replaced whole (temp file + rename): each is either old or new.
        typer.echo("fastlint: interrupted; no file was left half-written", err=True)
        raise typer.Exit(130) from None
    out = sys.stdout
    if diff:
        for text in result.diffs:
            out.write(text)
        for message in result.errors + result.internal_errors:
            sys.stderr.write(f"error: {message}\n")
        for message in result.warnings:
            sys.stderr.write(f"warning: {message}\n")
        _note_not_analysed(result)
        if result.diffs:
            count = sum(result.fixed.values())
            sys.stderr.write(f"\nWould fix {count} problem{'s' if count != 1 else ''}.\n")
        raise typer.Exit(1 if result.diffs and not exit_zero else (2 if result.internal_errors else 0))
    stale_baseline = False
    if baseline is not None:
        try:
            stale_baseline = _apply_baseline(result, baseline, prune_baseline) and strict_baseline
        except ConfigError as error:
            _fail(str(error))
    if add_noqa:
        _add_noqa(result)
    settings = RenderSettings(
        output_format=output_format.value, show_fixes=show_fixes, statistics=statistics,
        quiet=quiet, color=_use_color(out), fix_mode=fix,
    )
    if output_file is not None:
        try:
            with open(output_file, "w", encoding="utf-8") as report:
                renderer(output_format.value)(result, report, replace(settings, color=False))
        except OSError as error:
            _fail(f"{output_file}: cannot be written: {error.strerror or error}")
        renderer("full")(result, out, replace(settings, output_format="full"))
    else:
        renderer(output_format.value)(result, out, settings)
        if output_format.value not in HUMAN_FORMATS:
            for message in result.errors + result.internal_errors:
                sys.stderr.write(f"error: {message}\n")
            for message in result.warnings:
                sys.stderr.write(f"warning: {message}\n")
            _note_not_analysed(result)
    if result.internal_errors:
        raise typer.Exit(2)
    if exit_zero:
        raise typer.Exit(0)
    raise typer.Exit(1 if result.diagnostics or result.errors or stale_baseline else 0)


def _note_not_analysed(result) -> None:
    """The files no rule ran on, as one line on stderr (machine formats keep stdout)."""
    from fastlint.not_analysed import summary_line

    line = summary_line(result.not_analysed)
    if line is not None:
        sys.stderr.write(f"note: {line}\n")


def _show_files(paths: list[Path], config: Optional[Path], jobs: Optional[int],
                no_cache: bool, cache_dir: Optional[Path]) -> None:
    from fastlint.config import ConfigError
    from fastlint.engine import RunOptions
    from fastlint.reporters.file_listing import file_scopes, render_file_scopes

    options = RunOptions(config_file=config, jobs=jobs, no_cache=no_cache, cache_dir=cache_dir)
    try:
        rows = file_scopes(paths, options)
    except ConfigError as error:
        _fail(str(error))
        return
    render_file_scopes(rows, sys.stdout)


def _apply_baseline(result: "RunResult", file: Path, prune: bool) -> bool:
    """Drop the findings the baseline covers; note stale entries (pruning them with `prune`,
    which also records the fingerprints of count-only entries). True when stale entries are
    left in the file."""
    from fastlint.reporters.baseline import describe, describe_same_text, load_baseline
    from fastlint.files.containment import left_alone

    loaded = load_baseline(file)
    checked = [path for run in result.projects for path in run.reported]
    outcome = loaded.apply(result.diagnostics, checked)
    result.diagnostics = outcome.reported
    result.warnings.extend(describe(change) for change in outcome.exceeded)
    result.warnings.extend(describe_same_text(twins) for twins in outcome.same_text)
    outside = _outside_projects(result, file) if prune else None
    if outside is not None:
        result.warnings.append(left_alone(file, outside, "not pruned"))
    elif prune:
        updated = loaded.updated(outcome.covered)
        if updated != loaded:
            updated.save(file)
            upgraded = sum(1 for key, entry in outcome.covered.items()
                           if entry.fingerprints and not loaded.entries[key].fingerprints)
            result.warnings.append(f"{file}: {_pruned(len(outcome.stale), upgraded)}")
        return False
    if outcome.count_only:
        result.warnings.append(
            f"{file}: {outcome.count_only} entr{'ies have' if outcome.count_only != 1 else 'y has'} "
            "counts but no fingerprints (an older baseline), so a new finding beside old ones "
            "reports them all; --prune-baseline records the fingerprints")
    result.warnings.extend(f"{describe(change)}; remove it with --prune-baseline"
                           for change in outcome.stale)
    return bool(outcome.stale)


def _outside_projects(result: "RunResult", file: Path) -> Optional[Path]:
    """Where `file` really is when that lies outside every project root of the run."""
    from fastlint.files.containment import outside_root

    targets = [outside_root(file, run.root) for run in result.projects]
    return targets[0] if targets and all(targets) else None


def _pruned(stale: int, upgraded: int) -> str:
    done = [f"pruned {stale} stale entr{'ies' if stale != 1 else 'y'}"] if stale else []
    if upgraded:
        done.append(f"recorded the fingerprints of {upgraded} count-only entr{'ies' if upgraded != 1 else 'y'}")
    return " and ".join(done) or "updated"


def _add_noqa(result: "RunResult") -> None:
    from fastlint.fix.add_noqa import add_noqa

    outcome = add_noqa(result.diagnostics, {path: run.root for run in result.projects for path in run.reported})
    for message in outcome.skipped + outcome.errors:
        sys.stderr.write(f"warning: {message}\n")
    plural = "s" if outcome.added != 1 else ""
    typer.echo(f"Added {outcome.added} noqa directive{plural} to {len(outcome.files)} files.")
    raise typer.Exit(2 if result.internal_errors else 0)


_PATHS = typer.Argument(None, help="Files or directories to check (default: .)")
_SELECT = typer.Option(None, "--select", help="Rule codes or prefixes to enable (replaces the config's).")
_EXTEND = typer.Option(None, "--extend-select", help="Rule codes or prefixes to enable as well.")
_IGNORE = typer.Option(None, "--ignore", help="Rule codes or prefixes to disable.")
_UNSAFE = typer.Option(None, "--unsafe-fixes/--no-unsafe-fixes", help="Also apply fixes that may change behaviour.")
_DIFF = typer.Option(False, "--diff", help="Print the fixes as a unified diff; write nothing.")
_SHOW = typer.Option(False, "--show-fixes", help="List the fixes applied.")
_STATS = typer.Option(False, "--statistics", help="Count findings per rule.")
_FORMAT = typer.Option(CheckFormat.full, "--output-format",
                       help="full, concise, grouped, json, json-lines, sarif, github, gitlab or junit.")
_OUTPUT_FILE = typer.Option(None, "--output-file", "-o",
                            help="Write the report in --output-format to FILE; the terminal gets the full text.")
_EXIT_ZERO = typer.Option(False, "--exit-zero", help="Exit 0 even when there are findings.")
_CONFIG = typer.Option(None, "--config", help="Use this pyproject.toml instead of the nearest one.")
_QUIET = typer.Option(False, "--quiet", "-q", help="Print only the summary.")
_JOBS = typer.Option(None, "--jobs", "-j", help="Worker processes for the per-file stage (default: CPU count).")
_NO_CACHE = typer.Option(False, "--no-cache", help="Neither read nor write the cache.")
_CACHE_DIR = typer.Option(None, "--cache-dir", envvar="FASTLINT_CACHE_DIR",
                          help="Where the cache lives (default: .fastlint_cache beside pyproject.toml).")


@app.command()
def check(
    paths: Optional[list[Path]] = _PATHS,
    select: Optional[list[str]] = _SELECT,
    extend_select: Optional[list[str]] = _EXTEND,
    ignore: Optional[list[str]] = _IGNORE,
    fix: bool = typer.Option(False, "--fix", help="Apply the safe fixes."),
    unsafe_fixes: Optional[bool] = _UNSAFE,
    diff: bool = _DIFF,
    show_fixes: bool = _SHOW,
    statistics: bool = _STATS,
    output_format: CheckFormat = _FORMAT,
    exit_zero: bool = _EXIT_ZERO,
    config: Optional[Path] = _CONFIG,
    quiet: bool = _QUIET,
    jobs: Optional[int] = _JOBS,
    no_cache: bool = _NO_CACHE,
    cache_dir: Optional[Path] = _CACHE_DIR,
    output_file: Optional[Path] = _OUTPUT_FILE,
    baseline: Optional[Path] = typer.Option(
        None, "--baseline", help="Report only findings this baseline file (from `fastlint baseline`) does not cover."),
    prune_baseline: bool = typer.Option(
        False, "--prune-baseline", help="Lower the baseline's stale entries to the findings left."),
    strict_baseline: bool = typer.Option(
        False, "--strict-baseline", help="Exit 1 when the baseline has stale entries."),
    add_noqa: bool = typer.Option(
        False, "--add-noqa", help="Write `# noqa: CODES` on the line of every finding; exit 0."),
    show_files: bool = typer.Option(
        False, "--show-files", help="List the files that would be checked, each with its scope "
        "(application, test, cli, migration...) and why; check nothing."),
) -> None:
    """Report where the code breaks the FastAPI architecture guide."""
    if show_files:
        _show_files(paths or [Path(".")], config, jobs, no_cache, cache_dir)
        return
    run_check_command(paths or [], select, extend_select, ignore, fix, unsafe_fixes, diff,
                      show_fixes, statistics, output_format, exit_zero, config, quiet, jobs,
                      no_cache, cache_dir, output_file=output_file, baseline=baseline, prune_baseline=prune_baseline,
                      strict_baseline=strict_baseline, add_noqa=add_noqa)


@app.command("fix")
def fix_command(
    paths: Optional[list[Path]] = _PATHS,
    select: Optional[list[str]] = _SELECT,
    extend_select: Optional[list[str]] = _EXTEND,
    ignore: Optional[list[str]] = _IGNORE,
    unsafe_fixes: Optional[bool] = _UNSAFE,
    diff: bool = _DIFF,
    show_fixes: bool = _SHOW,
    statistics: bool = _STATS,
    output_format: CheckFormat = _FORMAT,
    exit_zero: bool = _EXIT_ZERO,
    config: Optional[Path] = _CONFIG,
    quiet: bool = _QUIET,
    jobs: Optional[int] = _JOBS,
    no_cache: bool = _NO_CACHE,
    cache_dir: Optional[Path] = _CACHE_DIR,
    output_file: Optional[Path] = _OUTPUT_FILE,
) -> None:
    """Apply fixes (the same as `check --fix`)."""
    run_check_command(paths or [], select, extend_select, ignore, True, unsafe_fixes, diff,
                      show_fixes, statistics, output_format, exit_zero, config, quiet, jobs,
                      no_cache, cache_dir, output_file=output_file)


@app.command("clean")
def clean_command(
    paths: Optional[list[Path]] = typer.Argument(None, help="Projects whose cache to remove (default: .)"),
    cache_dir: Optional[Path] = _CACHE_DIR,
) -> None:
    """Remove the cache of the project around each path."""
    from fastlint.cache import clean, default_cache_dir
    from fastlint.config import ConfigError, find_pyproject, load_config

    for path in paths or [Path(".")]:
        try:
            pyproject = find_pyproject(path.resolve())
            config = load_config(pyproject, path.resolve() if pyproject is None else None)
        except ConfigError as error:
            _fail(str(error))
            return
        directory = default_cache_dir(config.root, config.cache_dir, cache_dir)
        if clean(directory):
            typer.echo(f"Removed {directory}")


@app.command("baseline")
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


@app.command("rules")
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


@app.command("rule")
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


@app.command("routes")
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


@app.command("layers")
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


@app.command("server")
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


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
