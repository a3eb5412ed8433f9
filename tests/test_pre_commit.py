"""The pre-commit hooks for real: `git commit` in a fresh repository runs this checkout's
hooks through `pre-commit try-repo`, which builds their environment from the package
registry as a user's pre-commit would.

A staged file with a blocking call blocks the commit with the finding in the output and
`fastlint-fix` rewrites it; once the fix is staged, the commit passes.
"""

import importlib.util
import os
import shlex
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parent.parent

BAD_APP = """\
import time

from fastapi import FastAPI

app = FastAPI()


@app.get("/health")
async def health():
    time.sleep(1)
    return {"status": "ok"}
"""

# These tests are about the machinery, so one rule is enough (and others cannot interfere).
ONLY_FL101 = '[tool.fastlint]\nselect = ["FL001", "FL101"]\n'


def pre_commit_command() -> list[str] | None:
    if importlib.util.find_spec("pre_commit") is not None:
        return [sys.executable, "-m", "pre_commit"]
    found = shutil.which("pre-commit")
    return [found] if found else None


def _is_git_checkout() -> bool:
    if shutil.which("git") is None:
        return False
    probe = subprocess.run(["git", "-C", str(CHECKOUT), "rev-parse", "HEAD"], capture_output=True)
    return probe.returncode == 0


pytestmark = [
    pytest.mark.skipif(pre_commit_command() is None, reason="pre-commit is not installed"),
    pytest.mark.skipif(not _is_git_checkout(),
                       reason="pre-commit try-repo needs this checkout to be a git repository with a commit"),
]


def git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True,
                          env={**os.environ, "PRE_COMMIT_COLOR": "never"}, timeout=600)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository whose pre-commit hook tries this checkout's hooks."""
    repo = tmp_path / "service"
    (repo / "app").mkdir(parents=True)
    (repo / "pyproject.toml").write_text(ONLY_FL101)
    (repo / "app" / "__init__.py").write_text("")
    (repo / "app" / "main.py").write_text(BAD_APP)
    for args in (("init", "-q"), ("config", "user.email", "dev@example.com"),
                 ("config", "user.name", "Dev"), ("config", "commit.gpgsign", "false"),
                 ("config", "core.hooksPath", ".git/hooks")):
        assert git(repo, *args).returncode == 0
    # git exports its index to hooks; try-repo's own git calls must not write to it.
    command = " ".join(shlex.quote(part) for part in pre_commit_command())
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text(f"#!/bin/sh\nunset GIT_INDEX_FILE GIT_DIR GIT_WORK_TREE\n"
                    f"exec {command} try-repo {shlex.quote(str(CHECKOUT))}\n")
    hook.chmod(hook.stat().st_mode | stat.S_IXUSR)
    return repo


def test_hooks_block_a_bad_commit_fix_it_and_pass_a_clean_one(repo):
    assert git(repo, "add", ".").returncode == 0

    blocked = git(repo, "commit", "-m", "add health route")
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0, output
    assert "app/main.py:10:5: FL101" in output
    assert "files were modified by this hook" in output  # fastlint-fix
    assert git(repo, "rev-parse", "--verify", "HEAD").returncode != 0  # nothing committed
    fixed = (repo / "app" / "main.py").read_text()
    assert "    await asyncio.sleep(1)\n" in fixed and "import asyncio\n" in fixed

    assert git(repo, "add", "app/main.py").returncode == 0
    passed = git(repo, "commit", "-m", "add health route")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Failed" not in passed.stdout + passed.stderr
    assert git(repo, "log", "--format=%s").stdout == "add health route\n"
