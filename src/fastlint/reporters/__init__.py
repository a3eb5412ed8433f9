"""Output formats: each module renders a RunResult for one audience (people or machines)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TextIO

from fastlint.engine import RunResult

# format name → module in this package with a `render(result, stream, settings)` function
FORMATS: dict[str, str] = {
    "full": "text",
    "text": "text",
    "concise": "text",
    "json": "json_format",
}


def renderer(name: str) -> Callable[[RunResult, TextIO, "RenderSettings"], None]:
    module = importlib.import_module(f"fastlint.reporters.{FORMATS[name]}")
    return module.render


class RenderSettings:
    """What the user asked about presentation."""

    def __init__(self, output_format: str = "full", show_fixes: bool = False,
                 statistics: bool = False, quiet: bool = False, color: bool = False,
                 fix_mode: bool = False, root: str | None = None) -> None:
        self.output_format = output_format
        self.show_fixes = show_fixes
        self.statistics = statistics
        self.quiet = quiet
        self.color = color
        self.fix_mode = fix_mode
        self.root = root
