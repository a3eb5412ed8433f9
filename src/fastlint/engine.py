"""The pipeline's driver: discover → map each file (parallel) → join the project → rules →
filter → fix, one project (configuration root) at a time. The stages are in
`fastlint.pipeline`; this module runs them, answers from the index when nothing changed,
and hands the fixer what it needs.

Each project's model is built from all of its files, but findings are reported only for the
paths the user gave — so a pre-commit run on two staged files still sees the whole project.
"""

from __future__ import annotations

import gc
from collections.abc import Sequence
from pathlib import Path

from fastlint.cache import Cache, default_cache_dir
from fastlint.diagnostics import Diagnostic, is_applicable
from fastlint.facts.results import RuleSet
from fastlint.files.discovery import PYTHON_SUFFIXES
from fastlint.pipeline.file_map import current_source, map_files, ruleset_of
from fastlint.pipeline.index import answer_from_index, remember_reported
from fastlint.pipeline.join import join, joined_project
from fastlint.pipeline.projects import ProjectRun, display_path, module_info, plan_projects
from fastlint.pipeline.reported import (
    analyse_run, in_scope, reported_findings, select_reported, unused_per_file_ignores,
)
from fastlint.pipeline.run import RunOptions, RunResult
from fastlint.not_analysed import NotAnalysed, not_analysed


def run_check(paths: Sequence[Path], options: RunOptions) -> RunResult:
    """Check (and with options.fix, fix) the given paths."""
    # Facts are millions of small acyclic objects: the cyclic GC would rescan them over and
    # over while they accumulate, for nothing (measured: a third of the run).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _run_check(paths, options)
    finally:
        if gc_was_enabled:
            gc.enable()


def _run_check(paths: Sequence[Path], options: RunOptions) -> RunResult:
    result = RunResult()
    runs = plan_projects(paths, options)
    result.projects = runs
    fixing = options.fix or options.diff
    for run in runs:
        result.warnings.extend(unused_per_file_ignores(run))
        ruleset = ruleset_of(run.config)
        if not options.no_cache:
            directory = default_cache_dir(run.root, run.config.cache_dir, options.cache_dir)
            run.cache = Cache(directory, ruleset.fingerprint(), run.root)
            run.cache.load()
        unsafe = options.unsafe_fixes if options.unsafe_fixes is not None else run.config.unsafe_fixes
        result.unsafe_fixes_enabled = unsafe
        answered = None if fixing else answer_from_index(run, ruleset)
        if answered is not None:
            diagnostics, skipped = answered
            result.not_analysed.extend(skipped)
        else:
            diagnostics = _check_project(run, ruleset, options, unsafe, result)
        result.diagnostics.extend(diagnostics)
        result.files_checked += len(run.reported)
        if run.cache is not None:
            if len(run.known()) == len(run.files):
                run.cache.forget_missing({run.key(p) for p in run.known()})
            run.cache.save()
    result.diagnostics.sort(key=lambda d: d.sort_key)
    result.not_analysed.sort(key=lambda item: item.path)
    return result


def _check_project(run: ProjectRun, ruleset: RuleSet, options: RunOptions, unsafe: bool,
                   result: RunResult) -> list[Diagnostic]:
    """Map, join and report on one project (and fix it, if asked); errors go to `result`."""
    run_errors: list[str] = []
    diagnostics = analyse_run(run, ruleset, options, None, run_errors)
    if options.fix or options.diff:
        from fastlint.fix.fixer import fix_project  # and libcst, only when fixing

        outcome = fix_project(
            diagnostics, run.root, run.overrides,
            lambda changed: analyse_run(run, ruleset, options, changed, run_errors),
            unsafe, options.diff, run_errors)
        diagnostics = outcome.diagnostics
        result.fixed.update(outcome.fixed)
        result.diffs.extend(outcome.diffs)
    for message in dict.fromkeys(run_errors):
        (result.internal_errors if " failed: " in message and message.startswith("rule ")
         else result.errors).append(message)
    skipped: dict[str, NotAnalysed] = {}
    for path in run.reported:
        file_result = run.results.get(path)
        if file_result is None:
            continue
        result.internal_errors.extend(file_result.errors)
        if file_result.read_error:
            result.errors.append(file_result.read_error)
        found = not_analysed(file_result)
        if found is not None:
            skipped[path] = found
    result.not_analysed.extend(skipped.values())
    if not run_errors and not (options.fix or options.diff):
        remember_reported(run, ruleset, diagnostics, skipped)
    return diagnostics


# What other parts of fastlint (the language server, the listings) use of the pipeline.
__all__ = [
    "PYTHON_SUFFIXES", "ProjectRun", "RunOptions", "RunResult", "analyse_run", "current_source",
    "display_path", "in_scope", "is_applicable", "join", "joined_project", "map_files",
    "module_info", "plan_projects", "reported_findings", "ruleset_of", "run_check",
    "select_reported",
]
