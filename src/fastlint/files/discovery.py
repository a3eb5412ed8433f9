"""Finding the Python files of a project: excludes, .gitignore (git's semantics, from
`pathspec`, with `.git/info/exclude`), and explicit paths.

A walk may be given the `DirectoryListings` of the run before: a directory whose mtime is the
one recorded is not listed again (adding, removing or renaming an entry changes it). The
`.gitignore` and nested `pyproject.toml` a listing names are still read on every walk (an edit
inside a file does not change its directory's mtime).
"""

from __future__ import annotations

import os
import pickle
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from fnmatch import translate
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from fastlint.files.stamps import is_racy, now_ns

if TYPE_CHECKING:
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
    spec: "pathspec.GitIgnoreSpec"

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
    import pathspec  # a fifth of the start-up; most projects have few .gitignore files

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
        if self.matches_entry(relative, relative.rsplit("/", 1)[-1]):
            return True
        return "/" in relative and self.inside_excluded(relative.rsplit("/", 1)[0])

    def inside_excluded(self, relative_dir: str) -> bool:
        """Whether a directory is, or lies under, one a literal pattern names."""
        parts = relative_dir.split("/")
        return any("/".join(parts[:end]) in self.literals for end in range(1, len(parts) + 1))

    def matches_entry(self, relative: str, name: str) -> bool:
        """Whether an entry matches by itself, its directories above aside (a walk never
        enters an excluded directory)."""
        if name in self.literals or relative in self.literals:
            return True
        return self.glob is not None and (self.glob.match(name) is not None
                                          or self.glob.match(relative) is not None)


def matches_exclude(relative: str, excludes: tuple[str, ...]) -> bool:
    return _matcher(excludes)(relative)


@lru_cache(maxsize=32)
def _matcher(excludes: tuple[str, ...]) -> ExcludeMatcher:
    return ExcludeMatcher.of(excludes)


_DIR, _LINK_DIR, _OTHER = 0, 1, 2


class DirectoryListings:
    """Each directory's entries (name, kind) under the mtime it had when it was listed."""

    VERSION = 1

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.listings: dict[str, tuple[int, tuple[tuple[str, int], ...]]] = {}
        self.dirty = False
        self.seen: dict[str, frozenset[str]] = {}  # directory → its names, this walk

    def load(self) -> "DirectoryListings":
        if self.path is not None:
            try:
                with open(self.path, "rb") as handle:
                    data = pickle.load(handle)
            except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError,
                    AttributeError, ImportError, IndexError, KeyError, MemoryError):
                data = None
            if isinstance(data, tuple) and len(data) == 2 and data[0] == self.VERSION \
                    and isinstance(data[1], dict):
                self.listings = data[1]
        return self

    def entries(self, directory: str, mtime_ns: int) -> tuple[tuple[str, int], ...] | None:
        """The directory's sorted entries, listed again unless its mtime is unchanged."""
        known = self.listings.get(directory)
        if known is not None and known[0] == mtime_ns:
            self.seen[directory] = frozenset(name for name, _ in known[1])
            return known[1]
        listed_at = now_ns()
        try:
            found = tuple(sorted((entry.name, _kind(entry)) for entry in os.scandir(directory)))
        except OSError:
            return None
        self.seen[directory] = frozenset(name for name, _ in found)
        if not is_racy(mtime_ns, listed_at):
            self.listings[directory] = (mtime_ns, found)
            self.dirty = True
        elif known is not None:
            del self.listings[directory]
            self.dirty = True
        return found

    def names(self, directory: str) -> frozenset[str] | None:
        """The names in a directory a walk of this run listed (None if none did)."""
        return self.seen.get(directory)

    def save(self) -> None:
        """Write the listings back (those of directories no walk reached are dropped)."""
        gone = set(self.listings) - self.seen.keys()
        for directory in gone:
            del self.listings[directory]
        if self.path is None or not (self.dirty or gone):
            return
        from fastlint.files.atomic import replace_file

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            replace_file(str(self.path), pickle.dumps((self.VERSION, self.listings),
                                                      protocol=pickle.HIGHEST_PROTOCOL),
                         prefix=".tmp-")
        except OSError:
            pass  # only the next walk is slower


def _kind(entry: os.DirEntry) -> int:
    try:
        if entry.is_dir():
            return _LINK_DIR if entry.is_symlink() else _DIR
    except OSError:  # a symlink loop: reported when read, if it is named like Python
        pass
    return _OTHER


def walk_python_files(
    root: Path,
    start: Path,
    excludes: tuple[str, ...],
    respect_gitignore: bool = True,
    listings: DirectoryListings | None = None,
) -> Iterator[str]:
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
    walk = _Walk(str(root), excludes, respect_gitignore, listings or DirectoryListings())
    relative_start = _relative(root, start)
    if relative_start and _matcher(excludes).inside_excluded(relative_start):
        return
    for found in walk.files(str(start), relative_start, patterns, excludes):
        yield found


class _Walk:
    """One walk: what stays the same in every directory, and the directories seen."""

    def __init__(self, root: str, excludes: tuple[str, ...], respect_gitignore: bool,
                 listings: DirectoryListings) -> None:
        self.root = root
        self.respect_gitignore = respect_gitignore
        self.listings = listings
        self.visited: set[tuple[int, int]] = set()

    def files(self, directory: str, relative_dir: str, patterns: list[IgnoreFile],
              excludes: tuple[str, ...]) -> Iterator[str]:
        try:
            status = os.stat(directory)
        except OSError:
            return
        identity = (status.st_dev, status.st_ino)
        if identity in self.visited:  # a symlink loop
            return
        self.visited.add(identity)
        entries = self.listings.entries(directory, status.st_mtime_ns)
        if entries is None:
            return
        names = {name for name, _ in entries}
        if relative_dir:
            if self.respect_gitignore and ".gitignore" in names:
                patterns = patterns + read_gitignore(Path(directory), relative_dir)
            if "pyproject.toml" in names:
                excludes = excludes + nested_excludes(Path(directory), relative_dir)
        matches = _matcher(excludes).matches_entry
        for name, kind in entries:
            relative = f"{relative_dir}/{name}" if relative_dir else name
            is_dir = kind != _OTHER
            if matches(relative, name):
                continue
            if patterns and _ignored(patterns, relative, is_dir):
                continue
            path = os.path.join(directory, name)
            if is_dir:
                if kind == _LINK_DIR and _within(os.path.realpath(self.root), os.path.realpath(path)):
                    continue  # a link to the project or above it: a way out, and a loop
                yield from self.files(path, relative, patterns, excludes)
            elif name.endswith(PYTHON_SUFFIXES):
                # Not only regular files: a dangling symlink, a symlink loop or a FIFO named
                # like Python gets an error line when it is read (without blocking), not silence.
                yield path


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
