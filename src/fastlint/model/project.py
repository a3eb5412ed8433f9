"""The project join: every file's facts put together, and names resolved across modules.

`Project` answers the questions no single file can: what a symbol imported from another
module is bound to, which class a value is an instance of, which project function a call
reaches. The FastAPI model (apps, routers, routes) lives in `fastlint.fastapi_model` and the
call graph in `fastlint.callgraph`; both are built lazily from this object.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar

from fastlint.facts.catalog import CLASS_ALIASES
from fastlint.facts.records import BindingFact, CallFact, ClassFact, FileFacts, FunctionFact, ImportFact, Val
from fastlint.files.source import SourceError, SourceFile, read_source
from fastlint.model.interface import bound_symbol, lambda_product, resolution_interface

from fastlint.files.layout import ProjectLayout
from fastlint.model.scope import ApplicationScope, ScopeConfig

if TYPE_CHECKING:
    from fastlint.model.callgraph import CallGraph
    from fastlint.model.fastapi_model import FastAPIModel
    from fastlint.model.per_request import PerRequest

T = TypeVar("T")
_MAX_STEPS = 12
_SOURCES_KEPT = 32
_FIELD_FUNCTIONS = frozenset({"pydantic.Field", "pydantic.fields.Field", "sqlmodel.Field"})
_PROPERTIES = frozenset({"property", "functools.cached_property"})


@dataclass(frozen=True, slots=True)
class FunctionRef:
    """A function together with the file it is defined in."""

    facts: FileFacts
    function: FunctionFact

    @property
    def qualname(self) -> str:
        return self.function.qualname


def _read_from_disk(path: str) -> SourceFile | None:
    try:
        return read_source(path)
    except SourceError:
        return None


def _previous_boundary(symbol: str, end: int) -> int:
    """The end of the next shorter prefix of a symbol: `a.b().c` → `a.b()` → `a.b` → `a`."""
    if symbol.endswith("()", 0, end):
        return end - 2
    dot = symbol.rfind(".", 0, end)
    call_end = symbol.rfind(")", 0, end) + 1  # 0 when there is none
    return max(dot, call_end, 0)


def _changed_files(previous: "Project",
                   files: list[FileFacts]) -> list[tuple[FileFacts, FileFacts]] | None:
    """The files whose facts differ from `previous`'s (a new object), as (old, new), when the
    paths are the same and every changed file kept its interface; else None."""
    if len(files) != len(previous.files):
        return None
    changed = []
    for old, new in zip(previous.files, files):
        if old is new:
            continue
        if old.path != new.path or resolution_interface(old) != resolution_interface(new):
            return None
        changed.append((old, new))
    return changed


class Project:
    """All file facts of one project, joined; lazily builds the FastAPI model and call graph."""

    def __init__(
        self,
        files: Iterable[FileFacts],
        source_reader: "Callable[[str], SourceFile | None] | None" = None,
        previous: "Project | None" = None,
    ) -> None:
        """Join the files; with `previous` (the project before an edit), its resolution
        tables and memos are kept when no file's interface changed (see fastlint.interface)."""
        self._source_reader = source_reader or _read_from_disk
        # The project root, when known (set by the engine): messages name files relative to it.
        self.root: str | None = None
        # What the non-Python files say (alembic.ini, nested pyproject.toml, the FastAPI pin)
        # and the [tool.fastlint.scope] table: set by the engine, read by `scope`.
        self.layout = ProjectLayout()
        self.scope_config = ScopeConfig()
        # The few most recent files a rule read (rules go file by file): keeping every
        # file's text until the end costs tens of MB on a large project.
        self._sources: OrderedDict[str, SourceFile | None] = OrderedDict()
        self._source_reads = 0
        self.files: list[FileFacts] = sorted(files, key=lambda f: f.path)
        changed = _changed_files(previous, self.files) if previous is not None else None
        # The project this one was updated from, and its files that changed (old, new): the
        # call graph is then updated from the previous one (read once, then let go).
        self._updated_from: "tuple[Project, list[tuple[FileFacts, FileFacts]]] | None" = None
        if previous is not None and changed is not None:
            self._reuse_tables(previous, [new for _, new in changed])
            self._updated_from = (previous, changed)
            previous._updated_from = None  # no chain of every project since the first
        else:
            self._build_tables()

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
        self._file_memos: dict[tuple[object, str], tuple[FileFacts, object]] = {}
        self._table_memos: dict[object, object] = {}
        # Names bound to a lambda that builds something (`self.get_client = lambda: ...`).
        self.stored_factories: set[str] = set()
        for facts in self.files:
            self.modules.setdefault(facts.module, facts)
            if facts.alt_module and facts.alt_module != facts.module:
                self.module_aliases.setdefault(facts.alt_module, facts.module)
            for function in facts.functions:
                self.functions.setdefault(function.qualname, FunctionRef(facts, function))
            for cls in facts.classes:
                self.classes.setdefault(cls.qualname, (facts, cls))
            for binding in facts.bindings:
                self.bindings[binding.qualname] = (facts, binding)
                target = bound_symbol(binding.value)
                if target is not None and target != binding.qualname:
                    self.aliases[binding.qualname] = target
            for imported in facts.imports:
                if imported.in_function or imported.name == "*":
                    continue
                bound = f"{facts.module}.{imported.bound}"
                if bound != imported.target and bound not in self.aliases:
                    self.aliases[bound] = imported.target
        for qualname, ref in self.functions.items():
            function = ref.function
            # A project function called for its value: `get_settings()` → its return type,
            # or what it returns when it has no annotation (a generator: what it yields).
            if function.returns is not None and not function.is_async:
                self.aliases.setdefault(f"{qualname}()", f"{function.returns}()")
            elif function.returned is not None and (not function.is_async or function.yields):
                self.aliases.setdefault(f"{qualname}()", function.returned)
            if any(decorator.symbol in _PROPERTIES for decorator in function.decorators):
                self.aliases.setdefault(qualname, f"{qualname}()")  # reading it calls it
        for qualname, (_, binding) in self.bindings.items():
            product = lambda_product(binding.value)
            if product is not None:
                # `self.get_client = lambda: AsyncOpenAI()`: calling it builds the client.
                self.aliases.setdefault(f"{qualname}()", product)
                self.stored_factories.add(qualname)

    def _reuse_tables(self, previous: "Project", changed: list[FileFacts]) -> None:
        """The tables of `previous`, whose files had the same interfaces, with the changed
        files' facts put in place of the old ones (the memos hold only names: kept whole)."""
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
        self._table_memos = previous._table_memos
        self.stored_factories = previous.stored_factories
        if "_every_alias" in previous.__dict__:
            self.__dict__["_every_alias"] = previous.__dict__["_every_alias"]
        for facts in changed:
            path = facts.path
            if self.modules[facts.module].path == path:
                self.modules[facts.module] = facts
            for function in facts.functions:
                if self.functions[function.qualname].facts.path == path:
                    self.functions[function.qualname] = FunctionRef(facts, function)
            for cls in facts.classes:
                if self.classes[cls.qualname][0].path == path:
                    self.classes[cls.qualname] = (facts, cls)
            for binding in facts.bindings:
                if self.bindings[binding.qualname][0].path == path:
                    self.bindings[binding.qualname] = (facts, binding)

    # ------------------------------------------------------------------ files
    def source(self, path: str) -> "SourceFile | None":
        """The text of a file, for rules that build fixes (read lazily, once)."""
        sources = self._sources
        if path in sources:
            sources.move_to_end(path)
            return sources[path]
        self._source_reads += 1
        source = sources[path] = self._source_reader(path)
        if len(sources) > _SOURCES_KEPT:
            sources.popitem(last=False)
        return source

    def file_memo(self, key: object, facts: FileFacts, compute: "Callable[[], T]") -> "T":
        """`compute()` for one file, kept across joins while every file keeps its interface.

        `compute` may read `facts` and what the interfaces decide (names, classes, bindings
        and their values as `canonical`, `function_target`, `binding_value` answer), never
        another file's facts or positions; a result built from a file's text is not kept.
        """
        memo = self._file_memos
        entry = memo.get((key, facts.path))
        if entry is not None and entry[0] is facts:
            return entry[1]  # type: ignore[return-value]
        reads = self._source_reads
        value = compute()
        if self._source_reads == reads:
            memo[(key, facts.path)] = (facts, value)
        return value

    def table_memo(self, key: object, compute: "Callable[[], T]") -> "T":
        """`compute()`, kept across joins while every file keeps its interface: it may read
        only what the interfaces decide (see `file_memo`)."""
        memo = self._table_memos
        if key not in memo:
            memo[key] = compute()
        return memo[key]  # type: ignore[return-value]

    def relative_path(self, path: str) -> str:
        """A file's path relative to the project root (`app/services/report.py`), for messages:
        unlike the display path, it does not depend on the working directory."""
        if self.root is None:
            return path
        key = ("relative path", self.root, path, "" if os.path.isabs(path) else os.getcwd())
        found = self._table_memos.get(key)
        if found is None:
            relative = os.path.relpath(os.path.abspath(path), self.root)
            found = self._table_memos[key] = path if relative.startswith("..") else relative.replace(os.sep, "/")
        return found  # type: ignore[return-value]

    def function_of(self, facts: FileFacts, call: CallFact) -> FunctionFact | None:
        """The function a call is made in (the innermost `def`), or None at module level."""
        return facts.functions[call.function] if call.function >= 0 else None

    # ------------------------------------------------------------------ names
    @cached_property
    def _every_alias(self) -> dict[str, str]:
        """One table for the hot path: the project's bindings win over library class
        aliases, which win over root-relative module names."""
        return {**self.module_aliases, **CLASS_ALIASES, **self.aliases}

    def is_class(self, symbol: str) -> bool:
        if symbol in self.classes:
            return True
        if symbol in self.functions or symbol in self.bindings or symbol in self.aliases:
            return False
        last = symbol.rsplit(".", 1)[-1]
        return bool(last) and last[0].isupper()

    def canonical(self, symbol: str) -> str:
        """Resolve a symbol through project bindings, re-exports and class instances.

        `app.db.SessionLocal().execute` → `sqlalchemy.orm.Session.execute`.
        """
        cached = self._canonical.get(symbol)
        if cached is not None:
            return cached
        result = symbol
        for _ in range(_MAX_STEPS):
            replaced = self._replace_alias(result)
            if replaced is None:
                replaced = self._strip_instance(result)
            if replaced is None:
                replaced = self._inherited(result)
            if replaced is None:
                break
            result = replaced
        if len(self._canonical) < 500_000:
            self._canonical[symbol] = result
        return result

    def _replace_alias(self, symbol: str) -> str | None:
        """Replace the longest prefix bound in the project (or a library class alias)."""
        every_alias = self._every_alias
        end = len(symbol)
        while end > 0:
            prefix = symbol[:end]
            target = every_alias.get(prefix)
            if target is not None and target != prefix:
                return target + symbol[end:]
            end = _previous_boundary(symbol, end)
        return None

    def _strip_instance(self, symbol: str) -> str | None:
        """`pkg.Cls().attr` → `pkg.Cls.attr`: an instance is written as its class."""
        index = symbol.find("()")
        while index > 0:
            if symbol[index - 1] != ")" and self.is_class(symbol[:index]):
                return symbol[:index] + symbol[index + 2:]
            index = symbol.find("()", index + 2)
        return None

    def _inherited(self, symbol: str) -> str | None:
        """`pkg.Sub.db` → `pkg.Base.db`: an attribute or method a project class gets from a
        base class (a project base, else the first library base: `MySession.execute` →
        `sqlalchemy.orm.Session.execute`)."""
        classes = self.classes
        dot = symbol.find(".")
        while dot > 0:
            owner = symbol[:dot]
            if owner in classes:
                end = dot + 1
                while end < len(symbol) and symbol[end] not in ".(":
                    end += 1
                name = symbol[dot + 1:end]
                if name and not self._defines(owner, name):
                    for candidate in self.class_lineage(owner):
                        if candidate == owner:
                            continue
                        if candidate not in classes or self._defines(candidate, name):
                            return f"{candidate}.{name}{symbol[end:]}"
                return None
            dot = symbol.find(".", dot + 1)
        return None

    def _defines(self, class_qualname: str, name: str) -> bool:
        attribute = f"{class_qualname}.{name}"
        return attribute in self.functions or attribute in self.bindings or attribute in self.classes

    def binding_value(self, symbol: str) -> tuple[FileFacts, Val] | None:
        """The value a module- or class-level name is bound to, following aliases.

        `settings.API_V1_STR`, where `settings = Settings()`, finds the class field's default.
        """
        seen: set[str] = set()
        last: tuple[FileFacts, Val] | None = None
        for _ in range(_MAX_STEPS):
            symbol = self.real_module_name(symbol)
            if symbol in seen:
                return last
            seen.add(symbol)
            found = self.bindings.get(symbol)
            if found is not None:
                facts, binding = found
                last = (facts, binding.value)
                target = binding.value.value
                if binding.value.kind == "ref" and isinstance(target, str) and "()" not in target:
                    symbol = target  # a name bound to another name
                    continue
                return last
            alias = self.aliases.get(symbol)
            if alias is not None and "()" not in alias:
                symbol = alias
                continue
            if "." not in symbol:
                return last
            base, attr = symbol.rsplit(".", 1)
            for candidate in self.class_lineage(self.canonical(base)):
                key = f"{candidate}.{attr}"
                if key in self.bindings and key not in seen:
                    symbol = key
                    break
            else:
                return last
        return last

    def real_module_name(self, symbol: str) -> str:
        """Rewrite a symbol imported under a file's root-relative module name."""
        if not self.module_aliases:
            return symbol
        parts = symbol.split(".")
        for end in range(len(parts), 0, -1):
            target = self.module_aliases.get(".".join(parts[:end]))
            if target is not None:
                return ".".join([target, *parts[end:]])
        return symbol

    def canonical_binding(self, symbol: str) -> str:
        """Follow import aliases to the name's own binding (`SessionDep` → `app.deps.SessionDep`)."""
        for _ in range(_MAX_STEPS):
            symbol = self.real_module_name(symbol)
            if symbol in self.bindings:
                return symbol
            alias = self.aliases.get(symbol)
            if alias is None or "()" in alias:
                return symbol
            symbol = alias
        return symbol

    def string_value(self, value: Val | None, depth: int = 0) -> str | None:
        """The string an expression always evaluates to, or None when it is not static."""
        if value is None or depth > _MAX_STEPS:
            return None
        if value.kind == "const":
            return value.value if isinstance(value.value, str) else None
        if value.kind == "fstr":
            parts = []
            for part in value.value:  # type: ignore[union-attr]
                text = self.string_value(part, depth + 1)
                if text is None:
                    return None
                parts.append(text)
            return "".join(parts)
        if value.kind == "ref" and isinstance(value.value, str):
            found = self.binding_value(value.value)
            if found is not None:
                return self.string_value(found[1], depth + 1)
        if value.kind == "call":
            return self.string_value(self.field_default(value), depth + 1)
        return None

    def field_default(self, value: Val) -> Val | None:
        """The default of a settings or model field written `Field("x")` / `Field(default="x")`."""
        if not isinstance(value.value, str) or self.canonical(value.value) not in _FIELD_FUNCTIONS:
            return None
        return value.kwarg("default") or (value.args[0] if value.args else None)

    def resolve_value(self, value: Val | None, depth: int = 0) -> Val | None:
        """Follow refs to module constants and settings defaults; other values as they are."""
        if value is None or depth > _MAX_STEPS:
            return value
        if value.kind == "ref" and isinstance(value.value, str):
            found = self.binding_value(value.value)
            if found is not None:
                return self.resolve_value(found[1], depth + 1)
        if value.kind == "call":
            default = self.field_default(value)
            if default is not None:
                return self.resolve_value(default, depth + 1)
        return value

    def class_lineage(self, qualname: str) -> tuple[str, ...]:
        """The class and its project base classes, nearest first (each once)."""
        lineage = self._lineages.get(qualname)
        if lineage is not None:
            return lineage
        if qualname not in self.classes:
            return (qualname,)
        seen: dict[str, None] = {}
        queue = [qualname]
        while queue:
            current = queue.pop(0)
            if current in seen:
                continue
            seen[current] = None
            found = self.classes.get(current)
            if found is not None:
                queue.extend(self.canonical(base) for base in found[1].bases)
        lineage = self._lineages[qualname] = tuple(seen)
        return lineage

    def is_subclass(self, qualname: str, bases: frozenset[str]) -> bool:
        return any(candidate in bases for candidate in self.class_lineage(qualname))

    def method(self, class_qualname: str, name: str) -> FunctionRef | None:
        for candidate in self.class_lineage(class_qualname):
            found = self.functions.get(f"{candidate}.{name}")
            if found is not None:
                return found
        return None

    def function_target(self, symbol: str | None) -> FunctionRef | None:
        """The project function a callee symbol reaches (a class call runs its `__init__`)."""
        if symbol is None:
            return None
        targets = self._targets
        if symbol in targets:
            qualname = targets[symbol]
            return self.functions[qualname] if qualname is not None else None
        found = self._function_target(self.canonical(symbol))
        targets[symbol] = found.qualname if found is not None else None
        return found

    def _function_target(self, canonical: str) -> FunctionRef | None:
        found = self.functions.get(canonical)
        if found is not None:
            return found
        if canonical in self.classes:
            return self.method(canonical, "__init__")
        if "." in canonical:
            owner, name = canonical.rsplit(".", 1)
            if owner in self.classes:
                return self.method(owner, name)
        return None

    def imported_module(self, imported: ImportFact) -> str | None:
        """The project module an import refers to (`from app import crud` → `app.crud`,
        `from app.crud import get_user` → `app.crud`), or None for a library."""
        if imported.unresolved:
            return None
        target = imported.module if imported.name in (None, "*") else f"{imported.module}.{imported.name}"
        target = self.real_module_name(target)
        while target:
            if target in self.modules:
                return target
            if "." not in target:
                return None
            target = target.rsplit(".", 1)[0]
        return None

    @cached_property
    def import_graph(self) -> dict[str, frozenset[str]]:
        """Module → the project modules it imports."""
        graph: dict[str, frozenset[str]] = {}
        for facts in self.files:
            graph[facts.module] = self.file_memo("imports", facts, lambda: self._imported_modules(facts))
        return graph

    def _imported_modules(self, facts: FileFacts) -> frozenset[str]:
        found = {self.imported_module(imported) for imported in facts.imports}
        return frozenset(m for m in found if m is not None and m != facts.module)
    @cached_property
    def fastapi(self) -> "FastAPIModel":
        from fastlint.model.fastapi_model import FastAPIModel

        return FastAPIModel(self)

    @cached_property
    def scope(self) -> ApplicationScope:
        """Every module's application scope: `project.scope.is_application(facts)`."""
        return ApplicationScope(self, self.layout, self.scope_config)

    @cached_property
    def per_request(self) -> "PerRequest":
        from fastlint.model.per_request import PerRequest

        return PerRequest(self)

    @cached_property
    def callgraph(self) -> "CallGraph":
        from fastlint.model.callgraph import CallGraph

        previous, changed = self._updated_from or (None, None)
        self._updated_from = None
        graph = previous.__dict__.get("callgraph") if previous is not None else None
        return CallGraph(self, graph, changed)

    def calls(self) -> Iterator[tuple[FileFacts, CallFact]]:
        for facts in self.files:
            for call in facts.calls:
                yield facts, call
