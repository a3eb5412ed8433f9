"""fastlint's own code passes fastlint (with the repository's own configuration)."""

from pathlib import Path

from fastlint.engine import RunOptions, run_check

REPO = Path(__file__).resolve().parent.parent


def test_fastlint_source_has_no_finding():
    result = run_check([REPO / "src", REPO / "bench"], RunOptions(jobs=1, no_cache=True))
    assert [f"{d.path}:{d.row} {d.code}" for d in result.diagnostics] == []
    assert result.errors == [] and result.internal_errors == []
