"""The file system is hostile too: directories named like modules, symlink loops, FIFOs,
unreadable and read-only files, files edited while fastlint fixes them, two fixers at once,
and Ctrl-C. Every file ends up either untouched or completely fixed, never torn."""

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

import fastlint.fix.fixer
import fastlint.files.source
from robustness.harness import cli, lint_all, snapshot, write_project

SLEEPY = "import time\nasync def f():\n    time.sleep(1)\n"
FIXED_SLEEPY = "import asyncio\nimport time\nasync def f():\n    await asyncio.sleep(1)\n"


def names(result) -> set[tuple[str, str]]:
    return {(Path(d.path).name, d.code) for d in result.diagnostics}


def test_directory_named_like_a_python_file_is_walked_not_read(tmp_path):
    write_project(tmp_path, {"pkg.py/inner.py": SLEEPY})
    for target in (tmp_path, tmp_path / "pkg.py"):
        result = lint_all(tmp_path, target)
        assert names(result) == {("inner.py", "FL101")} and not result.errors


def test_symlink_loops_are_error_lines_and_the_run_goes_on(tmp_path):
    write_project(tmp_path, {"app.py": SLEEPY, "sub/mod.py": "x = 1\n"})
    (tmp_path / "loop_a.py").symlink_to("loop_b.py")
    (tmp_path / "loop_b.py").symlink_to("loop_a.py")
    (tmp_path / "sub" / "back").symlink_to("..")  # a directory loop
    result = lint_all(tmp_path)
    assert names(result) == {("app.py", "FL101")}
    assert sorted(Path(e.split(":")[0]).name for e in result.errors) == ["loop_a.py", "loop_b.py"]
    assert all("Too many levels of symbolic links" in e for e in result.errors)


def test_dangling_symlink_is_an_error_line_naming_it(tmp_path):
    write_project(tmp_path, {"app.py": SLEEPY})
    (tmp_path / "gone.py").symlink_to("nowhere.py")
    result = lint_all(tmp_path)
    assert names(result) == {("app.py", "FL101")}
    assert len(result.errors) == 1 and "gone.py: cannot be read: No such file" in result.errors[0]


def test_fifo_named_like_python_is_skipped_with_a_message_and_never_blocks(tmp_path):
    write_project(tmp_path, {"app.py": SLEEPY})
    os.mkfifo(tmp_path / "pipe.py")
    (tmp_path / "link.py").symlink_to("pipe.py")
    for target in (".", "pipe.py", "link.py"):
        completed = cli("check", target, cwd=tmp_path, timeout=60)
        assert completed.returncode == 1, completed.stderr
        assert "is not a regular file (a FIFO); skipped" in completed.stdout
    completed = cli("check", ".", "--output-format", "concise", cwd=tmp_path, timeout=60)
    assert "app.py:3:5: FL101" in completed.stdout
    assert "error: pipe.py: is not a regular file (a FIFO); skipped" in completed.stdout
    assert "error: link.py: is not a regular file (a FIFO); skipped" in completed.stdout


def test_unreadable_file_is_an_error_line_and_the_run_goes_on(tmp_path, monkeypatch):
    write_project(tmp_path, {"app.py": SLEEPY, "secret.py": "x = 1\n"})
    secret = tmp_path / "secret.py"
    secret.chmod(0o000)
    if os.access(secret, os.R_OK):  # root reads anything: refuse the read the way the OS would
        real_open = os.open

        def refusing_open(path, flags, *args):
            if Path(path).name == "secret.py":
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path, flags, *args)

        monkeypatch.setattr(fastlint.files.source.os, "open", refusing_open)
    result = lint_all(tmp_path)
    assert names(result) == {("app.py", "FL101")}
    assert len(result.errors) == 1
    assert result.errors[0].endswith("secret.py: cannot be read: Permission denied")


def test_missing_path_is_exit_2_naming_it(tmp_path):
    completed = cli("check", "nope.py", cwd=tmp_path)
    assert completed.returncode == 2
    assert "nope.py: no such file or directory" in completed.stderr


# ---------------------------------------------------------------------- writing
def test_read_only_file_is_not_fixed_with_a_clear_error_and_others_are(tmp_path):
    write_project(tmp_path, {"locked.py": SLEEPY, "open.py": SLEEPY})
    (tmp_path / "locked.py").chmod(0o444)
    result = lint_all(tmp_path, fix=True)
    assert [Path(e.split(":")[0]).name for e in result.errors] == ["locked.py"]
    assert "is read-only; not fixed" in result.errors[0]
    assert (tmp_path / "locked.py").read_text() == SLEEPY
    assert (tmp_path / "open.py").read_text() == FIXED_SLEEPY
    assert stat.S_IMODE((tmp_path / "locked.py").stat().st_mode) == 0o444


