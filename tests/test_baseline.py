"""Baselines: adopt on a legacy app, report only new findings, shrink as code is fixed."""

import json
import shutil
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fastlint.cli import app

LEGACY_APP = {
    "app/__init__.py": "",
    "app/main.py": """
        from fastapi import FastAPI

        from app.routers import reports, users

        app = FastAPI()
        app.include_router(users.router, prefix="/api/v1")
        app.include_router(reports.router, prefix="/api/v1")
    """,
    "app/routers/__init__.py": "",
    "app/routers/users.py": """
        import time

        import requests
        from fastapi import APIRouter

        router = APIRouter()


        @router.get("/users/{user_id}")
        async def get_user(user_id: int):
            time.sleep(0.1)
            return requests.get(f"https://users.internal/{user_id}", timeout=5).json()
    """,
    "app/routers/reports.py": """
        import time

        from fastapi import APIRouter

        router = APIRouter()


        @router.get("/reports")
        async def list_reports():
            time.sleep(1)
            return []
    """,
}
NEW_ROUTER = """
import requests
from fastapi import APIRouter

router = APIRouter()


@router.get("/orders")
async def list_orders():
    return requests.get("https://orders.internal", timeout=5).json()
"""

# These tests are about the machinery, so one rule is enough (and others cannot interfere).
ONLY_FL101 = '[tool.fastlint]\nselect = ["FL001", "FL101"]\n'


