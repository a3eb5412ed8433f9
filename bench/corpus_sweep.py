"""The real corpus as a regression suite: fastlint must never crash and never corrupt a file.

Runs, through the command line a user would type, on a copy of the corpus:

    fastlint check --select ALL --unsafe-fixes --output-format json   (what would be fixed, where)
    fastlint fix   --select ALL --unsafe-fixes                         (the first fix)
    fastlint fix   --select ALL --unsafe-fixes                         (must change nothing)

and proves:
  - no crash (exit code 0 or 1, no traceback) and no internal error (a rule that raised);
  - no fix was dropped because it would not compile (that is a rule building a bad fix);
  - every file the fix changed still parses and compiles, and keeps its encoding, BOM and
    line endings;
  - the second fix changes nothing (fixes reach a fixpoint);
  - every changed file's diff is limited to the spans the check reported (the findings'
    ranges and their fix edits) plus the imports those fixes declared.

Usage: python bench/corpus_sweep.py [--corpus DIR] [--jobs N] [--keep]
(the corpus is fetched with /work/shared/bench/corpus.sh when DIR does not exist).
Exit status 0 when every property holds, 1 otherwise.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tokenize
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS_SCRIPTS = (Path("/work/shared/bench/corpus.sh"), REPO / "bench" / "corpus.sh")
FIX_ARGS = ("--select", "ALL", "--unsafe-fixes")
LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


@dataclass
class FileSpans:
    """What the check said a fix may touch in one file (original 1-based rows)."""

    rows: set[int] = field(default_factory=set)
    imports: set[str] = field(default_factory=set)


@dataclass
class Report:
    counts: Counter = field(default_factory=Counter)
    problems: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def fail(self, kind: str, detail: str) -> None:
        self.counts[kind] += 1
        self.problems[kind].append(detail)


# ---------------------------------------------------------------------- helpers
def ensure_corpus(corpus: Path) -> None:
    if corpus.is_dir():
        return
    script = next((s for s in CORPUS_SCRIPTS if s.is_file()), None)
    if script is None:
        sys.exit(f"corpus {corpus} is missing and no corpus.sh was found")
    subprocess.run(["bash", str(script), str(corpus)], check=True)


def fastlint(args: list[str], cwd: Path, jobs: int | None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "fastlint", *args]
    if jobs is not None:
        command += ["--jobs", str(jobs)]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(REPO / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]))
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.py"))
            if p.is_file()}


def decode(raw: bytes) -> tuple[str, str]:
    encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
    return raw.decode(encoding), encoding


def line_endings(lines: list[str]) -> set[str]:
    return {line[len(line.rstrip("\r\n")):] for line in lines} - {""}


def check_outcome(name: str, process: subprocess.CompletedProcess, report: Report) -> None:
    """Exit 0/1 and no traceback; count internal errors and error lines."""
    if process.returncode not in (0, 1) or "Traceback (most recent call last)" in process.stderr:
        report.fail("crashes", f"{name}: exit {process.returncode}\n{process.stderr[-3000:]}")
    for line in (process.stdout + process.stderr).splitlines():
        if not line.startswith("error: "):
            continue
        message = line[len("error: "):]
        if re.search(r"rule FL\d+ \(.*\) failed", message):
            report.fail("internal errors", f"{name}: {message}")
        elif "does not compile" in message:
            report.fail("fixes dropped (would not compile)", f"{name}: {message}")
        else:
            report.fail("error lines (unreadable files, ...)", f"{name}: {message}")


# ---------------------------------------------------------------------- properties
def reported_spans(findings: list[dict], root: Path) -> dict[str, FileSpans]:
    spans: dict[str, FileSpans] = defaultdict(FileSpans)
    for finding in findings:
        if finding["fix"] is None:
            continue
        relative = Path(finding["filename"]).resolve().relative_to(root).as_posix()
        file_spans = spans[relative]
        file_spans.rows.update(range(finding["location"]["row"], finding["end_location"]["row"] + 1))
        for edit in finding["fix"]["edits"]:
            file_spans.rows.update(range(edit["location"]["row"], edit["end_location"]["row"] + 1))
        file_spans.imports.update(finding["fix"]["imports"])
    return spans


def out_of_span_hunks(before: list[str], after: list[str], spans: FileSpans) -> list[str]:
    """The hunks of the diff that neither change reported rows nor only add declared imports."""
    outside = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if tag == "insert":
            added = [line.strip() for line in after[j1:j2]]
            if all(line in spans.imports for line in added) or {i1, i1 + 1} & spans.rows:
                continue
        elif set(range(i1 + 1, i2 + 1)) <= spans.rows:
            continue
        outside.append(
            f"rows {i1 + 1}-{i2}: -{''.join(before[i1:i2])!r} +{''.join(after[j1:j2])!r}"
        )
    return outside


def verify_fixed_file(relative: str, before: bytes, after: bytes, spans: FileSpans | None,
                      report: Report) -> None:
    report.counts["files re-parsed"] += 1
    try:
        old_text, old_encoding = decode(before)
        new_text, new_encoding = decode(after)
    except (SyntaxError, UnicodeDecodeError, LookupError) as error:
        report.fail("fixed files that do not decode", f"{relative}: {error}")
        return
    try:
        compile(ast.parse(new_text, relative), relative, "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError) as error:
        report.fail("fixed files that do not parse or compile", f"{relative}: {error}")
        return
    if old_encoding != new_encoding or before.startswith(b"\xef\xbb\xbf") != after.startswith(b"\xef\xbb\xbf"):
        report.fail("encoding or BOM changed", f"{relative}: {old_encoding} -> {new_encoding}")
    old_lines, new_lines = LINE.findall(old_text), LINE.findall(new_text)
    if not line_endings(new_lines) <= (line_endings(old_lines) or {"\n"}):
        report.fail("line endings changed", f"{relative}: {line_endings(old_lines)} -> "
                    f"{line_endings(new_lines)}")
    if spans is None:
        report.fail("files changed without a fixable finding", relative)
        return
    outside = out_of_span_hunks(old_lines, new_lines, spans)
    if outside:
        report.fail("diffs outside the reported spans", f"{relative}:\n    " + "\n    ".join(outside[:5]))


# ---------------------------------------------------------------------- the sweep
def sweep(corpus: Path, jobs: int | None, keep: bool) -> Report:
    report = Report()
    work = Path(tempfile.mkdtemp(prefix="fastlint-sweep-")).resolve()
    root = work / "corpus"
    try:
        started = time.perf_counter()
        shutil.copytree(corpus, root, symlinks=True)
        # Pin the configuration: check everything (no default excludes), every rule.
        (root / "pyproject.toml").write_text("[tool.fastlint]\nexclude = []\n", encoding="utf-8")
        original = snapshot(root)
        report.counts["files in corpus"] = len(original)

        phase = time.perf_counter()
        checked = fastlint(["check", *FIX_ARGS, "--output-format", "json", "--exit-zero", "."],
                           root, jobs)
        report.counts["seconds: check"] = round(time.perf_counter() - phase)
        check_outcome("check", checked, report)
        try:
            findings = json.loads(checked.stdout or "[]")
        except json.JSONDecodeError as error:
            report.fail("crashes", f"check: JSON output does not parse: {error}")
            findings = []
        report.counts["findings"] = len(findings)
        by_code = Counter(f["code"] for f in findings)
        for code, count in sorted(by_code.items()):
            report.counts[f"findings {code}"] = count
        spans = reported_spans(findings, root)
        report.counts["files with a fixable finding"] = len(spans)
        report.counts["fixable findings"] = sum(1 for f in findings if f["fix"] is not None)

        phase = time.perf_counter()
        first = fastlint(["fix", *FIX_ARGS, "--exit-zero", "."], root, jobs)
        report.counts["seconds: fix"] = round(time.perf_counter() - phase)
        check_outcome("fix", first, report)
        fixed = snapshot(root)
        if set(fixed) != set(original):
            report.fail("files created or deleted by fix", repr(set(fixed) ^ set(original)))
        changed = sorted(p for p in original if fixed.get(p, original[p]) != original[p])
        report.counts["files fixed"] = len(changed)
        for relative in changed:
            verify_fixed_file(relative, original[relative], fixed[relative], spans.get(relative), report)
        leftovers = [p for p in root.rglob(".fastlint-*.tmp")]
        if leftovers:
            report.fail("temporary files left behind", repr(leftovers[:5]))

        phase = time.perf_counter()
        second = fastlint(["fix", *FIX_ARGS, "--exit-zero", "."], root, jobs)
        report.counts["seconds: second fix"] = round(time.perf_counter() - phase)
        check_outcome("second fix", second, report)
        again = snapshot(root)
        for relative in sorted(p for p in fixed if again.get(p) != fixed[p]):
            report.fail("files changed by a second fix", relative)
        report.counts["seconds: total"] = round(time.perf_counter() - started)
    finally:
        if keep:
            print(f"work tree kept at {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return report


FAILURES = (
    "crashes", "internal errors", "fixes dropped (would not compile)",
    "error lines (unreadable files, ...)", "fixed files that do not decode",
    "fixed files that do not parse or compile", "encoding or BOM changed",
    "line endings changed", "files changed without a fixable finding",
    "diffs outside the reported spans", "files created or deleted by fix",
    "temporary files left behind", "files changed by a second fix",
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path("/tmp/fastlint-corpus"))
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the fixed copy for inspection")
    parser.add_argument("--show", type=int, default=10, help="problems shown per kind")
    options = parser.parse_args()
    ensure_corpus(options.corpus)
    report = sweep(options.corpus.resolve(), options.jobs, options.keep)
    width = max(len(name) for name in (*report.counts, *FAILURES))
    for name, value in report.counts.items():
        if name not in FAILURES:
            print(f"{name:<{width}}  {value}")
    print()
    for name in FAILURES:
        print(f"{name:<{width}}  {report.counts[name]}")
    for kind, details in report.problems.items():
        print(f"\n== {kind} ({len(details)})")
        for detail in details[:options.show]:
            print(f"  {detail}")
    return 1 if any(report.counts[name] for name in FAILURES) else 0


if __name__ == "__main__":
    sys.exit(main())
