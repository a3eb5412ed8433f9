"""The language server's state: one `ProjectState` per configuration root, the open
documents and what was published for them (the protocol handlers are in `handlers`).

Checks are debounced per project and run one at a time in a worker thread, which alone
touches the project states: the event loop keeps reading messages (and coalescing the
edits that arrive meanwhile) while a check runs.

Garbage is collected by the server itself, not when an allocation count says so: once a
project is loaded the cyclic collector is off, and the objects a check left are collected
when the next edit arrives, while its debounce runs (a collection started by chance inside
a check or before a publish would add its time to the edit's latency).
"""

from __future__ import annotations

import asyncio
import functools
import gc
import traceback
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from fastlint import __version__
from fastlint.config import ConfigError, find_pyproject
from fastlint.diagnostics import Diagnostic
from fastlint.files.discovery import PYTHON_SUFFIXES
from fastlint.server.actions import workspace_edit
from fastlint.server.positions import LineIndex, path_of, uri_of
from fastlint.server.project_state import Buffer, Checked, ProjectState
from fastlint.server.settings import ClientSettings
from fastlint.server.translate import to_lsp

# Edits typed in quick succession are checked together.
DEBOUNCE_SECONDS = 0.05
SHOW_RULE_PAGE = "fastlint.showRulePage"
WATCHED = ("**/*.py", "**/*.pyi", "**/pyproject.toml", "**/.gitignore")
CONFIG_FILES = ("pyproject.toml", ".gitignore")

T = TypeVar("T")


@dataclass(frozen=True)
class Published:
    """What was last sent for a document: the findings, on which text, as which diagnostics."""

    path: str
    buffer: Buffer
    index: LineIndex
    found: tuple[tuple[Diagnostic, types.Diagnostic], ...]


class FastlintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("fastlint", __version__,
                         text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.settings = ClientSettings()
        self.use_cache = True
        self.cache_dir: Path | None = None
        self.projects: dict[Path, ProjectState] = {}
        self.broken_config: dict[Path, str] = {}
        self.open_documents: dict[str, tuple[Path, str]] = {}  # uri → (project root, path)
        self.published: dict[str, Published] = {}
        self._pending: dict[Path, dict[str, Buffer | None]] = defaultdict(dict)
        self._disk_pending: dict[Path, set[str]] = defaultdict(set)
        self._timers: dict[Path, asyncio.TimerHandle] = {}
        self._locks: dict[Path, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._tasks: set[asyncio.Task[None]] = set()
        self._generation = 0
        self._garbage_since_collected = False
        self._logged: set[str] = set()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fastlint-check")

    # ------------------------------------------------------------------ plumbing
    async def in_worker(self, function: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._worker, functools.partial(function, *args))

    def spawn(self, coroutine) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            error = task.exception()
            self.log("fastlint: internal error: " + "".join(
                traceback.format_exception(type(error), error, error.__traceback__)))

    def log(self, message: str, kind: types.MessageType = types.MessageType.Error) -> None:
        self.window_log_message(types.LogMessageParams(type=kind, message=message))

    def log_once(self, message: str) -> None:
        if message not in self._logged:
            self._logged.add(message)
            self.log(f"fastlint: {message}")

    @property
    def encoding(self) -> str:
        return str(self.workspace.position_encoding or types.PositionEncodingKind.Utf16)

    # ------------------------------------------------------------------ projects
    def root_for(self, path: Path) -> Path:
        """The configuration root of a file: its pyproject.toml's folder, else the innermost
        workspace folder around it, else its own folder."""
        pyproject = find_pyproject(path)
        if pyproject is not None:
            return pyproject.parent.resolve()
        path = path.resolve()
        folders = [path_of(folder.uri) for folder in self.workspace.folders.values()]
        if self.workspace.root_path:
            folders.append(Path(self.workspace.root_path))
        around = [f.resolve() for f in folders if f is not None and path.is_relative_to(f.resolve())]
        return max(around, key=lambda f: len(f.parts)) if around else path.parent

    async def project(self, root: Path) -> ProjectState | None:
        """The project of a root, loaded on first use (None while its config is broken)."""
        if root in self.projects:
            return self.projects[root]
        if root in self.broken_config:
            return None
        generation = self._generation
        try:
            state = await self.in_worker(self._load_project, root)
        except ConfigError as error:
            self.broken_config[root] = str(error)
            self.window_show_message(types.ShowMessageParams(
                type=types.MessageType.Error, message=f"fastlint: {error}"))
            self.log(f"fastlint: {error}; this project is not checked until it is fixed")
            return None
        if generation != self._generation:
            return None  # the configuration changed while it loaded: the reload loads it
        self.projects[root] = state
        return state

    def _load_project(self, root: Path) -> ProjectState:
        # A load makes garbage as it goes (a second project's too): collected as usual.
        gc.enable()
        try:
            state = ProjectState(root, self.settings, self.use_cache, self.cache_dir)
            state.load()
        finally:
            # The facts of every file live as long as the server: keep them out of the cyclic
            # collector's scans, which would otherwise walk millions of objects again and again.
            gc.freeze()
            gc.disable()  # from now on collected in `schedule`
        return state

    def reload(self) -> None:
        """Forget every project (config or settings changed) and check the open documents again."""
        self._generation += 1
        self.projects.clear()
        self.broken_config.clear()
        for uri in list(self.open_documents):
            self.track(uri, 0)

    # ------------------------------------------------------------------ checking
    def track(self, uri: str, delay: float) -> None:
        """Note a document's current text for the next check of its project."""
        path = path_of(uri)
        if path is None or not path.name.endswith(PYTHON_SUFFIXES):
            return
        document = self.workspace.get_text_document(uri)
        root = self.root_for(path)
        key = ProjectState.key(path)
        previous = self.open_documents.get(uri)
        if previous is not None and previous[0] != root:
            self._pending[previous[0]][previous[1]] = None
            self.schedule(previous[0], 0)
        self.open_documents[uri] = (root, key)
        self._pending[root][key] = Buffer(document.source, document.version)
        self.schedule(root, delay)

    def untrack(self, uri: str) -> None:
        found = self.open_documents.pop(uri, None)
        self.published.pop(uri, None)
        if found is None:
            return
        root, key = found
        self._pending[root][key] = None
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        self.schedule(root, 0)

    def saved(self, uri: str) -> None:
        """A save writes the buffer the findings were computed on: nothing the project sees
        changes, so they are sent again as they are (a check only if they are out of date)."""
        published = self.current(uri)
        if published is None:
            self.track(uri, 0)
            return
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=uri, version=published.buffer.version, diagnostics=[sent for _, sent in published.found]))

    def disk_changed(self, path: Path) -> None:
        root = self.root_for(path)
        if root not in self.projects:
            return  # no document of that project is open: it is read when one is
        self._disk_pending[root].add(ProjectState.key(path))
        self.schedule(root, DEBOUNCE_SECONDS)

    def schedule(self, root: Path, delay: float) -> None:
        timer = self._timers.pop(root, None)
        if timer is not None:
            timer.cancel()
        loop = asyncio.get_running_loop()
        self._timers[root] = loop.call_later(delay, lambda: self.spawn(self.check(root)))
        self.collect_garbage()

    def collect_garbage(self) -> None:
        """Collect what the checks since the last collection left, and freeze what is still
        alive (the project as now checked) so that later collections do not walk it again.
        What a check replaces is freed as it goes: the project lets go of its analyses (see
        `Project._let_go`), so no cycle keeps it."""
        if self._garbage_since_collected:
            self._garbage_since_collected = False
            gc.collect()
            gc.freeze()

    async def check(self, root: Path) -> None:
        async with self._locks[root]:
            buffers = self._pending.pop(root, {})
            disk = self._disk_pending.pop(root, set())
            if not buffers and not disk:
                return
            try:
                state = await self.project(root)
                if state is None:
                    return
                checked = await self.in_worker(self._check_in_worker, state, buffers, disk)
                self._garbage_since_collected = True
            except Exception:  # noqa: BLE001 - whatever broke, the server keeps serving
                self.log(f"fastlint: internal error while checking {root}:\n{traceback.format_exc()}")
                return
        for problem in checked.problems:
            self.log_once(problem)
        for path, (buffer, found) in checked.findings.items():
            self.publish(state, path, buffer, found)

    @staticmethod
    def _check_in_worker(state: ProjectState, buffers: dict[str, Buffer | None],
                         disk: set[str]) -> Checked:
        changed = state.update(buffers) + state.disk_changed(disk)
        return state.check(dict.fromkeys(changed))

    def publish(self, state: ProjectState, path: str, buffer: Buffer,
                found: tuple[Diagnostic, ...]) -> None:
        uri = uri_of(path)
        if uri not in self.open_documents:
            return  # closed while it was checked
        index = LineIndex(buffer.text, self.encoding)
        others: dict[str, LineIndex | None] = {}

        def index_of(other: str) -> LineIndex | None:
            if other not in others:
                text = state.text_of(other)
                others[other] = LineIndex(text, self.encoding) if text is not None else None
            return others[other]

        template = state.config.rule_url_template
        pairs = tuple((d, to_lsp(d, index, index_of, template)) for d in found)
        self.published[uri] = Published(path, buffer, index, pairs)
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=uri, version=buffer.version, diagnostics=[sent for _, sent in pairs]))

    def stop_checking(self) -> None:
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        self._worker.shutdown(wait=False, cancel_futures=True)

    # ------------------------------------------------------------------ requests
    def current(self, uri: str) -> Published | None:
        """What was published for a document, if it still describes the buffer."""
        published = self.published.get(uri)
        if published is None:
            return None
        document = self.workspace.get_text_document(uri)
        return published if document.source == published.buffer.text else None

    def state_of(self, uri: str) -> ProjectState | None:
        """The loaded project of an open document."""
        found = self.open_documents.get(uri)
        return self.projects.get(found[0]) if found else None

    def unsafe_allowed(self, uri: str) -> bool:
        state = self.state_of(uri)
        return bool(state and state.config.unsafe_fixes)

    def versioned_edits(self) -> bool:
        capabilities = self.client_capabilities.workspace
        edit = capabilities.workspace_edit if capabilities else None
        return bool(edit and edit.document_changes)

    def resolves_edits(self) -> bool:
        capabilities = self.client_capabilities.text_document
        action = capabilities.code_action if capabilities else None
        support = action.resolve_support if action else None
        return bool(support and "edit" in support.properties)

    async def fix_all_edit(self, uri: str) -> types.WorkspaceEdit | None:
        published = self.current(uri)
        found = self.open_documents.get(uri)
        state = self.projects.get(found[0]) if found else None
        if published is None or state is None:
            return None
        text = published.buffer.text
        fixed = await self.in_worker(state.fix_all, published.path, text)
        return workspace_edit(uri, published.buffer.version, published.index, fixed,
                              self.versioned_edits())
