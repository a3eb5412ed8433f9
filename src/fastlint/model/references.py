"""Which dotted names the files of a project mention: to tell whether a name a module binds
is referred to from anywhere.

When an edit changes only the imports a module makes at module level (an import typed at the
top of a route module), the resolution tables change by the aliases those imports bind
(`app.main.json` → `json`): a name nothing mentions, and that no alias leads to, cannot change
what any other name resolves to, so the tables can be patched rather than built again (see
`Project`). `References` counts every dotted string of every file's facts — definitions and
references alike, a superset of what name resolution reads — and is kept up to date from one
edit to the next.

Imports only `fastlint.facts.records`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from fastlint.facts.records import FileFacts


def _dotted_strings(item: object, found: list[str]) -> None:
    if isinstance(item, str):
        if "." in item:
            found.append(item)
    elif isinstance(item, tuple):
        for part in item:
            _dotted_strings(part, found)


def dotted_strings(facts: FileFacts) -> list[str]:
    """Every string with a dot in a file's records (symbols, qualified names, constants)."""
    found: list[str] = []
    for records in (facts.imports, facts.functions, facts.classes, facts.calls, facts.bindings):
        _dotted_strings(records, found)
    return found


def mentions_name(text: str, name: str) -> bool:
    """Whether `text` is the dotted `name` or starts with it (`name.attr`, `name()`)."""
    return text.startswith(name) and (len(text) == len(name) or text[len(name)] in ".(")


class References:
    """How many times each dotted string is written in the facts of a project's files, kept
    in step with the files of each new project (`sync`)."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()
        self._counted: dict[str, FileFacts] = {}  # path → the facts counted for it

    def sync(self, files: Iterable[FileFacts]) -> None:
        """Count these files' facts (a file's, again, only when they are new facts)."""
        counted = self._counted
        paths = set()
        for facts in files:
            paths.add(facts.path)
            before = counted.get(facts.path)
            if before is not facts:
                if before is not None:
                    self._count(before, -1)
                self._count(facts, 1)
                counted[facts.path] = facts
        for path in [path for path in counted if path not in paths]:
            self._count(counted.pop(path), -1)

    def _count(self, facts: FileFacts, step: int) -> None:
        counts = self._counts
        for text in dotted_strings(facts):
            left = counts[text] + step
            if left:
                counts[text] = left
            else:
                del counts[text]

    def mention(self, names: Iterable[str]) -> bool:
        """Whether any file mentions one of `names` (or something of it: `name.attr`)."""
        return any_mentions(self._counts, names)


def any_mentions(texts: Iterable[str], names: Iterable[str]) -> bool:
    """Whether one of `texts` is, or starts with, one of the dotted `names`."""
    names = tuple(names)
    if not names:
        return False
    return any(mentions_name(text, name) for text in texts if text.startswith(names)
               for name in names)