def test_file_changed_between_read_and_write_is_not_overwritten(tmp_path, monkeypatch):
    write_project(tmp_path, {"app.py": SLEEPY})
    edited = SLEEPY + "# the user's edit, saved while fastlint was fixing\n"
    real_fix_source = fastlint.fix.fixer.fix_source

    def fix_source_while_user_saves(source, fixes):
        fixed = real_fix_source(source, fixes)
        Path(source.path).write_text(edited)
        return fixed

    monkeypatch.setattr(fastlint.fix.fixer, "fix_source", fix_source_while_user_saves)
    result = lint_all(tmp_path, fix=True)
    assert (tmp_path / "app.py").read_text() == edited
    assert len(result.errors) == 1 and "changed on disk" in result.errors[0]
    assert not result.fixed


def test_fix_keeps_permissions_and_untouched_files_keep_their_mtime(tmp_path):
    write_project(tmp_path, {"tool.py": SLEEPY, "clean.py": "x = 1\n"})
    (tmp_path / "tool.py").chmod(0o750)
    old = time.time() - 86_400
    os.utime(tmp_path / "clean.py", (old, old))
    before = (tmp_path / "clean.py").stat().st_mtime_ns
    lint_all(tmp_path, fix=True)
    assert (tmp_path / "tool.py").read_text() == FIXED_SLEEPY
    assert stat.S_IMODE((tmp_path / "tool.py").stat().st_mode) == 0o750
    assert (tmp_path / "clean.py").stat().st_mtime_ns == before


def _many_fixable_files(root: Path, count: int) -> dict[str, bytes]:
    files = {f"pkg/m{i:03}.py": SLEEPY * 1 for i in range(count)}
    write_project(root, files)
    return snapshot(root)


def _old_or_new(root: Path, before: dict[str, bytes]) -> tuple[int, int]:
    """(files untouched, files fully fixed); fails on anything else."""
    after = snapshot(root)
    assert set(after) == set(before)
    old = sum(after[name] == before[name] for name in after)
    new = sum(after[name] == FIXED_SLEEPY.encode() for name in after)
    assert old + new == len(after), [n for n in after if after[n] not in (before[n], FIXED_SLEEPY.encode())]
    assert not list(root.rglob(".fastlint-*")), "temporary files left behind"
    return old, new


def test_two_fix_processes_on_one_tree_leave_no_torn_file(tmp_path):
    before = _many_fixable_files(tmp_path, 120)
    processes = [
        subprocess.Popen([sys.executable, "-m", "fastlint", "fix", "--jobs", "1", "."], cwd=tmp_path,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=300) for process in processes]
    for process, (out, err) in zip(processes, outputs):
        assert process.returncode in (0, 1), err
        assert "Traceback" not in err
    old, new = _old_or_new(tmp_path, before)
    # Whoever lost a race for a file said so instead of overwriting it; the next run (or the
    # winner) fixed it.
    completed = cli("fix", ".", cwd=tmp_path)
    assert completed.returncode in (0, 1)
    assert _old_or_new(tmp_path, before) == (0, len(before))


# Slow every fsync down so that the interrupt lands in the middle of the writes.
SLOW_WRITES = """
import os, sys, time
real_fsync = os.fsync
def slow_fsync(descriptor):
    real_fsync(descriptor)
    time.sleep(0.005)
os.fsync = slow_fsync
from fastlint.cli import main
sys.argv = ["fastlint", "fix", "--jobs", "1", "."]
main()
"""


def test_ctrl_c_during_fix_leaves_every_file_old_or_new(tmp_path):
    before = _many_fixable_files(tmp_path, 300)
    process = subprocess.Popen([sys.executable, "-c", SLOW_WRITES], cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and process.poll() is None:
        if any(b"asyncio" in path.read_bytes() for path in (tmp_path / "pkg").iterdir()
               if path.suffix == ".py"):
            break
        time.sleep(0.002)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    old, new = _old_or_new(tmp_path, before)
    if process.returncode == 0:
        pytest.skip("the fix finished before the interrupt arrived")
    assert process.returncode == 130, err
    assert "interrupted; no file was left half-written" in err
    assert old and new  # it really stopped half way through the tree
