"""Baselines: adopt fastlint on a codebase with existing findings, then only ever shrink.

A baseline file holds, per file and rule, how many findings it covers and their fingerprints
(the ones SARIF and GitLab reports carry: a hash of the file, the rule and the text of the
line, not its number): `{"app/routes.py": {"FL101": {"count": 2, "fingerprints": [...]}}}`,
paths relative to the baseline's own directory. Moving code changes no fingerprint, so it
does not bring old findings back.

Checked against a baseline, a finding is reported exactly when its fingerprint is not in the
baseline: a new finding beside baselined ones of the same rule in the same file is the only
one reported, and so is a finding on a baselined line whose text was edited. Fingerprints
cannot decide when one line text carries more findings than the baseline recorded for it (a
copied line): which of the twins is new is unknowable, so the count decides, as for an
entry without fingerprints (written by an older fastlint): more findings than counted
reports all of them, and a warning says so.

An entry covering fewer findings than its count is stale: pruning keeps only what is still
found, so the baseline shrinks as code is fixed and the fixed findings cannot come back
unnoticed; pruning also records the fingerprints of count-only entries. Only files checked
in this run are judged, so a pre-commit run on two files leaves every other entry alone; an
entry for a file that no longer exists is always stale.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from fastlint.config import ConfigError
from fastlint.diagnostics import Diagnostic
from fastlint.reporters.locations import fingerprints, report_path

Key = tuple[str, str]  # (path relative to the baseline's directory, rule code)


@dataclass(frozen=True)
class Entry:
    """What the baseline covers for one file and rule."""

    count: int
    fingerprints: tuple[str, ...] = ()  # none: a count-only entry from an older baseline


@dataclass(frozen=True)
class EntryChange:
    """A baseline entry whose count no longer matches the findings: fewer (stale) or more."""

    path: str
    code: str
    allowed: int
    found: int
    # Stale while the file has findings the baseline does not know: likely edited lines.
    with_new: bool = False


@dataclass(frozen=True)
class SameText:
    """Findings on lines of one text, more than the baseline recorded for that text: the
    fingerprints cannot tell which is new, so all of them are reported."""

    path: str
    code: str
    rows: tuple[int, ...]
    allowed: int


@dataclass(frozen=True)
class BaselineOutcome:
    reported: list[Diagnostic]  # the findings the baseline does not cover
    suppressed: int
    stale: list[EntryChange]
    exceeded: list[EntryChange]  # count-only entries with more findings than counted
    same_text: list[SameText]
    count_only: int  # count-only entries among the files checked
    # What each checked entry covers now: the baseline after pruning and upgrading.
    covered: dict[Key, Entry]


def _hash(fingerprint: str) -> str:
    """The fingerprint without its occurrence number (`HASH:N`): the file, rule and text."""
    return fingerprint.rpartition(":")[0]


@dataclass(frozen=True)
class Baseline:
    directory: Path
    entries: dict[Key, Entry]

    def key(self, path: str) -> str:
        """A finding's file as the baseline names it."""
        return report_path(path, self.directory)

    def exists(self, key: str) -> bool:
        return (self.directory / key).exists()

    def keys(self, paths: Iterable[str]) -> dict[str, str]:
        """`key` of each path, worked out once per file."""
        return {path: self.key(path) for path in set(paths)}

    def apply(self, diagnostics: Sequence[Diagnostic], checked: Iterable[str]) -> BaselineOutcome:
        """Split findings into reported and covered; `checked` are the files this run read."""
        keys = self.keys(d.path for d in diagnostics)
        found: dict[Key, list[tuple[Diagnostic, str]]] = defaultdict(list)
        for diagnostic, fingerprint in zip(diagnostics, fingerprints(diagnostics, keys)):
            found[(keys[diagnostic.path], diagnostic.code)].append((diagnostic, fingerprint))
        reported: list[Diagnostic] = []
        exceeded: list[EntryChange] = []
        same_text: list[SameText] = []
        covered: dict[Key, Entry] = {}
        for key, findings in found.items():
            entry = self.entries.get(key)
            if entry is None:
                reported.extend(diagnostic for diagnostic, _ in findings)
            elif not entry.fingerprints:
                if len(findings) > entry.count:
                    reported.extend(diagnostic for diagnostic, _ in findings)
                    exceeded.append(EntryChange(*key, entry.count, len(findings)))
                    covered[key] = entry
                else:
                    covered[key] = Entry(len(findings), tuple(sorted(f for _, f in findings)))
            else:
                new, kept, twins = _by_fingerprint(entry, findings)
                reported.extend(new)
                same_text.extend(SameText(*key, rows, allowed) for rows, allowed in twins)
                covered[key] = Entry(len(kept), tuple(sorted(kept)))
        checked_keys = set(self.keys(checked).values())
        judged = {key: entry for key, entry in self.entries.items()
                  if key[0] in checked_keys or not self.exists(key[0])}
        new_keys = {(keys[d.path], d.code) for d in reported}
        stale = [
            EntryChange(*key, entry.count, covered.get(key, Entry(0)).count, key in new_keys)
            for key, entry in sorted(judged.items())
            if covered.get(key, Entry(0)).count < entry.count
        ]
        count_only = sum(1 for entry in judged.values() if not entry.fingerprints)
        now = {key: covered.get(key, Entry(0)) for key in judged}
        reported.sort(key=lambda d: d.sort_key)
        return BaselineOutcome(reported, len(diagnostics) - len(reported), stale, exceeded,
                               same_text, count_only, now)

    def updated(self, covered: dict[Key, Entry]) -> "Baseline":
        """This baseline with the judged entries replaced by what they cover now (gone at zero)."""
        entries = {**self.entries, **covered}
        return Baseline(self.directory, {key: entry for key, entry in entries.items() if entry.count})

    def dumps(self) -> str:
        tree: dict[str, dict[str, dict[str, object]]] = {}
        for (path, code), entry in sorted(self.entries.items()):
            shown: dict[str, object] = {"count": entry.count}
            if entry.fingerprints:
                shown["fingerprints"] = list(entry.fingerprints)
            tree.setdefault(path, {})[code] = shown
        return json.dumps(tree, indent=2) + "\n"

    def save(self, file: Path) -> None:
        file.write_text(self.dumps(), encoding="utf-8")


