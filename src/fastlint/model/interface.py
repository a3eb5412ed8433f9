"""A file's cross-module interface: what of its facts other modules' name resolution reads.

Its names, classes with their bases, bindings with their values (so `binding_value` and
`string_value` answer the same), functions with what they return, and the imports that bind
a name of the module (not those inside functions: the tables do not hold them).

The project's resolution tables (`Project.functions/classes/bindings/aliases/...`) and every
answer memoised from them (`canonical`, `function_target`, `class_lineage`) are a function
of these interfaces alone, in path order. So when an edit leaves a file's interface as it
was — a statement added inside a function, a line moved, a comment — the tables and memos
of the project before the edit are still right, and only the references to the file's facts
need to be replaced (see `Project(previous=...)`). Positions are not part of an interface.

A file's `positionless_facts` go further: everything of its facts but where things are
written and how big the functions are. An edit that leaves them as they were (a line
inserted or deleted, a statement without a call added to a function) moves what the file
declares and calls without changing any of it, so every project analysis that reads no
position gives the same answer (see `Project.carried_memo`).

When only the calls differ — one run of calls replaced by another, as typing a statement in a
function does — `calls_edit` tells which (a `CallsEdit`): an analysis that does not read those
calls is still right, once the indexes of the calls after them are shifted. So it is when
definitions nothing else reads were typed, renamed or taken out in one place (a `Run` of
functions, classes or bindings), or a decorator's arguments retyped, if the analysis reads
what changed of them again (see `fastlint.model.edit`).

Imports only `fastlint.facts.records`.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastlint.facts.records import (
    BindingFact, CallFact, ClassFact, FileFacts, FunctionFact, ImportFact, Val,
)

_NEW_TYPE = frozenset({"typing.NewType", "typing_extensions.NewType"})


def bound_symbol(value: Val) -> str | None:
    """The symbol a binding makes its name stand for; `NewType("Db", Session)` is `Session`."""
    if value.kind == "call" and value.value in _NEW_TYPE and len(value.args) == 2:
        return value.args[1].symbol
    return value.symbol


def lambda_product(value: Val) -> str | None:
    """What calling a name bound to a lambda builds (`lambda: AsyncOpenAI()`), or None."""
    if value.kind == "lambda" and isinstance(value.value, Val) and value.value.symbol:
        return value.value.symbol
    return None


def positionless(value: Val) -> Val:
    """The value with every span dropped: what it is, not where it is written."""
    kind, inner, _, args, kwargs, receiver = value
    return Val(kind, _without_spans(inner) if isinstance(inner, tuple) else inner, None,
               tuple(map(_without_spans, args)) if args else args,
               tuple(map(_without_spans, kwargs)) if kwargs else kwargs,
               positionless(receiver) if receiver is not None else None)


def _without_spans(item: object) -> object:
    if isinstance(item, Val):
        return positionless(item)
    if isinstance(item, tuple):
        return tuple(map(_without_spans, item))
    return item


def resolution_interface(facts: FileFacts) -> tuple:
    """Everything of a file that the project's resolution tables are built from."""
    return (
        facts.module,
        facts.alt_module,
        tuple((f.qualname, f.returns, f.returned, f.is_async, f.yields,
               tuple(decorator.symbol for decorator in f.decorators)) for f in facts.functions),
        tuple((c.qualname, c.bases) for c in facts.classes),
        tuple((b.qualname, positionless(b.value), b.annotation, b.depends) for b in facts.bindings),
        tuple((i.name, i.bound, i.target) for i in facts.imports if binds_module_name(i)),
    )


def class_signature(facts: FileFacts) -> tuple:
    """A file's classes as the analyses that read every class see them: names, bases and
    decorators (ORM models, data classes, middleware)."""
    return tuple((cls.qualname, cls.bases, tuple(positionless(d) for d in cls.decorators))
                 for cls in facts.classes)


def only_names_differ(old: FileFacts, new: FileFacts) -> bool:
    """Whether two interfaces of a file differ in the functions, classes, bindings and
    imports of its module alone (its name the same)."""
    return resolution_interface(old)[:2] == resolution_interface(new)[:2]


