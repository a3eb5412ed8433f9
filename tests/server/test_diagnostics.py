"""Diagnostics published by the real server: on open, change and save, across modules."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.server.conftest import (
    ROUTES, SERVICES, codes, open_document, replace_text, wait_for_diagnostics,
)

pytestmark = pytest.mark.asyncio(loop_scope="function")

BLOCKING_SERVICES = SERVICES.replace("    return 1", "    time.sleep(1)\n    return 1")


async def test_open_reports_findings_with_rule_link_and_severity(client: LanguageClient, project: Path):
    uri = open_document(client, project / "app" / "routes.py")
    found = await wait_for_diagnostics(client, uri, lambda d: len(d) > 0)
    assert codes(found) == ["FL101"]
    (sleep,) = found
    assert sleep.range == types.Range(start=types.Position(line=16, character=4),
                                      end=types.Position(line=16, character=17))
    assert sleep.severity == types.DiagnosticSeverity.Error
    assert sleep.source == "fastlint"
    assert sleep.code_description is not None
    assert sleep.code_description.href.endswith("/rules/FL101.md")


async def test_change_is_checked_on_the_unsaved_buffer(client: LanguageClient, project: Path):
    path = project / "app" / "routes.py"
    uri = open_document(client, path)
    await wait_for_diagnostics(client, uri, lambda d: codes(d) == ["FL101"])
    replace_text(client, uri, ROUTES.replace("    time.sleep(1)\n", ""), version=2)
    await wait_for_diagnostics(client, uri, lambda d: codes(d) == [])
    assert path.read_text() == ROUTES  # nothing written


async def test_editing_a_helper_updates_the_route_in_another_open_document(
        client: LanguageClient, project: Path):
    routes = open_document(client, project / "app" / "routes.py")
    services = open_document(client, project / "app" / "services.py")
    await wait_for_diagnostics(client, routes, lambda d: codes(d) == ["FL101"])
    replace_text(client, services, BLOCKING_SERVICES, version=2)
    found = await wait_for_diagnostics(client, routes, lambda d: "FL102" in codes(d))
    (chain,) = [d for d in found if d.code == "FL102"]
    assert chain.range.start.line == 11  # `return build()` in the route, not edited
    hops = chain.related_information or []
    assert [(h.location.uri, h.location.range.start.line) for h in hops] == [
        ((project / "app" / "services.py").as_uri(), 4)  # the time.sleep in the helper
    ]
    replace_text(client, services, SERVICES, version=3)
    await wait_for_diagnostics(client, routes, lambda d: codes(d) == ["FL101"])


async def test_save_publishes_the_findings_of_the_saved_text(client: LanguageClient, project: Path):
    path = project / "app" / "services.py"
    uri = open_document(client, path)
    routes = open_document(client, project / "app" / "routes.py")
    await wait_for_diagnostics(client, routes, lambda d: codes(d) == ["FL101"])
    replace_text(client, uri, BLOCKING_SERVICES, version=2)
    await wait_for_diagnostics(client, routes, lambda d: codes(d) == ["FL101", "FL102"])
    path.write_text(BLOCKING_SERVICES)
    del client.diagnostics[uri]
    client.text_document_did_save(types.DidSaveTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    assert codes(await wait_for_diagnostics(client, uri, lambda d: True)) == []
    assert codes(client.diagnostics[routes]) == ["FL101", "FL102"]


async def test_syntax_error_mid_edit_is_fl001_and_recovers(client: LanguageClient, project: Path):
    routes = open_document(client, project / "app" / "routes.py")
    services = open_document(client, project / "app" / "services.py", BLOCKING_SERVICES)
    await wait_for_diagnostics(client, routes, lambda d: codes(d) == ["FL101", "FL102"])
    broken = BLOCKING_SERVICES.replace("def build():", "def build(:")
    replace_text(client, services, broken, version=2)
    found = await wait_for_diagnostics(client, services, lambda d: codes(d) == ["FL001"])
    assert found[0].range.start.line == 3
    # The other document keeps what it had: the helper's last facts still count.
    assert codes(client.diagnostics[routes]) == ["FL101", "FL102"]
    replace_text(client, services, BLOCKING_SERVICES.replace("time.sleep(1)", "pass"), version=3)
    await wait_for_diagnostics(client, services, lambda d: codes(d) == [])
    await wait_for_diagnostics(client, routes, lambda d: codes(d) == ["FL101"])


async def test_closing_a_document_clears_its_diagnostics(client: LanguageClient, project: Path):
    uri = open_document(client, project / "app" / "routes.py")
    await wait_for_diagnostics(client, uri, lambda d: codes(d) == ["FL101"])
    client.text_document_did_close(types.DidCloseTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    await wait_for_diagnostics(client, uri, lambda d: len(d) == 0)


async def test_a_configured_rule_url_template_is_the_link_in_diagnostics_and_hover(
        client: LanguageClient, project: Path):
    (project / "pyproject.toml").write_text(
        '[tool.fastlint]\nrule-url-template = "https://docs.example.com/fastlint/{code}.html"\n')
    uri = open_document(client, project / "app" / "routes.py")
    (sleep,) = await wait_for_diagnostics(client, uri, lambda d: codes(d) == ["FL101"])
    assert sleep.code_description is not None
    assert sleep.code_description.href == "https://docs.example.com/fastlint/FL101.html"
    shown = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=types.Position(line=16, character=8)))
    assert shown is not None and isinstance(shown.contents, types.MarkupContent)
    assert "(https://docs.example.com/fastlint/FL101.html)" in shown.contents.value
