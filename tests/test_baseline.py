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


def test_baseline_counts_findings_per_file_and_rule_with_their_sarif_fingerprints(legacy):
    sarif = json.loads(fastlint("check", ".", "--output-format", "sarif").stdout)
    prints: dict = {}
    for found in sarif["runs"][0]["results"]:
        path = found["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        prints.setdefault(path, []).append(found["partialFingerprints"]["fastlint/v1"])
    assert entries(legacy) == {
        "app/routers/reports.py": {"FL101": {"count": 1, "fingerprints": sorted(prints["app/routers/reports.py"])}},
        "app/routers/users.py": {"FL101": {"count": 2, "fingerprints": sorted(prints["app/routers/users.py"])}},
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


ORDERS = """
import time

import requests


async def place_order(order):
    time.sleep(0.5)
    requests.post("https://payments.internal", json=order, timeout=5)
    return requests.get("https://stock.internal", timeout=5).json()
"""


def reported_lines(result) -> list[str]:
    return [line for line in result.stdout.splitlines() if line.startswith("app/")]


def test_a_new_finding_beside_baselined_ones_of_the_same_rule_is_the_only_one_reported(legacy):
    (legacy / "app" / "orders.py").write_text(ORDERS)
    assert fastlint("baseline", ".", "--output", "fastlint-baseline.json").exit_code == 0
    assert entries(legacy)["app/orders.py"]["FL101"]["count"] == 3
    edit(legacy, "app/orders.py", "    time.sleep(0.5)\n",
         "    time.sleep(0.5)\n    audit = open('/var/log/orders.log', 'a')\n")
    result = check(".", "--output-format", "concise")
    assert result.exit_code == 1
    assert [line[:25] for line in reported_lines(result)] == ["app/orders.py:9:13: FL101"]
    assert "warning" not in result.stdout


def test_editing_a_baselined_line_is_a_new_finding_when_the_rule_still_fires(legacy):
    edit(legacy, "app/routers/reports.py", "time.sleep(1)", "time.sleep(2)")
    result = check(".", "--output-format", "concise")
    assert result.exit_code == 1
    assert [line[:32] for line in reported_lines(result)] == ["app/routers/reports.py:10:5: FL1"]
    # The line the baseline recorded is gone: its entry is stale until pruned.
    assert "app/routers/reports.py: FL101 baseline entry is stale (allows 1, none left)" in result.stdout


def test_editing_a_baselined_line_so_the_rule_no_longer_fires_reports_nothing(legacy):
    edit(legacy, "app/routers/reports.py", "import time\n", "import asyncio\n")
    edit(legacy, "app/routers/reports.py", "time.sleep(1)", "await asyncio.sleep(1)")
    result = check(".", "--output-format", "concise")
    assert result.exit_code == 0
    assert reported_lines(result) == []
    assert "app/routers/reports.py: FL101 baseline entry is stale" in result.stdout


def test_the_same_line_text_twice_falls_back_to_the_count_and_says_so(legacy):
    edit(legacy, "app/routers/users.py", "time.sleep(0.1)\n", "time.sleep(0.1)\n    time.sleep(0.1)\n")
    result = check(".", "--output-format", "concise")
    assert result.exit_code == 1
    assert [line[:28] for line in reported_lines(result)] == [
        "app/routers/users.py:11:5: F", "app/routers/users.py:12:5: F",
    ]
    assert ("app/routers/users.py: FL101 on lines 11, 12: 2 findings on lines with the same text "
            "where the baseline has 1; fingerprints cannot tell which is new, so the count decides "
            "and all 2 are reported") in " ".join(result.stdout.split())
    # Back to one copy: whichever was removed, the baseline covers it.
    edit(legacy, "app/routers/users.py", "time.sleep(0.1)\n    time.sleep(0.1)\n", "time.sleep(0.1)\n")
    assert check(".").exit_code == 0


def test_twins_recorded_in_the_baseline_stay_covered(legacy):
    edit(legacy, "app/routers/users.py", "time.sleep(0.1)\n", "time.sleep(0.1)\n    time.sleep(0.1)\n")
    assert fastlint("baseline", ".", "--output", "fastlint-baseline.json").exit_code == 0
    assert entries(legacy)["app/routers/users.py"]["FL101"]["count"] == 3
    assert check(".").exit_code == 0
    edit(legacy, "app/routers/users.py", "    time.sleep(0.1)\n", "")  # both copies fixed
    result = check(".", "--prune-baseline")
    assert result.exit_code == 0
    assert entries(legacy)["app/routers/users.py"]["FL101"]["count"] == 1


def count_only(root: Path) -> None:
    """Rewrite the baseline as fastlint wrote it before fingerprints: counts only."""
    old = {path: {code: {"count": entry["count"]} for code, entry in rules.items()}
           for path, rules in entries(root).items()}
    (root / "fastlint-baseline.json").write_text(json.dumps(old))


def test_a_count_only_baseline_still_loads_and_reports_all_findings_past_its_count(legacy):
    count_only(legacy)
    assert check(".").exit_code == 0
    edit(legacy, "app/routers/users.py", "time.sleep(0.1)\n", "time.sleep(0.1)\n    time.sleep(0.2)\n")
    result = check(".", "--output-format", "concise")
    assert result.exit_code == 1
    assert [line[:28] for line in reported_lines(result)] == [
        "app/routers/users.py:11:5: F", "app/routers/users.py:12:5: F", "app/routers/users.py:13:12: ",
    ]
    assert "FL101 has 3 findings where the baseline allows 2" in result.stdout
    assert "2 entries have counts but no fingerprints" in " ".join(result.stdout.split())


def test_prune_records_the_fingerprints_of_a_count_only_baseline(legacy):
    fingerprinted = entries(legacy)
    count_only(legacy)
    result = check(".", "--prune-baseline")
    assert result.exit_code == 0
    assert "recorded the fingerprints of 2 count-only entries" in result.stdout
    assert entries(legacy) == fingerprinted
    edit(legacy, "app/routers/users.py", "time.sleep(0.1)\n", "time.sleep(0.1)\n    time.sleep(0.2)\n")
    upgraded = check(".", "--output-format", "concise")
    assert [line[:28] for line in reported_lines(upgraded)] == ["app/routers/users.py:12:5: F"]


def test_an_entry_past_its_count_is_not_upgraded_by_prune(legacy):
    count_only(legacy)
    edit(legacy, "app/routers/users.py", "time.sleep(0.1)\n", "time.sleep(0.1)\n    time.sleep(0.2)\n")
    check(".", "--prune-baseline")
    assert entries(legacy)["app/routers/users.py"] == {"FL101": {"count": 2}}
    assert "fingerprints" in entries(legacy)["app/routers/reports.py"]["FL101"]


def test_a_fixed_finding_makes_its_entry_stale_and_prune_removes_it(legacy):
    edit(legacy, "app/routers/reports.py", "time.sleep(1)", "pass")
    result = check(".")
    assert result.exit_code == 0
    assert "app/routers/reports.py: FL101 baseline entry is stale (allows 1, none left)" in result.stdout
    assert check(".", "--strict-baseline").exit_code == 1

    pruned = check(".", "--prune-baseline", "--strict-baseline")
    assert pruned.exit_code == 0
    assert "pruned 1 stale entry" in pruned.stdout
    assert list(entries(legacy)) == ["app/routers/users.py"]
    assert entries(legacy)["app/routers/users.py"]["FL101"]["count"] == 2
    assert "stale" not in check(".", "--strict-baseline").stdout


def test_prune_lowers_a_count_to_what_is_left(legacy):
    edit(legacy, "app/routers/users.py", "    time.sleep(0.1)\n", "")
    assert check(".", "--prune-baseline").exit_code == 0
    assert entries(legacy)["app/routers/users.py"]["FL101"]["count"] == 1
    assert len(entries(legacy)["app/routers/users.py"]["FL101"]["fingerprints"]) == 1
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
    pytest.param('{"app.py": {"FL101": 3}}', "expected {\"count\": N", id="bare-count"),
    pytest.param('{"app.py": {"FL101": {"count": 2, "fingerprints": ["ab:1"]}}}',
                 "`fingerprints` must list 2 fingerprints", id="fingerprints-short"),
    pytest.param('{"app.py": {"FL101": {"count": 1, "fingerprints": "ab:1"}}}',
                 "`fingerprints` must list 1 fingerprints", id="fingerprints-not-a-list"),
])
def test_an_unusable_baseline_is_a_usage_error(tmp_path, monkeypatch, content, reason):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text("x = 1\n")
    if content is not None:
        (tmp_path / "fastlint-baseline.json").write_text(content)
    result = check(".")
    assert result.exit_code == 2
    assert reason in result.stderr


def test_the_readme_baseline_example_is_what_fastlint_prints(tmp_path, monkeypatch):
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    example = readme[readme.index("Say `app/orders.py` has three baselined"):]
    code = example[example.index("```python\n") + 10:example.index("\n```\n")] + "\n"
    console = example[example.index("```console\n") + 11:]
    command, *shown = console[:console.index("\n```")].splitlines()
    new_line = next(line for line in code.splitlines(keepends=True) if "# new in this change" in line)
    (tmp_path / "pyproject.toml").write_text("[tool.fastlint]\n")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "orders.py").write_text(code.replace(new_line, ""))
    monkeypatch.chdir(tmp_path)
    assert fastlint("baseline", ".", "--output", "fastlint-baseline.json").exit_code == 0
    assert entries(tmp_path)["app/orders.py"]["FL101"]["count"] == 3
    (tmp_path / "app" / "orders.py").write_text(code)
    result = fastlint(*command.removeprefix("$ fastlint ").split())
    assert result.exit_code == 1
    assert result.stdout.splitlines() == shown
