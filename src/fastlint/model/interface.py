"""A file's cross-module interface: what of its facts other modules' name resolution reads.

Its names, classes with their bases, bindings with their values (so `binding_value` and
`string_value` answer the same), functions with what they return, and imports.

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

Imports only `fastlint.facts.records`.
"""

from __future__ import annotations

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
        tuple((i.in_function, i.name, i.bound, i.target) for i in facts.imports),
    )


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
