"""The server is an extra: `fastlint check` never imports it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import pytest_lsp
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.server.conftest import codes, open_document, server_command, start, wait_for_diagnostics


def test_check_does_not_import_the_server(project: Path):
    code = (
        "import sys\n"
        "from fastlint.cli import main\n"
        f"sys.argv = ['fastlint', 'check', '--no-cache', {str(project)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pygls', 'lsprotocol')"
        " or m.startswith('fastlint.server')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "FL101" in out.stdout  # it did check
    assert out.stdout.strip().splitlines()[-1] == "[]"


@pytest_lsp.fixture(config=ClientServerConfig(server_command=server_command("--no-cache")))
async def uncached(lsp_client: LanguageClient, project: Path):
    await start(lsp_client, [project])
    yield
    await lsp_client.shutdown_session()


@pytest.mark.asyncio(loop_scope="function")
async def test_no_cache_writes_nothing_into_the_project(uncached: LanguageClient, project: Path):
    uri = open_document(uncached, project / "app" / "routes.py")
    await wait_for_diagnostics(uncached, uri, lambda d: codes(d) == ["FL101"])
    assert not (project / ".fastlint_cache").exists()


def test_server_needs_its_extra_and_says_so():
    code = (
        "import sys\n"
        "sys.modules['pygls'] = None  # as if the extra were not installed\n"
        "from fastlint.cli import main\n"
        "sys.argv = ['fastlint', 'server']\n"
        "main()\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 2
    assert "pip install 'fastlint[server]'" in out.stderr
