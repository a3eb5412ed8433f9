"""Applying fixes: non-overlapping edits, needed imports once, verified, written atomically.

A fix is text edits computed from exact `ast` positions, so every comment and blank line
outside the edited spans is kept byte for byte. The result must compile, or the fix is
dropped and reported. Passes repeat until nothing more applies (bounded). Files are written
by temp file + rename, keeping encoding, BOM, line endings and mode; a file that changed on
disk since it was read is left alone.
"""

from __future__ import annotations

import ast
import difflib
import os
import sys
import warnings
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from fastlint.files.atomic import replace_file
from fastlint.files.containment import left_alone, outside_root
from fastlint.diagnostics import Applicability, Diagnostic, Fix, ImportNeeded, is_applicable
from fastlint.files.parse import ParseFailure, needs_libcst, parse_text
from fastlint.files.source import SourceError, SourceFile, decode_source, read_bytes


# A fix can make another applicable (or clash with it until the next pass): repeat, bounded.
MAX_FIX_PASSES = 6


class FileChangedError(Exception):
    """The file on disk is no longer what fastlint read: it is not overwritten."""


# ---------------------------------------------------------------------- edits
def _overlaps(a: tuple[int, int, str], b: tuple[int, int, str]) -> bool:
    if a[0] == a[1] == b[0] == b[1]:
        return a[2] != b[2]  # two different insertions at one point: order is ambiguous
    return a[0] < b[1] and b[0] < a[1] or (a[0] == a[1] and b[0] < a[0] < b[1]) or (
        b[0] == b[1] and a[0] < b[0] < a[1]
    )


def apply_edits(source: SourceFile, fixes: list[Fix]) -> tuple[str, list[Fix]]:
    """Apply every fix whose edits do not overlap an earlier one's; imports not included."""
    taken: list[tuple[int, int, str]] = []
    applied: list[Fix] = []
    ordered = sorted(
        fixes, key=lambda f: min((e.row, e.col) for e in f.edits) if f.edits else (0, 0)
    )
    for fix in ordered:
        edits = [
            (source.offset(e.row, e.col), source.offset(e.end_row, e.end_col), e.content)
            for e in fix.edits
        ]
        new = [edit for edit in edits if edit not in taken]
        if any(_overlaps(edit, other) for edit in new for other in taken):
            continue
        taken.extend(new)
        applied.append(fix)
    text = source.text
    for start, end, content in sorted(taken, key=lambda e: (e[0], e[1]), reverse=True):
        text = text[:start] + content + text[end:]
    return text, applied


# ---------------------------------------------------------------------- imports
def _has_import(tree: ast.Module, needed: ImportNeeded) -> bool:
    for stmt in tree.body:
        if needed.name is None and isinstance(stmt, ast.Import):
            if any(a.name == needed.module and a.asname in (None, needed.module) for a in stmt.names):
                return True
        if needed.name is not None and isinstance(stmt, ast.ImportFrom) and not stmt.level:
            if stmt.module == needed.module and any(
                a.name == needed.name and a.asname in (None, needed.name) for a in stmt.names
            ):
                return True
    return False


def _leading_block(tree: ast.Module) -> tuple[int, list[ast.stmt]]:
    """The row after the docstring and `__future__` imports, and the imports right after it."""
    body = tree.body
    index = 0
    after = 0
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        after = body[0].end_lineno or 0
        index = 1
    while index < len(body) and isinstance(body[index], ast.ImportFrom) \
            and body[index].module == "__future__":
        after = body[index].end_lineno or after
        index += 1
    block = []
    while index < len(body) and isinstance(body[index], (ast.Import, ast.ImportFrom)):
        block.append(body[index])
        index += 1
    return after, block


def _sort_key(stmt: ast.stmt) -> str:
    if isinstance(stmt, ast.Import):
        return stmt.names[0].name.lower()
    return (stmt.module or "").lower()  # type: ignore[attr-defined]


def _is_stdlib(module: str) -> bool:
    return module.split(".", 1)[0] in sys.stdlib_module_names


def _statement_module(stmt: ast.stmt) -> str:
    if isinstance(stmt, ast.Import):
        return stmt.names[0].name
    return "" if stmt.level else (stmt.module or "")  # type: ignore[attr-defined]


