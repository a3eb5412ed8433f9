"""JSON shaped like ruff's, plus `name` and `severity`; columns are 1-based."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any, TextIO

from fastlint.diagnostics import Diagnostic
from fastlint.rules.links import configured_template, rule_url
from fastlint.rules.catalogue import BY_CODE, severity_of

if TYPE_CHECKING:
    from fastlint.engine import RunResult
    from fastlint.reporters import RenderSettings

def diagnostic_dict(diagnostic: Diagnostic, url_template: str | None = None) -> dict[str, Any]:
    rule = BY_CODE.get(diagnostic.code)
    fix = None
    if diagnostic.fix is not None:
        fix = {
            "applicability": diagnostic.fix.applicability.value,
            "message": diagnostic.fix.message,
            "edits": [
                {
                    "content": edit.content,
                    "location": {"row": edit.row, "column": edit.col + 1},
                    "end_location": {"row": edit.end_row, "column": edit.end_col + 1},
                }
                for edit in diagnostic.fix.edits
            ],
            "imports": [imported.statement() for imported in diagnostic.fix.imports],
        }
    return {
        "code": diagnostic.code,
        "name": rule.name if rule else diagnostic.code,
        "severity": severity_of(diagnostic.code, diagnostic.message),
        "message": diagnostic.message,
        "filename": os.path.abspath(diagnostic.path),
        "location": {"row": diagnostic.row, "column": diagnostic.col + 1},
        "end_location": {"row": diagnostic.end_row, "column": diagnostic.end_col + 1},
        "noqa_row": diagnostic.noqa_row or diagnostic.row,
        "fix": fix,
        "url": rule_url(diagnostic.code, url_template),
        "related": [
            {"message": place.message, "filename": os.path.abspath(place.path),
             "location": {"row": place.row, "column": place.col + 1},
             "end_location": {"row": place.end_row, "column": place.end_col + 1}}
            for place in diagnostic.related
        ],
    }


def render(result: "RunResult", stream: TextIO, settings: "RenderSettings") -> None:
    template = configured_template(result)
    json.dump([diagnostic_dict(d, template) for d in result.diagnostics], stream, indent=2,
              ensure_ascii=False)
    stream.write("\n")
