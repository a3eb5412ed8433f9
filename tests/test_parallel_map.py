"""The map shared between the main process and worker processes gives what one process
gives: the same results, findings and cache, whichever process analysed a file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fastlint.cache import Cache
from fastlint.engine import RunOptions, run_check
from fastlint.pipeline.file_map import PARALLEL_THRESHOLD, map_files, ruleset_of
from fastlint.pipeline.projects import plan_projects
from fastlint.pipeline.workers import size_batches

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _project(tmp_path: Path) -> Path:
    """Two fixture apps side by side and enough small modules to take the parallel path."""
    root = tmp_path / "project"
    root.mkdir()
    (root / "pyproject.toml").write_text('[project]\nname = "app"\n')
    for name in ("fullstack_template", "legacy_app"):
        shutil.copytree(FIXTURES / name, root / name)
    extra = root / "extra"
    extra.mkdir()
    (extra / "__init__.py").write_text("")
    for n in range(PARALLEL_THRESHOLD + 10):
        (extra / f"m{n}.py").write_text(
            "import os, requests\n"
            f"TOKEN = os.environ['TOKEN_{n}']\n"
            f"async def fetch_{n}():\n"
            "    return requests.get('https://example.com')\n" + "# padding\n" * (n % 7))
    return root


def test_batches_hold_every_file_once_largest_first(tmp_path: Path) -> None:
    sizes = [5000, 10, 300, 300, 20, 7000, 1, 450] * 6
    items = []
    for n, size in enumerate(sizes):
        path = tmp_path / f"f{n}.py"
        path.write_text("x" * size)
        items.append((str(path), n))
    batches = size_batches(items, processes=2)
    flat = [item for batch in batches for item in batch]
    assert sorted(flat) == sorted(items)
    assert [sizes[n] for _, n in flat] == sorted(sizes, reverse=True)
    assert len(batches) > 2
    totals = [sum(sizes[n] for _, n in batch) for batch in batches]
    assert totals[-1] < totals[0]  # the batches shrink with the work left
    # A file larger than a batch's share is a batch of its own.
    assert all(len(batch) == 1 for batch in batches if sizes[batch[0][1]] == 7000)


@pytest.mark.parametrize("jobs", [2, 3])
def test_several_processes_give_what_one_gives(tmp_path: Path, jobs: int) -> None:
    root = _project(tmp_path)
    results = {}
    for processes in (1, jobs):
        run = plan_projects([root], RunOptions(no_cache=True))[0]
        map_files(run, run.files, ruleset_of(run.config), processes)
        results[processes] = run.results
    assert len(results[1]) > PARALLEL_THRESHOLD
    assert results[1] == results[jobs]
    one = run_check([root], RunOptions(jobs=1, no_cache=True)).diagnostics
    several = run_check([root], RunOptions(jobs=jobs, no_cache=True)).diagnostics
    assert one and one == several


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_cache_holds_what_each_process_analysed(tmp_path: Path, jobs: int) -> None:
    root = _project(tmp_path)
    cache_dir = tmp_path / "cache"
    cold = run_check([root], RunOptions(jobs=jobs, cache_dir=cache_dir)).diagnostics
    run = plan_projects([root], RunOptions())[0]
    cache = Cache(cache_dir, ruleset_of(run.config).fingerprint(), run.root)
    cache.load()
    fresh = plan_projects([root], RunOptions(no_cache=True))[0]
    map_files(fresh, fresh.files, ruleset_of(fresh.config), 1)
    for path, result in fresh.results.items():
        assert cache.full_result(run.key(path)) == result
    warm = run_check([root], RunOptions(jobs=jobs, cache_dir=cache_dir)).diagnostics
    assert cold == warm
