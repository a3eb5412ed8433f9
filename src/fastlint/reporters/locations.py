"""Where a finding is, for machines: repository-relative paths and fingerprints that survive moves.

CI systems show a report against the repository (GitHub code scanning, GitLab's widget), so
paths are made relative to the repository root, found upward from the working directory.
A fingerprint identifies a finding by its file, its rule and the text of its line — not the
line number — so alerts are matched across pushes when unrelated code above them moves.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

from fastlint.diagnostics import Diagnostic
from fastlint.files.source import SourceError, SourceFile, read_source


def repository_root(start: Path | None = None) -> Path:
    """The nearest directory upward from `start` (default: the working directory) holding
    `.git`, or `start` itself outside a repository."""
    start = (start or Path.cwd()).resolve()
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return start


def report_root(root: str | None) -> Path:
    """The directory machine reports are relative to: the one asked for, else the repository."""
    return Path(root) if root else repository_root()


def relative_path(path: str, root: Path) -> str | None:
    """`path` relative to `root` with `/` separators, or None when it lies outside."""
    relative = os.path.relpath(os.path.abspath(path), root)
    if relative == ".." or relative.startswith("../") or os.path.isabs(relative):
        return None
    return Path(relative).as_posix()


def report_path(path: str, root: Path) -> str:
    """The path to show a machine: repository-relative when possible, else absolute."""
    return relative_path(path, root) or Path(os.path.abspath(path)).as_posix()


def report_paths(diagnostics: Sequence[Diagnostic], root: Path) -> dict[str, str]:
    """`report_path` of each file with findings, worked out once per file."""
    return {path: report_path(path, root) for path in {d.path for d in diagnostics}}


class SourceLines:
    """The lines of the reported files, each file read once (and None if unreadable)."""

    def __init__(self) -> None:
        self._sources: dict[str, SourceFile | None] = {}

    def line(self, path: str, row: int) -> str:
        if path not in self._sources:
            try:
                self._sources[path] = read_source(path)
            except SourceError:
                self._sources[path] = None
        source = self._sources[path]
        return source.line(row) if source is not None else ""


def fingerprints(diagnostics: Sequence[Diagnostic], paths: dict[str, str]) -> list[str]:
    """A stable fingerprint per diagnostic (same order): a hash of its report path (from
    `report_paths`), the code and the stripped text of the reported line, plus the
    occurrence number among findings with the same hash, in file order."""
    lines = SourceLines()
    seen: dict[str, int] = {}
    found: list[str] = [""] * len(diagnostics)
    order = sorted(range(len(diagnostics)), key=lambda i: diagnostics[i].sort_key)
    for index in order:
        diagnostic = diagnostics[index]
        digest = hashlib.sha256()
        for part in (paths[diagnostic.path], diagnostic.code,
                     " ".join(lines.line(diagnostic.path, diagnostic.row).split())):
            digest.update(part.encode("utf-8", "surrogatepass"))
            digest.update(b"\0")
        key = digest.hexdigest()[:32]
        occurrence = seen.get(key, 0) + 1
        seen[key] = occurrence
        found[index] = f"{key}:{occurrence}"
    return found
