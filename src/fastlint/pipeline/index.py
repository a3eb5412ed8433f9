"""Answering a run from the index: when no file of the project changed since findings were
last reported on the files asked about, they are read back, one small record per file, after
a stat of every file (a file whose stat moved, or was taken too soon after a change, is
hashed) — without loading any analysis, the walk, the model or the rules.

The findings reported on a file are a function of the project's state: every file's content
and path, the rules and their options, what decides the scopes, and per-file-ignores.
"""

from __future__ import annotations

import pickle
from collections import defaultdict

from fastlint.cache import content_digest, pack
from fastlint.diagnostics import Diagnostic
from fastlint.facts.results import RuleSet
from fastlint.pipeline.file_map import compare_to_cache
from fastlint.pipeline.projects import ProjectRun
from fastlint.not_analysed import NotAnalysed


def answer_from_index(run: ProjectRun,
                      ruleset: RuleSet) -> tuple[list[Diagnostic], list[NotAnalysed]] | None:
    """The findings (and files not analysed) last reported on the run's reported files, if
    nothing has changed since; None otherwise."""
    cache = run.cache
    if cache is None or run.overrides or not cache.reported_state:
        return None
    if not all(_unchanged(run, path) for path in run.files):
        return None
    if project_state(run, ruleset) != cache.reported_state:
        return None
    stored = [cache.reported.get(run.key(path)) for path in sorted(run.reported)]
    if any(record is None for record in stored):
        return None
    diagnostics: list[Diagnostic] = []
    skipped: list[NotAnalysed] = []
    for record in stored:
        if not record:
            continue  # nothing reported on the file
        found, not_analysed = pickle.loads(record)  # type: ignore[arg-type]
        diagnostics.extend(found)
        if not_analysed is not None:
            skipped.append(not_analysed)
    run.from_index = True
    return diagnostics, skipped


def remember_reported(run: ProjectRun, ruleset: RuleSet, reported: list[Diagnostic],
                      skipped: dict[str, NotAnalysed]) -> None:
    """Keep what a run reported on each of its files, for the next run to answer from."""
    if run.cache is None or run.overrides:
        return
    state = project_state(run, ruleset)
    if state is None:
        return
    by_path: dict[str, list[Diagnostic]] = defaultdict(list)
    for diagnostic in reported:
        by_path[diagnostic.path].append(diagnostic)
    run.cache.remember_reported(state, {
        run.key(path): pack((tuple(by_path[path]), skipped.get(path)))
        if path in by_path or path in skipped else b"" for path in run.reported})


def project_state(run: ProjectRun, ruleset: RuleSet) -> str | None:
    """The identity of everything the reported findings depend on, or None if a file is not
    in the cache."""
    assert run.cache is not None
    config = run.config
    parts = [repr((ruleset.fingerprint(), config.per_file_ignores, config.scope, run.layout,
                   str(run.root)))]
    entries = run.cache.entries
    for path in sorted(run.files):
        entry = entries.get(run.key(path))
        if entry is None:
            return None
        parts.append(f"{path}\0{entry.digest}")
    return content_digest("\n".join(parts).encode())


def _unchanged(run: ProjectRun, path: str) -> bool:
    """Whether the file's content is the one its cache entry was made from."""
    assert run.cache is not None
    compared = compare_to_cache(run.cache, run.key(path), path)
    return compared is not None and compared.unchanged