def _by_fingerprint(
    entry: Entry, findings: list[tuple[Diagnostic, str]]
) -> tuple[list[Diagnostic], list[str], list[tuple[tuple[int, ...], int]]]:
    """Judge one file and rule by fingerprint: the new findings, the fingerprints still
    covered, and the line texts with more findings than recorded (rows, recorded)."""
    recorded = Counter(_hash(fingerprint) for fingerprint in entry.fingerprints)
    by_text: dict[str, list[tuple[Diagnostic, str]]] = defaultdict(list)
    for diagnostic, fingerprint in findings:
        by_text[_hash(fingerprint)].append((diagnostic, fingerprint))
    new: list[Diagnostic] = []
    kept: list[str] = []
    twins: list[tuple[tuple[int, ...], int]] = []
    for text, group in by_text.items():
        allowed = recorded[text]
        if len(group) > allowed:
            new.extend(diagnostic for diagnostic, _ in group)
            if allowed:
                twins.append((tuple(sorted(d.row for d, _ in group)), allowed))
        # Occurrences are numbered in file order, so the first `allowed` are the ones recorded.
        kept.extend(f"{text}:{number}" for number in range(1, min(len(group), allowed) + 1))
    return new, kept, twins


def baseline_of(diagnostics: Sequence[Diagnostic], file: Path) -> Baseline:
    """A baseline that covers exactly these findings, to be written to `file`."""
    empty = Baseline(file.absolute().parent, {})
    keys = empty.keys(d.path for d in diagnostics)
    grouped: dict[Key, list[str]] = defaultdict(list)
    for diagnostic, fingerprint in zip(diagnostics, fingerprints(diagnostics, keys)):
        grouped[(keys[diagnostic.path], diagnostic.code)].append(fingerprint)
    return Baseline(empty.directory, {
        key: Entry(len(prints), tuple(sorted(prints))) for key, prints in grouped.items()
    })


def _entry(file: Path, path: str, code: str, value: object) -> Entry:
    shape = f'expected {{"count": N, "fingerprints": [...]}}'
    count = value.get("count") if isinstance(value, dict) else None
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise ConfigError(f"{file}: entry {path!r} {code!r}: {shape}")
    prints = value.get("fingerprints", [])  # type: ignore[union-attr]
    if not isinstance(prints, list) or not all(isinstance(p, str) and _hash(p) for p in prints) \
            or (prints and len(prints) != count):
        raise ConfigError(f"{file}: entry {path!r} {code!r}: `fingerprints` must list {count} "
                          f"fingerprints (HASH:N), one per finding counted; {shape}")
    return Entry(count, tuple(prints))


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
    entries: dict[Key, Entry] = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{file}: not a fastlint baseline (expected {{file: {{code: {{count: N}}}}}})")
    for path, rules in data.items():
        if not isinstance(rules, dict):
            raise ConfigError(f"{file}: entry {path!r}: expected {{code: {{count: N}}}}")
        for code, value in rules.items():
            entry = _entry(file, path, code, value)
            if entry.count:
                entries[(path, code)] = entry
    return Baseline(file.absolute().parent, entries)


def describe(change: EntryChange) -> str:
    if change.found > change.allowed:
        return (f"{change.path}: {change.code} has {change.found} findings where the baseline "
                f"allows {change.allowed}: all {change.found} are reported (the entry has a "
                "count but no fingerprints to tell which is new)")
    now = "none" if not change.found else str(change.found)
    edited = (": a line it recorded was fixed or edited, and a finding on an edited line is new"
              if change.with_new else "")
    return (f"{change.path}: {change.code} baseline entry is stale (allows {change.allowed}, "
            f"{now} left){edited}")


def describe_same_text(twins: SameText) -> str:
    rows = ", ".join(str(row) for row in twins.rows)
    return (f"{twins.path}: {twins.code} on lines {rows}: {len(twins.rows)} findings on lines "
            f"with the same text where the baseline has {twins.allowed}; fingerprints cannot "
            f"tell which is new, so the count decides and all {len(twins.rows)} are reported")
