"""An edit that touches only comment and blank lines keeps the file's analysis (its noqa
comments are read again); every near miss analyses the file again. Either way the findings
are those of a run without the cache."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import fastlint.analysis
from fastlint.engine import RunOptions, run_check

APP = '''\
import time

import requests
from fastapi import FastAPI

app = FastAPI()


# A helper.
def fetch(url):
    return requests.get(url)


@app.get("/items")
async def items():
    """Every item.

    # not a comment: a line of the docstring
    """
    time.sleep(1)  # blocks
    return fetch("https://example.com")
'''

RETRY = '''\
from tenacity import retry


# before the decorator
@retry
def call():
    return 1
'''


class Project:
    """A project on disk whose writes get distinct, old mtimes (never racy), checked with the
    cache, counting the files analysed."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root = root
        self.clock = 1_700_000_000 * 10**9
        self.analysed: list[str] = []
        analyze_file = fastlint.analysis.analyze_file

        def counting(path, *args):
            self.analysed.append(Path(path).name)
            return analyze_file(path, *args)

        monkeypatch.setattr(fastlint.analysis, "analyze_file", counting)
        (root / "pyproject.toml").write_text('[tool.fastlint]\nextend-select = ["FL002"]\n')

    def write(self, name: str, text: str | bytes) -> Path:
        path = self.root / name
        path.write_bytes(text.encode() if isinstance(text, str) else text)
        self.clock += 10**9
        os.utime(path, ns=(self.clock, self.clock))
        return path

    def check(self, *paths: Path) -> list[tuple]:
        """The findings with the cache, after checking they equal those without it."""
        self.analysed.clear()
        targets = list(paths) or [self.root]
        cached = _findings(targets, cache=True)
        analysed = list(self.analysed)
        assert cached == _findings(targets, cache=False)
        self.analysed = analysed
        return cached


def _findings(paths: list[Path], cache: bool) -> list[tuple]:
    result = run_check(paths, RunOptions(jobs=1, no_cache=not cache))
    assert not result.internal_errors
    return [(Path(d.path).name, d.row, d.col, d.code, d.message, d.fix) for d in result.diagnostics]


@pytest.fixture
def project(tmp_path, monkeypatch) -> Project:
    project = Project(tmp_path, monkeypatch)
    project.write("app.py", APP)
    project.write("jobs.py", RETRY)
    project.check()
    return project


KEPT = [
    pytest.param(APP + "# appended\n", id="comment-appended"),
    pytest.param(APP + "\n\n\n", id="blank-lines-appended"),
    pytest.param(APP.replace("# A helper.\n", "# Another helper, renamed.\n"), id="comment-reworded"),
    pytest.param(APP.replace("# A helper.\n", "\n"), id="comment-blanked"),
    pytest.param(APP.replace("\n\n# A helper.", "\n# one\n# A helper."), id="blank-line-commented"),
    pytest.param(APP.replace("# A helper.\n", "# A helper.  # noqa: FL101\n"), id="noqa-on-a-comment-line"),
]


@pytest.mark.parametrize("text", KEPT)
def test_a_comment_only_edit_keeps_the_analysis(project, text):
    before = project.check()
    path = project.write("app.py", text)
    assert project.check() == before or "noqa" in text  # FL002 reports the new noqa
    assert project.analysed == []
    assert project.check(path) == [f for f in project.check() if f[0] == "app.py"]
    assert project.analysed == []


def test_the_noqa_comments_are_read_again(project):
    found = project.check()
    assert ("app.py", 20, 4, "FL101") in [f[:4] for f in found]
    project.write("app.py", APP.replace("# A helper.\n", "# noqa: FL101\n"))
    assert any(f[3] == "FL002" for f in project.check())  # the unused noqa is reported
    assert project.analysed == []


ANALYSED_AGAIN = [
    pytest.param(APP.replace("    # not a comment", "    # changed, in the docstring"),
                 id="hash-line-inside-a-triple-quoted-string"),
    pytest.param("# -*- coding: latin-1 -*-\n" + APP[APP.index("\n") + 1:],
                 id="encoding-cookie-on-line-1"),
    pytest.param(APP.replace("# A helper.\n", "# A helper.\n# and one more line\n"),
                 id="comment-inserted-in-the-middle"),
    pytest.param(APP.replace("time.sleep(1)  # blocks", "time.sleep(1)  # blocks for a second"),
                 id="trailing-comment-on-a-code-line"),
    pytest.param(APP.replace("# A helper.\n", "# A helper.\0\n"), id="nul-byte-in-a-comment"),
    pytest.param(APP.replace("time.sleep(1)  # blocks", "time.sleep(2)  # blocks"), id="code-edited"),
]


@pytest.mark.parametrize("text", ANALYSED_AGAIN)
def test_a_near_miss_is_analysed_again(project, text):
    project.write("app.py", text)
    project.check()
    assert project.analysed == ["app.py"]


def test_a_comment_above_what_a_fix_read_is_analysed_again(project):
    """FL204's fix is built from the decorator's line: an edit on or above it may change the
    text a fix copies, so the file is analysed again; below it, it is not."""
    found = project.check()
    assert any(f[3] == "FL204" and f[5] is not None for f in found)
    project.write("jobs.py", RETRY.replace("# before the decorator", "# above the decorator"))
    project.check()
    assert project.analysed == ["jobs.py"]
    project.write("jobs.py", RETRY.replace("# before the decorator", "# above the decorator")
                  + "# below\n")
    project.check()
    assert project.analysed == []


@pytest.mark.parametrize("statement", ["x = 1", "x = (1 +\n     2)"],
                         ids=["one-line", "multi-line"])
def test_a_line_after_a_backslash_is_code(project, statement):
    project.write("cont.py", f"import os\n\n{statement} \\\n# continued\n")
    project.check()
    project.write("cont.py", f"import os\n\n{statement} \\\n")  # a syntax error now
    found = project.check()
    assert project.analysed == ["cont.py"]
    assert ("cont.py", "FL001") in [(f[0], f[3]) for f in found]


def test_a_file_rewritten_within_the_same_mtime_is_read_again(tmp_path, monkeypatch):
    """A file stat-ed too soon after it was written may change again without its size or
    mtime moving (a coarse clock): its entry is hashed again, not trusted (git's racy
    entries)."""
    project = Project(tmp_path, monkeypatch)
    path = tmp_path / "app.py"
    path.write_text(APP)
    stamp = path.stat().st_mtime_ns  # now: racy
    project.check()
    path.write_text(APP.replace("time.sleep(1)", "time.sleep(2)"))  # same size
    os.utime(path, ns=(stamp, stamp))
    found = project.check()
    assert project.analysed == ["app.py"]
    assert any("sleep" in f[4] for f in found if f[3] == "FL101")
