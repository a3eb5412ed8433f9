"""Every command that reads a project can run on a read-only checkout and write nothing there.

CI jobs on read-only checkouts and audits of third-party code need it. The checkout is made
read-only (chmod -R a-w), and because root ignores write bits the tree is also snapshotted
— every path, mode, size, mtime and content — before and after each command.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fastlint.cli import app

# Each command that reads the project, with the arguments that give an answer to compare.
READING_COMMANDS: dict[str, list[list[str]]] = {
    "check": [["check", "."], ["check", ".", "--output-format", "json"],
              ["check", ".", "--output-format", "sarif"], ["check", ".", "--statistics"]],
    "fix": [["fix", ".", "--diff", "--unsafe-fixes"]],
    "routes": [["routes", "."], ["routes", ".", "--output-format", "json"]],
    "layers": [["layers", "."], ["layers", ".", "--output-format", "json"],
               ["layers", ".", "--output-format", "mermaid"], ["layers", ".", "--output-format", "dot"]],
}
# Commands that do not read a project's code, each with the reason.
NOT_READING = {
    "rules": "lists the rules",
    "rule": "prints a rule's page",
    "clean": "removes the cache: tested on its own below",
    "baseline": "writes its --output file: tested on its own below",
    "server": "a language server on stdin/stdout: --no-cache and --cache-dir are tested in "
              "tests/server/test_packaging.py",
}


def snapshot(root: Path) -> dict[str, tuple]:
    """Every path under root with its type, mode, size, mtime and content hash."""
    seen: dict[str, tuple] = {}
    for directory, names, files in os.walk(root):
        for name in names + files:
            path = Path(directory, name)
            status = path.lstat()
            content = hashlib.sha256(path.read_bytes()).hexdigest() if stat.S_ISREG(status.st_mode) else ""
            seen[path.relative_to(root).as_posix()] = (
                stat.S_IFMT(status.st_mode), stat.S_IMODE(status.st_mode), status.st_size,
                status.st_mtime_ns, content,
            )
    return seen


def set_writable(root: Path, writable: bool) -> None:
    for directory, names, files in os.walk(root):
        for name in [*names, *files, ""]:
            path = Path(directory, name)
            mode = path.stat().st_mode
            path.chmod(mode | stat.S_IWUSR if writable else mode & ~0o222)


# A layered app with routes, and a one-file app with fixes to offer.
@pytest.fixture(params=["fullstack_template", "legacy_app"])
def read_only_app(request, fixtures_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    app_dir = tmp_path / request.param
    shutil.copytree(fixtures_dir / request.param, app_dir,
                    ignore=shutil.ignore_patterns(".fastlint_cache", "__pycache__"))
    monkeypatch.chdir(app_dir)
    monkeypatch.delenv("FASTLINT_CACHE_DIR", raising=False)
    set_writable(app_dir, False)
    yield app_dir
    set_writable(app_dir, True)


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_every_command_is_either_tested_here_or_does_not_read_a_project():
    commands = {command.name or command.callback.__name__ for command in app.registered_commands}
    assert commands == set(READING_COMMANDS) | set(NOT_READING), (
        "a new command: add it to READING_COMMANDS (it must accept --no-cache and --cache-dir "
        "and write nothing into a read-only checkout) or to NOT_READING with the reason")


@pytest.mark.parametrize("args", [args for runs in READING_COMMANDS.values() for args in runs],
                         ids=" ".join)
def test_a_command_writes_nothing_with_no_cache_and_answers_as_with_a_cache(read_only_app, tmp_path, args):
    before = snapshot(read_only_app)
    read_only = run(*args, "--no-cache")
    assert read_only.exception is None or isinstance(read_only.exception, SystemExit), read_only.output
    assert snapshot(read_only_app) == before, "the command wrote into the checkout"
    # --cache-dir elsewhere: the cache is written there, never into the checkout.
    elsewhere = tmp_path / "cache"
    cached_elsewhere = run(*args, "--cache-dir", str(elsewhere))
    assert snapshot(read_only_app) == before
    assert list(elsewhere.iterdir())

    set_writable(read_only_app, True)
    cold = run(*args)
    warm = run(*args)
    assert (read_only_app / ".fastlint_cache").is_dir()  # the default still caches
    for answer in (cached_elsewhere, cold, warm):
        assert (answer.exit_code, answer.stdout) == (read_only.exit_code, read_only.stdout)
    if args[0] != "fix" or read_only_app.name == "legacy_app":
        assert read_only.stdout.strip()


def test_a_baseline_is_written_only_where_asked(read_only_app, tmp_path):
    before = snapshot(read_only_app)
    output = tmp_path / "fastlint-baseline.json"
    assert run("baseline", ".", "--no-cache", "--output", str(output)).exit_code == 0
    assert snapshot(read_only_app) == before
    result = run("check", ".", "--no-cache", "--baseline", str(output))
    assert result.exit_code == 0, result.output
    assert snapshot(read_only_app) == before


def test_clean_without_a_cache_writes_nothing(read_only_app):
    before = snapshot(read_only_app)
    assert run("clean", ".").exit_code == 0
    assert snapshot(read_only_app) == before


def test_fix_and_add_noqa_leave_a_read_only_checkout_alone(read_only_app):
    before = snapshot(read_only_app)
    fixed = run("fix", ".", "--no-cache", "--unsafe-fixes")
    noqa = run("check", ".", "--no-cache", "--add-noqa")
    assert "main.py: is read-only; not fixed" in fixed.output or read_only_app.name != "legacy_app"
    assert "is read-only" in noqa.output
    assert snapshot(read_only_app) == before
