"""SARIF 2.1.0 for GitHub code scanning: every rule with its documentation, results with
1-based regions, repository-relative URIs and fingerprints that survive line moves."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from fastlint import __version__
from fastlint.diagnostics import Diagnostic, RelatedLocation
from fastlint.rules.pages import page_text, section
from fastlint.not_analysed import SYNTAX_ERROR_REASON, UNREADABLE_REASON, summary_line
from fastlint.reporters.locations import fingerprints, report_path, report_paths, report_root
from fastlint.rules.links import configured_template, repository_url, rule_url
from fastlint.rules import all_rules
from fastlint.rules.base import Rule

if TYPE_CHECKING:
    from fastlint.engine import RunResult
    from fastlint.reporters import RenderSettings

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SOURCE_ROOT = "%SRCROOT%"
FINGERPRINT_KEY = "fastlint/v1"


def rule_descriptor(rule: type[Rule], url_template: str | None = None) -> dict[str, Any]:
    page = page_text(rule.code) or ""
    why = section(page, "Why").split("\n\n")[0]
    full = " ".join(why.split()) or rule.summary
    url = rule_url(rule.code, url_template)
    linked = f"{rule.summary}\n\n{url}" if url else rule.summary
    descriptor = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": full},
        "help": {"text": page or linked, "markdown": page or rule.summary},
        "defaultConfiguration": {"level": _level(rule.severity), "enabled": rule.default_on},
        "properties": {"fix": rule.fix_availability},
    }
    if url:
        descriptor["helpUri"] = url
    return descriptor


def _level(severity: str) -> str:
    return "error" if severity == "error" else "warning"


def _artifact(path: str) -> dict[str, str]:
    """A report path (from `report_path`) as a SARIF artifact location: relative to the
    source root, or a file URI when the file lies outside it."""
    return ({"uri": Path(path).as_uri()} if Path(path).is_absolute()
            else {"uri": path, "uriBaseId": SOURCE_ROOT})


def _location(diagnostic: "Diagnostic | RelatedLocation", path: str) -> dict[str, Any]:
    artifact = _artifact(path)
    region = {
        "startLine": diagnostic.row,
        "startColumn": diagnostic.col + 1,
        "endLine": max(diagnostic.end_row, diagnostic.row),
        "endColumn": max(diagnostic.end_col + 1, 1),
    }
    return {"physicalLocation": {"artifactLocation": artifact, "region": region}}


def _related_locations(diagnostic: Diagnostic, root: Path) -> list[dict[str, Any]]:
    """The places that explain a finding (each call site of a grouped FL102 chain)."""
    return [
        {"id": number, "message": {"text": place.message},
         **_location(place, report_path(place.path, root))}
        for number, place in enumerate(diagnostic.related)
    ]


def _not_analysed_notifications(result: "RunResult", root: Path) -> list[dict[str, Any]]:
    """One note per file no rule ran on (unreadable ones are already errors), then the count."""
    line = summary_line(result.not_analysed)
    if line is None:
        return []
    notes: list[dict[str, Any]] = [
        {
            "level": "warning" if item.reason == SYNTAX_ERROR_REASON else "note",
            "message": {"text": f"not analysed: {item.detail}"},
            "locations": [{"physicalLocation": {
                "artifactLocation": _artifact(report_path(item.path, root))}}],
        }
        for item in result.not_analysed if item.reason != UNREADABLE_REASON
    ]
    return [*notes, {"level": "note", "message": {"text": line}}]


def sarif_log(result: "RunResult", root: Path) -> dict[str, Any]:
    rules = all_rules()
    index = {rule.code: position for position, rule in enumerate(rules)}
    by_code = {rule.code: rule for rule in rules}
    paths = report_paths(result.diagnostics, root)
    prints = fingerprints(result.diagnostics, paths)
    results = []
    for diagnostic, fingerprint in zip(result.diagnostics, prints):
        results.append({
            "ruleId": diagnostic.code,
            "ruleIndex": index.get(diagnostic.code, -1),
            "level": _level(by_code[diagnostic.code].severity_of(diagnostic.message)
                            if diagnostic.code in by_code else "warning"),
            "message": {"text": diagnostic.message},
            "locations": [_location(diagnostic, paths[diagnostic.path])],
            "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
        })
        if diagnostic.related:
            results[-1]["relatedLocations"] = _related_locations(diagnostic, root)
    notifications = [
        {"level": "error", "message": {"text": message}}
        for message in result.errors + result.internal_errors
    ]
    notifications += _not_analysed_notifications(result, root)
    template = configured_template(result)
    driver: dict[str, Any] = {
        "name": "fastlint",
        "version": __version__,
        "semanticVersion": __version__,
        "rules": [rule_descriptor(rule, template) for rule in rules],
    }
    if repository_url():
        driver["informationUri"] = repository_url()
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": driver},
            "originalUriBaseIds": {SOURCE_ROOT: {"uri": root.as_uri().rstrip("/") + "/"}},
            "columnKind": "unicodeCodePoints",
            "invocations": [{
                "executionSuccessful": not result.internal_errors,
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }],
    }


def render(result: "RunResult", stream: TextIO, settings: "RenderSettings") -> None:
    root = report_root(settings.root)
    # json.dumps without indent runs in C, 10x faster than json.dump or indenting.
    stream.write(json.dumps(sarif_log(result, root), ensure_ascii=False))
    stream.write("\n")
