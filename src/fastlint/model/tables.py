"""The project's tables of names, built from every file's facts, and the memos kept with them.

`Tables` holds what each module defines and binds (`modules`, `functions`, `classes`,
`bindings`, `aliases`) and the memos of every answer computed from them alone. The tables
are a function of the files' interfaces (see `fastlint.model.interface`): after an edit that
keeps every interface, a project takes the tables and memos of the project before it
(`_reuse_tables`) instead of building them again.

May import `fastlint.facts` and `fastlint.model.interface`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar

from fastlint.facts.catalog import CLASS_ALIASES
from fastlint.facts.records import BindingFact, ClassFact, FileFacts, FunctionFact
from fastlint.model.interface import binds_module_name, bound_symbol, lambda_product

if TYPE_CHECKING:
    from fastlint.model.table_patch import TablePatch

T = TypeVar("T")
# The keys of table memos that read every top-level function and binding, or every class
# (`table_memo`).
_READS_DEFINITIONS: set[object] = set()
_READS_CLASSES: set[object] = set()
# Of those, the keys whose memo a patch can be applied to (`table_memo(patched=...)`), and how
# many patches a memo nobody asked for waits for before it is let go (each holds the facts
# of the files it patched; the memo is then computed again in full).
_PATCHABLE: set[object] = set()
_MAX_PATCHES = 8
PROPERTIES = frozenset({"property", "functools.cached_property"})  # reading one calls it


# The rules that fill the tables, each once: `Tables._build_tables` applies them to every file
# in path order (the first definition of a name wins, the last binding), and
# `fastlint.model.table_patch` to the files of an edit alone.
def add_definitions(facts: FileFacts, functions: dict, classes: dict, bindings: dict,
                    aliases: dict[str, str]) -> None:
    """Put a file's functions, classes, bindings and what its bindings and module-level
    imports alias in the tables (an import binds a name no binding has)."""
    for function in facts.functions:
        functions.setdefault(function.qualname, FunctionRef(facts, function))
    for cls in facts.classes:
        classes.setdefault(cls.qualname, (facts, cls))
    for binding in facts.bindings:
        bindings[binding.qualname] = (facts, binding)
        target = bound_symbol(binding.value)
        if target is not None and target != binding.qualname:
            aliases[binding.qualname] = target
    for imported in facts.imports:
        if not binds_module_name(imported):
            continue
        bound = f"{facts.module}.{imported.bound}"
        if bound != imported.target and bound not in aliases:
            aliases[bound] = imported.target


def add_derived_aliases(functions: dict, bindings: dict, aliases: dict[str, str],
                        factories: set[str]) -> None:
    """The aliases the tables derive from their functions and bindings, where no other holds
    the name: what calling a function gives, reading a property, calling a stored factory."""
    for qualname, ref in functions.items():
        function = ref.function
        # A project function called for its value: `get_settings()` → its return type,
        # or what it returns when it has no annotation (a generator: what it yields).
        if function.returns is not None and not function.is_async:
            aliases.setdefault(f"{qualname}()", f"{function.returns}()")
        elif function.returned is not None and (not function.is_async or function.yields):
            aliases.setdefault(f"{qualname}()", function.returned)
        if any(decorator.symbol in PROPERTIES for decorator in function.decorators):
            aliases.setdefault(qualname, f"{qualname}()")  # reading it calls it
    for qualname, (_, binding) in bindings.items():
        product = lambda_product(binding.value)
        if product is not None:
            # `self.get_client = lambda: AsyncOpenAI()`: calling it builds the client.
            aliases.setdefault(f"{qualname}()", product)
            factories.add(qualname)


@dataclass(frozen=True, slots=True)
class FunctionRef:
    """A function together with the file it is defined in."""

    facts: FileFacts
    function: FunctionFact

    @property
    def qualname(self) -> str:
        return self.function.qualname


class Tables:
    """What the project's modules define and bind, by qualified name, and memos over it."""

    files: list[FileFacts]  # in path order, set before the tables are built
    _source_reads = 0  # how many file texts were read (a memo built from one is not kept)
    # The table memos that read every definition, as they were before the patches the tables
    # were made with since (in order) and that no project asked for since: `table_memo`
    # applies those patches to them.
    _patched: "dict[object, tuple[tuple[TablePatch, ...], object]]" = {}

    def _build_tables(self) -> None:
        self.modules: dict[str, FileFacts] = {}
        self.functions: dict[str, FunctionRef] = {}
        self.classes: dict[str, tuple[FileFacts, ClassFact]] = {}
        self.bindings: dict[str, tuple[FileFacts, BindingFact]] = {}
        self.aliases: dict[str, str] = {}
        self.module_aliases: dict[str, str] = {}
        # Memos of answers that depend only on the tables (so on the files' interfaces).
        self._canonical: dict[str, str] = {}
        self._targets: dict[str, str | None] = {}
        self._lineages: dict[str, tuple[str, ...]] = {}
        # key → path → what `file_memo` computed from the facts `_memo_facts[path]`.
        self._file_memos: dict[object, dict[str, object]] = {}
        self._memo_facts: dict[str, FileFacts] = {}
        self._table_memos: dict[object, object] = {}
        # Names bound to a lambda that builds something (`self.get_client = lambda: ...`).
        self.stored_factories: set[str] = set()
        for facts in self.files:
            self.modules.setdefault(facts.module, facts)
            if facts.alt_module and facts.alt_module != facts.module:
                self.module_aliases.setdefault(facts.alt_module, facts.module)
            add_definitions(facts, self.functions, self.classes, self.bindings, self.aliases)
        add_derived_aliases(self.functions, self.bindings, self.aliases, self.stored_factories)

    def _reuse_tables(self, previous: "Tables", changed: list[FileFacts],
                      patch: "TablePatch | None" = None) -> None:
        """The tables of `previous`, whose files had the same interfaces, with the changed
        files' facts put in place of the old ones (the memos hold only names: kept whole).

        `patch`: the entries of names the changed files now define or bind differently,
        when no other name's resolution reads them (see `fastlint.model.table_patch`)."""
        self.modules = dict(previous.modules)
        self.functions = dict(previous.functions)
        self.classes = dict(previous.classes)
        self.bindings = dict(previous.bindings)
        self.aliases = previous.aliases
        self.module_aliases = previous.module_aliases
        self._canonical = previous._canonical
        self._targets = previous._targets
        self._lineages = previous._lineages
        self._file_memos = previous._file_memos
        self._memo_facts = previous._memo_facts
        self._table_memos = previous._table_memos
        self.stored_factories = previous.stored_factories
        self._patched = previous._patched
        for derived in ("_every_alias", "_alias_heads"):
            if derived in previous.__dict__:
                self.__dict__[derived] = previous.__dict__[derived]
        if patch is not None:
            self._patch(patch)
        for facts in changed:
            path = facts.path
            if self.modules[facts.module].path == path:
                self.modules[facts.module] = facts
            # The first of two definitions of a name wins, as in a build (a property's getter
            # over its setter); the last binding does.
            placed: set[str] = set()
            for function in facts.functions:
                if function.qualname not in placed and self.functions[function.qualname].facts.path == path:
                    self.functions[function.qualname] = FunctionRef(facts, function)
                placed.add(function.qualname)
            for cls in facts.classes:
                if cls.qualname not in placed and self.classes[cls.qualname][0].path == path:
                    self.classes[cls.qualname] = (facts, cls)
                placed.add(cls.qualname)
            for binding in facts.bindings:
                if self.bindings[binding.qualname][0].path == path:
                    self.bindings[binding.qualname] = (facts, binding)

    def file_memo(self, key: object, facts: FileFacts, compute: "Callable[[], T]") -> "T":
        """`compute()` for one file, kept across joins while every file keeps its interface.

        `compute` may read `facts` and what the interfaces decide (names, classes, bindings
        and their values as `canonical`, `function_target`, `binding_value` answer), never
        another file's facts or positions; a result built from a file's text is not kept.
        """
        path = facts.path
        if self._memo_facts.get(path) is not facts:  # the file changed: forget what it gave
            for values in self._file_memos.values():
                values.pop(path, None)
            self._memo_facts[path] = facts
        values = self._file_memos.get(key)
        if values is None:
            values = self._file_memos[key] = {}
        elif path in values:
            return values[path]  # type: ignore[return-value]
        reads = self._source_reads
        value = compute()
        if self._source_reads == reads:
            values[path] = value
        return value

    def _patch(self, patch: "TablePatch") -> None:
        """Apply a patch to copies of the tables (the tables before it stay as they were)."""
        for table, entries in ((self.functions, patch.functions), (self.bindings, patch.bindings),
                               (self.classes, patch.classes)):
            for name, entry in entries.items():
                if entry is None:
                    table.pop(name, None)  # type: ignore[attr-defined]
                else:
                    table[name] = entry  # type: ignore[index]
        if patch.factories:
            self.stored_factories = set(self.stored_factories)
            for name, stored in patch.factories.items():
                (self.stored_factories.add if stored else self.stored_factories.discard)(name)
        if patch.definitions_changed:
            memos = self._table_memos
            stale = _READS_CLASSES if patch.classes else ()
            self._table_memos = {key: value for key, value in memos.items()
                                 if key not in _READS_DEFINITIONS and key not in stale}
            pending = {key: (patches, value) for key, (patches, value) in self._patched.items()
                       if key not in memos and len(patches) < _MAX_PATCHES}
            pending.update((key, ((), value)) for key, value in memos.items() if key in _PATCHABLE)
            self._patched = {key: (patches + (patch,), value) for key, (patches, value) in pending.items()}
        if patch.aliases:
            self._rebind(patch.aliases)
        self._forget(patch.forget)

    def _forget(self, keys: tuple[str, ...]) -> None:
        """Copies of the memos without what they answered for these names, when they hold
        any: the memos before stay right for the tables before."""
        for attribute in ("_canonical", "_targets", "_lineages"):
            memo = getattr(self, attribute)
            held = [key for key in keys if key in memo]
            if held:
                memo = dict(memo)
                for key in held:
                    del memo[key]
                setattr(self, attribute, memo)

    def _rebind(self, rebound: "dict[str, str | None]") -> None:
        """Patch copies of the alias tables with the names now bound differently."""
        self.aliases = dict(self.aliases)
        for name, target in rebound.items():
            if target is None:
                self.aliases.pop(name, None)
            else:
                self.aliases[name] = target
        every = self.__dict__.get("_every_alias")
        if every is not None:
            every = self.__dict__["_every_alias"] = dict(every)
            for name, target in rebound.items():
                # What the table would hold built anew: the project's bindings win over
                # library class aliases, which win over root-relative module names.
                found = self.aliases.get(name, CLASS_ALIASES.get(name, self.module_aliases.get(name)))
                if found is None:
                    every.pop(name, None)
                else:
                    every[name] = found
        heads = self.__dict__.get("_alias_heads")
        if heads is not None:
            # A head left over from a name no longer bound only makes a lookup go on.
            self.__dict__["_alias_heads"] = heads | {name.partition(".")[0].partition("(")[0]
                                                     for name in rebound}

    def table_memo(self, key: object, compute: "Callable[[], T]", reads_definitions: bool = False,
                   patched: "Callable[[T, TablePatch], T] | None" = None,
                   reads_classes: bool = False) -> "T":
        """`compute()`, kept across joins while every file keeps its interface: it may read
        only what the interfaces decide (see `file_memo`). One that reads the top-level
        functions and bindings of every module (not through names a file mentions) says
        so: after an edit that patches the tables (see `_patch`) it is computed again, or
        `patched` makes it from what it was and each patch since, in order. So does one that
        reads every class: computed again after a patch of classes."""
        if reads_definitions:
            _READS_DEFINITIONS.add(key)
            if patched is not None:
                _PATCHABLE.add(key)
        if reads_classes:
            _READS_CLASSES.add(key)
        memo = self._table_memos
        if key not in memo:
            pending = self._patched.get(key) if patched is not None else None
            if pending is not None:
                patches, value = pending
                for patch in patches:
                    value = patched(value, patch)  # type: ignore[misc]
                memo[key] = value
            else:
                memo[key] = compute()
        return memo[key]  # type: ignore[return-value]

    @cached_property
    def _every_alias(self) -> dict[str, str]:
        """One table for the hot path: the project's bindings win over library class
        aliases, which win over root-relative module names."""
        return {**self.module_aliases, **CLASS_ALIASES, **self.aliases}

    @cached_property
    def _alias_heads(self) -> frozenset[str]:
        """The first name (before any `.` or `(`) of every bound symbol."""
        return frozenset(key.partition(".")[0].partition("(")[0] for key in self._every_alias)
