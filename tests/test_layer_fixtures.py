"""Three fixture projects of the layouts real FastAPI applications use: their `fastlint layers`
output and their FL3xx findings are the files next to them (`expected-layers.txt`,
`expected-findings.txt`), reviewed by hand."""

import io
from pathlib import Path

import pytest

from fastlint.engine import RunOptions, run_check
from fastlint.reporters.layer_report import build_reports, render_text

REPO = Path(__file__).resolve().parent.parent
LAYOUTS = ["feature_modules", "domain_views", "guide_nested"]


def expected(layout: str, name: str) -> str:
    return (REPO / "fixtures" / layout / name).read_text()


@pytest.mark.parametrize("layout", LAYOUTS)
def test_layers_output(layout, monkeypatch):
    monkeypatch.chdir(REPO / "fixtures" / layout)
    out = io.StringIO()
    render_text(build_reports([Path(".")]), out)
    assert out.getvalue() == expected(layout, "expected-layers.txt")


@pytest.mark.parametrize("layout", LAYOUTS)
def test_architecture_findings(layout, monkeypatch):
    monkeypatch.chdir(REPO / "fixtures" / layout)
    result = run_check([Path(".")], RunOptions(select=("FL301", "FL302", "FL303", "FL304"), jobs=1))
    found = "".join(f"{d.path}:{d.row}: {d.code} {d.message}\n" for d in result.diagnostics)
    assert found == expected(layout, "expected-findings.txt")
