"""The command line: exit codes, output formats, --diff, config errors, rule pages."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fastlint import __version__
from fastlint.cli import app

BLOCKING = "import time\n\n\nasync def handler():\n    time.sleep(1)\n"
CLEAN = "import asyncio\n\n\nasync def handler():\n    await asyncio.sleep(1)\n"


@pytest.fixture
def project(tmp_path: Path):
    def make(files: dict[str, str], config: str = "[tool.fastlint]\n") -> Path:
        (tmp_path / "pyproject.toml").write_text(config)
        for name, text in files.items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        return tmp_path
    return make


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def test_findings_exit_1_and_clean_exit_0(project):
    root = project({"bad.py": BLOCKING})
    assert invoke("check", str(root)).exit_code == 1
    (root / "bad.py").write_text(CLEAN)
    result = invoke("check", str(root))
    assert result.exit_code == 0
    assert "All checks passed!" in result.output


def test_exit_zero(project):
    root = project({"bad.py": BLOCKING})
    assert invoke("check", str(root), "--exit-zero").exit_code == 0


def test_full_output_shows_source_line_caret_and_summary(project):
    root = project({"bad.py": BLOCKING})
    output = invoke("check", str(root)).output
    assert "bad.py:5:5: FL101 [*] `time.sleep()` blocks the event loop" in output
    assert "time.sleep(1)" in output and "^^^^^^^^^^^^^" in output
    assert "Found 1 problem (1 fixable with `fastlint fix`)." in output


def test_concise_has_no_source_lines(project):
    root = project({"bad.py": BLOCKING})
    output = invoke("check", str(root), "--output-format", "concise").output
    assert "^^^" not in output and "FL101" in output


def test_json_is_shaped_like_ruffs_with_one_based_columns(project):
    root = project({"bad.py": BLOCKING})
    result = invoke("check", str(root), "--output-format", "json")
    (finding,) = json.loads(result.output)
    assert finding["code"] == "FL101" and finding["name"] == "blocking-call-in-async"
    assert finding["location"] == {"row": 5, "column": 5}
    assert finding["end_location"] == {"row": 5, "column": 18}
    assert finding["fix"]["applicability"] == "safe"
    assert finding["severity"] == "error"
    assert finding["filename"].endswith("bad.py")


def test_diff_prints_changes_and_writes_nothing(project):
    root = project({"bad.py": BLOCKING})
    result = invoke("fix", str(root), "--diff")
    assert result.exit_code == 1
    assert "+    await asyncio.sleep(1)" in result.output
    assert (root / "bad.py").read_text() == BLOCKING


def test_fix_writes_safe_fixes(project):
    root = project({"bad.py": BLOCKING})
    result = invoke("fix", str(root))
    assert result.exit_code == 0
    assert "await asyncio.sleep(1)" in (root / "bad.py").read_text()


def test_unknown_select_code_is_a_usage_error(project):
    root = project({"bad.py": BLOCKING})
    result = invoke("check", str(root), "--select", "FL999")
    assert result.exit_code == 2
    assert "FL999" in result.output


def test_unknown_config_key_names_the_key(project):
    root = project({"bad.py": BLOCKING}, "[tool.fastlint]\nselekt = ['FL1']\n")
    result = invoke("check", str(root))
    assert result.exit_code == 2
    assert "'selekt'" in result.output and "pyproject.toml" in result.output


def test_wrong_option_type_names_the_key_and_the_expected_type(project):
    root = project({"bad.py": BLOCKING}, "[tool.fastlint]\nblocking-calls = 'x'\n")
    result = invoke("check", str(root))
    assert result.exit_code == 2
    assert "'blocking-calls'" in result.output and "list[str]" in result.output


def test_select_and_ignore_by_prefix(project):
    root = project({"bad.py": BLOCKING})
    assert invoke("check", str(root), "--ignore", "FL1").exit_code == 0
    assert invoke("check", str(root), "--select", "FL0").exit_code == 0
    assert invoke("check", str(root), "--select", "FL1").exit_code == 1


@pytest.mark.parametrize(
    ("comment", "suppressed"),
    [("  # noqa", True), ("  # noqa: FL101", True), ("  # noqa: FL202, FL101", True),
     ("  # noqa: FL202", False), ("", False), ("  # noqa: E501, ASYNC251", True),
     ("  # noqa: ASYNC210", True), ("  # noqa: T201", False)],
    ids=["bare", "code", "list", "other-code", "none", "ruff-code-of-the-same-check",
         "another-ruff-code-of-the-same-rule", "a-ruff-code-of-another-check"],
)
def test_noqa_on_the_reported_line(project, comment, suppressed):
    root = project({"bad.py": BLOCKING.replace("time.sleep(1)", "time.sleep(1)" + comment)})
    assert invoke("check", str(root)).exit_code == (0 if suppressed else 1)


def test_noqa_on_first_line_of_multiline_call(project):
    source = "import time\n\n\nasync def f():\n    time.sleep(  # noqa: FL101\n        1,\n    )\n"
    assert invoke("check", str(project({"bad.py": source}))).exit_code == 0


def test_noqa_text_inside_a_string_does_not_suppress(project):
    source = "import time\n\n\nasync def f():\n    time.sleep(len('# noqa'))\n"
    assert invoke("check", str(project({"bad.py": source}))).exit_code == 1


def test_file_level_noqa(project):
    root = project({"bad.py": "# fastlint: noqa\n" + BLOCKING})
    assert invoke("check", str(root)).exit_code == 0


def test_per_file_ignores(project):
    config = '[tool.fastlint]\nper-file-ignores = { "legacy/*" = ["FL101"] }\n'
    root = project({"legacy/bad.py": BLOCKING, "new.py": CLEAN}, config)
    assert invoke("check", str(root)).exit_code == 0


def test_syntax_error_is_fl001_and_other_files_still_checked(project):
    root = project({"broken.py": "def f(:\n    pass\n", "bad.py": BLOCKING})
    output = invoke("check", str(root), "--output-format", "concise").output
    assert "broken.py:1:7: FL001" in output
    assert "bad.py:5:5: FL101" in output


def test_rule_prints_its_page():
    result = invoke("rule", "FL101")
    assert result.exit_code == 0
    assert result.output.startswith("# FL101 blocking-call-in-async")


def test_rule_by_name_and_unknown_rule():
    assert invoke("rule", "blocking-call-in-async").exit_code == 0
    assert invoke("rule", "FL999").exit_code == 2


def test_rules_json_lists_every_rule():
    rows = json.loads(invoke("rules", "--output-format", "json").output)
    codes = [row["code"] for row in rows]
    assert "FL001" in codes and "FL101" in codes
    assert all({"code", "name", "default", "fix"} <= row.keys() for row in rows)


def test_version():
    assert invoke("--version").output.strip() == f"fastlint {__version__}"


def test_missing_path_is_exit_2(tmp_path):
    result = invoke("check", str(tmp_path / "nope"))
    assert result.exit_code == 2


def test_python_dash_m_works(project):
    root = project({"bad.py": BLOCKING})
    completed = subprocess.run(
        [sys.executable, "-m", "fastlint", "check", str(root), "--output-format", "concise"],
        capture_output=True, text=True,
    )
    assert completed.returncode == 1
    assert "FL101" in completed.stdout


def test_the_command_leaves_the_gc_off_a_caller_gets_it_back(project, monkeypatch):
    """`fastlint check` exits right after its output: the cyclic GC, turned off for the run,
    is not turned on again to rescan every fact (cli.console); a caller that goes on
    (`cli.main`, the tests) gets it back."""
    import gc
    import os

    from fastlint import cli

    root = project({"bad.py": BLOCKING})
    monkeypatch.setattr(cli, "_EXITS_AFTER", False)
    assert gc.isenabled()
    assert invoke("check", str(root), "--no-cache").exit_code == 1
    assert gc.isenabled()

    class Exited(Exception):
        pass

    def exit_now(code: int) -> None:
        raise Exited(code)

    monkeypatch.setattr(os, "_exit", exit_now)
    monkeypatch.setattr(sys, "argv", ["fastlint", "check", str(root), "--no-cache", "--quiet"])
    try:
        with pytest.raises(Exited):
            cli.console()
        assert not gc.isenabled()
    finally:
        gc.enable()
