"""Files no rule ran on (syntax error, unreadable, a template) are counted at the end of a run,
in every format, also when FL001 is ignored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft4Validator
from typer.testing import CliRunner

from fastlint.cli import app
from tests.test_reporters import sarif_schema

pytestmark = pytest.mark.syntax

TEMPLATE = "{% for model in models %}\nclass {{ model.name }}:\n    pass\n{% endfor %}\n"
SLEEPY = "import time\n\n\nasync def tick():\n    time.sleep(1)\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text("[tool.fastlint]\n")
    (tmp_path / "codegen").mkdir()
    (tmp_path / "codegen" / "model.py").write_text(TEMPLATE)
    (tmp_path / "broken.py").write_text("def broken(:\n    pass\n")
    (tmp_path / "tick.py").write_text(SLEEPY)
    monkeypatch.chdir(tmp_path)
    return tmp_path


LINE = ("note: 2 files were not analysed (no rule ran on them): 1 with a syntax error (FL001), "
        "1 not Python (a template).")


def check(*args: str):
    return CliRunner().invoke(app, ["check", "--no-cache", *args])


def test_run_ends_with_the_count_of_files_not_analysed(project):
    result = check(".")
    assert result.stdout.rstrip("\n").splitlines()[-1] == LINE
    assert "model.py" not in result.stdout  # a template is not a finding


def test_the_count_stays_when_fl001_is_ignored(project):
    result = check(".", "--ignore", "FL001")
    assert "FL001" not in result.stdout.replace("(FL001)", "")
    assert result.stdout.rstrip("\n").splitlines()[-1] == LINE


def test_no_line_when_every_file_was_analysed(project):
    (project / "broken.py").unlink()
    (project / "codegen" / "model.py").unlink()
    assert "not analysed" not in check(".").output


def test_json_keeps_stdout_an_array_and_says_it_on_stderr(project):
    result = check(".", "--output-format", "json")
    assert {d["code"] for d in json.loads(result.stdout)} == {"FL001", "FL101"}
    assert result.stderr.rstrip("\n").splitlines()[-1] == LINE


def test_sarif_carries_each_file_and_the_count_as_notifications(project):
    log = json.loads(check(".", "--output-format", "sarif").stdout)
    assert [e.message for e in Draft4Validator(sarif_schema()).iter_errors(log)] == []
    notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    located = {n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: n["level"]
               for n in notes if "locations" in n}
    assert located == {"broken.py": "warning", "codegen/model.py": "note"}
    assert notes[-1]["message"]["text"] == LINE.removeprefix("note: ")


def test_sarif_names_a_file_outside_the_root_by_its_uri(tmp_path: Path):
    from fastlint.engine import RunResult
    from fastlint.not_analysed import SYNTAX_ERROR_REASON, NotAnalysed
    from fastlint.reporters.sarif import SOURCE_ROOT, _not_analysed_notifications

    outside = tmp_path / "vendored" / "broken.py"
    inside = tmp_path / "repo" / "app" / "broken.py"
    result = RunResult(not_analysed=[NotAnalysed(str(outside), SYNTAX_ERROR_REASON, "x"),
                                     NotAnalysed(str(inside), SYNTAX_ERROR_REASON, "x")])
    notes = _not_analysed_notifications(result, tmp_path / "repo")
    artifacts = [note["locations"][0]["physicalLocation"]["artifactLocation"] for note in notes[:2]]
    assert artifacts == [{"uri": outside.as_uri()}, {"uri": "app/broken.py", "uriBaseId": SOURCE_ROOT}]
