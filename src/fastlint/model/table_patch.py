"""The resolution tables patched, not built again, after an edit to names nothing else reads.

Typing an import, a function, a class or a constant in a route module changes the module's
interface (see `fastlint.model.interface`): what other modules could import from it. When no
other file mentions those names, no alias leads to them and no answer was looked up for
them, every other name resolves as before, so the tables of the project before the edit are
patched with the module's new entries (`TablePatch`) and the memos are kept, but for the
answers looked up for the changed names themselves. A name inside a class (a method typed in
a repository class) is read without its qualname: a subclass finds it on the base
(`Sub.method`), an instance by its attribute (`repo.method`). So it is patched only when no
file writes its attribute name after a dot, but where it is defined, and when the analyses
do not look it up by name alone (a dunder, a middleware's `dispatch`); the members of a
class typed with them are not looked up at all (nothing names the class). The table memos
that read every class (`table_memo(reads_classes=True)`) are computed again after a class
changed.

May import `fastlint.facts`, `fastlint.model.interface`, `fastlint.model.references` and
`fastlint.model.tables`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from fastlint.facts.records import BindingFact, ClassFact, FileFacts
from fastlint.model.interface import positionless
from fastlint.model.references import References, any_mentions, mentions_name, names_attribute, record_strings
from fastlint.model.tables import FunctionRef, Tables, add_definitions, add_derived_aliases


@dataclass
class TablePatch:
    """Entries of the tables to replace (a new value) or remove (None)."""

    functions: dict[str, FunctionRef | None] = field(default_factory=dict)
    bindings: dict[str, tuple[FileFacts, BindingFact] | None] = field(default_factory=dict)
    aliases: dict[str, str | None] = field(default_factory=dict)
    factories: dict[str, bool] = field(default_factory=dict)  # stored factories, in or out
    classes: dict[str, tuple[FileFacts, ClassFact] | None] = field(default_factory=dict)
    # What the memos forget: the changed names and what the changed files wrote of them.
    forget: tuple[str, ...] = ()

    @property
    def definitions_changed(self) -> bool:
        return bool(self.functions or self.bindings or self.classes)


@dataclass
class _Entries:
    """What one file puts in the tables, by the rules of `Tables._build_tables`."""

    functions: dict[str, FunctionRef]
    signatures: dict[str, tuple]  # what of a function the tables read
    bindings: dict[str, tuple[FileFacts, BindingFact]]
    values: dict[str, tuple]  # what of a binding the tables read
    aliases: dict[str, str]
    factories: set[str]
    classes: dict[str, tuple[FileFacts, ClassFact]]
    bases: dict[str, tuple[str, ...]]  # what of a class the tables read


def _entries(facts: FileFacts) -> _Entries:
    functions: dict[str, FunctionRef] = {}
    classes: dict[str, tuple[FileFacts, ClassFact]] = {}
    bindings: dict[str, tuple[FileFacts, BindingFact]] = {}
    aliases: dict[str, str] = {}
    factories: set[str] = set()
    add_definitions(facts, functions, classes, bindings, aliases)
    add_derived_aliases(functions, bindings, aliases, factories)
    return _Entries(
        functions,
        {q: (f.function.returns, f.function.returned, f.function.is_async, f.function.yields,
             tuple(d.symbol for d in f.function.decorators)) for q, f in functions.items()},
        bindings,
        {q: (positionless(b.value), b.annotation, b.depends) for q, (_, b) in bindings.items()},
        aliases, factories, classes, {q: cls.bases for q, (_, cls) in classes.items()})


def _changed(before: dict, after: dict) -> list[str]:
    return [name for name in before.keys() | after.keys() if before.get(name) != after.get(name)]


def table_patch(previous: Tables, references: References | None,
                pairs: list[tuple[FileFacts, FileFacts]]) -> TablePatch | None:
    """The patch that makes `previous`'s tables those of the project after an edit of these
    files (old, new), whose interfaces differ in top-level names alone; None when another
    name's resolution could read a changed one (the tables are then built again)."""
    if references is None:
        return None
    patch = TablePatch()
    names: set[str] = set()
    members: set[str] = set()  # those of names defined in a class
    own: list[tuple[FileFacts, set[str]]] = []  # each changed file, with the names it changed
    for old, new in pairs:
        changed_before = set(names)
        before, after = _entries(old), _entries(new)
        classes = tuple(f"{cls.qualname}." for cls in new.classes)
        for name in _changed(before.signatures, after.signatures):
            patch.functions[name] = after.functions.get(name)
            names.add(name)
        for name in _changed(before.values, after.values):
            patch.bindings[name] = after.bindings.get(name)
            names.add(name)
        for name in _changed(before.aliases, after.aliases):
            patch.aliases[name] = after.aliases.get(name)
            names.add(name[:-2] if name.endswith("()") else name)
        for name in before.factories ^ after.factories:
            patch.factories[name] = name in after.factories
        for name in _changed(before.bases, after.bases):
            patch.classes[name] = after.classes.get(name)
            names.add(name)
        members.update(name for name in names if name.startswith(classes))
        own.append((new, names - changed_before))
    # What the changed files wrote, old and new (read before the new facts are counted).
    written = {text for old, new in pairs for facts in (old, new) for text in references.strings(facts)}
    # A file's own mentions of its names are looked up again (`forget`), not another's.
    if not _owned_by(previous, patch, pairs) \
            or any(references.mention(changed, besides=[new]) for new, changed in own if changed):
        return None
    attributes = _attributes(members, pairs, set(patch.classes))
    if attributes is None or any(_named_elsewhere(references, attribute, members, pairs) for attribute in attributes):
        return None
    # An alias leads to a name only from what a file wrote (counted above: an import names
    # its target, a binding its value) or from a module's other name.
    if any_mentions(previous.module_aliases.values(), names):
        return None
    # What was looked up for them, or for what the files themselves wrote of them (their
    # old facts: `second.get` when `second` is taken out), is forgotten.
    patch.forget = tuple(sorted(_spelled(names, written) | _naming(attributes, written)))
    return patch