def binds_module_name(imported: ImportFact) -> bool:
    """Whether an import binds a name of its module that other modules can import from it
    (not one inside a function, nor a `*`): what the resolution tables hold."""
    return not imported.in_function and imported.name != "*"


# The fields of each record that say where it is written, or how big a function is.
_POSITIONS = {
    FunctionFact: frozenset({"span", "def_span", "first_yield", "statements", "branches",
                             "loops", "logic"}),
    CallFact: frozenset({"span", "func_end", "stmt_row"}),
    ImportFact: frozenset({"span"}),
    BindingFact: frozenset({"span"}),
    ClassFact: frozenset({"span"}),
}
# Of each record type, the indexes of the fields that are kept.
_KEPT = {kind: tuple(i for i, name in enumerate(kind._fields) if name not in dropped)
         for kind, dropped in _POSITIONS.items()}


def _records_without_positions(records: tuple) -> tuple:
    if not records:
        return records
    kept = _KEPT[type(records[0])]
    return tuple(tuple(_without_spans(record[i]) for i in kept) for record in records)


def positionless_facts(facts: FileFacts) -> tuple:
    """A file's facts without positions and function sizes (its noqa comments left out too:
    they are read per file, never by a project analysis)."""
    return (
        facts.path, facts.module, facts.alt_module, facts.is_package, facts.is_test,
        facts.defines, facts.import_uses, facts.file_noqa,
        *map(_records_without_positions,
             (facts.imports, facts.functions, facts.classes, facts.calls, facts.bindings)),
    )


# Where the calls are in a file's positionless facts, where its imports are, and where the
# uses of imported names are: no project analysis reads those (the layer rules read them
# when they report); where its definitions are (the names of those at module level, its
# functions and its bindings); the field of a call's positionless record that holds the
# index of its function; and the fields of an import's that tell whether it binds a name of
# the module.
_CALLS = 11
_IMPORTS = 8
_IMPORT_USES = 6
_DEFINES, _FUNCTIONS, _CLASSES, _BINDINGS = 5, 9, 10, 12
_CALL_FUNCTION = _KEPT[CallFact].index(CallFact._fields.index("function"))
_FUNCTION_DECORATORS = _KEPT[FunctionFact].index(FunctionFact._fields.index("decorators"))
_IMPORT_IN_FUNCTION = _KEPT[ImportFact].index(ImportFact._fields.index("in_function"))
_IMPORT_NAME = _KEPT[ImportFact].index(ImportFact._fields.index("name"))


@dataclass(frozen=True, slots=True)
class Run:
    """Records of a file typed, taken out or replaced in one place: from index `at`,
    `removed` old ones gave way to `added` new ones; the others are the same."""

    at: int = 0
    removed: int = 0
    added: int = 0

    def new_index(self, index: int) -> int | None:
        """Where the old record at `index` is in the new records; None for a removed one."""
        if index < self.at:
            return index
        if index < self.at + self.removed:
            return None
        return index - self.removed + self.added

    def added_of(self, records: tuple) -> tuple:
        """The new records among a file's new ones."""
        return records[self.at:self.at + self.added]

    def removed_of(self, records: tuple) -> tuple:
        """The records taken out among a file's old ones."""
        return records[self.at:self.at + self.removed]


_SAME = Run()


@dataclass(frozen=True, slots=True)
class CallsEdit:
    """How the calls of a file changed when nothing else did: its first `kept_before` calls
    and its last `kept_after` are the same calls (moved, perhaps), those between were
    replaced: `old.calls[kept_before:len(old.calls) - kept_after]` by the new ones there.
    Imports may have changed too (`imports_changed`): inside functions, or, when what they
    bind matters to no other name, at module level; the import graph reads them. So may its
    definitions, when nothing reads the names they define: functions, classes or bindings
    typed, taken out or renamed in one place (`definitions_changed`; `functions`, `bindings`: where, and the
    functions after them are then at other indexes, which kept calls tell by theirs). Or
    the arguments of one function's decorators (`functions`: that function, one record
    replaced by another; `definitions_changed` is False: no name changed)."""

    old_count: int
    new_count: int
    kept_before: int
    kept_after: int
    imports_changed: bool = False
    definitions_changed: bool = False
    functions: Run = _SAME
    bindings: Run = _SAME

    def removed(self, old: FileFacts) -> tuple[CallFact, ...]:
        return old.calls[self.kept_before:self.old_count - self.kept_after]

    def added(self, new: FileFacts) -> tuple[CallFact, ...]:
        return new.calls[self.kept_before:self.new_count - self.kept_after]

    def new_index(self, index: int) -> int | None:
        """Where the old call at `index` is in the new calls; None for a replaced one."""
        if index < self.kept_before:
            return index
        if index >= self.old_count - self.kept_after:
            return index + self.new_count - self.old_count
        return None


