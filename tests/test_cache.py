"""The cache: reused when nothing changed, refreshed per changed file, never trusted blindly."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from fastlint.cli import app
from fastlint.engine import RunOptions, run_check

BLOCKING = "import time\n\n\nasync def handler():\n    time.sleep(1)\n"
HELPER = "import time\n\n\ndef pause():\n    time.sleep(1)\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.fastlint]\n")
    (tmp_path / "a.py").write_text(BLOCKING)
    (tmp_path / "b.py").write_text("x = 1\n")
    return tmp_path


def findings(root: Path, **options) -> list[tuple[str, int, str]]:
    result = run_check([root], RunOptions(jobs=1, **options))
    return [(Path(d.path).name, d.row, d.code) for d in result.diagnostics]


def test_warm_run_gives_the_same_findings(project):
    cold = findings(project)
    assert (project / ".fastlint_cache").is_dir()
    assert findings(project) == cold == [("a.py", 5, "FL101")]


def test_cache_directory_ignores_itself(project):
    findings(project)
    cache = project / ".fastlint_cache"
    assert (cache / ".gitignore").read_text().strip().endswith("*")
    assert (cache / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")


def test_a_changed_file_is_analysed_again(project):
    findings(project)
    (project / "b.py").write_text(BLOCKING.replace("handler", "other"))
    assert findings(project) == [("a.py", 5, "FL101"), ("b.py", 5, "FL101")]


def test_a_change_elsewhere_reaches_project_rules(project):
    findings(project)
    (project / "b.py").write_text("import time\n\n\nasync def later():\n    time.sleep(2)\n")
    (project / "a.py").write_text("x = 2\n")
    assert findings(project) == [("b.py", 5, "FL101")]


@pytest.mark.parametrize("damage", [b"", b"not a pickle", b"\x80\x05garbage"],
                         ids=["empty", "text", "truncated"])
def test_corrupt_cache_is_ignored_and_rebuilt(project, damage):
    expected = findings(project)
    for path in (project / ".fastlint_cache").glob("*.pickle"):
        path.write_bytes(damage)
    assert findings(project) == expected
    assert findings(project) == expected


def test_no_cache_writes_nothing(project):
    findings(project, no_cache=True)
    assert not (project / ".fastlint_cache").exists()


def test_cache_dir_option(project, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("cache")
    findings(project, cache_dir=elsewhere)
    assert list(elsewhere.glob("manifest-*.pickle"))
    assert not (project / ".fastlint_cache").exists()


def test_clean_removes_the_cache(project):
    findings(project)
    result = CliRunner().invoke(app, ["clean", str(project)])
    assert result.exit_code == 0
    assert not (project / ".fastlint_cache").exists()


def test_partial_run_uses_the_whole_project(project):
    (project / "helpers.py").write_text(HELPER)
    findings(project)
    result = run_check([project / "a.py"], RunOptions(jobs=1))
    assert [(Path(d.path).name, d.code) for d in result.diagnostics] == [("a.py", "FL101")]


def test_only_the_most_recent_caches_are_kept(project):
    from fastlint.cache import KEEP_CACHES

    for selection in (("FL101",), ("FL001",), ("FL1",), ("FL0",), ("FL001", "FL101"), ("ALL",)):
        findings(project, select=selection)
    manifests = list((project / ".fastlint_cache").glob("manifest-*.pickle"))
    assert len(manifests) == KEEP_CACHES
    assert len(list((project / ".fastlint_cache").glob("facts-*.pickle"))) == KEEP_CACHES
