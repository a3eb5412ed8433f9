"""`fix`, `--add-noqa` and `--prune-baseline` never write outside the project root: a symlink
that leads out (to a file, or a directory holding files) is reported and left alone."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fastlint.cli import app

BLOCKING = "import time\n\n\nasync def {name}():\n    time.sleep(1)\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project whose app/ holds its own file, a symlink to a vendored file outside the
    project and a symlink to a shared directory outside it; commands run from its root."""
    outside = tmp_path / "outside"
    (outside / "shared").mkdir(parents=True)
    (outside / "vendored.py").write_text(BLOCKING.format(name="vendored"))
    (outside / "shared" / "helpers.py").write_text(BLOCKING.format(name="helper"))
    root = tmp_path / "project"
    (root / "app").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[tool.fastlint]\nselect = ["FL101"]\n')
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "main.py").write_text(BLOCKING.format(name="main"))
    (root / "app" / "vendored.py").symlink_to(outside / "vendored.py")
    (root / "app" / "shared").symlink_to(outside / "shared", target_is_directory=True)
    monkeypatch.chdir(root)
    return root


def run(*args: str):
    return CliRunner().invoke(app, [*args, "--no-cache"])


def outside_files(project: Path) -> dict[str, str]:
    outside = project.parent / "outside"
    return {path.name: path.read_text() for path in sorted(outside.rglob("*")) if path.is_file()}


LEFT_ALONE = [
    "app/shared/helpers.py: {what}: it leads outside the project root (to {outside}/shared/helpers.py); left alone",
    "app/vendored.py: {what}: it leads outside the project root (to {outside}/vendored.py); left alone",
]


def said(result, what: str, project: Path) -> bool:
    outside = os.path.realpath(project.parent / "outside")
    text = " ".join(result.output.split())
    return all(line.format(what=what, outside=outside) in text for line in LEFT_ALONE)


def test_the_linked_files_are_checked_like_any_other(project):
    result = run("check", ".", "--output-format", "concise")
    assert [line.split(":")[0] for line in result.stdout.splitlines() if ": FL101" in line] == [
        "app/main.py", "app/shared/helpers.py", "app/vendored.py",
    ]


def test_fix_changes_the_project_and_leaves_files_outside_alone(project):
    before = outside_files(project)
    result = run("fix", ".")
    assert "await asyncio.sleep(1)" in (project / "app" / "main.py").read_text()
    assert outside_files(project) == before
    assert (project / "app" / "vendored.py").is_symlink() and (project / "app" / "shared").is_symlink()
    assert said(result, "not fixed", project), result.output


def test_fix_diff_shows_no_change_to_a_file_outside(project):
    result = run("fix", ".", "--diff")
    assert "+++ b/app/main.py" in result.stdout
    assert "vendored" not in result.stdout and "helpers" not in result.stdout


def test_add_noqa_leaves_files_outside_alone(project):
    before = outside_files(project)
    result = run("check", ".", "--add-noqa")
    assert result.exit_code == 0
    assert "# noqa: FL101" in (project / "app" / "main.py").read_text()
    assert outside_files(project) == before
    assert said(result, "noqa not added", project), result.output
    assert "Added 1 noqa directive to 1 files." in result.stdout


@pytest.mark.parametrize("link", ["file", "directory"])
def test_prune_baseline_does_not_write_a_baseline_that_leads_outside(project, link):
    outside = project.parent / "outside"
    if link == "file":
        baseline = project / "fastlint-baseline.json"
        assert run("baseline", ".", "--output", str(baseline)).exit_code == 0
        baseline.rename(outside / "baseline.json")
        baseline.symlink_to(outside / "baseline.json")
    else:
        (project / "ci").symlink_to(outside, target_is_directory=True)
        baseline = project / "ci" / "baseline.json"
        assert run("baseline", ".", "--output", str(baseline)).exit_code == 0
    (project / "app" / "main.py").write_text("async def main():\n    pass\n")
    before = outside_files(project)
    relative = str(baseline.relative_to(project))
    result = run("check", ".", "--baseline", relative, "--prune-baseline", "--strict-baseline")
    assert outside_files(project) == before
    assert (f"{relative}: not pruned: it leads outside the project root "
            f"(to {os.path.realpath(outside)}/baseline.json); left alone") in " ".join(result.output.split())
    assert "app/main.py: FL101 baseline entry is stale" in result.output
    assert result.exit_code == 1  # the stale entry is still there


def test_a_symlink_inside_the_project_is_written_through(project):
    (project / "app" / "vendored.py").unlink()
    (project / "app" / "shared").unlink()
    (project / "lib").mkdir()
    (project / "lib" / "real.py").write_text(BLOCKING.format(name="real"))
    (project / "app" / "linked.py").symlink_to(project / "lib" / "real.py")
    run("fix", "app")
    assert "await asyncio.sleep(1)" in (project / "lib" / "real.py").read_text()
    assert (project / "app" / "linked.py").is_symlink()
