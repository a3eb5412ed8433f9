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
from fastlint.fixer import compiles
from fastlint.source import decode_source

ALL = ("ALL",)
PYPROJECT = "[tool.fastlint]\n"


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


def assert_fix_is_sound(files: dict[str, str | bytes]) -> FixOutcome:
    """Check and fix a project with every rule and assert fastlint's promises:
    check never raises nor reports an internal error; fix never drops a fix for not
    compiling; every fixed file compiles; a file with no finding is not touched; a second
    fix changes nothing."""
    with tempfile.TemporaryDirectory() as directory:
        root = write_project(Path(directory).resolve(), files)
        before = snapshot(root)
        checked = lint_all(root)
        assert not checked.internal_errors, checked.internal_errors
        assert not checked.errors, checked.errors
        flagged = files_with_findings(checked, root)

        fixed_result = lint_all(root, fix=True)
        assert not fixed_result.internal_errors, fixed_result.internal_errors
        assert not fixed_result.errors, fixed_result.errors
        after = snapshot(root)
        reparsed = 0
        for name, content in after.items():
            if content == before[name]:
                continue
            assert name in flagged, f"{name} had no finding but fix changed it"
            problem = compiles(decode_source(name, content).text, name)
            reparsed += 1
            assert problem is None, f"fixed {name} does not compile: {problem}\n{content.decode()}"

        again = lint_all(root, fix=True)
        assert not again.internal_errors, again.internal_errors
        assert snapshot(root) == after, "a second fix changed the files again"
        return FixOutcome(len(checked.diagnostics), reparsed)
