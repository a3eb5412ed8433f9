"""End-to-end fixtures: a real `fastlint server` process driven by pytest-lsp's client.

Every wait has a generous timeout and no test measures time: these run on a loaded
2-core machine.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

WAIT_SECONDS = float(os.environ.get("FASTLINT_LSP_TEST_WAIT", "120"))

SERVICES = """\
import time


def build():
    return 1
"""

ROUTES = """\
import time

from fastapi import APIRouter

from app.services import build

router = APIRouter()


@router.get("/report")
async def report():
    return build()


@router.get("/slow")
async def slow():
    time.sleep(1)
    return 1
"""

MAIN = """\
from fastapi import FastAPI

from app.routes import router

app = FastAPI()
app.include_router(router, prefix="/api/v1")
"""


def write_project(root: Path, pyproject: str = "[tool.fastlint]\n") -> Path:
    """A small FastAPI project: a route module calling a service module."""
    (root / "app").mkdir(parents=True)
    (root / "pyproject.toml").write_text(pyproject)
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "services.py").write_text(SERVICES)
    (root / "app" / "routes.py").write_text(ROUTES)
    (root / "app" / "main.py").write_text(MAIN)
    return root


def server_command(*extra: str) -> list[str]:
    return [sys.executable, "-m", "fastlint", "server", *extra]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "project")


async def start(client: LanguageClient, folders: Sequence[Path],
                options: dict | None = None) -> None:
    registrations: list[types.Registration] = []

    def register_capability(client: LanguageClient, params: types.RegistrationParams) -> None:
        registrations.extend(params.registrations)

    client.feature(types.CLIENT_REGISTER_CAPABILITY)(register_capability)
    client.registrations = registrations  # type: ignore[attr-defined]
    await client.initialize_session(types.InitializeParams(
        capabilities=pytest_lsp.client_capabilities("visual-studio-code"),
        root_uri=folders[0].as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=f.as_uri(), name=f.name) for f in folders],
        initialization_options=options,
    ))


@pytest_lsp.fixture(config=ClientServerConfig(server_command=server_command()))
async def client(lsp_client: LanguageClient, project: Path):
    await start(lsp_client, [project])
    yield
    await lsp_client.shutdown_session()


def codes(diagnostics: Sequence[types.Diagnostic] | None) -> list[str]:
    return sorted(str(d.code) for d in diagnostics or ())


async def wait_for_diagnostics(
    client: LanguageClient, uri: str,
    until: Callable[[Sequence[types.Diagnostic]], bool],
) -> Sequence[types.Diagnostic]:
    """The document's diagnostics once a publication satisfies `until` (already or later)."""

    async def wait() -> None:
        while uri not in client.diagnostics or not until(client.diagnostics[uri]):
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)

    await asyncio.wait_for(wait(), WAIT_SECONDS)
    return client.diagnostics[uri]


def open_document(client: LanguageClient, path: Path, text: str | None = None,
                  version: int = 1) -> str:
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(
            uri=uri, language_id="python", version=version,
            text=path.read_text() if text is None else text,
        )))
    return uri


def replace_text(client: LanguageClient, uri: str, text: str, version: int) -> None:
    """Send a whole-document change (as a client that does not send ranges does)."""
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
    ))


def apply_edit(text: str, edit: types.WorkspaceEdit, uri: str) -> str:
    """Apply a workspace edit to a document's text as an editor does."""
    if edit.document_changes:
        edits = [e for change in edit.document_changes
                 if isinstance(change, types.TextDocumentEdit) and change.text_document.uri == uri
                 for e in change.edits]
    else:
        edits = list((edit.changes or {}).get(uri, []))
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(position: types.Position) -> int:
        # The test documents are ASCII: UTF-16 units are characters.
        return starts[min(position.line, len(lines))] + position.character

    for text_edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character),
                            reverse=True):
        start, end = offset(text_edit.range.start), offset(text_edit.range.end)
        text = text[:start] + text_edit.new_text + text[end:]
    return text
