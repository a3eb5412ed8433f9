#!/usr/bin/env python3
"""Soak the incremental paths on real code: random edits to a real project, each checked
incrementally (the CLI with its cache; the language server's in-memory project) and cold.

    python bench/soak_incremental.py [--project DIR] [--steps 30] [--seed 1] [--no-server]

tests/test_incremental.py does this on a small synthetic project in the suite; this does it
on a copy of a real one (default: khoj from the judging corpus), whose code holds patterns
no fixture has. Each step mutates one random file so that it still parses, the way a
developer's edit does: a statement added to a function, a function made async or not, a
blocking call added, a call of a function of the module added, an import added, a top-level definition deleted or renamed, a string changed, an import
removed, a line commented out, a blank line inserted, a function, constant, class or route
typed between the definitions, a method typed in a class. After each step the findings of the
incremental run must equal the cold run's (path, position, code, message, fix); the first
difference stops the soak and prints the step and the diff.
"""

from __future__ import annotations

import argparse
import ast
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from fastlint.engine import RunOptions, run_check

JUDGE = Path("/tmp/fastlint-judge")
Mutation = Callable[[str, random.Random], "str | None"]


def _functions(tree: ast.Module) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]


def _body_start(function: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.stmt:
    body = function.body
    first = body[0]
    docstring = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
        and isinstance(first.value.value, str)
    return body[1] if docstring and len(body) > 1 else first


def _insert_line(lines: list[str], before_row: int, text: str, like: ast.stmt) -> str:
    indent = lines[like.lineno - 1][:like.col_offset]
    return "".join(lines[:before_row - 1] + [f"{indent}{text}\n"] + lines[before_row - 1:])


def add_statement(text: str, rng: random.Random) -> str | None:
    functions = _functions(ast.parse(text))
    if not functions:
        return None
    statement = _body_start(rng.choice(functions))
    return _insert_line(text.splitlines(keepends=True), statement.lineno, "_soak = 0", statement)


def add_blocking_call(text: str, rng: random.Random) -> str | None:
    functions = _functions(ast.parse(text))
    if not functions:
        return None
    statement = _body_start(rng.choice(functions))
    return _insert_line(text.splitlines(keepends=True), statement.lineno,
                        "import time; time.sleep(1)", statement)


def add_project_call(text: str, rng: random.Random) -> str | None:
    """A call of a function the module defines, in another function: a new call edge (to a
    function that may reach a blocking call, or not)."""
    tree = ast.parse(text)
    functions = _functions(tree)
    defined = [node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    if not functions or not defined:
        return None
    function = rng.choice(functions)
    callee = rng.choice(defined)
    statement = _body_start(function)
    return _insert_line(text.splitlines(keepends=True), statement.lineno, f"_soak = {callee}()", statement)


def toggle_async(text: str, rng: random.Random) -> str | None:
    functions = [f for f in _functions(ast.parse(text)) if not f.decorator_list or rng.random() < 0.5]
    if not functions:
        return None
    function = rng.choice(functions)
    lines = text.splitlines(keepends=True)
    row = function.lineno - 1
    line = lines[row]
    if isinstance(function, ast.AsyncFunctionDef):
        lines[row] = line.replace("async def ", "def ", 1)
    else:
        lines[row] = line.replace("def ", "async def ", 1)
    return "".join(lines)


def delete_definition(text: str, rng: random.Random) -> str | None:
    tree = ast.parse(text)
    candidates = [node for node in tree.body if not isinstance(node, (ast.Expr,))]
    if not candidates:
        return None
    node = rng.choice(candidates)
    start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
    lines = text.splitlines(keepends=True)
    return "".join(lines[:start - 1] + ["pass\n"] + lines[node.end_lineno:])


def rename_definition(text: str, rng: random.Random) -> str | None:
    tree = ast.parse(text)
    candidates = [node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                                   ast.ClassDef))]
    if not candidates:
        return None
    node = rng.choice(candidates)
    lines = text.splitlines(keepends=True)
    row = node.lineno - 1
    lines[row] = lines[row].replace(f" {node.name}", f" {node.name}_soak", 1)
    return "".join(lines)


