"""Bad input and failures: a crashing rule, unknown requests, the CLI without pygls."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.exceptions import JsonRpcMethodNotFound
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.server.conftest import codes, open_document, start, wait_for_diagnostics

pytestmark = pytest.mark.asyncio(loop_scope="function")

CRASHING = [sys.executable, str(Path(__file__).with_name("crashing_server.py"))]


@pytest_lsp.fixture(config=ClientServerConfig(server_command=CRASHING))
async def crashing(lsp_client: LanguageClient, project: Path):
    await start(lsp_client, [project])
    yield
    await lsp_client.shutdown_session()


async def test_a_crashing_rule_is_logged_and_the_others_still_report(crashing: LanguageClient,
                                                                     project: Path):
    uri = open_document(crashing, project / "app" / "routes.py")
    await wait_for_diagnostics(crashing, uri, lambda d: codes(d) == ["FL101"])
    logged = [m.message for m in crashing.log_messages if m.type == types.MessageType.Error]
    assert any("FL102" in m and "RuntimeError: boom" in m for m in logged)
    shown = await crashing.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=types.Position(line=16, character=8)))
    assert shown is not None  # still serving


async def test_an_unknown_request_gets_method_not_found(client: LanguageClient):
    with pytest.raises(JsonRpcMethodNotFound):
        await client.protocol.send_request_async("fastlint/noSuchThing", {})
    assert await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="fastlint.showRulePage", arguments=["FL999"])) is None
