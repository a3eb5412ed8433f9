"""fixtures/py314_app (Python 3.14 syntax throughout) gives the same findings on every
interpreter, the findings of its Python 3.10 twin, and has every defect of legacy_app."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fastlint.engine import RunOptions, run_check

pytestmark = pytest.mark.syntax

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
EXPECTED = FIXTURES / "py314_app" / "expected-findings.txt"


def findings(app: str) -> list[str]:
    root = FIXTURES / app
    result = run_check([root], RunOptions(jobs=1, no_cache=True))
    return [
        f"{Path(d.path).resolve().relative_to(root)}:{d.row}:{d.col}-{d.end_row}:{d.end_col} "
        f"{d.code} fix={d.fix.applicability.value if d.fix else '-'} {d.message}"
        for d in result.diagnostics
    ]


def test_py314_app_findings_are_the_recorded_ones_on_this_interpreter():
    assert findings("py314_app") == EXPECTED.read_text(encoding="utf-8").splitlines()


def test_py314_app_findings_equal_its_python_310_twin():
    twin = [line.replace("py310", "py314") for line in findings("py310_twin")]
    assert findings("py314_app") == twin


def test_py314_app_has_every_blocking_call_of_legacy_app():
    """Each call legacy_app blocks on (`shutil.copy()`...) is reported in py314_app too,
    directly (FL101) or through the helper that makes it (FL102)."""
    blocking = [line for line in findings("py314_app") if " FL101 " in line or " FL102 " in line]
    legacy = [re.search(r" FL101 fix=\S+ `(?:[^`]*\.)?(\w+)\(\)`", line)
              for line in findings("legacy_app")]
    names = {match.group(1) for match in legacy if match}
    assert len(names) >= 8
    for name in names:
        assert any(re.search(rf"\b{name}\b", line) for line in blocking), name
