"""Which files are checked: default excludes, .gitignore, config excludes, explicit paths."""

import os
from pathlib import Path

from fastlint.files.discovery import DirectoryListings

from fastlint.engine import RunOptions, run_check

BLOCKING = "import time\n\n\nasync def f():\n    time.sleep(1)\n"


def checked(root: Path, *paths: Path) -> list[str]:
    result = run_check(list(paths) or [root], RunOptions(jobs=1, no_cache=True))
    return sorted(Path(d.path).resolve().relative_to(root).as_posix() for d in result.diagnostics)


def make(root: Path, files: list[str], config: str = "[tool.fastlint]\n") -> Path:
    (root / "pyproject.toml").write_text(config)
    for name in files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(BLOCKING)
    return root


def test_default_excludes_are_skipped(tmp_path):
    root = make(tmp_path, ["app.py", ".venv/lib/x.py", "venv/y.py", "node_modules/z.py",
                           "build/b.py", "dist/d.py", "__pycache__/c.py", ".git/g.py",
                           "lib/site-packages/s.py"])
    assert checked(root) == ["app.py"]


def test_gitignore_is_respected_at_every_level(tmp_path):
    root = make(tmp_path, ["app.py", "generated/out.py", "pkg/local_only.py", "pkg/kept.py"])
    (root / ".gitignore").write_text("generated/\n")
    (root / "pkg" / ".gitignore").write_text("local_*.py\n")
    assert checked(root) == ["app.py", "pkg/kept.py"]


def test_gitignore_negation(tmp_path):
    root = make(tmp_path, ["a_gen.py", "b_gen.py"])
    (root / ".gitignore").write_text("*_gen.py\n!b_gen.py\n")
    assert checked(root) == ["b_gen.py"]


def test_exclude_and_extend_exclude(tmp_path):
    config = '[tool.fastlint]\nextend-exclude = ["migrations", "scripts/*.py"]\n'
    root = make(tmp_path, ["app.py", "migrations/m1.py", "scripts/s.py"], config)
    assert checked(root) == ["app.py"]


def test_a_file_named_explicitly_is_always_checked(tmp_path):
    root = make(tmp_path, ["app.py", "generated/out.py"])
    (root / ".gitignore").write_text("generated/\n")
    assert checked(root, root / "generated" / "out.py") == ["generated/out.py"]


def test_only_the_given_files_are_reported(tmp_path):
    root = make(tmp_path, ["a.py", "b.py"])
    assert checked(root, root / "b.py") == ["b.py"]


def test_git_info_exclude_is_respected(tmp_path):
    root = make(tmp_path, ["app.py", "scratch/try.py"])
    (root / ".git" / "info").mkdir(parents=True)
    (root / ".git" / "info" / "exclude").write_text("scratch/\n")
    assert checked(root) == ["app.py"]


def test_gitignore_semantics_that_a_simple_matcher_gets_wrong(tmp_path):
    root = make(tmp_path, ["app.py", "a/gen/x.py", "b/c/gen/y.py", "docs/build/z.py",
                           "pkg/deep/keep.py", "pkg/deep/drop.py", "top.py", "sub/top.py"])
    (root / ".gitignore").write_text(
        "**/gen/**\n"        # any depth, everything below
        "docs/**/z.py\n"     # anchored, with a middle wildcard
        "/top.py\n"          # anchored to the root only
        "pkg/deep/*\n"       # a directory's contents...
        "!pkg/deep/keep.py\n"  # ...with one file re-included
    )
    assert checked(root) == ["app.py", "pkg/deep/keep.py", "sub/top.py"]


def test_a_nested_gitignore_re_includes_what_its_parent_ignores(tmp_path):
    root = make(tmp_path, ["pkg/a_gen.py", "pkg/b_gen.py"])
    (root / ".gitignore").write_text("*_gen.py\n")
    (root / "pkg" / ".gitignore").write_text("!b_gen.py\n")
    assert checked(root) == ["pkg/b_gen.py"]


def test_a_nested_projects_own_excludes_apply_inside_it(tmp_path):
    root = make(tmp_path, ["app.py", "sdk/gen/templates/t.py", "sdk/client.py", "gen/kept.py"])
    (root / "sdk" / "pyproject.toml").write_text(
        '[project]\nname = "sdk"\ndependencies = ["fastapi"]\n'  # not a separate project: reported
        '[tool.fastlint]\nextend-exclude = ["templates"]\n')
    assert checked(root) == ["app.py", "gen/kept.py", "sdk/client.py"]


# ---------------------------------------------------------------- listings kept between runs
def cached_checked(root: Path) -> list[str]:
    result = run_check([root], RunOptions(jobs=1))
    return sorted(Path(d.path).resolve().relative_to(root).as_posix() for d in result.diagnostics)


def age(*paths: Path) -> None:
    """Date a directory back, as one not touched for a while (its listing is then kept)."""
    for path in paths:
        os.utime(path, ns=(1_700_000_000 * 10**9, 1_700_000_000 * 10**9))


def test_a_kept_listing_is_used_while_its_directory_is_unchanged(tmp_path):
    root = make(tmp_path, ["app.py", "pkg/a.py"])
    age(root, root / "pkg")
    assert cached_checked(root) == ["app.py", "pkg/a.py"]
    listings = DirectoryListings(next((root / ".fastlint_cache").glob("directories-*"))).load()
    assert str(root / "pkg") in listings.listings
    # A file added changes its directory's mtime: the directory is listed again.
    (root / "pkg" / "b.py").write_text(BLOCKING)
    assert cached_checked(root) == ["app.py", "pkg/a.py", "pkg/b.py"]
    # A directory listed within the racy window is not trusted on the next run, even if a
    # file then appears without its mtime moving (a coarse clock).
    (root / "pkg" / "c.py").write_text(BLOCKING)
    stamp = (root / "pkg").stat().st_mtime_ns
    assert cached_checked(root) == ["app.py", "pkg/a.py", "pkg/b.py", "pkg/c.py"]
    (root / "pkg" / "d.py").write_text(BLOCKING)
    os.utime(root / "pkg", ns=(stamp, stamp))
    assert "pkg/d.py" in cached_checked(root)


def test_a_gitignore_edited_in_place_applies_with_kept_listings(tmp_path):
    root = make(tmp_path, ["app.py", "gen/out.py"])
    (root / ".gitignore").write_text("# nothing yet\n")
    age(root, root / "gen")
    assert cached_checked(root) == ["app.py", "gen/out.py"]
    (root / ".gitignore").write_text("gen/\n")
    age(root)  # the directory looks untouched; the .gitignore's content changed
    assert cached_checked(root) == ["app.py"]


def test_a_stale_listing_never_hides_a_deleted_file(tmp_path):
    root = make(tmp_path, ["app.py", "pkg/a.py", "pkg/b.py"])
    age(root, root / "pkg")
    assert cached_checked(root) == ["app.py", "pkg/a.py", "pkg/b.py"]
    (root / "pkg" / "b.py").unlink()
    assert cached_checked(root) == ["app.py", "pkg/a.py"]
