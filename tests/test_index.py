"""A run where no file changed is answered from the index (the findings last reported on each
file) after a stat of every file; anything the findings depend on that changed makes the
run check again, and the answer is always the one a run without the cache gives."""

from __future__ import annotations

import os
from pathlib import Path

from fastlint.engine import RunOptions, joined_project, run_check

BLOCKING = "import time\n\n\nasync def handler():\n    time.sleep(1)\n"


def write(root: Path, name: str, text: str, age: int = 0) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    stamp = (1_700_000_000 + age) * 10**9  # old: a stat that can be trusted
    os.utime(path, ns=(stamp, stamp))
    return path


def check(*paths: Path) -> tuple[list[tuple], bool]:
    """The findings (equal to a run without the cache) and whether the index answered."""
    result = run_check(list(paths), RunOptions(jobs=1))
    cold = run_check(list(paths), RunOptions(jobs=1, no_cache=True))
    found = [(Path(d.path).name, d.row, d.code, d.message) for d in result.diagnostics]
    assert found == [(Path(d.path).name, d.row, d.code, d.message) for d in cold.diagnostics]
    assert [n.path for n in result.not_analysed] == [n.path for n in cold.not_analysed]
    return found, all(run.from_index for run in result.projects)


def project(root: Path) -> Path:
    write(root, "pyproject.toml", "[tool.fastlint]\n")
    write(root, "app/a.py", BLOCKING)
    write(root, "app/b.py", BLOCKING)
    write(root, "app/broken.py", "def (:\n")
    return root


def test_nothing_changed_is_answered_from_the_index(tmp_path):
    root = project(tmp_path)
    first, answered = check(root)
    assert not answered and {f[2] for f in first} >= {"FL101", "FL001"}
    assert check(root) == (first, True)


def test_files_reported_for_the_first_time_are_checked(tmp_path):
    root = project(tmp_path)
    check(root / "app" / "a.py")
    assert check(root / "app" / "a.py")[1]
    assert not check(root)[1]  # b.py was never reported: no record of it
    assert check(root)[1]


def test_a_changed_added_or_removed_file_is_checked_again(tmp_path):
    root = project(tmp_path)
    check(root)
    write(root, "app/b.py", BLOCKING.replace("time.sleep(1)", "time.sleep(2)"), age=5)
    assert not check(root)[1]
    write(root, "app/c.py", BLOCKING)
    assert not check(root)[1]
    (root / "app" / "c.py").unlink()
    assert not check(root)[1]
    assert check(root)[1]


def test_a_file_touched_without_a_change_is_still_answered(tmp_path):
    root = project(tmp_path)
    check(root)
    write(root, "app/a.py", BLOCKING, age=9)  # a checkout: new mtime, same content
    assert check(root)[1]


def test_a_configuration_change_is_checked_again(tmp_path):
    root = project(tmp_path)
    found, _ = check(root)
    write(root, "pyproject.toml", '[tool.fastlint]\nper-file-ignores = { "app/a.py" = ["FL101"] }\n')
    ignored, answered = check(root)
    assert not answered and len(ignored) < len(found)


def test_the_model_is_built_for_a_run_answered_from_the_index(tmp_path):
    root = project(tmp_path)
    write(root, "app/main.py", "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n"
                               "@app.get('/x')\nasync def x():\n    return 1\n")
    check(root)
    result = run_check([root], RunOptions(jobs=1))
    (run,) = result.projects
    assert run.from_index
    assert [route.path for route in joined_project(run).fastapi.resolved_routes] == ["/x"]
