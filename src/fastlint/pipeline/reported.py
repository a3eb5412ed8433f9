"""Which findings are reported: those on the files the user named, in the scopes their rule
reports in, that neither a noqa comment nor per-file-ignores turns off; then FL002 for the
noqa comments that suppressed nothing."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from fastlint.diagnostics import Diagnostic
from fastlint.facts.results import RuleSet
from fastlint.noqa import is_suppressed
from fastlint.pipeline.file_map import current_source, map_files
from fastlint.pipeline.join import project_findings
from fastlint.pipeline.projects import ProjectRun, display_path
from fastlint.pipeline.run import RunOptions
from fastlint.rules.catalogue import APPLICATION_CODE_ONLY, QUIET_IN
from fastlint.unused_noqa import UNUSED_NOQA, unused_noqa


def analyse_run(run: ProjectRun, ruleset: RuleSet, options: RunOptions,
                changed: Iterable[str] | None, errors: list[str]) -> list[Diagnostic]:
    """Map the files (all of them, or those `changed`), then report."""
    map_files(run, run.files if changed is None else list(changed), ruleset, options.jobs)
    return reported_findings(run, ruleset, errors)


def reported_findings(run: ProjectRun, ruleset: RuleSet, errors: list[str]) -> list[Diagnostic]:
    """The findings on the run's reported files, from the results it holds: file findings,
    the project join, then noqa, per-file-ignores and unused noqa (the language server calls
    this after replacing the results of the buffers being edited)."""
    diagnostics: list[Diagnostic] = []
    for path in run.reported:
        result = run.results.get(path)
        if result is not None:
            diagnostics.extend(result.diagnostics)
    found, kinds = project_findings(run, ruleset, errors)
    diagnostics.extend(found)
    diagnostics = in_scope(diagnostics, kinds, run.config.scope.report_in)
    used_noqa: set[tuple[str, int, str]] = set()
    kept = select_reported(run, diagnostics, ruleset.codes, used_noqa)
    if UNUSED_NOQA in ruleset.codes:
        unused = unused_noqa(run.reported, run.results, lambda path: _source(run, path),
                             used_noqa, ruleset.codes)
        kept.extend(select_reported(run, unused, ruleset.codes))
    return kept


def _source(run: ProjectRun, path: str):
    """The file's text: the project's copy, or (after a run whose project findings came
    from the cache, there is no project) what the run sees."""
    if run.project is not None:
        return run.project.source(path)
    return current_source(run, path)


def in_scope(diagnostics: Iterable[Diagnostic], kinds: dict[str, str],
             report_in: tuple[str, ...]) -> list[Diagnostic]:
    """Drop the findings of application-only rules outside the scopes reported in, and of
    every rule in the scopes it is quiet in (see fastlint.model.scope)."""
    kept = []
    for diagnostic in diagnostics:
        kind = kinds.get(diagnostic.path)
        if kind is not None and (
                (diagnostic.code in APPLICATION_CODE_ONLY and kind not in report_in)
                or kind in QUIET_IN.get(diagnostic.code, ())):
            continue
        kept.append(diagnostic)
    return kept


def select_reported(run: ProjectRun, diagnostics: Iterable[Diagnostic],
                    enabled: frozenset[str],
                    used_noqa: set[tuple[str, int, str]] | None = None) -> list[Diagnostic]:
    """Keep findings on reported files that neither per-file-ignores nor noqa turn off.

    Each noqa that suppresses a finding is added to `used_noqa` as (path, row, code).
    """
    kept = []
    ignored_cache: dict[str, frozenset[str]] = {}
    noqa_cache: dict[str, dict[int, tuple[str, ...]]] = {}
    for diagnostic in diagnostics:
        path = diagnostic.path
        if path not in run.reported or diagnostic.code not in enabled:
            continue
        result = run.results.get(path)
        facts = result.facts if result is not None else None
        if diagnostic.code != "FL001":
            if facts is not None and facts.file_noqa:
                continue
            if path not in noqa_cache:
                noqa_cache[path] = dict(facts.noqa) if facts is not None else {}
            suppressed_by = is_suppressed(diagnostic, noqa_cache[path])
            if suppressed_by is not None:
                if used_noqa is not None:
                    used_noqa.add((path, suppressed_by, diagnostic.code))
                continue
        if path not in ignored_cache:
            ignored_cache[path] = run.config.ignored_for(_relative_to_root(path, run.root))
        if diagnostic.code in ignored_cache[path]:
            continue
        kept.append(diagnostic)
    return kept


def _relative_to_root(path: str, root: Path) -> str:
    try:
        return Path(os.path.realpath(path)).relative_to(root).as_posix()
    except ValueError:
        return Path(path).as_posix()


def unused_per_file_ignores(run: ProjectRun) -> list[str]:
    """A warning per per-file-ignores pattern that matches no file of the project."""
    if not run.config.per_file_ignores:
        return []
    relative = [_relative_to_root(str(path), run.root) for path in run.files]
    where = display_path(run.config.path or run.root)
    return [
        f"{where}: per-file-ignores pattern {pattern!r} matches no file"
        for pattern in run.config.unmatched_per_file_ignores(relative)
    ]
