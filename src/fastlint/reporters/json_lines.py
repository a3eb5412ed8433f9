"""JSON Lines: one finding per line, each the object the `json` format holds in its list."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, TextIO

from fastlint.reporters.json_format import diagnostic_dict
from fastlint.rules.links import configured_template

if TYPE_CHECKING:
    from fastlint.engine import RunResult
    from fastlint.reporters import RenderSettings


def render(result: "RunResult", stream: TextIO, settings: "RenderSettings") -> None:
    template = configured_template(result)
    for diagnostic in result.diagnostics:
        stream.write(json.dumps(diagnostic_dict(diagnostic, template), ensure_ascii=False) + "\n")