@pytest.fixture
def legacy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The legacy app with a baseline adopted; commands run from its root."""
    for name, text in LEGACY_APP.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    (tmp_path / "pyproject.toml").write_text(ONLY_FL101)
    monkeypatch.chdir(tmp_path)
    adopted = fastlint("baseline", ".", "--output", "fastlint-baseline.json")
    assert adopted.exit_code == 0, adopted.output
    return tmp_path


def fastlint(*args: str):
    return CliRunner().invoke(app, list(args))


def check(*args: str):
    return fastlint("check", "--baseline", "fastlint-baseline.json", *args)


def entries(root: Path) -> dict:
    return json.loads((root / "fastlint-baseline.json").read_text())


def edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_adopting_on_the_legacy_fixture_app(fixtures_dir, tmp_path, monkeypatch):
    shutil.copytree(fixtures_dir / "legacy_app", tmp_path / "legacy_app")
    monkeypatch.chdir(tmp_path / "legacy_app")
    assert fastlint("check", ".").exit_code == 1
    assert fastlint("baseline", ".", "--output", "fastlint-baseline.json").exit_code == 0
    assert check(".").exit_code == 0

    (tmp_path / "legacy_app" / "jobs.py").write_text("import time\n\n\nasync def nightly():\n    time.sleep(5)\n")
    result = check(".", "--output-format", "concise")
    assert result.exit_code == 1
    reported = [line for line in result.stdout.splitlines() if ": FL" in line]
    assert reported and all(line.startswith("jobs.py:") for line in reported)
    assert "jobs.py:5:5: FL101" in result.stdout


def test_baseline_counts_findings_per_file_and_rule(legacy):
    assert entries(legacy) == {
        "app/routers/reports.py": {"FL101": {"count": 1}},
        "app/routers/users.py": {"FL101": {"count": 2}},
    }


def test_adopting_the_baseline_passes(legacy):
    assert fastlint("check", ".").exit_code == 1
    result = check(".")
    assert result.exit_code == 0, result.output
    assert "All checks passed!" in result.stdout


def test_a_new_violation_is_the_only_one_reported(legacy):
    (legacy / "app" / "routers" / "orders.py").write_text(NEW_ROUTER)
    result = check(".", "--output-format", "concise")
    assert result.exit_code == 1
    reported = [line for line in result.stdout.splitlines() if ": FL" in line]
    assert len(reported) == 1
    assert reported[0].startswith("app/routers/orders.py:10:12: FL101")


def test_moving_code_does_not_bring_findings_back(legacy):
    edit(legacy, "app/routers/users.py", "router = APIRouter()\n",
         'router = APIRouter()\n\n\nasync def unrelated():\n    return "moved everything down"\n')
    assert check(".").exit_code == 0


def test_more_findings_than_counted_reports_all_of_that_file_and_rule(legacy):
    edit(legacy, "app/routers/users.py", "time.sleep(0.1)\n", "time.sleep(0.1)\n    time.sleep(0.2)\n")
    result = check(".", "--output-format", "concise")
    assert result.exit_code == 1
    assert [line[:28] for line in result.stdout.splitlines() if line.startswith("app")] == [
        "app/routers/users.py:11:5: F", "app/routers/users.py:12:5: F", "app/routers/users.py:13:12: ",
    ]
    assert "FL101 has 3 findings where the baseline allows 2" in result.stdout


def test_a_fixed_finding_makes_its_entry_stale_and_prune_removes_it(legacy):
    edit(legacy, "app/routers/reports.py", "time.sleep(1)", "pass")
    result = check(".")
    assert result.exit_code == 0
    assert "app/routers/reports.py: FL101 baseline entry is stale (allows 1, none left)" in result.stdout
    assert check(".", "--strict-baseline").exit_code == 1

    pruned = check(".", "--prune-baseline", "--strict-baseline")
    assert pruned.exit_code == 0
    assert "pruned 1 stale entry" in pruned.stdout
    assert entries(legacy) == {"app/routers/users.py": {"FL101": {"count": 2}}}
    assert "stale" not in check(".", "--strict-baseline").stdout


def test_prune_lowers_a_count_to_what_is_left(legacy):
    edit(legacy, "app/routers/users.py", "    time.sleep(0.1)\n", "")
    assert check(".", "--prune-baseline").exit_code == 0
    assert entries(legacy)["app/routers/users.py"] == {"FL101": {"count": 1}}
    # The fixed finding cannot come back unnoticed: the baseline only ever shrinks.
    edit(legacy, "app/routers/users.py", "async def get_user(user_id: int):\n",
         "async def get_user(user_id: int):\n    time.sleep(0.1)\n")
    assert check(".").exit_code == 1


def test_files_not_checked_keep_their_entries(legacy):
    edit(legacy, "app/routers/reports.py", "time.sleep(1)", "pass")
    result = check("app/main.py", "--prune-baseline", "--strict-baseline")
    assert result.exit_code == 0
    assert "stale" not in result.stdout
    assert "app/routers/reports.py" in entries(legacy)


def test_an_entry_for_a_deleted_file_is_stale(legacy):
    (legacy / "app" / "routers" / "reports.py").unlink()
    edit(legacy, "app/main.py", "reports, users", "users")
    edit(legacy, "app/main.py", 'app.include_router(reports.router, prefix="/api/v1")\n', "")
    result = check("app/routers/users.py", "--strict-baseline")
    assert result.exit_code == 1
    assert "app/routers/reports.py: FL101 baseline entry is stale" in result.stdout


def test_baseline_paths_do_not_depend_on_the_working_directory(legacy, monkeypatch):
    monkeypatch.chdir(legacy / "app")
    result = fastlint("check", "--baseline", "../fastlint-baseline.json", ".")
    assert result.exit_code == 0, result.output


def test_stale_entries_go_to_stderr_under_a_machine_format(legacy):
    edit(legacy, "app/routers/reports.py", "time.sleep(1)", "pass")
    result = check(".", "--output-format", "sarif")
    assert json.loads(result.stdout)["runs"][0]["results"] == []
    assert "baseline entry is stale" in result.stderr


@pytest.mark.parametrize("content, reason", [
    pytest.param(None, "baseline not found", id="missing"),
    pytest.param("not json", "invalid JSON", id="not-json"),
    pytest.param('{"app.py": {"FL101": 3}}', "expected {\"count\": N}", id="bare-count"),
])
def test_an_unusable_baseline_is_a_usage_error(tmp_path, monkeypatch, content, reason):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text("x = 1\n")
    if content is not None:
        (tmp_path / "fastlint-baseline.json").write_text(content)
    result = check(".")
    assert result.exit_code == 2
    assert reason in result.stderr