def _type_at_top_level(text: str, rng: random.Random, typed: str) -> str:
    """`typed` (top-level code) written above a random top-level definition, or at the end."""
    tree = ast.parse(text)
    places = [min([node.lineno] + [d.lineno for d in node.decorator_list]) for node in tree.body
              if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    row = rng.choice(places) - 1 if places and rng.random() < 0.7 else len(lines)
    return "".join(lines[:row] + [f"\n\n{typed}\n\n\n"] + lines[row:])


def add_function(text: str, rng: random.Random) -> str | None:
    """A function, a constant or a class typed between the definitions (or at the end),
    nothing calls it yet: one that calls a function of the module, sync or async, or a
    blocking call; a class perhaps derived from one of the module's."""
    defined = [node.name for node in ast.parse(text).body
               if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    called = f"{rng.choice(defined)}()" if defined else "len('x')"
    name = f"soak_typed_{rng.randrange(10**6)}"
    classes = [node.name for node in ast.parse(text).body if isinstance(node, ast.ClassDef)]
    base = f"({rng.choice(classes)})" if classes and rng.random() < 0.5 else ""
    typed = rng.choice([f"def {name}():\n    return {called}", f"async def {name}():\n    return {called}",
                        f"def {name}():\n    import time\n    time.sleep(1)", f"{name.upper()} = 5",
                        f"class {name.title()}{base}:\n    limit = 5\n\n    def run(self):\n        return {called}"])
    return _type_at_top_level(text, rng, typed)


def add_route(text: str, rng: random.Random) -> str | None:
    """A route typed on an app or router the module declares routes on already."""
    receivers = sorted({ast.unparse(decorator.func.value) for node in ast.parse(text).body
                        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                        for decorator in node.decorator_list
                        if isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)
                        and decorator.func.attr in ("get", "post", "put", "delete", "patch")})
    if not receivers:
        return None
    name = f"soak_route_{rng.randrange(10**6)}"
    return _type_at_top_level(text, rng, f"@{rng.choice(receivers)}.get('/{name}')\n"
                                         f"async def {name}():\n    return {{}}")


def add_method(text: str, rng: random.Random) -> str | None:
    """A method typed at the end of a class, nothing calls it yet: one calling a method of the
    class, or a blocking call."""
    classes = [node for node in ast.walk(ast.parse(text)) if isinstance(node, ast.ClassDef)]
    if not classes:
        return None
    cls = rng.choice(classes)
    methods = [node.name for node in cls.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    indent = " " * (cls.body[0].col_offset)
    name = f"soak_method_{rng.randrange(10**6)}"
    body = rng.choice([f"return self.{rng.choice(methods)}" if methods else "return self",
                       "import time\n" + indent + "    time.sleep(1)"])
    typed = f"\n{indent}def {name}(self):\n{indent}    {body}\n"
    return "".join(lines[:cls.end_lineno] + [typed] + lines[cls.end_lineno:])


def change_string(text: str, rng: random.Random) -> str | None:
    strings = [node for node in ast.walk(ast.parse(text)) if isinstance(node, ast.Constant)
               and isinstance(node.value, str) and node.lineno == node.end_lineno
               and node.end_col_offset - node.col_offset >= 2]
    if not strings:
        return None
    node = rng.choice(strings)
    lines = text.splitlines(keepends=True)
    raw = lines[node.lineno - 1].encode()
    quote_at = node.end_col_offset - 1
    lines[node.lineno - 1] = (raw[:quote_at] + b"/soak" + raw[quote_at:]).decode()
    return "".join(lines)


def add_import(text: str, rng: random.Random) -> str | None:
    """An import at module level, of the standard library or of a name another import of the
    module imports already (so it may be a name the project resolves)."""
    tree = ast.parse(text)
    imports = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))
               and not (isinstance(node, ast.ImportFrom) and node.module == "__future__")]
    if not imports:
        return None
    node = rng.choice(imports)
    alias = rng.choice(node.names)
    if isinstance(node, ast.ImportFrom) and node.module and not node.level and rng.random() < 0.5:
        added = f"from {node.module} import {alias.name} as _soak_{alias.name.replace('*', 'x')}"
    else:
        added = "import json as _soak_json"
    lines = text.splitlines(keepends=True)
    return "".join(lines[:node.end_lineno] + [added + "\n"] + lines[node.end_lineno:])


def remove_import(text: str, rng: random.Random) -> str | None:
    imports = [node for node in ast.parse(text).body if isinstance(node, (ast.Import, ast.ImportFrom))]
    if not imports:
        return None
    node = rng.choice(imports)
    lines = text.splitlines(keepends=True)
    return "".join(lines[:node.lineno - 1] + ["pass\n"] + lines[node.end_lineno:])


def comment_out_line(text: str, rng: random.Random) -> str | None:
    simple = [node for node in ast.walk(ast.parse(text)) if isinstance(node, ast.stmt)
              and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If,
                                        ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith,
                                        ast.Try, ast.Match))
              and node.lineno == node.end_lineno]
    if not simple:
        return None
    node = rng.choice(simple)
    lines = text.splitlines(keepends=True)
    line = lines[node.lineno - 1]
    if line[:node.col_offset].strip() or line.rstrip("\r\n")[node.end_col_offset:].strip():
        return None  # other statements share the line
    indent = line[:node.col_offset]
    lines[node.lineno - 1] = f"{indent}pass  # {line.strip()}\n"
    return "".join(lines)


