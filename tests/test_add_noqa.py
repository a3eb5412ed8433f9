"""`--add-noqa`: a comment on the line each finding is read from, merged, never in a string."""

import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fastlint.fix.add_noqa import rows_inside_strings, with_noqa
from fastlint.cli import app

HEAD = "import time\n\nimport requests\n\n\nasync def handler():\n"

ADDED = [
    pytest.param(
        "    time.sleep(1)\n",
        "    time.sleep(1)  # noqa: FL101\n",
        id="appended",
    ),
    pytest.param(
        "    time.sleep(1)  # noqa: E501\n",
        "    time.sleep(1)  # noqa: E501, FL101\n",
        id="merged-into-another-tools-noqa",
    ),
    pytest.param(
        "    time.sleep(1)  # noqa:E501 because reasons\n",
        "    time.sleep(1)  # noqa: E501, FL101 because reasons\n",
        id="merged-keeping-the-explanation",
    ),
    pytest.param(
        "    time.sleep(1)  # slow on purpose\n",
        "    time.sleep(1)  # slow on purpose  # noqa: FL101\n",
        id="after-another-comment",
    ),
    pytest.param(
        "    time.sleep(1); requests.get('https://x', timeout=3)\n",
        "    time.sleep(1); requests.get('https://x', timeout=3)  # noqa: FL101\n",
        id="two-findings-one-comment",
    ),
    pytest.param(
        "    return sorted(\n        requests.get('https://x', timeout=3).json(),\n    )\n",
        "    return sorted(  # noqa: FL101\n        requests.get('https://x', timeout=3).json(),\n    )\n",
        id="multi-line-statement-on-its-first-line",
    ),
    pytest.param(
        '    text = """\n    # noqa inside\n    """.join(\n        requests.get("https://x", timeout=3).json())\n',
        '    text = """\n    # noqa inside\n    """.join(\n        requests.get("https://x", timeout=3).json())  # noqa: FL101\n',
        id="statement-opens-a-string-so-the-call-line",
    ),
    pytest.param(
        "    x = 1 + \\\n        time.sleep(1)\n",
        "    x = 1 + \\\n        time.sleep(1)  # noqa: FL101\n",
        id="statement-continues-with-backslash-so-the-call-line",
    ),
]
UNCHANGED = [
    pytest.param('    text = """a\n    b"""; time.sleep(1)\n', id="line-closes-a-multi-line-string"),
    pytest.param('    text = f"""{1}\n    """ + str(time.sleep(1))\n', id="line-closes-a-multi-line-f-string"),
    pytest.param("    x = time.sleep(1) + \\\n        1\n", id="backslash-continuation"),
]

# These tests are about the machinery, so one rule is enough (and others cannot interfere).
ONLY_FL101 = '[tool.fastlint]\nselect = ["FL001", "FL101"]\n'


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text(ONLY_FL101)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def fastlint(*args: str):
    return CliRunner().invoke(app, ["check", *args])


@pytest.mark.parametrize("body, expected", ADDED)
def test_noqa_added(project, body, expected):
    (project / "app.py").write_text(HEAD + body)
    result = fastlint("--add-noqa", ".")
    assert result.exit_code == 0, result.output
    assert (project / "app.py").read_text() == HEAD + expected
    assert fastlint(".").exit_code == 0


@pytest.mark.parametrize("body", UNCHANGED)
def test_no_comment_where_it_would_not_work(project, body):
    (project / "app.py").write_text(HEAD + body)
    result = fastlint("--add-noqa", ".")
    assert result.exit_code == 0
    assert (project / "app.py").read_text() == HEAD + body
    assert "noqa comment" in result.stderr and "not added" in result.stderr


def test_keeps_encoding_and_line_endings(project):
    source = "# -*- coding: latin-1 -*-\r\nimport time\r\n\r\n\r\nasync def café():\r\n    time.sleep(1)\r\n"
    (project / "app.py").write_bytes(source.encode("latin-1"))
    assert fastlint("--add-noqa", ".").exit_code == 0
    written = (project / "app.py").read_bytes().decode("latin-1")
    assert written == source.replace("time.sleep(1)\r\n", "time.sleep(1)  # noqa: FL101\r\n")


def test_reports_how_many_comments_it_added(project):
    (project / "app.py").write_text(HEAD + "    time.sleep(1)\n    time.sleep(2)\n")
    result = fastlint("--add-noqa", ".")
    assert "Added 2 noqa directives to 1 files." in result.stdout


@pytest.mark.parametrize("line, expected", [
    pytest.param("x()", "x()  # noqa: FL101", id="plain"),
    pytest.param("x()  # noqa", "x()  # noqa", id="bare-noqa-covers-all"),
    pytest.param("x()  # noqa: FL101", "x()  # noqa: FL101", id="already-there"),
    pytest.param("x('#')   ", "x('#')  # noqa: FL101", id="hash-in-a-string"),
])
def test_with_noqa(line, expected):
    assert with_noqa(line, ["FL101"]) == expected


def test_rows_inside_strings():
    text = textwrap.dedent('''\
        a = """one
        two
        three"""
        b = "no"
        ''')
    assert rows_inside_strings(text) == {1, 2}
