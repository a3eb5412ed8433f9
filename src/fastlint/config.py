"""`[tool.fastlint]` in the nearest pyproject.toml: read, validate, and turn into a Config.

Every key is checked: an unknown key, a wrong type or an unknown rule code is a ConfigError
naming the file, the key and what was expected (the CLI exits 2 on it).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

from fastlint.rules.links import template_problem
from fastlint.options import OptionValueError
from fastlint.rules.catalogue import CODES, DEFAULT_ON, OPTION_NAMES, option
from fastlint.model.scope import ScopeConfig, parse_scope_config


class ConfigError(Exception):
    """A configuration problem the user must fix; the message names file and key."""


_LIST_KEYS = ("select", "ignore", "extend-select", "extend-ignore", "exclude", "extend-exclude")
_TOP_KEYS = frozenset(
    {*_LIST_KEYS, "per-file-ignores", "unsafe-fixes", "respect-gitignore", "cache-dir", "scope",
     "rule-url-template"}
)


@dataclass(frozen=True)
class Config:
    """The settings in force for one project."""

    root: Path
    path: Path | None = None  # the pyproject.toml it came from
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] | None = None
    extend_exclude: tuple[str, ...] = ()
    unsafe_fixes: bool = False
    respect_gitignore: bool = True
    cache_dir: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    scope: ScopeConfig = ScopeConfig()
    rule_url_template: str | None = None  # where the rules' docs are hosted; None: the repository

    def with_overrides(
        self,
        select: list[str] | None = None,
        extend_select: list[str] | None = None,
        ignore: list[str] | None = None,
    ) -> "Config":
        """The command line's --select replaces, --extend-select and --ignore add."""
        for key, codes in (("--select", select), ("--extend-select", extend_select),
                           ("--ignore", ignore)):
            for code in codes or ():
                check_code(code, key)
        # Every other setting as the file has it (`replace`: a new setting needs no line here).
        return replace(
            self,
            select=tuple(select) if select else self.select,
            extend_select=self.extend_select + tuple(extend_select or ()),
            ignore=self.ignore + tuple(ignore or ()),
        )

    def enabled_codes(self) -> frozenset[str]:
        if self.select is None:
            enabled = set(DEFAULT_ON)
        else:
            enabled = {code for code in CODES if _matches_any(code, self.select)}
        enabled |= {code for code in CODES if _matches_any(code, self.extend_select)}
        return frozenset(code for code in enabled if not _matches_any(code, self.ignore))

    def ignored_for(self, relative_path: str) -> frozenset[str]:
        """Codes that per-file-ignores turns off for a path (relative to the root, with /)."""
        found: set[str] = set()
        for pattern, codes in self.per_file_ignores:
            if per_file_pattern_matches(pattern, relative_path):
                found.update(c for c in CODES if _matches_any(c, codes))
        return frozenset(found)

    def unmatched_per_file_ignores(self, relative_paths: list[str]) -> list[str]:
        """The per-file-ignores patterns that match none of the given files (likely typos)."""
        return [
            pattern for pattern, _ in self.per_file_ignores
            if not any(per_file_pattern_matches(pattern, path) for path in relative_paths)
        ]


def per_file_pattern_matches(pattern: str, relative_path: str) -> bool:
    """A per-file-ignores glob matches a path (relative to the root), its name, or a
    directory above it."""
    name = relative_path.rsplit("/", 1)[-1]
    return fnmatch(relative_path, pattern) or fnmatch(name, pattern) or \
        relative_path.startswith(pattern.rstrip("/") + "/")


def _matches_any(code: str, selectors: tuple[str, ...] | list[str]) -> bool:
    return any(s == "ALL" or code.startswith(s) for s in selectors)