def _insertion_row(tree: ast.Module, needed: ImportNeeded) -> tuple[int, bool, bool]:
    """Where an import goes: (row, True to insert before that row / False for after it,
    True when a blank line must separate it from what follows).

    In its isort section (the standard library first, then the others), beside the imports
    of its kind (`import x` or `from x import y`), in alphabetical order; else at the end of
    the section; a standard-library import in a block without one starts a section of its own.
    """
    after, block = _leading_block(tree)
    stdlib = _is_stdlib(needed.module)
    section = [stmt for stmt in block if _is_stdlib(_statement_module(stmt)) == stdlib]
    if stdlib and block and not section:
        return block[0].lineno, True, True
    if section:
        block = section
    kind = ast.Import if needed.name is None else ast.ImportFrom
    same = [stmt for stmt in block if isinstance(stmt, kind)]
    for stmt in same:
        if _sort_key(stmt) > needed.module.lower():
            return stmt.lineno, True, False
    if same:
        return same[-1].end_lineno or after, False, False
    if block and kind is ast.Import:
        return block[0].lineno, True, False
    return ((block[-1].end_lineno or after) if block else after), False, False


def add_imports(text: str, needed: list[ImportNeeded], newline: str) -> str:
    """Add each needed import once, beside the module's other top-level imports."""
    if not needed:
        return text
    try:
        tree = parse_text(text)
    except ParseFailure:
        return text
    missing = [n for n in dict.fromkeys(needed) if not _has_import(tree, n)]
    if not missing:
        return text
    for needed_import in sorted(missing, key=lambda n: (n.name is not None, n.module, n.name or "")):
        text = _insert_import(text, needed_import, newline)
    return text


def _insert_import(text: str, needed: ImportNeeded, newline: str) -> str:
    row, before, separate = _insertion_row(parse_text(text), needed)
    line = f"{needed.statement()}{newline}{newline if separate else ''}"
    starts = SourceFile(path="", raw=b"", text=text, encoding="utf-8", bom=False).line_starts
    if before:
        offset = starts[row - 1]
        return text[:offset] + line + text[offset:]
    if row >= len(starts):
        prefix = text if text.endswith(("\n", "\r")) or not text else text + newline
        return prefix + line
    offset = starts[row]
    head = text[:offset]
    if head and not head.endswith(("\n", "\r")):
        head += newline
    return head + line + text[offset:]


def compiles(text: str, path: str) -> str | None:
    """None when the text compiles, else why not."""
    try:
        with warnings.catch_warnings():
            # The user's code, not fastlint's: SyntaxWarnings about it are not ours to print.
            warnings.simplefilter("ignore")
            compile(text, path or "<fixed>", "exec", dont_inherit=True)
    except SyntaxError as error:
        if needs_libcst(text):
            return None  # newer Python than this interpreter's (a file in 3.14 syntax on 3.11)
        return f"{error.__class__.__name__}: {error}"
    except (ValueError, RecursionError, MemoryError) as error:
        return f"{error.__class__.__name__}: {error}"
    return None


def _fixed_text(source: SourceFile, fixes: list[Fix]) -> tuple[str, list[Fix]]:
    text, applied = apply_edits(source, fixes)
    return add_imports(text, [i for f in applied for i in f.imports], source.newline), applied


def fix_source(source: SourceFile, fixes: list[Fix]) -> tuple[str, list[Fix], list[str]]:
    """The fixed text, the fixes applied and the problems with fixes that were dropped.

    Fixes that compile one by one may still clash (one makes a function a plain `def`,
    another adds an `await` inside it): then those that compile together are applied, in
    order, and the others wait for the next pass, which re-checks the file. Only a fix that
    breaks the file on its own is a problem to report."""
    text, applied = _fixed_text(source, fixes)
    if compiles(text, source.path) is None:
        return text, applied, []
    original_problem = compiles(source.text, source.path)
    if original_problem is not None:
        return source.text, [], [f"{source.path}: not fixed: the file does not compile as it "
                                 f"is ({original_problem})"]
    good: list[Fix] = []
    problems: list[str] = []
    for fix in applied:
        candidate_text, candidate = _fixed_text(source, good + [fix])
        if compiles(candidate_text, source.path) is None:
            good = candidate
            continue
        problem = compiles(_fixed_text(source, [fix])[0], source.path)
        if problem is not None:
            problems.append(f"{source.path}: a fix produced code that does not compile "
                            f"({problem}); the file was not changed by it")
    text, applied = _fixed_text(source, good)
    return text, applied, problems


