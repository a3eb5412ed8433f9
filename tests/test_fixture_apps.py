"""The fixture apps: the legacy app is fixed without changing what it serves; the clean app
following the guide has no finding."""

import importlib.util
import shutil
import sys
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from fastlint.engine import RunOptions, run_check

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# (method, path, json body) requests whose answers must not change when the app is fixed
LEGACY_REQUESTS = [
    ("get", "/health", None),
    ("get", "/version", None),
    ("get", "/greeting", None),
    ("put", "/items/book", {"title": "Dune"}),
    ("post", "/items/book/backup", None),
    ("get", "/count", None),
    ("get", "/memory", None),
]


def _load_app(main_py: Path):
    name = f"fixture_{uuid.uuid4().hex}"
    spec = importlib.util.spec_from_file_location(name, main_py)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.app


def _answers(app) -> list:
    with TestClient(app) as client:
        return [
            (getattr(client, method)(path, json=body).status_code,
             getattr(client, method)(path, json=body).json())
            if body is not None else
            (getattr(client, method)(path).status_code, getattr(client, method)(path).json())
            for method, path, body in LEGACY_REQUESTS
        ]


def _check(path: Path, **options) -> list:
    return run_check([path], RunOptions(jobs=1, **options)).diagnostics


def test_legacy_app_reports_every_blocking_form():
    rows = [d.row for d in _check(FIXTURES / "legacy_app") if d.code == "FL101"]
    assert rows == [44, 50, 58, 64, 77, 85, 92, 98, 106]


def test_fixing_legacy_app_keeps_its_behaviour(tmp_path):
    copy = tmp_path / "legacy_app"
    shutil.copytree(FIXTURES / "legacy_app", copy)
    before = _answers(_load_app(copy / "main.py"))

    result = run_check([copy], RunOptions(jobs=1, fix=True, unsafe_fixes=True))

    assert result.fixed, "nothing was fixed"
    fixed_source = (copy / "main.py").read_text()
    # Only `with open(...) as handle:` is left: no `to_thread` fix for a context manager.
    left = [fixed_source.splitlines()[d.row - 1].strip()
            for d in result.diagnostics if d.code == "FL101"]
    assert left == ['with open(DATA_DIR / f"{name}.json", "w") as handle:']
    compile(fixed_source, "main.py", "exec")
    assert fixed_source.count("import asyncio") == 1
    assert "# A plain `def` dependency runs in the threadpool" in fixed_source
    assert _answers(_load_app(copy / "main.py")) == before


def test_fixing_twice_changes_nothing_more(tmp_path):
    copy = tmp_path / "legacy_app"
    shutil.copytree(FIXTURES / "legacy_app", copy)
    run_check([copy], RunOptions(jobs=1, fix=True, unsafe_fixes=True))
    once = (copy / "main.py").read_bytes()
    second = run_check([copy], RunOptions(jobs=1, fix=True, unsafe_fixes=True))
    assert second.fixed == {}
    assert (copy / "main.py").read_bytes() == once


@pytest.mark.parametrize("select", [(), ("ALL",)], ids=["default-rules", "all-rules"])
def test_clean_app_has_no_finding(select):
    assert _check(FIXTURES / "clean_app", select=select) == []


def test_clean_app_serves(monkeypatch):
    monkeypatch.syspath_prepend(str(FIXTURES / "clean_app"))
    for name in [m for m in sys.modules if m == "app" or m.startswith("app.")]:
        monkeypatch.delitem(sys.modules, name)
    from app.main import create_app

    with TestClient(create_app()) as client:
        assert client.get("/health").json() == {"status": "ok"}
        assert client.get("/api/v1/users/1").json() == {"id": 1, "email": "ada@example.com"}
        assert client.get("/api/v1/users/99").status_code == 404
    for name in [m for m in sys.modules if m == "app" or m.startswith("app.")]:
        del sys.modules[name]
