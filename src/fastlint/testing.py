"""Helpers for testing rules on small projects written as strings (used by tests/)."""

from __future__ import annotations

import tempfile
import textwrap
from pathlib import Path

from fastlint.diagnostics import Diagnostic
from fastlint.engine import RunOptions, RunResult, run_check
from fastlint.model.project import Project

Files = dict[str, str] | str


def _write(root: Path, files: Files, pyproject: str | None) -> None:
    if isinstance(files, str):
        files = {"app.py": files}
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    (root / "pyproject.toml").write_text(
        pyproject if pyproject is not None else "[tool.fastlint]\n", encoding="utf-8"
    )


def run(files: Files, select: tuple[str, ...] = (), *, fix: bool = False, unsafe: bool = False,
        pyproject: str | None = None, paths: tuple[str, ...] = ()) -> tuple[RunResult, dict[str, str]]:
    """Run fastlint on a temporary project; returns the result and every file's final text.

    Diagnostic paths are made relative to the project root.
    """
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory).resolve()
        _write(root, files, pyproject)
        options = RunOptions(select=select, fix=fix, unsafe_fixes=unsafe, jobs=1)
        targets = [root / p for p in paths] or [root]
        result = run_check(targets, options)
        prefix = str(root) + "/"
        import os
        relative_prefix = os.path.relpath(root) + "/"
        result.diagnostics = [
            _relative(d, prefix, relative_prefix) for d in result.diagnostics
        ]
        texts = {
            p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
            for p in root.rglob("*.py")
        }
    return result, texts


def _relative(diagnostic: Diagnostic, *prefixes: str) -> Diagnostic:
    from dataclasses import replace

    path = diagnostic.path
    for prefix in prefixes:
        if path.startswith(prefix):
            return replace(diagnostic, path=path[len(prefix):])
    return diagnostic


def lint(files: Files, select: str | tuple[str, ...] = (), **kwargs) -> list[Diagnostic]:
    """The findings of the selected rules on a project given as {path: source} or one source."""
    codes = (select,) if isinstance(select, str) else select
    return run(files, codes, **kwargs)[0].diagnostics


def lines(files: Files, select: str | tuple[str, ...] = (), **kwargs) -> list[int]:
    """The rows of the findings (what most rule tests assert)."""
    return [d.row for d in lint(files, select, **kwargs)]


def fixed(files: Files, select: str | tuple[str, ...] = (), *, unsafe: bool = False,
          name: str = "app.py", **kwargs) -> str:
    """The text of `name` after `fastlint fix`."""
    codes = (select,) if isinstance(select, str) else select
    return run(files, codes, fix=True, unsafe=unsafe, **kwargs)[1][name]


def project(files: Files, pyproject: str | None = None) -> Project:
    """The joined Project (with its FastAPI model and call graph) of a project given as strings.

    File paths in its facts are relative to the project root (`app/main.py`).
    """
    import os

    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory).resolve()
        _write(root, files, pyproject)
        cwd = os.getcwd()
        os.chdir(root)
        try:
            result = run_check([Path(".")], RunOptions(select=("FL001",), jobs=1))
        finally:
            os.chdir(cwd)
    built = result.projects[0].project
    assert built is not None
    return built
