"""GitLab Code Quality JSON: the report a merge request's widget reads.

Each finding carries `description`, `check_name`, a `fingerprint` that stays the same when
code moves (GitLab compares the branch's report with the target's by it), a `severity`,
and a repository-relative `location.path` with the lines it spans.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from fastlint.reporters.locations import fingerprints, report_path, repository_root
from fastlint.rules import rules_by_code

if TYPE_CHECKING:
    from fastlint.engine import RunResult
    from fastlint.reporters import RenderSettings

# fastlint severity → GitLab's scale (info, minor, major, critical, blocker)
SEVERITIES = {"error": "critical", "warning": "major"}


def render(result: "RunResult", stream: TextIO, settings: "RenderSettings") -> None:
    root = Path(settings.root) if settings.root else repository_root()
    rules = rules_by_code()
    issues = []
    for diagnostic, fingerprint in zip(result.diagnostics, fingerprints(result.diagnostics, root)):
        rule = rules.get(diagnostic.code)
        issues.append({
            "type": "issue",
            "description": f"{diagnostic.code} {diagnostic.message}",
            "check_name": f"{diagnostic.code} {rule.name}" if rule is not None else diagnostic.code,
            "fingerprint": fingerprint,
            "severity": SEVERITIES.get(rule.severity if rule is not None else "", "minor"),
            "categories": ["Bug Risk"],
            "location": {
                "path": report_path(diagnostic.path, root),
                "lines": {"begin": diagnostic.row, "end": max(diagnostic.end_row, diagnostic.row)},
            },
        })
    json.dump(issues, stream, indent=2, ensure_ascii=False)
    stream.write("\n")
