"""The language server: protocol handlers over one `ProjectState` per configuration root.

Checks are debounced per project and run one at a time in a worker thread, which alone
touches the project states: the event loop keeps reading messages (and coalescing the
edits that arrive meanwhile) while a check runs.
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
from fastlint.diagnostics import Applicability, Diagnostic
from fastlint.discovery import PYTHON_SUFFIXES
from fastlint.pages import page_text
from fastlint.rules import rules_by_code
from fastlint.server.actions import (
    FIX_ALL, QUICK_FIX, UNSAFE_FIX, finding_actions, wanted, workspace_edit,
)
from fastlint.server.positions import LineIndex, path_of, uri_of
from fastlint.server.project_state import Buffer, Checked, ProjectState
from fastlint.server.settings import ClientSettings
from fastlint.server.translate import covers, hover, rule_page_uri, to_lsp

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
        state = ProjectState(root, self.settings, self.use_cache, self.cache_dir)
        state.load()
        # The facts of every file live as long as the server: keep them out of the cyclic
        # collector's scans, which would otherwise walk millions of objects again and again.
        gc.freeze()
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


def create_server() -> FastlintServer:
    server = FastlintServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: FastlintServer, params: types.InitializeParams) -> None:
        ls.settings = ClientSettings.parse(params.initialization_options)

    @server.feature(types.INITIALIZED)
    def initialized(ls: FastlintServer, params: types.InitializedParams) -> None:
        workspace = ls.client_capabilities.workspace
        watched = workspace.did_change_watched_files if workspace else None
        if watched and watched.dynamic_registration:
            registration = types.Registration(
                id="fastlint-watched-files", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=types.DidChangeWatchedFilesRegistrationOptions(
                    watchers=[types.FileSystemWatcher(glob_pattern=glob) for glob in WATCHED]),
            )
            ls.client_register_capability(types.RegistrationParams(registrations=[registration]))

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: FastlintServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.track(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: FastlintServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.track(params.text_document.uri, DEBOUNCE_SECONDS)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: FastlintServer, params: types.DidSaveTextDocumentParams) -> None:
        path = path_of(params.text_document.uri)
        if path is not None and path.name in CONFIG_FILES:
            ls.reload()
        elif params.text_document.uri in ls.open_documents:
            ls.saved(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: FastlintServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.untrack(params.text_document.uri)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: FastlintServer, params: types.DidChangeWatchedFilesParams) -> None:
        paths = [path for path in (path_of(change.uri) for change in params.changes) if path]
        if any(path.name in CONFIG_FILES for path in paths):
            ls.reload()
            return
        for path in paths:
            if path.name.endswith(PYTHON_SUFFIXES):
                ls.disk_changed(path)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def did_change_configuration(ls: FastlintServer, params: types.DidChangeConfigurationParams) -> None:
        if not params.settings:
            return  # some clients send an empty notification on start: nothing changed
        settings = ClientSettings.parse(params.settings)
        if settings != ls.settings:
            ls.settings = settings
            ls.reload()

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def on_hover(ls: FastlintServer, params: types.HoverParams) -> types.Hover | None:
        published = ls.current(params.text_document.uri)
        if published is None:
            return None
        row, col = published.index.row_col(params.position)
        state = ls.state_of(params.text_document.uri)
        return hover([d for d, _ in published.found if covers(d, row, col)], published.index,
                     state.config.rule_url_template if state else None)

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
        code_action_kinds=[QUICK_FIX, UNSAFE_FIX, FIX_ALL], resolve_provider=True))
    async def code_action(ls: FastlintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        published = ls.current(uri)
        if published is None:
            return []
        only = params.context.only
        # By line: the cursor anywhere on a finding's lines brings its actions.
        first, last = params.range.start.line + 1, params.range.end.line + 1
        in_range = [(d, sent) for d, sent in published.found if d.row <= last and first <= d.end_row]
        # Computed on the published text alone: no need to wait for a check in progress.
        actions = await asyncio.to_thread(
            finding_actions, published.path, uri, published.buffer.version, published.index,
            in_range, only, ls.unsafe_allowed(uri), ls.versioned_edits())
        safe_fixes = any(d.fix is not None and d.fix.applicability is Applicability.SAFE
                         for d, _ in published.found)
        if safe_fixes and wanted(FIX_ALL, only):
            action = types.CodeAction(title="fastlint: fix all safe fixes", kind=FIX_ALL,
                                      data={"uri": uri})
            if ls.resolves_edits():
                actions.append(action)
            else:
                action.edit = await ls.fix_all_edit(uri)
                if action.edit is not None:
                    actions.append(action)
        return actions

    @server.feature(types.CODE_ACTION_RESOLVE)
    async def resolve_code_action(ls: FastlintServer, action: types.CodeAction) -> types.CodeAction:
        if action.kind == FIX_ALL and isinstance(action.data, dict) and "uri" in action.data:
            action.edit = await ls.fix_all_edit(str(action.data["uri"]))
        return action

    @server.command(SHOW_RULE_PAGE)
    def show_rule_page(ls: FastlintServer, code: str) -> str | None:
        """Open the rule's page in the editor (when it can) and return its text."""
        rule = rules_by_code().get(str(code).upper())
        if rule is None:
            return None
        window = ls.client_capabilities.window
        uri = rule_page_uri(rule.code)
        if uri is not None and window is not None and window.show_document:
            ls.window_show_document(types.ShowDocumentParams(uri=uri, take_focus=True))
        return page_text(rule.code)

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: FastlintServer, params: None) -> None:
        ls.stop_checking()

    return server
