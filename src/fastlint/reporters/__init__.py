"""What a run shows: the output formats (each module renders a RunResult for one audience,
people or machines), the `routes` and `layers` listings, `--show-files`, and baselines.

The last stage: may import anything below it (the engine's results, the model, the rules'
metadata); nothing imports a reporter but the command line and the server.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from fastlint.engine import RunResult

# format name → module in this package with a `render(result, stream, settings)` function
FORMATS: dict[str, str] = {
    "full": "text",
    "text": "text",
    "concise": "text",
    "json": "json_format",
    "json-lines": "json_lines",
    "grouped": "grouped",
    "sarif": "sarif",
    "github": "github",
    "gitlab": "gitlab",
    "junit": "junit",
}
# Formats for people; the others are for machines, so messages go to stderr instead.
HUMAN_FORMATS = frozenset({"full", "text", "concise", "grouped"})


def renderer(name: str) -> Callable[["RunResult", TextIO, "RenderSettings"], None]:
    module = importlib.import_module(f"fastlint.reporters.{FORMATS[name]}")
    return module.render


@dataclass(frozen=True)
class RenderSettings:
    """What the user asked about presentation."""

    output_format: str = "full"
    show_fixes: bool = False
    statistics: bool = False
    quiet: bool = False
    color: bool = False
    fix_mode: bool = False
    root: str | None = None  # paths in machine reports are relative to it (default: the repository)
