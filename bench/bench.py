#!/usr/bin/env python3
"""Benchmark fastlint on the pinned real-world corpus, against the `ast` parse floor and ruff.

    python bench/bench.py [--corpus DIR] [--repeat 3] [--json results.json]

In one run, on this machine: the one-process `ast.parse` floor (shared/bench/parse_floor.py
--modes ast), fastlint cold (no cache), warm (cache, nothing changed), one and five files
changed (a comment appended) in the largest project with only those files passed (the
pre-commit case), one file edited so that its analysis changes (a line inserted at its top: every
position below moves, the project is joined again), peak memory of a cold run, a cold run over
the corpus doubled (two copies), and ruff `--select ASYNC,FAST,S113` cold and warm for
reference. Every figure is the median of --repeat runs and is shown as a ratio to the floor.
fastlint's own modules are byte-compiled first, as an installed copy is. The corpus is fetched
with shared/bench/corpus.sh when missing and copied to a scratch directory with a
`pyproject.toml` at its top, as a real project has.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# The shared benchmark tools sit beside the repository (or beside the worktrees' folder).
SHARED = next((parent / "shared" / "bench" for parent in REPO.parents
               if (parent / "shared" / "bench" / "parse_floor.py").is_file()),
              REPO.parent / "shared" / "bench")
TARGETS = {
    "cold": ("≤ 1.0 × floor", lambda r: r["cold"] / r["floor"] <= 1.0),
    "warm": ("≤ 0.05 × floor", lambda r: r["warm"] / r["floor"] <= 0.05),
    "one_file_changed": ("≤ 0.04 × floor", lambda r: r["one_file_changed"] / r["floor"] <= 0.04),
    "five_files_changed": ("≤ 0.06 × floor",
                           lambda r: r["five_files_changed"] / r["floor"] <= 0.06),
    "peak_memory_mb": ("≤ 600 MB", lambda r: r["peak_memory_mb"] <= 600),
    "doubled_cold": ("≤ 2.1 × cold", lambda r: r["doubled_cold"] / r["cold"] <= 2.1),
}


def fastlint_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "fastlint", "check", *args, "--exit-zero", "--quiet"]


def timed(command: list[str], env: dict | None = None) -> tuple[float, int]:
    """Wall seconds and the peak RSS (KB) of the command's process tree's largest process."""
    start = time.perf_counter()
    completed = subprocess.run(["/usr/bin/time", "-f", "%M", *command], capture_output=True,
                               text=True, env=env)
    elapsed = time.perf_counter() - start
    if completed.returncode not in (0, 1):
        raise SystemExit(f"failed: {' '.join(command)}\n{completed.stderr[-2000:]}")
    peak = int(completed.stderr.strip().splitlines()[-1]) if completed.stderr.strip() else 0
    return elapsed, peak


def median_of(repeat: int, run) -> float:
    return statistics.median(run() for _ in range(repeat))


def ast_floor(corpus: Path, repeat: int) -> float:
    out = Path(tempfile.mkdtemp()) / "floor.json"
    subprocess.run([sys.executable, str(SHARED / "parse_floor.py"), str(corpus), "--modes", "ast",
                    "--repeat", str(repeat), "--json", str(out)], check=True,
                   capture_output=True)
    data = json.loads(out.read_text())
    return float(data["results"]["ast"]["median"])


def compile_bytecode() -> None:
    """Compile fastlint's modules as `pip install` does: a checkout run with
    PYTHONDONTWRITEBYTECODE set (as this machine's environment is) would otherwise compile
    every module it imports on every run, which no installed copy does."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "src" / "fastlint")],
                   check=True, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("/tmp/fastlint-corpus"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, default=REPO / "bench" / "results.json")
    parser.add_argument("--skip-doubled", action="store_true")
    args = parser.parse_args()

    if not args.corpus.is_dir():
        subprocess.run(["bash", str(SHARED / "corpus.sh"), str(args.corpus)], check=True)
    scratch = Path(tempfile.mkdtemp(prefix="fastlint-bench-"))
    work = scratch / "corpus"
    shutil.copytree(args.corpus, work, ignore=shutil.ignore_patterns(".fastlint_cache"))
    (work / "pyproject.toml").write_text("[tool.fastlint]\n")
    env = dict(os.environ)
    results: dict[str, float] = {}

    compile_bytecode()
    print("measuring the ast floor …", flush=True)
    results["floor"] = ast_floor(work, args.repeat)

    print("fastlint cold …", flush=True)
    cold_runs = [timed(fastlint_command(str(work), "--no-cache"), env) for _ in range(args.repeat)]
    results["cold"] = statistics.median(t for t, _ in cold_runs)
    results["peak_memory_mb"] = max(p for _, p in cold_runs) / 1024

    print("fastlint warm …", flush=True)
    timed(fastlint_command(str(work)), env)
    results["warm"] = median_of(args.repeat, lambda: timed(fastlint_command(str(work)), env)[0])

    projects = [p for p in work.iterdir() if p.is_dir()]
    biggest_project = max(projects, key=lambda p: sum(1 for _ in p.rglob("*.py")))
    by_size = sorted(biggest_project.rglob("*.py"), key=lambda p: p.stat().st_size, reverse=True)
    largest = by_size[0]

    def changed(files: list[Path], edit) -> float:
        originals = {path: path.read_bytes() for path in files}
        timed(fastlint_command(str(work)), env)  # the index is up to date before each edit
        for path in files:
            path.write_bytes(edit(originals[path]))
        try:
            return timed(fastlint_command(*map(str, files)), env)[0]
        finally:
            for path, original in originals.items():
                path.write_bytes(original)

    def comment(raw: bytes) -> bytes:
        return raw + b"\n# touched by the benchmark\n"

    def inserted_line(raw: bytes) -> bytes:
        return b"import os as _bench_os  # noqa\n" + raw

    print(f"one file changed ({largest.relative_to(work)}) …", flush=True)
    results["one_file_changed"] = median_of(args.repeat, lambda: changed([largest], comment))
    print("five files changed …", flush=True)
    results["five_files_changed"] = median_of(args.repeat,
                                              lambda: changed(by_size[:5], comment))
    print("one file edited (a line inserted at its top) …", flush=True)
    results["one_file_edited"] = median_of(args.repeat,
                                           lambda: changed([largest], inserted_line))

    if not args.skip_doubled:
        print("fastlint cold, corpus doubled …", flush=True)
        doubled = scratch / "doubled"
        doubled.mkdir()
        shutil.copytree(work, doubled / "one", ignore=shutil.ignore_patterns(".fastlint_cache"))
        shutil.copytree(work, doubled / "two", ignore=shutil.ignore_patterns(".fastlint_cache"))
        for copy in ("one", "two"):
            (doubled / copy / "pyproject.toml").unlink()
        (doubled / "pyproject.toml").write_text("[tool.fastlint]\n")
        results["doubled_cold"] = median_of(
            args.repeat, lambda: timed(fastlint_command(str(doubled), "--no-cache"), env)[0])

    ruff = shutil.which("ruff") or shutil.which("ruff", path=str(Path(sys.executable).parent))
    if ruff:
        print("ruff …", flush=True)
        base = [ruff, "check", "--select", "ASYNC,FAST,S113", "--exit-zero", "--quiet", str(work)]
        results["ruff_cold"] = median_of(args.repeat, lambda: timed(base + ["--no-cache"])[0])
        timed(base)
        results["ruff_warm"] = median_of(args.repeat, lambda: timed(base)[0])

    shutil.rmtree(scratch, ignore_errors=True)
    report(results)
    args.json.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwritten to {args.json}")


def report(results: dict[str, float]) -> None:
    floor = results["floor"]
    print("\n| case | seconds | × ast floor | target | met |\n|---|--:|--:|---|---|")
    for name in ("floor", "cold", "warm", "one_file_changed", "five_files_changed",
                 "one_file_edited", "doubled_cold", "ruff_cold", "ruff_warm"):
        if name not in results:
            continue
        target, met = TARGETS.get(name, ("", None))
        verdict = "" if met is None else ("yes" if met(results) else "no")
        print(f"| {name} | {results[name]:.2f} | {results[name] / floor:.3f} | {target} | {verdict} |")
    target, met = TARGETS["peak_memory_mb"]
    print(f"| peak memory, cold | {results['peak_memory_mb']:.0f} MB | | {target} | "
          f"{'yes' if met(results) else 'no'} |")
    if "ruff_cold" in results:
        print(f"| vs ruff | cold {results['cold'] / results['ruff_cold']:.1f} × ruff, "
              f"warm {results['warm'] / results['ruff_warm']:.1f} × ruff | | "
              "cold ≤ 15 ×, warm ≤ 5 × | |")


if __name__ == "__main__":
    main()
