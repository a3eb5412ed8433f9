"""One project (a configuration root) held in memory for the editor.

Every file's facts stay in memory after the first load (from the CLI's cache when it is
warm). An edit re-collects only the edited buffers' facts; the project is then joined again
from the project before it (`Project(previous=...)`), which keeps what the edit cannot have
changed: the name resolution while interfaces stay (patched when only names nothing else
mentions change: `fastlint.model.table_patch`), the call graph (the changed files' parts
replaced), and the analyses that read no position or none of the calls that changed
(`Project.carried_memo`). Open buffers replace their file's content; findings are reported
for the open buffers only, so one edit refreshes every open document it affects.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from fastlint.analysis import SYNTAX_ERROR, FileResult
from fastlint.cache import Cache, default_cache_dir
from fastlint.diagnostics import Diagnostic
from fastlint.engine import (
    RunOptions, current_source, display_path, is_applicable, joined_project, map_files,
    plan_projects, reported_findings, ruleset_of,
)
from fastlint.fix.fixer import MAX_FIX_PASSES, fix_source
from fastlint.server.positions import buffer_bytes
from fastlint.server.settings import ClientSettings
from fastlint.files.source import SourceError, decode_source


@dataclass(frozen=True)
class Buffer:
    """An open document: its text and the client's version of it."""

    text: str
    version: int | None


@dataclass(frozen=True)
class Checked:
    """One check: the findings of every open buffer (with the buffer they were computed on)
    and what went wrong inside fastlint on the way (a rule that crashed, an unreadable file)."""

    findings: dict[str, tuple[Buffer, tuple[Diagnostic, ...]]]
    problems: tuple[str, ...]


