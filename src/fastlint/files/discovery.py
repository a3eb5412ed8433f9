"""Finding the Python files of a project: excludes, .gitignore (git's semantics, from
`pathspec`, with `.git/info/exclude`), and explicit paths."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from fnmatch import translate
from functools import lru_cache
from pathlib import Path

import pathspec

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

DEFAULT_EXCLUDE = (
    ".git", ".hg", ".svn", ".venv", "venv", "node_modules", "build", "dist", "__pycache__",
    "site-packages", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".fastlint_cache", ".tox",
    ".nox", ".eggs", "*.egg-info", ".direnv", "__pypackages__",
)
PYTHON_SUFFIXES = (".py", ".pyi")


@dataclass(frozen=True)
class IgnoreFile:
    """One `.gitignore` (or `.git/info/exclude`), with git's semantics from `pathspec`."""

    base: str  # directory (relative to the root, "" for the root) its patterns are relative to
    spec: pathspec.GitIgnoreSpec

    def decides(self, relative: str, is_dir: bool) -> bool | None:
        """True: ignored; False: re-included by a `!pattern`; None: no pattern matches."""
        if self.base:
            if not relative.startswith(self.base + "/"):
                return None
            relative = relative[len(self.base) + 1:]
        return self.spec.check_file(relative + "/" if is_dir else relative).include


def read_gitignore(directory: Path, base: str, name: str = ".gitignore") -> list[IgnoreFile]:
    try:
        lines = (directory / name).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    spec = pathspec.GitIgnoreSpec.from_lines(lines)
    return [IgnoreFile(base, spec)] if len(spec) else []


def _ignored(files: list[IgnoreFile], relative: str, is_dir: bool) -> bool:
    """Deeper files override shallower ones, as in git; the last matching pattern wins."""
    ignored = False
    for ignore_file in files:
        decided = ignore_file.decides(relative, is_dir)
        if decided is not None:
            ignored = decided
    return ignored


@dataclass(frozen=True)
class ExcludeMatcher:
    """Exclude patterns compiled once per walk: a pattern matches a path's last name or the
    whole path (relative to the root), or is a directory the path lies under."""

    literals: frozenset[str]
    glob: re.Pattern[str] | None

    @classmethod
    def of(cls, excludes: tuple[str, ...]) -> "ExcludeMatcher":
        patterns = [p.rstrip("/") for p in excludes if p.rstrip("/")]
        literals = frozenset(p for p in patterns if not any(c in p for c in "*?["))
        globs = [translate(p) for p in patterns if p not in literals]
        return cls(literals, re.compile("|".join(globs)) if globs else None)

    def __call__(self, relative: str) -> bool:
        name = relative.rsplit("/", 1)[-1]
        if name in self.literals or relative in self.literals:
            return True
        if self.glob is not None and (self.glob.match(name) or self.glob.match(relative)):
            return True
        if "/" in relative:
            parts = relative.split("/")
            return any("/".join(parts[:end]) in self.literals for end in range(1, len(parts)))
        return False


def matches_exclude(relative: str, excludes: tuple[str, ...]) -> bool:
    return _matcher(excludes)(relative)


@lru_cache(maxsize=32)
def _matcher(excludes: tuple[str, ...]) -> ExcludeMatcher:
    return ExcludeMatcher.of(excludes)


def walk_python_files(
    root: Path,
    start: Path,
    excludes: tuple[str, ...],
    respect_gitignore: bool = True,
) -> Iterator[Path]:
    """Python files under `start` (a directory inside `root`), in a stable order."""
    patterns: list[IgnoreFile] = []
    if respect_gitignore:
        # .gitignore files between the root and the start directory apply too, after the
        # repository's own `.git/info/exclude`.
        try:
            between = start.relative_to(root).parts
        except ValueError:
            between = ()
        current = root
        patterns += read_gitignore(root / ".git" / "info", "", "exclude")
        patterns += read_gitignore(root, "")
        for index, part in enumerate(between[:-1] if between else ()):
            current = current / part
            patterns += read_gitignore(current, "/".join(between[: index + 1]))
    yield from _walk(root, start, excludes, patterns, respect_gitignore, set())


def _walk(
    root: Path,
    directory: Path,
    excludes: tuple[str, ...],
    patterns: list[IgnoreFile],
    respect_gitignore: bool,
    visited: set[tuple[int, int]],
) -> Iterator[Path]:
    try:
        stat = directory.stat()
    except OSError:
        return
    identity = (stat.st_dev, stat.st_ino)
    if identity in visited:  # a symlink loop
        return
    visited.add(identity)
    relative_dir = _relative(root, directory)
    if respect_gitignore and directory != root:
        patterns = patterns + read_gitignore(directory, relative_dir)
    if directory != root:
        excludes = excludes + nested_excludes(directory, relative_dir)
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        relative = f"{relative_dir}/{entry.name}" if relative_dir else entry.name
        try:
            is_dir = entry.is_dir()
        except OSError:  # a symlink loop: reported when read, if it is named like Python
            is_dir = False
        if matches_exclude(relative, excludes):
            continue
        if patterns and _ignored(patterns, relative, is_dir):
            continue
        if is_dir:
            if entry.is_symlink() and _within(os.path.realpath(root), os.path.realpath(entry.path)):
                continue  # a link to the project or above it: a way out, and a loop
            yield from _walk(root, Path(entry.path), excludes, patterns, respect_gitignore, visited)
        elif entry.name.endswith(PYTHON_SUFFIXES):
            # Not only regular files: a dangling symlink, a symlink loop or a FIFO named
            # like Python gets an error line when it is read (without blocking), not silence.
            yield Path(entry.path)


def nested_excludes(directory: Path, relative_dir: str) -> tuple[str, ...]:
    """A nested project's own `[tool.fastlint] exclude`/`extend-exclude` (an SDK generator's
    `pyproject.toml`), as patterns relative to the root that apply inside it only."""
    pyproject = directory / "pyproject.toml"
    if not pyproject.is_file():
        return ()
    try:
        table = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {}).get("fastlint", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return ()
    found: list[str] = []
    for key in ("exclude", "extend-exclude"):
        values = table.get(key, []) if isinstance(table, dict) else []
        for pattern in values if isinstance(values, list) else []:
            if isinstance(pattern, str) and pattern.strip("/"):
                pattern = pattern.strip("/")
                # At its own top level, and (a `*` crosses `/` here) at any depth below it.
                found += [f"{relative_dir}/{pattern}", f"{relative_dir}/*/{pattern}"]
    return tuple(found)


def _within(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)


def _relative(root: Path, path: Path) -> str:
    try:
        relative = path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
    return "" if relative == "." else relative
