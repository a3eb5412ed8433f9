"""What a project's non-Python files say about it, read once per run by the engine.

Rules never read files; what they need from `alembic.ini`, nested `pyproject.toml`s and the
dependency files is gathered here into a small `ProjectLayout` and handed to the project:
where Alembic keeps its revisions, which subdirectories are separate projects that do not
use FastAPI, and the newest FastAPI version the project allows.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib


@dataclass(frozen=True)
class FastAPIPin:
    """The newest FastAPI version a project allows, and the file that says so."""

    version: tuple[int, ...]
    source: str  # `poetry.lock`, `requirements.txt`, `pyproject.toml`

    @property
    def text(self) -> str:
        return ".".join(str(part) for part in self.version)


@dataclass(frozen=True)
class ProjectLayout:
    """Paths are relative to the project root, with `/`."""

    # Directories holding Alembic environments (`script_location` of an alembic.ini).
    alembic_dirs: tuple[str, ...] = ()
    # Subdirectories with their own pyproject.toml that do not depend on FastAPI.
    separate_projects: tuple[str, ...] = ()
    fastapi_pin: FastAPIPin | None = None


_LOCK_FILES = ("poetry.lock", "uv.lock", "pdm.lock")
_REQUIREMENT_FILES = ("requirements.txt", "requirements/base.txt", "requirements/prod.txt",
                      "requirements-prod.txt")
_FASTAPI_REQUIREMENT = re.compile(r"^\s*fastapi(?![\w.-])(?:\[[^\]]*\])?\s*(?P<spec>[^;#]*)", re.IGNORECASE)
_VERSION = re.compile(r"\d+(?:\.\d+)*")


def read_layout(root: Path, files: Iterable[str],
                names_in: Callable[[str], Collection[str] | None] | None = None) -> ProjectLayout:
    """The layout of the project at `root`, looking in the directories its Python files are in
    (and those between them and the root) for alembic.ini and pyproject.toml. `names_in`, the
    names a walk just listed in a directory, spares a stat per directory and file name."""
    directories: set[str] = set()
    top = os.path.join(str(root), "")
    for parent in {os.path.dirname(path if os.path.isabs(path) else os.path.abspath(path))
                   for path in files}:
        # Strings, not Paths: this runs over every directory of the project on every run.
        if parent == str(root):
            parts: list[str] = []
        elif parent.startswith(top):
            parts = parent[len(top):].split(os.sep)
        else:
            continue
        for end in range(len(parts) + 1):
            directories.add("/".join(parts[:end]))
    alembic_dirs: list[str] = []
    separate: list[str] = []
    for directory in sorted(directories):
        absolute = os.path.join(str(root), directory) if directory else str(root)
        listed = names_in(absolute) if names_in is not None else None

        def is_file(name: str) -> bool:
            return (listed is None or name in listed) and os.path.isfile(os.path.join(absolute, name))

        if is_file("alembic.ini"):
            alembic_dirs.extend(_script_locations(Path(absolute, "alembic.ini"), root))
        if directory and is_file("pyproject.toml") \
                and not _depends_on_fastapi(Path(absolute, "pyproject.toml")):
            separate.append(directory)
    # A separate project inside another one is already covered by the outer one.
    separate = [d for d in separate if not any(d.startswith(o + "/") for o in separate)]
    return ProjectLayout(tuple(alembic_dirs), tuple(separate), fastapi_pin(root))


def _script_locations(ini: Path, root: Path) -> list[str]:
    import configparser  # most projects have no alembic.ini

    parser = configparser.ConfigParser(defaults={"here": str(ini.parent)}, interpolation=None)
    try:
        parser.read(ini, encoding="utf-8")
    except (configparser.Error, OSError, UnicodeDecodeError):
        return []
    found = []
    for section in parser.sections():
        location = parser.get(section, "script_location", fallback=None)
        if not location:
            continue
        location = location.replace("%(here)s", str(ini.parent))
        if ":" in location and not os.path.isabs(location):
            location = location.replace(":", "/").replace(".", "/")  # `package:migrations`
        absolute = Path(location) if os.path.isabs(location) else ini.parent / location
        try:
            found.append(Path(os.path.normpath(absolute)).relative_to(root).as_posix())
        except ValueError:
            continue
    return found


def _load_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}


def _requirements_of(pyproject: dict) -> list[str]:
    """Every requirement string a pyproject.toml declares (PEP 621, Poetry, PDM groups)."""
    project = pyproject.get("project", {})
    found = [r for r in project.get("dependencies", []) if isinstance(r, str)]
    for group in project.get("optional-dependencies", {}).values():
        found.extend(r for r in group if isinstance(r, str))
    poetry = pyproject.get("tool", {}).get("poetry", {})
    for name, spec in poetry.get("dependencies", {}).items():
        version = spec.get("version", "") if isinstance(spec, dict) else spec
        found.append(f"{name} {_poetry_spec(version) if isinstance(version, str) else ''}")
    return found


def _poetry_spec(spec: str) -> str:
    """Poetry's `^0.88.0` / `~0.88` as an upper bound (`<0.89`)."""
    spec = spec.strip()
    if spec[:1] in "^~" and spec[1:2] != "=":
        numbers = [int(n) for n in _VERSION.findall(spec)[0].split(".")] if _VERSION.search(spec) else []
        if not numbers:
            return ""
        if spec[0] == "^":
            index = next((i for i, n in enumerate(numbers) if n != 0), len(numbers) - 1)
        else:
            index = min(1, len(numbers) - 1)
        upper = numbers[:index] + [numbers[index] + 1]
        return "<" + ".".join(str(n) for n in upper)
    return spec


