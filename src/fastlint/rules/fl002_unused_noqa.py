"""FL002 unused-noqa: a `# noqa: FLxxx` that suppresses nothing.

Reported by the engine after noqa filtering (see `fastlint.unused_noqa`), like FL001.
"""

from __future__ import annotations

from fastlint.rules.base import Rule


class UnusedNoqa(Rule):
    code = "FL002"
    name = "unused-noqa"
    summary = "A `# noqa: FLxxx` suppresses nothing"
    default_on = False
    fix_availability = "safe"
