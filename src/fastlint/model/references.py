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

from bisect import bisect_left, insort
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
    """Every string with a dot in a file's records (symbols, qualified names, constants),
    and what each import names (`app.main.helper` for `from app.main import helper`)."""
    found: list[str] = [imported.target for imported in facts.imports if "." in imported.target]
    for records in (facts.imports, facts.functions, facts.classes, facts.calls, facts.bindings):
        _dotted_strings(records, found)
    return found


def record_strings(records: tuple) -> list[str]:
    """Every string with a dot in some of a file's records (as `dotted_strings` counts them)."""
    found: list[str] = []
    _dotted_strings(records, found)
    return found


def mentions_name(text: str, name: str) -> bool:
    """Whether `text` is the dotted `name` or starts with it (`name.attr`, `name()`)."""
    return text.startswith(name) and (len(text) == len(name) or text[len(name)] in ".(")


class References:
    """How many times each dotted string is written in the facts of a project's files, kept
    in step with the files of each new project (`sync`: counted when next asked), and in
    order (to find the strings that start with a name without reading them all)."""

    def __init__(self, files: Iterable[FileFacts]) -> None:
        self._latest: dict[str, FileFacts] = {facts.path: facts for facts in files}
        # path → the facts counted for it, with their strings.
        self._counted = {path: (facts, dotted_strings(facts)) for path, facts in self._latest.items()}
        counts: Counter[str] = Counter()
        for _, strings in self._counted.values():
            counts.update(strings)
        self._counts: dict[str, int] = dict(counts)
        self._ordered = sorted(counts)
        self._stale: set[str] = set()  # paths whose latest facts are not counted yet
        self._read: dict[str, tuple[FileFacts, list[str]]] = {}  # strings of those, read

    def sync(self, files: Iterable[FileFacts]) -> None:
        """Take these as the project's files (counted when next asked)."""
        latest = self._latest
        paths = set()
        for facts in files:
            paths.add(facts.path)
            if latest.get(facts.path) is not facts:
                latest[facts.path] = facts
                self._stale.add(facts.path)
        for path in [path for path in latest if path not in paths]:
            del latest[path]
            self._stale.add(path)

    def _count_latest(self) -> None:
        delta: Counter[str] = Counter()
        for path in self._stale:
            before = self._counted.pop(path, None)
            if before is not None:
                delta.subtract(before[1])
            facts = self._latest.get(path)
            if facts is not None:
                read = self._read.get(path)
                strings = before[1] if before is not None and before[0] is facts else \
                    read[1] if read is not None and read[0] is facts else dotted_strings(facts)
                delta.update(strings)
                self._counted[path] = (facts, strings)
        self._stale.clear()
        self._read.clear()
        for text, change in delta.items():
            if change:
                self._add(text, change)

    def _add(self, text: str, change: int) -> None:
        count = self._counts.get(text, 0) + change
        if count > 0:
            if text not in self._counts:
                insort(self._ordered, text)
            self._counts[text] = count
        elif text in self._counts:
            del self._counts[text]
            del self._ordered[bisect_left(self._ordered, text)]

    def strings(self, facts: FileFacts) -> list[str]:
        """The dotted strings of a file's facts (those counted, when they are)."""
        for table in (self._counted, self._read):
            found = table.get(facts.path)
            if found is not None and found[0] is facts:
                return found[1]
        strings = dotted_strings(facts)
        if self._latest.get(facts.path) is facts:
            self._read[facts.path] = (facts, strings)  # to be counted
        return strings

    def naming_attribute(self, attribute: str) -> Counter[str]:
        """The strings the files write that name `attribute` after a dot, with how many
        times each is written."""
        self._count_latest()
        dotted = f".{attribute}"
        return Counter({text: count for text, count in self._counts.items()
                        if dotted in text and names_attribute(text, attribute)})

    def mention(self, names: Iterable[str], besides: Iterable[FileFacts] = ()) -> bool:
        """Whether a file mentions one of `names` (or something of it: `name.attr`); with
        `besides`, a file other than those (their own mentions are taken off the counts)."""
        self._count_latest()
        own: Counter[str] = Counter()
        for facts in besides:
            own.update(self.strings(facts))
        ordered, counts = self._ordered, self._counts
        for name in names:
            index = bisect_left(ordered, name)
            while index < len(ordered) and ordered[index].startswith(name):
                text = ordered[index]
                if mentions_name(text, name) and counts[text] > own[text]:
                    return True
                index += 1
        return False


def names_attribute(text: str, attribute: str) -> bool:
    """Whether a dotted `text` names `attribute` after a dot (`x.attribute`, `x.attribute.y`,
    `x.attribute()`): what a lookup on an object or a subclass reads without its qualname."""
    dotted = f".{attribute}"
    start = text.find(dotted)
    while start >= 0:
        end = start + len(dotted)
        if end == len(text) or text[end] in ".(":
            return True
        start = text.find(dotted, end)
    return False


def any_mentions(texts: Iterable[str], names: Iterable[str]) -> bool:
    """Whether one of `texts` is, or starts with, one of the dotted `names`."""
    names = tuple(names)
    if not names:
        return False
    return any(mentions_name(text, name) for text in texts if text.startswith(names)
               for name in names)
