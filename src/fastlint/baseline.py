"""Baselines: adopt fastlint on a codebase with existing findings, then only ever shrink.

A baseline file counts findings per file and rule, in the shape of ESLint's suppressions
file: `{"app/routes.py": {"FL101": {"count": 2}}}`, paths relative to the baseline's own
directory. Counts instead of positions mean moving code does not bring old findings back.

Checked against a baseline, a file and rule with no more findings than its count report
nothing; with more, all of them are reported (a count cannot tell which one is new). An
entry whose file now has fewer findings is stale: pruning lowers it to what is left, so
the baseline shrinks as code is fixed and the fixed findings cannot come back unnoticed.
Only files checked in this run are judged, so a pre-commit run on two files leaves every
other entry alone; an entry for a file that no longer exists is always stale.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from fastlint.config import ConfigError
from fastlint.diagnostics import Diagnostic
from fastlint.reporters.locations import report_path

Key = tuple[str, str]  # (path relative to the baseline's directory, rule code)


@dataclass(frozen=True)
class EntryChange:
    """A baseline entry whose count no longer matches the findings: fewer (stale) or more."""

    path: str
    code: str
    allowed: int
    found: int


@dataclass(frozen=True)
class BaselineOutcome:
    reported: list[Diagnostic]  # the findings the baseline does not cover
    suppressed: int
    stale: list[EntryChange]
    exceeded: list[EntryChange]


@dataclass(frozen=True)
class Baseline:
    directory: Path
    counts: dict[Key, int]

    def key(self, path: str) -> str:
        """A finding's file as the baseline names it."""
        return report_path(path, self.directory)

    def exists(self, key: str) -> bool:
        return (self.directory / key).exists()

    def apply(self, diagnostics: Sequence[Diagnostic], checked: Iterable[str]) -> BaselineOutcome:
        """Split findings into reported and covered; `checked` are the files this run read."""
        keys = [(self.key(d.path), d.code) for d in diagnostics]
        found = Counter(keys)
        reported = [d for d, key in zip(diagnostics, keys) if found[key] > self.counts.get(key, 0)]
        checked_keys = {self.key(path) for path in checked}
        stale = [
            EntryChange(path, code, allowed, found[(path, code)])
            for (path, code), allowed in sorted(self.counts.items())
            if found[(path, code)] < allowed and (path in checked_keys or not self.exists(path))
        ]
        exceeded = [
            EntryChange(path, code, self.counts[(path, code)], count)
            for (path, code), count in sorted(found.items())
            if 0 < self.counts.get((path, code), 0) < count
        ]
        return BaselineOutcome(reported, len(diagnostics) - len(reported), stale, exceeded)

    def pruned(self, stale: Iterable[EntryChange]) -> "Baseline":
        """This baseline with each stale entry lowered to the findings left (gone at zero)."""
        counts = dict(self.counts)
        for entry in stale:
            if entry.found:
                counts[(entry.path, entry.code)] = entry.found
            else:
                counts.pop((entry.path, entry.code), None)
        return Baseline(self.directory, counts)

    def dumps(self) -> str:
        tree: dict[str, dict[str, dict[str, int]]] = {}
        for (path, code), count in sorted(self.counts.items()):
            tree.setdefault(path, {})[code] = {"count": count}
        return json.dumps(tree, indent=2) + "\n"

    def save(self, file: Path) -> None:
        file.write_text(self.dumps(), encoding="utf-8")


def baseline_of(diagnostics: Iterable[Diagnostic], file: Path) -> Baseline:
    """A baseline that covers exactly these findings, to be written to `file`."""
    empty = Baseline(file.absolute().parent, {})
    return Baseline(empty.directory, dict(Counter((empty.key(d.path), d.code) for d in diagnostics)))


def load_baseline(file: Path) -> Baseline:
    """Read a baseline file; a missing or malformed one is a ConfigError (exit 2)."""
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{file}: baseline not found (create it with `fastlint baseline --output {file}`)") \
            from None
    except OSError as error:
        raise ConfigError(f"{file}: cannot be read: {error.strerror or error}") from None
    except ValueError as error:
        raise ConfigError(f"{file}: not a fastlint baseline (invalid JSON: {error})") from None
    counts: dict[Key, int] = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{file}: not a fastlint baseline (expected {{file: {{code: {{count: N}}}}}})")
    for path, rules in data.items():
        if not isinstance(rules, dict):
            raise ConfigError(f"{file}: entry {path!r}: expected {{code: {{count: N}}}}")
        for code, entry in rules.items():
            count = entry.get("count") if isinstance(entry, dict) else None
            if not isinstance(count, int) or isinstance(count, bool) or count < 0:
                raise ConfigError(f"{file}: entry {path!r} {code!r}: expected {{\"count\": N}}")
            if count:
                counts[(path, code)] = count
    return Baseline(file.absolute().parent, counts)


def describe(change: EntryChange) -> str:
    if change.found > change.allowed:
        return (f"{change.path}: {change.code} has {change.found} findings where the baseline "
                f"allows {change.allowed}: all {change.found} are reported")
    now = "none" if not change.found else str(change.found)
    return (f"{change.path}: {change.code} baseline entry is stale (allows {change.allowed}, "
            f"{now} left)")
