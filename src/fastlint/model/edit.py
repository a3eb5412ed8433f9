"""The edit a project was made after, as the analyses kept across it read it.

An editor's project is made from the one before each edit (see `Project(previous=...)`).
When the changed files' facts differ only in their calls — and in their imports, or in
definitions typed or taken out in one place, when nothing else reads the names those bind
(see `fastlint.model.interface.calls_edit`) — an analysis computed before the edit may still
hold (`Project.carried_memo`). `Edit` tells it which calls were replaced, where the kept
ones went, and which definitions changed; `calls_edits` finds them.

Imports `fastlint.facts`, `fastlint.model.interface`, `fastlint.model.references` and
`fastlint.model.table_patch`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from fastlint.facts.records import CallFact, FileFacts
from fastlint.model.interface import CallsEdit, calls_edit, positionless_facts
from fastlint.model.references import References, any_mentions, record_strings
from fastlint.model.table_patch import TablePatch

# A file's path → its facts and their positionless form (see `positionless_facts`).
Forms = dict[str, tuple[FileFacts, tuple]]


@dataclass(frozen=True)
class Edit:
    """The files whose calls an edit changed: their old facts, their new, and how."""

    files: tuple[tuple[FileFacts, FileFacts, CallsEdit], ...] = ()

    def by_path(self) -> dict[str, CallsEdit]:
        return {new.path: edit for _, new, edit in self.files}

    def calls(self) -> Iterator[tuple[FileFacts, CallFact]]:
        """The calls the edit took out (with the old facts of their file) and put in (with
        the new): every call a kept analysis must not read."""
        for old, new, edit in self.files:
            for call in edit.removed(old):
                yield old, call
            for call in edit.added(new):
                yield new, call

    def functions_gone(self) -> frozenset[str]:
        """The functions the edit took out or renamed: a kept analysis that names one (the
        coroutine a finding is in, the factory that builds an app) is not kept."""
        gone: set[str] = set()
        for old, new, edit in self.files:
            run = edit.functions
            gone.update(function.qualname for function in run.removed_of(old.functions))
            gone.difference_update(function.qualname for function in run.added_of(new.functions))
        return frozenset(gone)

    def definitions_kept(self, read: Callable[[FileFacts], object]) -> bool:
        """Whether each file whose definitions the edit changed gives the same `read` before
        and after: what an analysis reads of definitions besides their names (which nothing
        else mentions)."""
        return all(read(old) == read(new) for old, new, edit in self.files if edit.definitions_changed)


def calls_edits(changed: list[tuple[FileFacts, FileFacts]], rebound: set[str],
                patch: TablePatch | None, references: References | None,
                forms_before: Forms, forms: Forms) -> dict[str, CallsEdit] | None:
    """How the calls of each changed file (old, new) changed, for the files whose
    positionless facts differ only in their calls (and, for the `rebound` files, whose
    tables `patch` patched, in their module-level imports and in definitions typed or taken
    out in one place, which the file itself does not mention either; empty when every file
    only moved); None when another fact changed. `forms` gets the new files' positionless
    facts (the next edit compares with them, as this one with `forms_before`)."""
    edits: dict[str, CallsEdit] = {}
    for old, new in changed:
        form = positionless_facts(new)
        forms[new.path] = (new, form)
        kept = forms_before.get(old.path)
        old_form = kept[1] if kept is not None and kept[0] is old else positionless_facts(old)
        if form == old_form:
            continue
        edit = calls_edit(old_form, form, module_names=new.path in rebound)
        if edit is None or edit.definitions_changed and (
                patch is None or references is None or _mentions_own_definitions(references, new, edit, patch)):
            return None
        edits[new.path] = edit
    return edits


def _mentions_own_definitions(references: References, new: FileFacts, edit: CallsEdit,
                              patch: TablePatch) -> bool:
    """Whether a file mentions a function or binding its edit typed or took out elsewhere
    than in those: what its other records resolve to would then change (the other files'
    mentions were counted by `table_patch`)."""
    names = [*patch.functions, *patch.bindings]
    if not names:
        return False
    strings = Counter(references.strings(new))
    strings.subtract(record_strings(edit.functions.added_of(new.functions)))
    strings.subtract(record_strings(edit.bindings.added_of(new.bindings)))
    return any_mentions((text for text, count in strings.items() if count > 0), names)


__all__ = ["Edit", "calls_edits"]
