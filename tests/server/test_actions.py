"""Code actions, hover and the rule page command, through the real server."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.server.conftest import (
    ROUTES, apply_edit, codes, open_document, replace_text, wait_for_diagnostics,
)

pytestmark = pytest.mark.asyncio(loop_scope="function")

BLOCKING_SERVICES = "import time\n\n\ndef build():\n    time.sleep(1)\n"


def fastlint_fix(project: Path, tmp_path: Path, relative: str, *options: str) -> str:
    """The file's text after `fastlint fix` on a copy of the project."""
    copy = tmp_path / "fixed"
    shutil.copytree(project, copy)
    subprocess.run([sys.executable, "-m", "fastlint", "fix", "--no-cache", *options, str(copy)],
                   capture_output=True, check=False)
    return (copy / relative).read_text()


async def actions(client: LanguageClient, uri: str, line: int,
                  only: list[str] | None = None) -> list[types.CodeAction]:
    found = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        range=types.Range(start=types.Position(line=line, character=0),
                          end=types.Position(line=line, character=0)),
        context=types.CodeActionContext(diagnostics=list(client.diagnostics.get(uri, [])), only=only),
    ))
    return [a for a in found or [] if isinstance(a, types.CodeAction)]


async def test_fix_all_gives_the_text_of_fastlint_fix(client: LanguageClient, project: Path,
                                                      tmp_path: Path):
    path = project / "app" / "routes.py"
    uri = open_document(client, path)
    await wait_for_diagnostics(client, uri, lambda d: codes(d) == ["FL101"])
    (fix_all,) = await actions(client, uri, 0, only=["source.fixAll"])
    assert fix_all.kind == "source.fixAll.fastlint"
    if fix_all.edit is None:
        fix_all = await client.code_action_resolve_async(fix_all)
    assert fix_all.edit is not None
    fixed = apply_edit(ROUTES, fix_all.edit, uri)
    assert "await asyncio.sleep(1)" in fixed
    assert fixed == fastlint_fix(project, tmp_path, "app/routes.py")
    assert path.read_text() == ROUTES  # the server never writes


async def test_quick_fix_of_a_finding_gives_the_text_of_fastlint_fix(
        client: LanguageClient, project: Path, tmp_path: Path):
    uri = open_document(client, project / "app" / "routes.py")
    await wait_for_diagnostics(client, uri, lambda d: codes(d) == ["FL101"])
    found = await actions(client, uri, 16, only=["quickfix"])
    (fix,) = [a for a in found if a.title.startswith("FL101:")]
    assert fix.is_preferred
    assert apply_edit(ROUTES, fix.edit, uri) == fastlint_fix(project, tmp_path, "app/routes.py")


async def test_unsafe_fix_is_offered_apart_and_labelled(client: LanguageClient, project: Path,
                                                        tmp_path: Path):
    routes = open_document(client, project / "app" / "routes.py")
    open_document(client, project / "app" / "services.py", BLOCKING_SERVICES)
    await wait_for_diagnostics(client, routes, lambda d: "FL102" in codes(d))
    assert not [a for a in await actions(client, routes, 11, only=["quickfix"])
                if a.title.startswith("FL102:")]
    (unsafe,) = [a for a in await actions(client, routes, 11) if a.title.startswith("FL102:")]
    assert unsafe.kind == "refactor.rewrite.fastlint.unsafe"
    assert "unsafe" in unsafe.title
    fixed = apply_edit(ROUTES, unsafe.edit, routes)
    assert "return await asyncio.to_thread(build)" in fixed
    assert "import asyncio\n" in fixed


async def test_suppress_merges_into_the_noqa_already_on_the_line(client: LanguageClient,
                                                                 project: Path):
    text = ROUTES.replace("    time.sleep(1)\n", "    time.sleep(1)  # noqa: E501\n")
    uri = open_document(client, project / "app" / "routes.py", text)
    await wait_for_diagnostics(client, uri, lambda d: codes(d) == ["FL101"])
    (suppress,) = [a for a in await actions(client, uri, 16) if a.title.startswith("Suppress")]
    suppressed = apply_edit(text, suppress.edit, uri)
    assert "    time.sleep(1)  # noqa: E501, FL101\n" in suppressed
    replace_text(client, uri, suppressed, version=2)
    await wait_for_diagnostics(client, uri, lambda d: codes(d) == [])


async def test_hover_on_a_finding_shows_the_rule_summary(client: LanguageClient, project: Path):
    uri = open_document(client, project / "app" / "routes.py")
    await wait_for_diagnostics(client, uri, lambda d: codes(d) == ["FL101"])
    shown = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=types.Position(line=16, character=8)))
    assert shown is not None and isinstance(shown.contents, types.MarkupContent)
    assert "FL101" in shown.contents.value and "blocking-call-in-async" in shown.contents.value
    elsewhere = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=types.Position(line=0, character=2)))
    assert elsewhere is None


async def test_rule_page_command_opens_and_returns_the_page(client: LanguageClient):
    page = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="fastlint.showRulePage", arguments=["FL101"]))
    assert page.startswith("# FL101")
    assert client.shown_documents and client.shown_documents[-1].uri.endswith("FL101.md")
