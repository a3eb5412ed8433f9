"""The join: the project model built from every file's facts, and the project rules run on it —
or their findings reused, when every file's analysis and the text the rules read are the same
as when they were last computed.

The model and the rules are imported when a join runs.
"""

from __future__ import annotations

import pickle
from collections import defaultdict
from typing import TYPE_CHECKING

from fastlint.cache import content_digest, pack
from fastlint.diagnostics import Diagnostic
from fastlint.facts.results import RuleSet
from fastlint.files.source import SourceFile
from fastlint.files.source_reads import WHOLE, SourceReads, prefix_digest
from fastlint.pipeline.file_map import current_source, load_full_facts, ruleset_of
from fastlint.pipeline.projects import ProjectRun

if TYPE_CHECKING:
    from fastlint.model.project import Project
    from fastlint.rules.base import ProjectRule


def project_rules(ruleset: RuleSet) -> list[ProjectRule]:
    from fastlint.rules import all_rules
    from fastlint.rules.base import ProjectRule

    settings = ruleset.settings
    return [
        rule(settings)
        for rule in all_rules()
        if issubclass(rule, ProjectRule) and rule.code in ruleset.codes
    ]


def join(run: ProjectRun, ruleset: RuleSet, errors: list[str],
         reads: SourceReads | None = None, reported_only: bool = False) -> list[Diagnostic]:
    """Build the project from the file facts and run the project rules; what they read of
    each file's text is noted in `reads`. With `reported_only`, the rules may leave out
    findings outside the run's reported files (they are not kept for a later run)."""
    from fastlint.model.project import Project

    load_full_facts(run, ruleset, None)

    def source(path: str) -> SourceFile | None:
        found = current_source(run, path)
        return reads.watch(found) if reads is not None else found  # type: ignore[return-value]

    # The project before this join (an editor's last check, a fix pass) lends its name
    # resolution when no file's interface changed.
    project = Project((r.facts for r in run.results.values() if r.facts is not None), source,
                      previous=run.project)
    project.root = str(run.root)
    project.layout = run.layout
    project.scope_config = run.config.scope
    project.reported = frozenset(run.reported) if reported_only else None
    run.project = project
    diagnostics: list[Diagnostic] = []
    for rule in project_rules(ruleset):
        try:
            diagnostics.extend(rule.check(project))
        except Exception as error:  # one broken rule must not stop the others
            errors.append(f"rule {rule.code} ({rule.name}) failed: {error.__class__.__name__}: {error}")
    return diagnostics


def joined_project(run: ProjectRun) -> Project:
    """The run's joined project, built from its facts when the run reused cached findings
    (for commands that read the model itself, like `fastlint routes`)."""
    if run.project is None:
        if run.from_index:
            from fastlint.pipeline.file_map import map_files

            map_files(run, run.files, ruleset_of(run.config), None)
        ruleset = ruleset_of(run.config)
        join(run, RuleSet(codes=frozenset(), options=ruleset.options), [])
    assert run.project is not None
    return run.project


def project_findings(run: ProjectRun, ruleset: RuleSet,
                     errors: list[str]) -> tuple[list[Diagnostic], dict[str, str]]:
    """The project rules' findings on the reported files, and every file's scope kind:
    reused when the same analyses were joined before and the rules would read the same
    text, else joined (and remembered)."""
    project_key = _project_key(run) if run.cache is not None and not run.overrides else None
    cached = run.cache.project_results.get(project_key) if project_key else None
    if isinstance(cached, tuple) and len(cached) == 3 and _same_text(run, cached[2]):
        found_by_path, kinds, _ = cached
        found = [d for path in run.reported if path in found_by_path
                 for d in pickle.loads(found_by_path[path])]
        return found, kinds
    reads = SourceReads()
    join_errors: list[str] = []
    found = join(run, ruleset, join_errors, reads, project_key is None)
    errors.extend(join_errors)
    kinds = {path: scope.kind for path, scope in run.project.scope.by_path.items()}  # type: ignore[union-attr]
    texts = _texts_read(run, reads) if project_key is not None else None
    if texts is not None and run.cache is not None and not join_errors:
        by_path: dict[str, list[Diagnostic]] = defaultdict(list)
        for diagnostic in found:
            by_path[diagnostic.path].append(diagnostic)
        run.cache.project_results = {
            project_key: ({path: pack(tuple(found_here)) for path, found_here in by_path.items()},
                          kinds, texts)}
        run.cache.dirty = True
    return found, kinds


def _project_key(run: ProjectRun) -> str | None:
    """The identity of every file's analysis in the project, and of what else decides the
    application scope, or None if one is unknown."""
    assert run.cache is not None
    parts = [repr((run.layout, run.config.scope))]
    for path in sorted(run.known()):
        entry = run.cache.entries.get(run.key(path))
        if entry is None or not entry.analysis_digest:
            return None
        parts.append(f"{path}\0{entry.analysis_digest}")
    return content_digest("\n".join(parts).encode())


def _texts_read(run: ProjectRun, reads: SourceReads) -> dict[str, tuple[int, str, str]] | None:
    """What the rules read of each file: (up to which row, the file's content digest, the
    digest of what was read), or None if a file is not in the cache."""
    assert run.cache is not None
    texts = {}
    for path, upto in reads.upto.items():
        entry = run.cache.entries.get(run.key(path))
        source = current_source(run, path)
        if entry is None or source is None:
            return None
        texts[path] = (upto, entry.digest, prefix_digest(source, upto))
    return texts


def _same_text(run: ProjectRun, texts: object) -> bool:
    """Whether the rules would read the same text again: the file is unchanged, or the
    change is below the last row they read."""
    assert run.cache is not None
    if not isinstance(texts, dict):
        return False
    for path, (upto, digest, read) in texts.items():
        entry = run.cache.entries.get(run.key(path))
        if entry is not None and entry.digest == digest:
            continue
        source = current_source(run, path) if entry is not None and upto != WHOLE else None
        if source is None or prefix_digest(source, upto) != read:
            return False
    return True
