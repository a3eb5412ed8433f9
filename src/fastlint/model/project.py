"""The project join: every file's facts put together, with what is derived from them.

`Project` is the joined files (in path order), their names resolved across modules (its
base `Names`, over the tables of `Tables`), their text read on demand for fixes, and the
analyses built lazily from them: the call graph, the FastAPI model, the application scope
and per-request reachability. A project built with `previous` (the project before an edit)
takes its tables and memos, and updates its call graph, when no file's interface changed.

May import `fastlint.facts`, `fastlint.files` and the other `fastlint.model` modules (it is
the top of the model: none of them imports it but for annotations).
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from functools import cached_property
from typing import TypeVar

from fastlint.facts.records import CallFact, FileFacts, FunctionFact
from fastlint.files.layout import ProjectLayout
from fastlint.files.source import SourceError, SourceFile, read_source
from fastlint.model.callgraph import CallGraph
from fastlint.model.fastapi_model import FastAPIModel
from fastlint.model.edit import Edit, Forms, calls_edits
from fastlint.model.interface import CallsEdit, only_names_differ, resolution_interface
from fastlint.model.names import Names
from fastlint.model.per_request import PerRequest
from fastlint.model.references import References
from fastlint.model.table_patch import TablePatch, table_patch
from fastlint.model.scope import ApplicationScope, ScopeConfig, definition_inputs, import_inputs
from fastlint.model.scope import reads_call as scope_reads_call
from fastlint.model.tables import FunctionRef

__all__ = ["FunctionRef", "Project"]

_SOURCES_KEPT = 32
T = TypeVar("T")


def _read_from_disk(path: str) -> SourceFile | None:
    try:
        return read_source(path)
    except SourceError:
        return None


def _changed_files(previous: "Project", files: list[FileFacts],
                   ) -> tuple[list[tuple[FileFacts, FileFacts]], set[str]] | None:
    """The files whose facts differ from `previous`'s (a new object), as (old, new), when the
    paths are the same and every changed file kept its interface, or changed only the
    names of its module (the paths of those: the second item); else None."""
    if len(files) != len(previous.files):
        return None
    changed = []
    rebound = set()
    for old, new in zip(previous.files, files):
        if old is new:
            continue
        if old.path != new.path:
            return None
        if resolution_interface(old) != resolution_interface(new):
            if not only_names_differ(old, new):
                return None
            rebound.add(new.path)
        changed.append((old, new))
    return changed, rebound


class Project(Names):
    """All file facts of one project, joined; lazily builds the FastAPI model and call graph."""

    def __init__(
        self,
        files: Iterable[FileFacts],
        source_reader: "Callable[[str], SourceFile | None] | None" = None,
        previous: "Project | None" = None,
    ) -> None:
        """Join the files; with `previous` (the project before an edit), its resolution
        tables and memos are kept when no file's interface changed (see fastlint.model.interface)."""
        self._source_reader = source_reader or _read_from_disk
        # The project root, when known (set by the engine): messages name files relative to it.
        self.root: str | None = None
        # What the non-Python files say (alembic.ini, nested pyproject.toml, the FastAPI pin)
        # and the [tool.fastlint.scope] table: set by the engine, read by `scope`.
        self.layout = ProjectLayout()
        self.scope_config = ScopeConfig()
        # The files whose findings are wanted, when not every file's are (an editor wants its
        # open documents'): set by the engine; rules then place findings in these only.
        self.reported: frozenset[str] | None = None
        self._reported_files: list[FileFacts] | None = None
        # The few most recent files a rule read (rules go file by file): keeping every
        # file's text until the end costs tens of MB on a large project.
        self._sources: OrderedDict[str, SourceFile | None] = OrderedDict()
        self._source_reads = 0
        self.files: list[FileFacts] = sorted(files, key=lambda f: f.path)
        # Every dotted name the files mention, when tracked (an editor's project: see
        # `track_references`), kept in step with the files of each project made after.
        self._references: References | None = previous._references if previous is not None else None
        if self._references is not None:
            self._references.sync(self.files)
        found = _changed_files(previous, self.files) if previous is not None else None
        changed, rebound = found if found is not None else (None, set())
        patch: TablePatch | None = None
        if changed is not None and rebound:
            patch = table_patch(previous, self._references,  # type: ignore[arg-type]
                                [(old, new) for old, new in changed if new.path in rebound])
            if patch is None:
                changed = None
        # The project this one was updated from, and its files that changed (old, new): the
        # call graph is then updated from the previous one (read once, then let go).
        self._updated_from: "tuple[Project, list[tuple[FileFacts, FileFacts]]] | None" = None
        # What `carried_memo` computed: kept from `previous` while the files are the same
        # but for positions.
        self._carried: dict[object, object] = {}
        # When the changed files' calls changed and nothing else of them but positions (or
        # but names nothing else reads, see `fastlint.model.edit`): what `previous` had
        # carried (`carried_memo` asks each analysis whether it still holds), and the edit.
        self._carried_before: dict[object, object] = {}
        self.edit = Edit()
        # The positionless facts of the files changed last (the next edit compares with them).
        self._positionless: Forms = {}
        # The FastAPI model of `previous` when the changed files only moved or changed calls
        # (placed anew when no call it reads changed), and whether it was.
        self._model_before: "tuple[FastAPIModel, list[tuple[FileFacts, FileFacts]], dict[str, CallsEdit]] | None" = None
        self._model_placed = False
        if previous is not None and changed is not None:
            if previous._updated_from is not None:
                # `previous` never needed its call graph (its edit only moved code): update
                # it now (a few ms) so that one graph is carried along, rather than the one
                # before dropped and the next edit's built again.
                previous.callgraph  # noqa: B018
            self._reuse_tables(previous, [new for _, new in changed], patch)
            self._updated_from = (previous, changed)
            previous._updated_from = None  # no chain of every project since the first
            edits = calls_edits(changed, rebound, patch, self._references,
                                previous._positionless, self._positionless)
            if edits is not None:
                model = previous.__dict__.get("fastapi")
                self._model_before = (model, changed, edits) if model is not None else None
                if edits:
                    self._carried_before = previous._carried
                    self.edit = Edit(tuple((old, new, edits[new.path]) for old, new in changed
                                           if new.path in edits))
                else:
                    self._carried = dict(previous._carried)
        else:
            self._build_tables()
        if previous is not None:
            previous._let_go(keep_callgraph=self._updated_from is not None)

    def track_references(self) -> None:
        """Count every dotted name the files mention, and keep counting for the projects made
        after this one: an edit that changes only what a module's imports bind then patches
        the resolution tables when nothing mentions those names (see `fastlint.model.table_patch`)."""
        if self._references is None:
            self._references = References(self.files)

    def _let_go(self, keep_callgraph: bool) -> None:
        """Drop the analyses built from this replaced project (built again lazily if it is
        used again): each refers back to it, so they and the project would otherwise be
        freed only by the cyclic collector, which an editor's checks run without."""
        names = ["fastapi", "scope", "per_request", "import_graph", "_layerings"]
        if not keep_callgraph:
            names.append("callgraph")
        for name in names:
            self.__dict__.pop(name, None)
        older, self._updated_from = self._updated_from, None
        if older is not None:
            # The graph it would have been updated from refers back to its own project: a
            # cycle that the server's collections (which freeze what they keep) never free.
            older[0].__dict__.pop("callgraph", None)

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

    def is_reported(self, path: str) -> bool:
        """Whether the findings in a file are wanted (see `reported`)."""
        return self.reported is None or path in self.reported

    def reported_files(self) -> list[FileFacts]:
        """The files whose findings are wanted, in path order: a rule whose findings in a
        file depend on that file's facts and the model (not on the other files' findings)
        goes through these only."""
        if self.reported is None:
            return self.files
        if self._reported_files is None:
            self._reported_files = [facts for facts in self.files if facts.path in self.reported]
        return self._reported_files

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

    def carried_memo(self, key: object, compute: "Callable[[], T]",
                     reuse: "Callable[[T], T | None] | None" = None) -> "T":
        """`compute()`, kept across edits that only move things (see
        `fastlint.model.interface.positionless_facts`): it must read no position and hold no
        fact (qualified names, paths and indexes into a file's facts, not the facts).

        After an edit that changed calls and nothing else (see `edit`), `reuse` is given
        what was computed before the edit and returns what still holds of it (with the
        indexes of moved calls shifted), or None to have it computed."""
        carried = self._carried
        if key not in carried:
            value = None
            if reuse is not None and key in self._carried_before:
                value = reuse(self._carried_before[key])  # type: ignore[arg-type]
            carried[key] = compute() if value is None else value
        return carried[key]  # type: ignore[return-value]

    def model_placed(self) -> bool:
        """Whether the FastAPI model is the one before the edit, placed anew (no call or
        fact it reads changed): what the model's tables give is then the same."""
        return self._model_placed_but_routes() and not self.fastapi.routes_changed

    def _model_placed_but_routes(self) -> bool:
        """Whether the model is the one before the edit, placed anew, but perhaps for routes
        typed or taken out in modules that declare others before and after."""
        self.fastapi  # noqa: B018  (whether it was placed is known once it is made)
        return self._model_placed

    def kept_with_model(self, value: T) -> "T | None":
        """`reuse` (see `carried_memo`) for an analysis that reads the FastAPI model and the
        files' definitions, but no call."""
        return value if self.model_placed() else None

    def kept_with_model_but_routes(self, value: T) -> "T | None":
        """`reuse` for an analysis that reads the model, but not its routes, and the files'
        definitions, but no call."""
        return value if self._model_placed_but_routes() else None

    def kept_with_scope(self, value: T) -> "T | None":
        """`reuse` for an analysis that reads the model (which modules declare routes, not
        which routes), and what the application scope reads of imports
        (`scope.import_inputs`), definitions (`scope.definition_inputs`) and calls
        (`scope.reads_call`)."""
        if not self._model_placed_but_routes() or any(
                edit.imports_changed and import_inputs(self, old) != import_inputs(self, new)
                for old, new, edit in self.edit.files) \
                or not self.edit.definitions_kept(definition_inputs) \
                or any(scope_reads_call(self, call) for _, call in self.edit.calls()):
            return None
        return value

    def function_of(self, facts: FileFacts, call: CallFact) -> FunctionFact | None:
        """The function a call is made in (the innermost `def`), or None at module level."""
        return facts.functions[call.function] if call.function >= 0 else None

    @cached_property
    def import_graph(self) -> dict[str, frozenset[str]]:
        """Module → the project modules it imports."""
        return {facts.module: self.imported_modules(facts) for facts in self.files}

    def imported_modules(self, facts: FileFacts) -> frozenset[str]:
        """The project modules a file imports (itself left out). Of facts an edit replaced
        (asked to compare), not kept: a file's memos are for its current facts."""
        if self.modules.get(facts.module) is not facts:
            return self._imported_modules(facts)
        return self.file_memo("imports", facts, lambda: self._imported_modules(facts))

    def _imported_modules(self, facts: FileFacts) -> frozenset[str]:
        found = {self.imported_module(imported) for imported in facts.imports}
        return frozenset(m for m in found if m is not None and m != facts.module)
    @cached_property
    def fastapi(self) -> FastAPIModel:
        before, self._model_before = self._model_before, None
        moved = FastAPIModel.moved(self, *before) if before is not None else None
        self._model_placed = moved is not None
        return moved if moved is not None else FastAPIModel(self)

    @cached_property
    def scope(self) -> ApplicationScope:
        """Every module's application scope: `project.scope.is_application(facts)`."""
        by_path = self.carried_memo(
            ("scope", self.root, self.layout, self.scope_config),
            lambda: ApplicationScope(self, self.layout, self.scope_config).by_path,
            self.kept_with_scope)
        return ApplicationScope.known(by_path)

    @cached_property
    def per_request(self) -> PerRequest:
        return PerRequest(self)

    @cached_property
    def callgraph(self) -> CallGraph:
        previous, changed = self._updated_from or (None, None)
        self._updated_from = None
        graph = previous.__dict__.pop("callgraph", None) if previous is not None else None
        return CallGraph(self, graph, changed)

    def call_symbols(self, facts: FileFacts) -> tuple[str, ...]:
        """The canonical symbol of what each of a file's calls calls, in the order of
        `facts.calls`: resolved once for the rules that each go through every call."""
        return self.file_memo("call symbols", facts, lambda: tuple(
            [self.canonical(call.call.value) for call in facts.calls]))  # type: ignore[arg-type]

    def calls(self) -> Iterator[tuple[FileFacts, CallFact]]:
        for facts in self.files:
            for call in facts.calls:
                yield facts, call
