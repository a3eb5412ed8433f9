"""The protocol's handlers: each notification or request handed to the `FastlintServer`."""

from __future__ import annotations

import asyncio

from lsprotocol import types

from fastlint.diagnostics import Applicability
from fastlint.files.discovery import PYTHON_SUFFIXES
from fastlint.rules.pages import page_text
from fastlint.rules import rules_by_code
from fastlint.server.actions import FIX_ALL, QUICK_FIX, UNSAFE_FIX, finding_actions, wanted
from fastlint.server.app import (
    CONFIG_FILES, DEBOUNCE_SECONDS, SHOW_RULE_PAGE, WATCHED, FastlintServer,
)
from fastlint.server.positions import path_of
from fastlint.server.settings import ClientSettings
from fastlint.server.translate import covers, hover, rule_page_uri


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
