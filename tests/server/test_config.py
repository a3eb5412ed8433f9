"""Configuration: pyproject.toml reloaded when it changes, client settings, several roots,
files changed outside the editor."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.server.conftest import (
    WAIT_SECONDS, codes, open_document, server_command, start, wait_for_diagnostics, write_project,
)

pytestmark = pytest.mark.asyncio(loop_scope="function")


def files_changed(client: LanguageClient, *changes: tuple[Path, types.FileChangeType]) -> None:
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        changes=[types.FileEvent(uri=path.as_uri(), type=kind) for path, kind in changes]))


async def test_server_asks_to_watch_python_files_and_config(client: LanguageClient):
    registrations = client.registrations  # type: ignore[attr-defined]

    async def registered() -> None:
        while not registrations:
            await asyncio.sleep(0.05)

    await asyncio.wait_for(registered(), WAIT_SECONDS)
    (watching,) = registrations
    assert watching.method == "workspace/didChangeWatchedFiles"
    globs = [w["globPattern"] for w in watching.register_options["watchers"]]
    assert "**/*.py" in globs and "**/pyproject.toml" in globs


async def test_a_config_change_takes_effect_without_a_restart(client: LanguageClient, project: Path):
    uri = open_document(client, project / "app" / "routes.py")
    await wait_for_diagnostics(client, uri, lambda d: codes(d) == ["FL101"])
    pyproject = project / "pyproject.toml"
    pyproject.write_text('[tool.fastlint]\nignore = ["FL101"]\n')
    files_changed(client, (pyproject, types.FileChangeType.Changed))
    await wait_for_diagnostics(client, uri, lambda d: codes(d) == [])
    pyproject.write_text("[tool.fastlint]\n")
    files_changed(client, (pyproject, types.FileChangeType.Changed))
    await wait_for_diagnostics(client, uri, lambda d: codes(d) == ["FL101"])


async def test_a_bad_config_is_shown_and_a_fixed_one_checks_again(client: LanguageClient,
                                                                  project: Path):
    uri = open_document(client, project / "app" / "routes.py")
    await wait_for_diagnostics(client, uri, lambda d: codes(d) == ["FL101"])
    pyproject = project / "pyproject.toml"
    pyproject.write_text('[tool.fastlint]\nselekt = ["FL1"]\n')
    files_changed(client, (pyproject, types.FileChangeType.Changed))
    message = await client.wait_for_notification(types.WINDOW_SHOW_MESSAGE)
    assert message.type == types.MessageType.Error and "selekt" in message.message
    pyproject.write_text('[tool.fastlint]\nignore = ["FL101"]\n')
    files_changed(client, (pyproject, types.FileChangeType.Changed))
    await wait_for_diagnostics(client, uri, lambda d: codes(d) == [])


async def test_client_settings_select_and_ignore(client: LanguageClient, project: Path):
    uri = open_document(client, project / "app" / "routes.py")
    await wait_for_diagnostics(client, uri, lambda d: codes(d) == ["FL101"])
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"fastlint": {"ignore": ["FL101"]}}))
    await wait_for_diagnostics(client, uri, lambda d: codes(d) == [])
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"fastlint": {"select": ["FL1"]}}))
    await wait_for_diagnostics(client, uri, lambda d: codes(d) == ["FL101"])


async def test_a_file_changed_outside_the_editor_updates_open_documents(client: LanguageClient,
                                                                        project: Path):
    uri = open_document(client, project / "app" / "routes.py")
    await wait_for_diagnostics(client, uri, lambda d: codes(d) == ["FL101"])
    services = project / "app" / "services.py"
    services.write_text("import time\n\n\ndef build():\n    time.sleep(1)\n")
    files_changed(client, (services, types.FileChangeType.Changed))
    await wait_for_diagnostics(client, uri, lambda d: codes(d) == ["FL101", "FL102"])
    services.unlink()
    files_changed(client, (services, types.FileChangeType.Deleted))
    await wait_for_diagnostics(client, uri, lambda d: codes(d) == ["FL101"])


@pytest_lsp.fixture(config=ClientServerConfig(server_command=server_command()))
async def two_roots(lsp_client: LanguageClient, tmp_path: Path):
    strict = write_project(tmp_path / "strict")
    lenient = write_project(tmp_path / "lenient", '[tool.fastlint]\nignore = ["FL101"]\n')
    await start(lsp_client, [strict, lenient], options={"extendSelect": []})
    yield
    await lsp_client.shutdown_session()


async def test_each_workspace_folder_is_its_own_project(two_roots: LanguageClient, tmp_path: Path):
    strict = open_document(two_roots, tmp_path / "strict" / "app" / "routes.py")
    lenient = open_document(two_roots, tmp_path / "lenient" / "app" / "routes.py")
    await wait_for_diagnostics(two_roots, strict, lambda d: codes(d) == ["FL101"])
    await wait_for_diagnostics(two_roots, lenient, lambda d: codes(d) == [])


@pytest_lsp.fixture(config=ClientServerConfig(server_command=server_command()))
async def ignoring_client(lsp_client: LanguageClient, project: Path):
    await start(lsp_client, [project], options={"ignore": ["FL101"]})
    yield
    await lsp_client.shutdown_session()


async def test_initialization_options_apply(ignoring_client: LanguageClient, project: Path):
    uri = open_document(ignoring_client, project / "app" / "routes.py")
    await wait_for_diagnostics(ignoring_client, uri, lambda d: True)
    assert codes(ignoring_client.diagnostics[uri]) == []


@pytest_lsp.fixture(config=ClientServerConfig(server_command=server_command()))
async def excluding(lsp_client: LanguageClient, tmp_path: Path):
    project = write_project(tmp_path / "project", '[tool.fastlint]\nextend-exclude = ["app/routes.py"]\n')
    await start(lsp_client, [project])
    yield
    await lsp_client.shutdown_session()


async def test_an_excluded_file_gets_no_diagnostics(excluding: LanguageClient, tmp_path: Path):
    app = tmp_path / "project" / "app"
    excluded = open_document(excluding, app / "routes.py")
    checked = open_document(excluding, app / "services.py",
                            "import time\n\n\nasync def build():\n    time.sleep(1)\n")
    await wait_for_diagnostics(excluding, checked, lambda d: codes(d) == ["FL101"])
    assert excluded not in excluding.diagnostics