def calls_edit(old_form: tuple, new_form: tuple, module_names: bool = False) -> CallsEdit | None:
    """Given two `positionless_facts` of a file, how its calls changed, when nothing else
    did but where imported names are used and what is imported inside functions. With
    `module_names` (what the module's names bind was found to matter to no other name, see
    `Project`), its module-level imports may differ too, and its definitions, by a run
    typed, taken out or replaced in one place. Else None."""
    runs: dict[int, Run] = {}
    redecorated = False
    for index, (was, now) in enumerate(zip(old_form, new_form)):
        if was == now or index in (_CALLS, _IMPORT_USES, _IMPORTS):
            continue
        run = _one_run(was, now) if module_names and index in (_DEFINES, _FUNCTIONS, _CLASSES, _BINDINGS) \
            else None
        if run is None and index == _FUNCTIONS:
            run = _redecorated(was, now)
            redecorated = run is not None
        if run is None:
            return None
        runs[index] = run
    imports_changed = old_form[_IMPORTS] != new_form[_IMPORTS]
    if imports_changed and not module_names and _module_imports(old_form) != _module_imports(new_form):
        return None
    functions = runs.get(_FUNCTIONS, _SAME)
    old, new = old_form[_CALLS], new_form[_CALLS]
    if functions.removed != functions.added:  # the kept calls of the functions after it moved
        old = tuple(_in_function(call, functions.new_index(call[_CALL_FUNCTION])) for call in old)
    before, after = _kept_ends(old, new)
    return CallsEdit(len(old), len(new), before, after, imports_changed, bool(runs) and not redecorated,
                     functions, runs.get(_BINDINGS, _SAME))


def _in_function(call: tuple, function: int | None) -> tuple:
    """A call's positionless record with another function index (None: in none kept)."""
    if call[_CALL_FUNCTION] < 0:
        return call
    return (*call[:_CALL_FUNCTION], function, *call[_CALL_FUNCTION + 1:])


def _kept_ends(old: tuple, new: tuple) -> tuple[int, int]:
    """How many records the two start with alike, and then how many they end with alike."""
    shortest = min(len(old), len(new))
    before = 0
    while before < shortest and old[before] == new[before]:
        before += 1
    after = 0
    while after < shortest - before and old[-1 - after] == new[-1 - after]:
        after += 1
    return before, after


def _redecorated(was: tuple, now: tuple) -> Run | None:
    """One function whose decorators' arguments changed (`@router.get("/items")` typed as
    `@router.get("/items/{id}")`), as a run: one record that gave way to another."""
    before, after = _kept_ends(was, now)
    if len(was) != len(now) or before + after != len(was) - 1:
        return None
    old, new = was[before], now[before]
    if old[:_FUNCTION_DECORATORS] != new[:_FUNCTION_DECORATORS] \
            or old[_FUNCTION_DECORATORS + 1:] != new[_FUNCTION_DECORATORS + 1:] \
            or len(old[_FUNCTION_DECORATORS]) != len(new[_FUNCTION_DECORATORS]) \
            or any(a[:2] != b[:2] for a, b in zip(old[_FUNCTION_DECORATORS], new[_FUNCTION_DECORATORS])):
        return None  # more than the arguments of the same decorators changed
    return Run(before, 1, 1)


def _one_run(was: tuple, now: tuple) -> Run:
    """How `now` is `was` with records typed, taken out or replaced in one place."""
    before, after = _kept_ends(was, now)
    return Run(before, len(was) - before - after, len(now) - before - after)


def _module_imports(form: tuple) -> tuple:
    return tuple(record for record in form[_IMPORTS]
                 if not record[_IMPORT_IN_FUNCTION] and record[_IMPORT_NAME] != "*")
