"""What a run is asked to do (RunOptions) and what it found (RunResult)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from fastlint.diagnostics import Diagnostic

if TYPE_CHECKING:
    from fastlint.pipeline.projects import ProjectRun
    from fastlint.not_analysed import NotAnalysed


@dataclass(frozen=True)
class RunOptions:
    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    config_file: Path | None = None
    fix: bool = False
    unsafe_fixes: bool | None = None
    diff: bool = False
    jobs: int | None = None
    no_cache: bool = False
    cache_dir: Path | None = None


@dataclass
class RunResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # A rule that failed (exit 2), and files that could not be read or written (exit 1).
    internal_errors: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    files_checked: int = 0
    fixed: dict[str, int] = field(default_factory=dict)
    diffs: list[str] = field(default_factory=list)
    unsafe_fixes_enabled: bool = False
    projects: list["ProjectRun"] = field(default_factory=list)
    not_analysed: list["NotAnalysed"] = field(default_factory=list)


