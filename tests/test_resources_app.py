"""The resources fixture app: `fastlint fix --unsafe-fixes` moves its startup/shutdown events
into a lifespan, adds timeouts and a retry stop, and the fixed app serves as before — with
its startup work done on entering the lifespan and its shutdown work on leaving it."""

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import uuid
import warnings
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "resources_app"
SRC = Path(__file__).resolve().parent.parent / "src"
RESOURCE_RULES = "FL103,FL201,FL202,FL203,FL204,FL205,FL206,FL207,FL406"
REQUESTS = ["/api/v1/lookup/book", "/api/v1/lookup/pen", "/api/v1/rates", "/api/v1/upstream"]


def _load(main_py: Path):
    spec = importlib.util.spec_from_file_location(f"resources_{uuid.uuid4().hex}", main_py)
    module = importlib.util.module_from_spec(spec)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # on_event, before the fix
        spec.loader.exec_module(module)
    return module


class FakeResponse:
    """What `urlopen` returns, without a network."""

    def __init__(self, calls: list, url: str, timeout) -> None:
        calls.append((url, timeout))

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return False

    def read(self) -> bytes:
        return json.dumps({"eur": 1.0}).encode()


def _serve(module, monkeypatch) -> tuple[list, list, list]:
    """(answers, events seen while serving, urlopen calls), with the lifespan entered."""
    calls: list = []
    monkeypatch.setattr(module, "urlopen", lambda url, timeout=None: FakeResponse(calls, url, timeout))
    with TestClient(module.app) as client:
        during = list(module.events)
        answers = [(client.get(path).status_code, client.get(path).json()) for path in REQUESTS]
    return answers, during, calls


def _fastlint(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-m", "fastlint", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False)


@pytest.fixture
def fixed_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "resources_app"
    shutil.copytree(FIXTURE, copy)
    result = _fastlint("fix", "--unsafe-fixes", "--extend-select", "FL207", str(copy), cwd=tmp_path)
    assert result.returncode in (0, 1), result.stdout + result.stderr  # 1: other rules' findings
    return copy


def test_fixture_has_the_resource_bugs():
    result = _fastlint("check", str(FIXTURE), "--select", RESOURCE_RULES, "--output-format", "json",
                       cwd=FIXTURE)
    codes = sorted(d["code"] for d in json.loads(result.stdout))
    assert codes == ["FL202", "FL203", "FL203", "FL203", "FL204", "FL207"]  # FL207: httpx default


def test_fix_leaves_no_resource_finding(fixed_copy: Path):
    result = _fastlint("check", str(fixed_copy), "--select", RESOURCE_RULES, cwd=fixed_copy)
    assert result.returncode == 0, result.stdout
    source = (fixed_copy / "main.py").read_text()
    assert "on_event" not in source and "add_event_handler" not in source
    assert source.count("from contextlib import asynccontextmanager") == 1
    assert 'FastAPI(title="resources", lifespan=lifespan)' in source
    assert "httpx.AsyncClient(base_url=UPSTREAM, timeout=5)" in source  # fix.default-timeout
    assert "stop=stop_after_attempt(3)" in source


def test_fixed_app_runs_startup_serves_as_before_and_runs_shutdown(fixed_copy: Path, monkeypatch):
    before, before_events, before_calls = _serve(_load(FIXTURE / "main.py"), monkeypatch)
    module = _load(fixed_copy / "main.py")
    assert module.events == []

    after, during, calls = _serve(module, monkeypatch)

    assert during == ["startup", "warm cache"]  # the startup bodies ran, in order
    assert after == before
    assert module.events[-1] == "shutdown"  # ...and the shutdown body on leaving
    assert module.clients["upstream"].is_closed
    assert before_events == during
    assert [timeout for _, timeout in calls] == [5, 5]  # the outbound call now has a timeout
    assert [timeout for _, timeout in before_calls] == [None, None]


def test_fixing_twice_changes_nothing_more(fixed_copy: Path):
    once = (fixed_copy / "main.py").read_bytes()
    _fastlint("fix", "--unsafe-fixes", str(fixed_copy), cwd=fixed_copy)
    assert (fixed_copy / "main.py").read_bytes() == once