# ---------------------------------------------------------------------- writing
def write_atomic(path: str, data: bytes, expected: bytes) -> None:
    """Replace a file's content in one step, only if it still holds `expected`."""
    target = os.path.realpath(path)
    status = os.stat(target)
    # A file without any write bit is protected on purpose (even from root, who may write it).
    if not os.access(target, os.W_OK) or not status.st_mode & 0o222:
        raise PermissionError(f"{path}: is read-only; not fixed")

    def still_expected() -> None:
        with open(target, "rb") as handle:
            if handle.read() != expected:
                raise FileChangedError(
                    f"{path}: changed on disk while fastlint was fixing it; not overwritten"
                )

    still_expected()  # before the work of writing, and again just before the rename
    replace_file(target, data, prefix=".fastlint-", mode=status.st_mode & 0o7777,
                 owner=(status.st_uid, status.st_gid), durable=True,
                 before_replace=still_expected)


def unified_diff(path: str, before: str, after: str) -> str:
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True), after.splitlines(keepends=True),
            fromfile=f"a/{path}", tofile=f"b/{path}",
        )
    )


# ---------------------------------------------------------------------- the loop
@dataclass
class FixOutcome:
    """What fixing a project did: the findings left, each written file's count of fixes
    applied, and (with `diff`) the diffs instead of writes."""

    diagnostics: list[Diagnostic]
    fixed: dict[str, int] = field(default_factory=dict)
    diffs: list[str] = field(default_factory=list)


def fix_project(
    diagnostics: list[Diagnostic],
    root: str | os.PathLike[str],
    overrides: dict[str, bytes],
    reanalyse: Callable[[list[str]], list[Diagnostic]],
    unsafe: bool,
    diff: bool,
    errors: list[str],
) -> FixOutcome:
    """Fix to a fixpoint in memory (`overrides` receives each changed file's content, and
    `reanalyse` gives the project's findings after the files it is given changed), then
    write (or, with `diff`, diff) every changed file."""
    outcome = FixOutcome(diagnostics)
    original: dict[str, bytes] = {}
    counts: dict[str, int] = defaultdict(int)
    stuck: set[str] = set()
    for path in sorted({d.path for d in diagnostics if is_applicable(d, unsafe)}):
        target = outside_root(path, root)
        if target is not None:
            errors.append(left_alone(path, target, "not fixed"))
            stuck.add(path)
    for _ in range(MAX_FIX_PASSES):
        by_file: dict[str, list[Fix]] = defaultdict(list)
        for diagnostic in diagnostics:
            if is_applicable(diagnostic, unsafe) and diagnostic.path not in stuck:
                by_file[diagnostic.path].append(diagnostic.fix)  # type: ignore[arg-type]
        changed = []
        for path, fixes in by_file.items():
            raw = overrides.get(path)
            if raw is None:
                try:
                    raw = read_bytes(path)
                except SourceError as error:
                    errors.append(f"{path}: {error}")
                    continue
            original.setdefault(path, raw)
            try:
                source = decode_source(path, raw)
            except SourceError:
                continue
            text, applied, problems = fix_source(source, fixes)
            errors.extend(problems)
            if problems:
                stuck.add(path)
            if not applied or text == source.text:
                continue
            try:
                overrides[path] = source.encode(text)
            except UnicodeEncodeError:
                errors.append(f"{path}: a fix needs characters that {source.encoding} cannot "
                              "encode; the file was not changed by it")
                stuck.add(path)
                continue
            counts[path] += len(applied)
            changed.append(path)
        if not changed:
            break
        diagnostics = reanalyse(changed)
    outcome.diagnostics = diagnostics
    for path, data in overrides.items():
        before = original[path]
        if data == before:
            continue
        if diff:
            source = decode_source(path, before)
            after = decode_source(path, data)
            outcome.diffs.append(unified_diff(path, source.text, after.text))
            outcome.fixed[path] = counts[path]
            continue
        try:
            write_atomic(path, data, before)
        except (OSError, FileChangedError) as error:
            errors.append(str(error) if isinstance(error, FileChangedError) or str(error).startswith(path)
                          else f"{path}: not fixed: {error}")
            continue
        outcome.fixed[path] = counts[path]
    return outcome


__all__ = ["Applicability", "apply_edits", "add_imports", "fix_source", "write_atomic", "fix_project"]