def check_code(code: str, where: str) -> None:
    if code == "ALL":
        return
    if not any(known.startswith(code) for known in CODES) or not code.startswith("FL"):
        raise ConfigError(f"{where}: unknown rule code {code!r} (expected a code like FL101 or a prefix like FL1)")


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml upward from `start` that has a [tool.fastlint] table,
    or else the nearest pyproject.toml at all."""
    start = start if start.is_dir() else start.parent
    nearest = None
    for directory in (start, *start.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            if nearest is None:
                nearest = candidate
            try:
                if "[tool.fastlint" in candidate.read_text(encoding="utf-8", errors="replace"):
                    return candidate
            except OSError:
                continue
    return nearest


def load_config(pyproject: Path | None, root: Path | None = None) -> Config:
    """Read [tool.fastlint] from a pyproject.toml (or defaults when None)."""
    if pyproject is None:
        return Config(root=(root or Path.cwd()).resolve())
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"{pyproject}: cannot be read: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        line = error.object[:error.start].count(b"\n") + 1
        raise ConfigError(f"{pyproject}: invalid TOML: not valid UTF-8 (at line {line})") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{pyproject}: invalid TOML: {error}") from None
    table = data.get("tool", {}).get("fastlint", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{pyproject}: [tool.fastlint] must be a table")
    return parse_table(table, pyproject)


def parse_table(table: dict[str, Any], pyproject: Path) -> Config:
    where = f"{pyproject}: [tool.fastlint]"
    options = OPTION_NAMES
    values: dict[str, Any] = {}
    settings: dict[str, Any] = {}
    flat: list[tuple[str, Any]] = []
    for key, value in table.items():
        if key not in _TOP_KEYS and key not in options and isinstance(value, dict):
            # A sub-table of option names: [tool.fastlint.fix] default-timeout = 5
            flat.extend((f"{key}.{sub}", sub_value) for sub, sub_value in value.items())
        else:
            flat.append((key, value))
    for key, value in flat:
        if key in _LIST_KEYS:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{where} key {key!r}: expected a list of strings, got {value!r}")
            if key in ("select", "ignore", "extend-select", "extend-ignore"):
                for code in value:
                    check_code(code, f"{where} key {key!r}")
            values[key] = tuple(value)
        elif key == "per-file-ignores":
            if not isinstance(value, dict) or not all(
                isinstance(v, list) and all(isinstance(c, str) for c in v) for v in value.values()
            ):
                raise ConfigError(
                    f"{where} key 'per-file-ignores': expected a table of glob = [codes]"
                )
            for codes in value.values():
                for code in codes:
                    check_code(code, f"{where} key 'per-file-ignores'")
            values[key] = tuple((glob, tuple(codes)) for glob, codes in value.items())
        elif key in ("unsafe-fixes", "respect-gitignore"):
            if not isinstance(value, bool):
                raise ConfigError(f"{where} key {key!r}: expected true or false, got {value!r}")
            values[key] = value
        elif key == "scope":
            if not isinstance(value, dict):
                raise ConfigError(f"{where} key 'scope': expected a table, got {value!r}")
            values[key] = parse_scope_config(value, where, ConfigError)
        elif key == "cache-dir":
            if not isinstance(value, str):
                raise ConfigError(f"{where} key 'cache-dir': expected a string, got {value!r}")
            values[key] = value
        elif key == "rule-url-template":
            problem = template_problem(value)
            if problem is not None:
                raise ConfigError(f"{where} key 'rule-url-template': {problem}")
            values[key] = value
        elif key in options:
            definition = option(key)
            if not definition.accepts(value):
                raise ConfigError(
                    f"{where} key {key!r}: expected {definition.kind}, got {value!r}"
                )
            if definition.parse is not None:
                try:
                    value = definition.parse(value)
                except OptionValueError as error:
                    raise ConfigError(f"{where} key {error.key!r}: {error.problem}") from None
            settings[key] = value
        else:
            known = sorted(_TOP_KEYS | set(options))
            raise ConfigError(
                f"{where}: unknown key {key!r} (known keys: {', '.join(known)})"
            )
    return Config(
        root=pyproject.parent.resolve(),
        path=pyproject,
        select=values.get("select"),
        extend_select=values.get("extend-select", ()),
        ignore=values.get("ignore", ()) + values.get("extend-ignore", ()),
        per_file_ignores=values.get("per-file-ignores", ()),
        exclude=values.get("exclude"),
        extend_exclude=values.get("extend-exclude", ()),
        unsafe_fixes=values.get("unsafe-fixes", False),
        respect_gitignore=values.get("respect-gitignore", True),
        cache_dir=values.get("cache-dir"),
        options=settings,
        scope=values.get("scope", ScopeConfig()),
        rule_url_template=values.get("rule-url-template"),
    )
