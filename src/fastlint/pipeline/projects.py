"""Planning a run: which projects (configuration roots) the given paths belong to, each one's
files (all of them: the model needs the whole project) and the files reported on, and the
module each file is imported as."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from fastlint.cache import Cache, content_digest, default_cache_dir
from fastlint.config import Config, ConfigError, find_pyproject, load_config
from fastlint.facts.results import FileResult, ModuleInfo
from fastlint.files.discovery import DEFAULT_EXCLUDE, DirectoryListings, walk_python_files
from fastlint.files.layout import ProjectLayout, read_layout
from fastlint.files.source import SourceFile
from fastlint.pipeline.run import RunOptions

if TYPE_CHECKING:
    from fastlint.model.project import Project


# ---------------------------------------------------------------------- module names
@lru_cache(maxsize=4096)
def _is_package_dir(directory: str) -> bool:
    return os.path.isfile(os.path.join(directory, "__init__.py")) or os.path.isfile(
        os.path.join(directory, "__init__.pyi")
    )


def is_test_path(relative: str) -> bool:
    parts = relative.split("/")
    name = parts[-1]
    return (
        any(part in ("tests", "test", "testing") for part in parts[:-1])
        or name.startswith("test_")
        or name.endswith("_test.py")
        or name == "conftest.py"
    )


def module_info(path: Path, root: Path) -> ModuleInfo:
    """The module a file is imported as: by its package chain, else relative to the root."""
    # `cwd/../project/x.py` must still be seen under the root (else `pkg/requests.py` would
    # also be the top-level module `requests` and shadow the library).
    path = Path(os.path.normpath(path))
    stem = path.name.rsplit(".", 1)[0]
    is_package = stem == "__init__"
    parts = [] if is_package else [stem]
    # Under the root, the chain runs from the topmost regular package above the file, also
    # across namespace directories (no __init__.py): `open_webui/routers/x.py` (no
    # routers/__init__.py) is `open_webui.routers.x`. Above the root (a root inside a
    # package: `airflow/api_fastapi`), only unbroken regular packages count.
    directory = path.parent
    walked: list[str] = []
    chain: list[str] = []
    while directory != directory.parent:
        walked.insert(0, directory.name)
        if _is_package_dir(str(directory)):
            chain = list(walked)
        if directory == root:
            break
        directory = directory.parent
    if chain and len(chain) == len(walked):
        directory = directory.parent
        while directory != directory.parent and _is_package_dir(str(directory)):
            chain.insert(0, directory.name)
            directory = directory.parent
    try:
        relative = path.relative_to(root)
        rel_parts = list(relative.parts[:-1])
    except ValueError:
        relative = Path(path.name)
        rel_parts = []
    if rel_parts and rel_parts[0] == "src":
        rel_parts = rel_parts[1:]
    by_root = ".".join(rel_parts + parts) or stem
    by_chain = ".".join(chain + parts) if chain else by_root
    return ModuleInfo(
        module=by_chain,
        is_package=is_package,
        is_test=is_test_path(relative.as_posix()),
        alt_module=by_root if by_root != by_chain else "",
    )


# ---------------------------------------------------------------------- projects
@dataclass
class ProjectRun:
    """One configuration root: its files, the files to report on, and their results."""

    config: Config
    files: list[str]  # display paths
    reported: set[str]
    results: dict[str, FileResult] = field(default_factory=dict)
    overrides: dict[str, bytes] = field(default_factory=dict)  # fixed content not yet written
    project: "Project | None" = None
    cache: Cache | None = None
    # Files whose result came from the cache manifest without facts (loaded only to join).
    light: set[str] = field(default_factory=set)
    # The text of files read while mapping them (a comment-only edit), kept for the rest of
    # the mapping's use: the check that the project rules would read the same text.
    read: dict[str, SourceFile] = field(default_factory=dict)
    layout: ProjectLayout = field(default_factory=ProjectLayout)
    # The findings came from the index (nothing changed): `results` holds nothing yet.
    from_index: bool = False
    absolute: dict[str, str] = field(default_factory=dict)  # display path → absolute path

    @property
    def root(self) -> Path:
        return self.config.root

    def key(self, path: str) -> str:
        """The absolute path a file is known by in the cache."""
        return self.absolute.get(path) or os.path.abspath(path)

    def known(self) -> set[str]:
        """The files with a result, loaded or left in the cache."""
        return self.light | set(self.results)


def display_path(path: Path) -> str:
    text = os.fspath(path)
    if os.path.isabs(text):
        # The common case, a file found under the working directory, without relpath's
        # normalising (a tenth of a warm run over thousands of files).
        cwd = os.getcwd()
        prefix = cwd if cwd.endswith(os.sep) else cwd + os.sep
        if text.startswith(prefix) and os.path.normpath(text) == text:
            return text[len(prefix):]
    try:
        return os.path.relpath(text)
    except ValueError:
        return text


def plan_projects(paths: Sequence[Path], options: RunOptions) -> list[ProjectRun]:
    """Group the given paths by configuration root and discover each project's files."""
    groups: dict[Path, tuple[Config, list[Path]]] = {}
    for path in paths:
        if not path.exists() and not path.is_symlink():
            raise ConfigError(f"{path}: no such file or directory")
        absolute = path.resolve() if path.exists() else path.absolute()
        if options.config_file is not None:
            config = load_config(options.config_file)
        else:
            pyproject = find_pyproject(absolute)
            root = None if pyproject is not None else _default_root(absolute)
            config = load_config(pyproject, root)
        config = config.with_overrides(
            list(options.select) or None, list(options.extend_select), list(options.ignore)
        )
        key = config.root
        if key not in groups:
            groups[key] = (config, [])
        groups[key][1].append(path)
    runs = []
    for root, (config, given) in groups.items():
        excludes = (config.exclude if config.exclude is not None else DEFAULT_EXCLUDE) + \
            config.extend_exclude
        listings = DirectoryListings(
            None if options.no_cache else listings_path(root, config, options))
        listings.load()
        files: dict[str, str] = {}  # display path → absolute path
        reported: set[str] = set()
        for path in given:
            if path.is_dir():
                for shown, found in _display_paths(walk_python_files(
                        root, path.absolute().resolve(), excludes, config.respect_gitignore,
                        listings)):
                    files[shown] = found
                    reported.add(shown)
            else:
                absolute = os.path.abspath(path)
                key = display_path(absolute)
                files[key] = absolute
                reported.add(key)
        if not _covers_root(given, root):
            # The model needs the whole project, even when only a few files are reported.
            for shown, found in _display_paths(walk_python_files(
                    root, root, excludes, config.respect_gitignore, listings)):
                files.setdefault(shown, found)
        listings.save()
        runs.append(ProjectRun(config, list(files), reported, absolute=files,
                               layout=read_layout(root, files.values(), listings.names)))
    return runs


def _display_paths(found: Iterable[str]) -> Iterator[tuple[str, str]]:
    """(display path, path) of each file a walk found (normalised absolute paths), the
    common case (under the working directory) without a call per file."""
    cwd = os.getcwd()
    prefix = cwd if cwd.endswith(os.sep) else cwd + os.sep
    for path in found:
        yield (path[len(prefix):] if path.startswith(prefix) else display_path(path)), path


def listings_path(root: Path, config: Config, options: RunOptions) -> Path:
    directory = default_cache_dir(root, config.cache_dir, options.cache_dir)
    return directory / f"directories-{content_digest(str(root).encode())[:16]}.pickle"


def _covers_root(given: Sequence[Path], root: Path) -> bool:
    return any(path.is_dir() and path.resolve() == root for path in given)


def _default_root(path: Path) -> Path:
    """Without a pyproject.toml: the directory given, or the top package around a file."""
    if path.is_dir():
        return path
    directory = path.parent
    while _is_package_dir(str(directory)) and _is_package_dir(str(directory.parent)):
        directory = directory.parent
    if _is_package_dir(str(directory)):
        directory = directory.parent
    return directory


