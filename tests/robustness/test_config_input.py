"""Bad configuration is a usage error (exit 2) that names the file, the key and what was
expected; a per-file-ignores pattern that matches nothing is a warning, not silence."""

import json

import pytest

from robustness.harness import invoke, write_project

SLEEPY = "import time\nasync def f():\n    time.sleep(1)\n"

BAD_CONFIGS = [
    pytest.param("[tool.fastlint]\nbogus = 1\n", "unknown key 'bogus'", id="unknown-key"),
    pytest.param("[tool.fastlint.fix]\nnope = 1\n", "unknown key 'fix.nope'", id="unknown-key-in-a-sub-table"),
    pytest.param('[tool.fastlint]\nselect = "FL101"\n',
                 "key 'select': expected a list of strings, got 'FL101'", id="string-for-a-list"),
    pytest.param("[tool.fastlint]\nignore = [101]\n",
                 "key 'ignore': expected a list of strings", id="numbers-for-codes"),
    pytest.param('[tool.fastlint]\nunsafe-fixes = "yes"\n',
                 "key 'unsafe-fixes': expected true or false, got 'yes'", id="string-for-a-bool"),
    pytest.param('[tool.fastlint]\nper-file-ignores = ["tests/*"]\n',
                 "key 'per-file-ignores': expected a table of glob = [codes]", id="list-for-a-table"),
    pytest.param('[tool.fastlint]\nper-file-ignores = { "tests/*" = "FL101" }\n',
                 "key 'per-file-ignores': expected a table of glob = [codes]", id="string-for-codes"),
    pytest.param('[tool.fastlint]\nselect = ["FL999"]\n', "unknown rule code 'FL999'", id="unknown-code"),
    pytest.param('[tool.fastlint]\nper-file-ignores = { "a.py" = ["XX1"] }\n',
                 "unknown rule code 'XX1'", id="unknown-code-in-per-file-ignores"),
    pytest.param("[tool]\nfastlint = 3\n", "[tool.fastlint] must be a table", id="not-a-table"),
    pytest.param('[tool.fastlint]\nselect = ["FL1"\nunsafe-fixes = true\n',
                 "invalid TOML: Unclosed array (at line 3", id="malformed-toml-names-the-line"),
    pytest.param("[tool.fastlint]\nselect = [\"FL1\"]\nselect = [\"FL2\"]\n",
                 "invalid TOML", id="duplicate-key"),
    pytest.param(b"[tool.fastlint]\n# caf\xe9\n", "invalid TOML: not valid UTF-8 (at line 2)",
                 id="not-utf8"),
]


@pytest.mark.parametrize(("pyproject", "message"), BAD_CONFIGS)
def test_bad_config_is_exit_2_naming_the_file_and_the_problem(tmp_path, pyproject, message):
    write_project(tmp_path, {"app.py": SLEEPY}, pyproject=None)
    (tmp_path / "pyproject.toml").write_bytes(
        pyproject if isinstance(pyproject, bytes) else pyproject.encode())
    completed = invoke("check", ".", cwd=tmp_path)
    assert completed.exit_code == 2, completed.stdout + completed.stderr
    assert "Traceback" not in completed.stderr
    assert str(tmp_path / "pyproject.toml") in completed.stderr
    assert message in completed.stderr


@pytest.mark.parametrize("option", ["--select", "--ignore", "--extend-select"])
def test_unknown_code_on_the_command_line_is_exit_2_naming_it(tmp_path, option):
    write_project(tmp_path, {"app.py": SLEEPY})
    completed = invoke("check", option, "FL999", ".", cwd=tmp_path)
    assert completed.exit_code == 2
    assert f"{option}: unknown rule code 'FL999'" in completed.stderr


def test_per_file_ignores_pattern_matching_nothing_is_a_warning(tmp_path):
    config = ('[tool.fastlint]\nper-file-ignores = { "legacy/*" = ["FL101"], '
              '"lagacy/*.py" = ["FL101"] }\n')
    write_project(tmp_path, {"legacy/old.py": SLEEPY, "new.py": "x = 1\n"}, pyproject=config)
    completed = invoke("check", ".", cwd=tmp_path)
    assert completed.exit_code == 0  # a warning does not fail the run
    assert "warning: pyproject.toml: per-file-ignores pattern 'lagacy/*.py' matches no file" \
        in completed.stdout
    assert "'legacy/*'" not in completed.stdout


def test_per_file_ignores_warning_goes_to_stderr_with_json_output(tmp_path):
    config = '[tool.fastlint]\nper-file-ignores = { "nothing/*" = ["FL101"] }\n'
    write_project(tmp_path, {"app.py": SLEEPY}, pyproject=config)
    completed = invoke("check", "--output-format", "json", ".", cwd=tmp_path)
    assert json.loads(completed.stdout)[0]["code"] == "FL101"
    assert "per-file-ignores pattern 'nothing/*' matches no file" in completed.stderr


def test_no_warning_when_every_pattern_matches(tmp_path):
    config = '[tool.fastlint]\nper-file-ignores = { "app.py" = ["FL101"], "tests" = ["FL1"] }\n'
    write_project(tmp_path, {"app.py": SLEEPY, "tests/test_x.py": "x = 1\n"}, pyproject=config)
    completed = invoke("check", ".", cwd=tmp_path)
    assert "warning" not in completed.stdout + completed.stderr