def insert_blank_line(text: str, rng: random.Random) -> str | None:
    lines = text.splitlines(keepends=True)
    tree = ast.parse(text)
    rows = [node.lineno for node in tree.body]
    if not rows:
        return None
    row = rng.choice(rows)
    return "".join(lines[:row - 1] + ["\n"] + lines[row - 1:])


MUTATIONS: tuple[Mutation, ...] = (add_statement, add_blocking_call, add_project_call, toggle_async,
                                   delete_definition, rename_definition, change_string,
                                   add_import, remove_import, comment_out_line, insert_blank_line,
                                   add_function, add_route, add_method)


def key(diagnostic) -> tuple:
    return (os.path.abspath(diagnostic.path), diagnostic.row, diagnostic.col, diagnostic.end_row, diagnostic.end_col,
            diagnostic.code, diagnostic.message, repr(diagnostic.fix))


def cli_findings(root: Path, cache_dir: Path | None) -> list[tuple]:
    options = RunOptions(no_cache=cache_dir is None, cache_dir=cache_dir, jobs=1)
    return sorted(map(key, run_check([root], options).diagnostics))


def mutate(root: Path, rng: random.Random, hot: list[Path]) -> tuple[Path, str, str]:
    """Edit one file: half the time one that has findings (where the rules look), else any."""
    files = sorted(root.rglob("*.py"))
    while True:
        path = rng.choice(hot if hot and rng.random() < 0.5 else files)
        try:
            text = path.read_text(encoding="utf-8")
            ast.parse(text)
        except (UnicodeDecodeError, SyntaxError, ValueError):
            continue
        mutation = rng.choice(MUTATIONS)
        try:
            edited = mutation(text, rng)
            if edited is None or edited == text:
                continue
            ast.parse(edited)
        except (SyntaxError, ValueError, UnicodeError):
            continue
        path.write_text(edited, encoding="utf-8")
        return path, mutation.__name__, text


def server_findings(state, paths: list[Path]) -> dict[str, list[tuple]]:
    from fastlint.server.project_state import Buffer, ProjectState

    buffers = {ProjectState.key(path): Buffer(path.read_text(encoding="utf-8"), 0) for path in paths}
    checked = state.check(state.update(buffers))
    return {os.path.abspath(path): sorted(map(key, found)) for path, (_, found) in checked.findings.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=JUDGE / "khoj")
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-server", action="store_true")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    scratch = Path(tempfile.mkdtemp(prefix="fastlint-soak-"))
    root = scratch / args.project.name
    shutil.copytree(args.project, root, ignore=shutil.ignore_patterns(".fastlint_cache", "__pycache__"))
    if not (root / "pyproject.toml").exists():
        (root / "pyproject.toml").write_text("[tool.fastlint]\n")
    cache = scratch / "cache"
    hot = sorted({Path(finding[0]) for finding in cli_findings(root, cache)})
    state = None
    if not args.no_server:
        from fastlint.server.project_state import ProjectState
        from fastlint.server.settings import ClientSettings

        state = ProjectState(root, ClientSettings(), use_cache=False)
        state.load()
    timings: dict[str, list[float]] = {"cli incremental": [], "cli cold": [], "server": []}
    try:
        for step in range(1, args.steps + 1):
            path, name, _ = mutate(root, rng, hot)
            started = time.perf_counter()
            incremental = cli_findings(root, cache)
            timings["cli incremental"].append(time.perf_counter() - started)
            started = time.perf_counter()
            cold = cli_findings(root, None)
            timings["cli cold"].append(time.perf_counter() - started)
            where = f"step {step}: {name} in {path.relative_to(root)}"
            if incremental != cold:
                print(f"CLI DIFFERS at {where}")
                print("  only incremental:", sorted(set(incremental) - set(cold))[:5])
                print("  only cold:", sorted(set(cold) - set(incremental))[:5])
                return 1
            if state is not None:
                opened = sorted({path} | {Path(f[0]) for f in cold if rng.random() < 0.3})
                started = time.perf_counter()
                served = server_findings(state, opened)
                timings["server"].append(time.perf_counter() - started)
                expected: dict[str, list[tuple]] = {}
                for finding in cold:
                    expected.setdefault(finding[0], []).append(finding)
                for opened_path, found in served.items():
                    want = sorted(expected.get(opened_path, []))
                    if found != want:
                        print(f"SERVER DIFFERS at {where}, in {opened_path}")
                        print("  only server:", sorted(set(found) - set(want))[:5])
                        print("  only cold:", sorted(set(want) - set(found))[:5])
                        return 1
            print(f"{where}: {len(cold)} findings, same", flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    for name, values in timings.items():
        if values:
            values.sort()
            print(f"{name}: median {values[len(values) // 2]:.2f} s, max {values[-1]:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
