"""fastlint reads code, never runs it; its reports never carry a secret's value; and the
paths it reports stay inside the project, whatever the symlinks say."""

import json
from pathlib import Path

import pytest

from fastlint.cli import CheckFormat
from fastlint.rules import rules_by_code
from robustness.harness import cli, invoke, write_project

MARKER = "EXECUTED-{name}"


def _explodes(root: Path, name: str) -> str:
    """A module that leaves a marker file next to the project if it is ever imported or run."""
    marker = root.parent / MARKER.format(name=name.replace("/", "_"))
    return (
        "import pathlib, time\n"
        f"pathlib.Path({str(marker)!r}).write_text('imported')\n"
        "async def handler():\n    time.sleep(1)\n"
    )


# Names a checked project might use that fastlint (or Python) also imports.
SHADOWING = ["typer.py", "rich.py", "click.py", "pathlib.py", "tomllib.py", "ast.py",
             "sitecustomize.py", "usercustomize.py"]
PROJECT = ["app/__init__.py", "app/main.py", "app/__main__.py", "conftest.py", "setup.py"]
# How the `fastlint` console script starts: its own directory, not the project, on sys.path.
CONSOLE_SCRIPT = "from fastlint.cli import main\nmain()\n"


@pytest.mark.parametrize("command", [("check",), ("fix", "--unsafe-fixes"), ("check", "--diff")])
def test_checked_code_is_never_imported_or_executed_by_the_console_script(tmp_path, command):
    root = tmp_path / "project"
    write_project(root, {name: _explodes(root, name) for name in PROJECT + SHADOWING + ["fastlint.py"]})
    script = tmp_path / "bin" / "fastlint_script.py"
    script.parent.mkdir()
    script.write_text(CONSOLE_SCRIPT)
    completed = cli(*command, "--select", "ALL", ".", cwd=root, script=script)
    assert completed.returncode in (0, 1), completed.stderr
    assert not list(tmp_path.glob("EXECUTED-*")), "fastlint ran code it was checking"
    assert "time.sleep" in completed.stdout or "fixed" in completed.stdout  # it did work


def test_python_dash_m_does_not_import_the_projects_modules_in_place_of_its_own(tmp_path):
    # (A project's own top-level `fastlint.py` is what `python -m fastlint` runs: that is
    # Python's doing, before fastlint starts; the console script is not affected.)
    root = tmp_path / "project"
    write_project(root, {name: _explodes(root, name) for name in PROJECT + SHADOWING})
    completed = cli("check", "--select", "ALL", ".", cwd=root)
    assert completed.returncode == 1, completed.stderr
    assert "FL101" in completed.stdout
    assert not list(tmp_path.glob("EXECUTED-*")), "fastlint ran code it was checking"


SECRETS = {
    "settings.py": (
        'SECRET_KEY = "sk_live_QmRobustSweep7731Xq"\n'
        'DATABASE_URL = "postgresql://admin:Tr0ub4dor-and-3@db.internal/prod"\n'
        "class Config:\n"
        '    api_key = "AKIAZZZZEXAMPLEKEY77"\n'
    ),
    "client.py": (
        "import requests\n"
        "def call():\n"
        '    return requests.get("https://x", headers={"token": "tok_9f8e7d6c5b4a39281706"}, '
        'auth=("me", "pw"), timeout=5, password="correct-horse-battery-staple")\n'
    ),
}
# Values found nowhere in the rule pages (SARIF embeds the pages, examples included).
SECRET_VALUES = ("QmRobustSweep7731Xq", "Tr0ub4dor-and-3", "AKIAZZZZEXAMPLEKEY77",
                 "tok_9f8e7d6c5b4a39281706", "correct-horse-battery-staple")


@pytest.mark.skipif("FL401" not in rules_by_code(), reason="FL401 hardcoded-secret is not built yet")
@pytest.mark.parametrize("output_format", [f.value for f in CheckFormat])
@pytest.mark.parametrize("extra", [(), ("--statistics",), ("--show-fixes",)], ids=["", "statistics", "show-fixes"])
def test_reports_never_contain_a_secret_value(tmp_path, output_format, extra):
    write_project(tmp_path, SECRETS)
    completed = invoke("check", "--select", "ALL", "--output-format", output_format, *extra, ".",
                       cwd=tmp_path)
    assert completed.exit_code == 1
    if not extra:
        assert "FL401" in completed.stdout
    for value in SECRET_VALUES:
        assert value not in completed.stdout + completed.stderr, (value, output_format)


@pytest.mark.skipif("FL401" not in rules_by_code(), reason="FL401 hardcoded-secret is not built yet")
def test_diff_of_fixes_never_contains_a_secret_value(tmp_path):
    write_project(tmp_path, SECRETS)
    completed = invoke("check", "--select", "ALL", "--unsafe-fixes", "--diff", ".", cwd=tmp_path)
    changed_lines = [line for line in completed.stdout.splitlines()
                     if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))]
    for value in SECRET_VALUES:
        assert not any(value in line for line in changed_lines), value


def test_reported_paths_stay_inside_the_project_through_symlinks(tmp_path):
    outside = tmp_path / "outside"
    write_project(outside, {"lib/helpers.py": "import time\nasync def h():\n    time.sleep(1)\n",
                            "single.py": "import time\nasync def s():\n    time.sleep(1)\n"},
                  pyproject=None)
    root = tmp_path / "project"
    write_project(root, {"app.py": "import time\nasync def a():\n    time.sleep(1)\n"})
    (root / "vendored").symlink_to(outside / "lib")
    (root / "linked.py").symlink_to(outside / "single.py")
    (root / "up").symlink_to("..")  # a way out, and a loop

    completed = invoke("check", "--output-format", "concise", ".", cwd=root)
    reported = sorted(line.split(":")[0] for line in completed.stdout.splitlines() if ": FL" in line)
    assert reported == ["app.py", "linked.py", "vendored/helpers.py"]

    completed = invoke("check", "--output-format", "json", ".", cwd=root)
    filenames = sorted(item["filename"] for item in json.loads(completed.stdout))
    assert filenames == [str(root / "app.py"), str(root / "linked.py"),
                         str(root / "vendored" / "helpers.py")]