# Members the analyses look up by their name alone (`Class.__init__` for `Class()`, a
# middleware's `dispatch`), which no file needs to write.
_LOOKED_UP = frozenset({"dispatch"})


def _attributes(members: set[str], pairs: list[tuple[FileFacts, FileFacts]],
                changed_classes: set[str]) -> set[str] | None:
    """The attribute names of the changed class members (`get` for `app.repo.Repo.get`);
    None when one is looked up by name alone (a dunder, `dispatch`). The members of a class
    typed or changed are left out: nothing names that class (see `table_patch`), so nothing
    looks them up."""
    classes = sorted({f"{cls.qualname}." for _, new in pairs for cls in new.classes}, key=len, reverse=True)
    found = set()
    for name in members:
        owner = next(prefix for prefix in classes if name.startswith(prefix))
        if owner[:-1] in changed_classes:
            continue
        attribute = name[len(owner):].split(".", 1)[0].split("(", 1)[0]
        if attribute.startswith("__") or attribute in _LOOKED_UP:
            return None
        found.add(attribute)
    return found


def _named_elsewhere(references: References, attribute: str, members: set[str],
                     pairs: list[tuple[FileFacts, FileFacts]]) -> bool:
    """Whether a file names a changed member's attribute (`repo.get`, `Sub.get`, `self.get()`)
    other than where the members are defined: a lookup through an instance or a subclass
    could read it without its qualname."""
    written = references.naming_attribute(attribute)
    if not written:
        return False
    inside = tuple(f"{member}." for member in members)
    for _, new in pairs:
        defining = [record for records in (new.functions, new.bindings) for record in records
                    if record.qualname in members or record.qualname.startswith(inside)]
        written.subtract(record_strings(tuple(defining)))
    return any(count > 0 for count in written.values())


def _naming(attributes: set[str], written: Iterable[str]) -> set[str]:
    """Each string written that names one of `attributes`, and its prefixes down to it."""
    found: set[str] = set()
    for text in written:
        for attribute in attributes:
            if names_attribute(text, attribute):
                found.update(_prefixes(text, lambda prefix: names_attribute(prefix, attribute)))
    return found


def _spelled(names: set[str], written: Iterable[str]) -> set[str]:
    """`names`, `name()`, and each string written (and its prefix) that starts with a name."""
    found = names | {f"{name}()" for name in names}
    for text in written:
        for name in names:
            if mentions_name(text, name):
                found.update(_prefixes(text, lambda prefix: len(prefix) > len(name)))
                break
    return found


def _prefixes(text: str, keep: Callable[[str], bool]) -> Iterator[str]:
    """`text` and its prefixes that end before a `.` or `(` (`a.b().c`, `a.b()`, `a.b`…),
    longest first, while `keep` accepts them."""
    end = len(text)
    while end > 0 and keep(text[:end]):
        yield text[:end]
        end = max(text.rfind(".", 0, end), text.rfind("(", 0, end))


def _owned_by(previous: Tables, patch: TablePatch, pairs: list[tuple[FileFacts, FileFacts]]) -> bool:
    """Whether every changed name is one only these files define (no module, no class, no
    definition elsewhere)."""
    paths = {new.path for _, new in pairs}
    for name in patch.functions:
        ref = previous.functions.get(name)
        if ref is not None and ref.facts.path not in paths or name in previous.bindings:
            return False
    for name in patch.bindings:
        found = previous.bindings.get(name)
        if found is not None and found[0].path not in paths or name in previous.functions:
            return False
    for name in (*patch.functions, *patch.bindings, *patch.aliases):
        if name in previous.classes or name in previous.modules:
            return False
    for name in patch.classes:
        found_class = previous.classes.get(name)
        if found_class is not None and found_class[0].path not in paths or name in previous.modules \
                or name in previous.functions or name in previous.bindings:
            return False
    for name in patch.aliases:
        if name not in patch.functions and name not in patch.bindings and not name.endswith("()") \
                and (name in previous.functions or name in previous.bindings):
            return False
    return True


__all__ = ["TablePatch", "table_patch"]