class ProjectState:
    """The files of one configuration root, analysed once, with open buffers over them."""

    def __init__(self, root: Path, settings: ClientSettings, use_cache: bool = True,
                 cache_dir: Path | None = None) -> None:
        options = RunOptions(select=settings.select, extend_select=settings.extend_select,
                             ignore=settings.ignore)
        # Raises ConfigError, for the caller to show: a project with a bad config is not checked.
        (self.run,) = plan_projects([root], options)
        self.root = self.run.root
        self.config = self.run.config
        self.ruleset = ruleset_of(self.config)
        self.run.reported = set()
        self.files = {display_path(path) for path in self.run.files}
        self.buffers: dict[str, Buffer] = {}
        self.use_cache = use_cache
        self.cache_dir = cache_dir
        # The last facts of each open buffer that parsed: while a buffer is mid-edit and does
        # not parse, the project keeps them, so the other documents keep their findings.
        self._parsed: dict[str, FileResult] = {}
        self._broken: set[str] = set()

    @staticmethod
    def key(path: Path) -> str:
        """The name the engine knows a file by."""
        return display_path(path.resolve())

    # ------------------------------------------------------------------ loading
    def load(self) -> None:
        """Collect every file's facts (from the CLI's cache where it is current)."""
        if self.use_cache:
            directory = default_cache_dir(self.root, self.config.cache_dir, self.cache_dir)
            self.run.cache = Cache(directory, self.ruleset.fingerprint(), self.root)
            self.run.cache.load()
        # One process: forking worker processes from the server, which runs threads, could
        # deadlock them. A warm cache (any earlier `fastlint check`) makes this load fast.
        map_files(self.run, sorted(self.files), self.ruleset, 1)
        if self.run.cache is not None:
            self.run.cache.save()
        # Join once now: every file's full facts and the project's name resolution are then
        # loaded before the server freezes what it keeps (the first edit reuses them). The
        # names the files mention are counted too, for edits that add or drop an import.
        joined_project(self.run).track_references()

    def is_checked(self, path: str) -> bool:
        """Whether an open document belongs to the project: a discovered file, or one that
        is not on disk yet (an excluded or ignored file is not checked, as by the CLI)."""
        return path in self.files or not os.path.exists(path)

    # ------------------------------------------------------------------ buffers and disk
    def update(self, buffers: Mapping[str, Buffer | None]) -> list[str]:
        """Open or edit buffers (a Buffer) or close them (None); the paths to re-collect."""
        changed = []
        for path, buffer in buffers.items():
            if buffer is None:
                self.buffers.pop(path, None)
                self.run.overrides.pop(path, None)
                self.run.reported.discard(path)
                self._parsed.pop(path, None)
                self._broken.discard(path)
                if path not in self.files:
                    self.run.results.pop(path, None)
                    continue
            else:
                self.buffers[path] = buffer
                if not self.is_checked(path):
                    continue
                self.run.overrides[path] = buffer_bytes(buffer.text)
                self.run.reported.add(path)
            changed.append(path)
        return changed

    def disk_changed(self, paths: Iterable[str]) -> list[str]:
        """Files created, changed or deleted outside the editor: the paths to re-collect."""
        changed = []
        for path in paths:
            exists = os.path.isfile(path)
            if exists and path not in self.files:
                self.files.add(path)  # created (discovery rules are re-read with the config)
            elif not exists:
                self.files.discard(path)
                if path not in self.buffers:
                    self.run.results.pop(path, None)
                    changed.append(path)
                continue
            if path not in self.buffers:
                changed.append(path)
        return [path for path in changed if path in self.files]

    # ------------------------------------------------------------------ checking
    def check(self, changed: Iterable[str]) -> Checked:
        """Re-collect the changed files, join the project and report on the open buffers."""
        changed = list(changed)
        # The join allocates a few hundred thousand small objects (edges, routes, findings)
        # at once: the cyclic collector would run many times over them for nothing, as in
        # `fastlint check` (engine.run_check); it runs again once the check is done.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            return self._check(changed)
        finally:
            if gc_was_enabled:
                gc.enable()

    def _check(self, changed: list[str]) -> Checked:
        map_files(self.run, changed, self.ruleset, None)
        for path in changed:
            if path in self.buffers:
                self._keep_last_parse(path)
        errors: list[str] = []
        found = reported_findings(self.run, self.ruleset, errors)
        by_path: dict[str, list[Diagnostic]] = {path: [] for path in self.run.reported}
        for diagnostic in found:
            if diagnostic.path in self._broken and diagnostic.code != SYNTAX_ERROR:
                continue  # computed from the facts it had before the edit that broke it
            by_path.setdefault(diagnostic.path, []).append(diagnostic)
        problems = list(dict.fromkeys(errors))
        for path in self.run.reported:
            result = self.run.results.get(path)
            if result is not None:
                problems.extend(result.errors)
        findings = {
            path: (self.buffers[path], tuple(sorted(found_here, key=lambda d: d.sort_key)))
            for path, found_here in by_path.items() if path in self.buffers
        }
        return Checked(findings, tuple(problems))

    def _keep_last_parse(self, path: str) -> None:
        result = self.run.results.get(path)
        if result is None:
            return
        if any(d.code == SYNTAX_ERROR for d in result.diagnostics):
            self._broken.add(path)
            last = self._parsed.get(path)
            if last is not None:
                self.run.results[path] = replace(result, facts=last.facts)
        else:
            self._broken.discard(path)
            self._parsed[path] = result

    # ------------------------------------------------------------------ fixing
    def findings_of(self, path: str, text: str) -> list[Diagnostic]:
        """The findings a buffer would have with this text; the state is left as it was."""
        run = self.run
        saved = (run.overrides.get(path), run.results.get(path), run.project, set(run.reported))
        try:
            run.overrides[path] = buffer_bytes(text)
            run.reported = {path}
            map_files(run, [path], self.ruleset, None)
            return reported_findings(run, self.ruleset, [])
        finally:
            override, result, project, reported = saved
            if override is None:
                run.overrides.pop(path, None)
            else:
                run.overrides[path] = override
            if result is None:
                run.results.pop(path, None)
            else:
                run.results[path] = result
            run.project, run.reported = project, reported

    def fix_all(self, path: str, text: str, unsafe: bool = False) -> str:
        """The buffer's text with its fixes applied as `fastlint fix` applies them: all that
        apply together, then the file re-checked, to a fixpoint (bounded)."""
        for _ in range(MAX_FIX_PASSES):
            fixes = [d.fix for d in self.findings_of(path, text) if is_applicable(d, unsafe)]
            if not fixes:
                break
            try:
                source = decode_source(path, buffer_bytes(text))
            except SourceError:
                break
            fixed, applied, problems = fix_source(source, fixes)  # type: ignore[arg-type]
            if not applied or fixed == text:
                break
            text = fixed
            if problems:
                break
        return text

    def text_of(self, path: str) -> str | None:
        """A file's text as the project sees it: the open buffer, else the disk."""
        buffer = self.buffers.get(path)
        if buffer is not None:
            return buffer.text
        source = current_source(self.run, path)
        return source.text if source is not None else None