def _depends_on_fastapi(pyproject: Path) -> bool:
    data = _load_toml(pyproject)
    if not data:
        return True  # unreadable: do not guess it is a separate program
    return any(_FASTAPI_REQUIREMENT.match(r) for r in _requirements_of(data))


def fastapi_pin(root: Path) -> FastAPIPin | None:
    """The newest FastAPI the project allows: the locked version, else the upper bound of
    its requirement (`==`, `<`, `<=`, `~=`, Poetry's `^`/`~`); None when unbounded."""
    for name in _LOCK_FILES:
        version = _locked_version(root / name)
        if version is not None:
            return FastAPIPin(version, name)
    pipfile_lock = root / "Pipfile.lock"
    if pipfile_lock.is_file():
        try:
            import json

            data = json.loads(pipfile_lock.read_text(encoding="utf-8"))
            spec = data.get("default", {}).get("fastapi", {}).get("version", "")
        except (OSError, ValueError, AttributeError):
            spec = ""
        bound = _upper_bound(spec)
        if bound is not None:
            return FastAPIPin(bound, "Pipfile.lock")
    candidates: list[tuple[str, str]] = []
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        candidates.extend((r, "pyproject.toml") for r in _requirements_of(_load_toml(pyproject)))
    for name in _REQUIREMENT_FILES:
        try:
            lines = (root / name).read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            continue
        candidates.extend((line, name) for line in lines)
    for requirement, source in candidates:
        match = _FASTAPI_REQUIREMENT.match(requirement)
        if match is None:
            continue
        bound = _upper_bound(match.group("spec"))
        if bound is not None:
            return FastAPIPin(bound, source)
    return None


def _locked_version(lock: Path) -> tuple[int, ...] | None:
    try:
        text = lock.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    match = re.search(r'^name = "fastapi"\s*\nversion = "([^"]+)"', text, re.MULTILINE)
    return _numbers(match.group(1)) if match else None


def _upper_bound(spec: str) -> tuple[int, ...] | None:
    """The newest version a specifier allows, when it has an upper bound."""
    best: tuple[int, ...] | None = None
    for clause in spec.split(","):
        clause = clause.strip()
        match = re.match(r"(==|<=|<|~=)\s*(\d+(?:\.\d+)*)", clause)
        if match is None:
            continue
        operator, numbers = match.group(1), _numbers(match.group(2))
        if operator == "~=" and len(numbers) > 1:
            numbers = _just_below(numbers[:-2] + (numbers[-2] + 1,))
        elif operator == "<" and numbers:
            # `<0.93` allows 0.92.x at most: below the bound, never at it.
            numbers = _just_below(numbers)
        if best is None or numbers < best:
            best = numbers
    return best


def _just_below(numbers: tuple[int, ...]) -> tuple[int, ...]:
    trimmed = list(numbers)
    while trimmed and trimmed[-1] == 0:
        trimmed.pop()
    if not trimmed:
        return (0,)
    trimmed[-1] -= 1
    return (*trimmed, 9999)


def _numbers(text: str) -> tuple[int, ...]:
    found = _VERSION.search(text)
    return tuple(int(n) for n in found.group(0).split(".")) if found else ()
