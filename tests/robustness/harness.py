"""Running fastlint, with every rule, on projects given as exact bytes — and the promises
every run keeps: no crash, no internal error, and a fix that parses, is idempotent and
touches only files with a finding."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from fastlint.engine import RunOptions, RunResult, run_check
from fastlint.fix.fixer import compiles
from fastlint.files.source import SourceError, decode_source

ALL = ("ALL",)
PYPROJECT = "[tool.fastlint]\n"
# What the fuzz tests generated, printed at the end of the run (see conftest.py).
FUZZ_COUNTS: dict[str, int] = {"programs": 0, "findings": 0, "files fixed and re-parsed": 0}


def write_project(root: Path, files: dict[str, str | bytes], pyproject: str | None = PYPROJECT) -> Path:
    """Write files byte for byte (no dedent, no newline translation)."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    if pyproject is not None:
        (root / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*.py")) if path.is_file() and not path.is_symlink()
    }


def lint_all(root: Path, *paths: Path, fix: bool = False) -> RunResult:
    """Every rule, unsafe fixes on, in-process (what `fastlint check/fix --select ALL
    --unsafe-fixes` does)."""
    options = RunOptions(select=ALL, fix=fix, unsafe_fixes=True, jobs=1)
    return run_check(list(paths) or [root], options)


def cli(*args: str, cwd: Path, timeout: float = 120, script: Path | None = None,
        **kwargs) -> subprocess.CompletedProcess:
    """`python -m fastlint ARGS` (or `python SCRIPT ARGS`) in a subprocess, with this
    checkout's package."""
    source = str(Path(__file__).resolve().parents[2] / "src")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [source, *filter(None, [os.environ.get("PYTHONPATH")])]), NO_COLOR="1")
    program = [str(script)] if script is not None else ["-m", "fastlint"]
    return subprocess.run([sys.executable, *program, *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout, **kwargs)


def invoke(*args: str, cwd: Path):
    """`fastlint ARGS` in-process from `cwd` (faster than `cli`); exceptions propagate."""
    from typer.testing import CliRunner

    from fastlint.cli import app

    previous = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(app, list(args), catch_exceptions=False, env={"NO_COLOR": "1"})
    finally:
        os.chdir(previous)


def files_with_findings(result: RunResult, root: Path) -> set[str]:
    return {Path(d.path).resolve().relative_to(root).as_posix() for d in result.diagnostics}


@dataclass(frozen=True)
class FixOutcome:
    """What a fix did to one generated project (for counting in the fuzz tests)."""

    findings: int
    files_fixed: int  # each of them re-parsed and compiled


def _compiles(name: str, content: bytes) -> bool:
    try:
        return compiles(decode_source(name, content).text, name) is None
    except SourceError:
        return False


def assert_check_is_sound(files: dict[str, str | bytes]) -> int:
    """Check a project with every rule: no exception, no internal error. The finding count."""
    with tempfile.TemporaryDirectory() as directory:
        root = write_project(Path(directory).resolve(), files)
        checked = lint_all(root)
        assert not checked.internal_errors, checked.internal_errors
        assert not checked.errors, checked.errors
        return len(checked.diagnostics)


def assert_fix_is_sound(files: dict[str, str | bytes]) -> FixOutcome:
    """Check and fix a project with every rule and assert fastlint's promises:
    check never raises nor reports an internal error; every fixed file compiles, and no fix
    is dropped for not compiling (a file that did not compile before is left alone); a file
    with no finding is not touched; a second fix changes nothing."""
    with tempfile.TemporaryDirectory() as directory:
        root = write_project(Path(directory).resolve(), files)
        before = snapshot(root)
        compiling = {name for name, content in before.items() if _compiles(name, content)}
        checked = lint_all(root)
        assert not checked.internal_errors, checked.internal_errors
        assert not checked.errors, checked.errors
        flagged = files_with_findings(checked, root)

        fixed_result = lint_all(root, fix=True)
        assert not fixed_result.internal_errors, fixed_result.internal_errors
        for error in fixed_result.errors:
            broken = Path(error.split(": ", 1)[0]).resolve().relative_to(root).as_posix()
            assert "does not compile" in error and broken not in compiling, error
        after = snapshot(root)
        fixed = 0
        for name, content in after.items():
            if content == before[name]:
                continue
            fixed += 1
            assert name in flagged, f"{name} had no finding but fix changed it"
            assert name in compiling, f"{name} did not compile, yet fix changed it"
            assert _compiles(name, content), (
                f"fixed {name} does not compile:\n{decode_source(name, content).text}")

        again = lint_all(root, fix=True)
        assert not again.internal_errors, again.internal_errors
        assert snapshot(root) == after, "a second fix changed the files again"
        return FixOutcome(len(checked.diagnostics), fixed)
