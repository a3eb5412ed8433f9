"""The command line: `fastlint check` and `fix` (with baselines and `--add-noqa`), `clean`, and
the entry point; the commands that show (`baseline`, `rules`, `rule`, `routes`, `layers`,
`server`) are in cli_listings.py, the app and its shared options in cli_app.py."""

from __future__ import annotations

import gc
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from fastlint.cli_app import (  # noqa: F401  (CheckFormat and app are this module's API)
    CheckFormat, _CACHE_DIR, _CONFIG, _DIFF, _EXIT_ZERO, _EXTEND, _FORMAT, _IGNORE, _JOBS,
    _NO_CACHE, _OUTPUT_FILE, _PATHS, _QUIET, _SELECT, _SHOW, _STATS, _UNSAFE, _codes, _fail,
    _use_color, app,
)
from fastlint.cli_listings import register

if TYPE_CHECKING:
    from fastlint.engine import RunResult

# Set by `console`: the process exits as soon as the command is done.
_EXITS_AFTER = False


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

    if _EXITS_AFTER:
        # A run turns the cyclic GC off while it builds millions of facts; turned on again,
        # it would rescan them all for the little the output allocates (1.5 s of a cold run
        # of the pinned corpus), in a process about to exit: it is left off.
        gc.disable()
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


register(app)


def main() -> None:
    """The command-line interface, for a caller that goes on afterwards (tests)."""
    app()


def console() -> None:
    """The `fastlint` command and `python -m fastlint`: `main`, then exit without tearing
    the heap down. A run leaves millions of small objects (every file's facts, the model);
    the interpreter's exit freed them one by one: 4 s of an 18 s cold run of the pinned
    corpus (mypy exits this way for the same reason). The cache is written by then; the
    output is flushed here."""
    global _EXITS_AFTER
    _EXITS_AFTER = True
    try:
        main()
        code: object = 0
    except SystemExit as exit:
        code = exit.code
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)  # what `sys.exit("message")` prints
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`fastlint check | head`)
            pass
    os._exit(code or 0)  # type: ignore[arg-type]


if __name__ == "__main__":
    console()
