"""`fastlint check --show-files`: every file that would be checked, with its application
scope and the reason for it (so a user can see why a file gets no request-time findings)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from fastlint.engine import RunOptions, joined_project, run_check
from fastlint.model.scope import ModuleScope


def file_scopes(paths: Sequence[Path], options: RunOptions) -> list[tuple[str, ModuleScope]]:
    """(display path, scope) of every reported file, in path order."""
    result = run_check(paths, RunOptions(
        select=("FL001",), config_file=options.config_file, jobs=options.jobs,
        no_cache=options.no_cache, cache_dir=options.cache_dir,
    ))
    rows = []
    for run in result.projects:
        scope = joined_project(run).scope
        rows.extend((path, scope.by_path[path]) for path in run.reported if path in scope.by_path)
    return sorted(rows)


def render_file_scopes(rows: list[tuple[str, ModuleScope]], out: TextIO) -> None:
    width = max((len(path) for path, _ in rows), default=0)
    kind_width = max((len(scope.kind) for _, scope in rows), default=0)
    for path, scope in rows:
        out.write(f"{path:<{width}}  {scope.kind:<{kind_width}}  {scope.reason}\n")
