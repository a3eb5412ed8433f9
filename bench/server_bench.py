#!/usr/bin/env python3
"""Benchmark `fastlint server`: the time from `didChange` to `publishDiagnostics` on a large project.

    python bench/server_bench.py [--project DIR] [--module REL] [--edits 50] [--kinds K,...] [--json FILE]
    python bench/server_bench.py --profile     # where one edit's check spends its time

Starts the real server (`python -m fastlint server`, cache in a scratch directory, so the
first load is cold), opens a route module of the largest corpus project (litellm), waits
for its first diagnostics (the load), then makes `--edits` edits — odd edits insert a
statement, even edits delete it, so the lines below move — and for each measures the time from sending `didChange` to receiving the `publishDiagnostics`
of that version. The statements typed take turns (`--kinds`), in an async route: one that only moves the code
below (`_ = 1`), one that adds a standard-library call (`_ = len(str(1))`), one that calls
a project function the route already calls (`_ = helper()`), one that adds a call edge
to a project function it does not (`_ = other()`), one that adds a call edge to a function
that reaches a blocking call (`--chain-callee`: FL102's chains are searched again), and an
import inside the route; then four that change what the module binds (its interface): an
import at the top of the module, a function and a route at its end, and a function above
the route. Each reaches a different part of the incremental model. Reports the median and p95, overall and
per kind, the load time and the server's memory (RSS now and peak, from /proc). The
debounce (50 ms) is part of every figure.
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import cProfile
import json
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

CORPUS = Path("/tmp/fastlint-corpus/litellm")
MODULE = "litellm/proxy/response_api_endpoints/endpoints.py"
TARGET_P95 = 0.2


def _first_route(text: str) -> ast.AsyncFunctionDef:
    return next(node for node in ast.walk(ast.parse(text)) if isinstance(node, ast.AsyncFunctionDef)
                and any("router." in ast.unparse(d) for d in node.decorator_list))


def above_route_line(text: str) -> int:
    """The 0-based line of the first async route's first decorator."""
    return _first_route(text).decorator_list[0].lineno - 1


def edit_line(text: str) -> tuple[int, str]:
    """Where to type: the 0-based line of the first statement after the docstring of the
    first async route, and its indentation."""
    body = _first_route(text).body
    first = body[1] if len(body) > 1 and isinstance(body[0], ast.Expr) \
        and isinstance(body[0].value, ast.Constant) else body[0]
    return first.lineno - 1, " " * first.col_offset


def project_callees(text: str, package: str) -> tuple[str, str]:
    """Two functions of the project (imported from the project's package or defined in the
    module): one the first async route calls already, one it does not call."""
    tree = ast.parse(text)
    local = {node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    imported = {alias.asname or alias.name for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(package)
                for alias in node.names if alias.name != "*"}
    route = next(node for node in ast.walk(tree) if isinstance(node, ast.AsyncFunctionDef)
                 and any("router." in ast.unparse(d) for d in node.decorator_list))
    called = [node.func.id for node in ast.walk(route) if isinstance(node, ast.Call)
              and isinstance(node.func, ast.Name) and node.func.id in local | imported]
    # Functions are snake_case (constants and classes are not: calling one is another edit).
    others = sorted(name for name in (local | imported) - set(called) if name.islower())
    if not called or not others:
        raise SystemExit("the route calls no project function, or calls them all")
    return called[0], others[0]


# What each odd edit types (even edits delete it again): a statement that only moves the
# code below it, one that adds a call to the standard library, one that calls a project
# function the route calls already, one that adds a call edge to a project function.
EDIT_KINDS = ("move", "library-call", "project-call", "new-call-edge", "new-blocking-chain",
              "local-import", "module-import", "new-function", "new-route", "function-above")
# Typed at the top of the module (after its first import), at its end, or above the route,
# not in the route: an import, a function, a route and a function above the route (the
# definitions below it move), which change what the module binds (its interface).
AT_THE_TOP = "module-import"
AT_THE_END = ("new-function", "new-route")
ABOVE_THE_ROUTE = "function-above"
# A function of MODULE that reaches a blocking call through sync helpers (found with
# FL102's chain depths): calling it from the route adds the route to a chain.
CHAIN_CALLEE = "_resolve_cursor_model_variant"


def first_import_row(text: str) -> int:
    """The 0-based row of the module's first import after any `from __future__` one."""
    for node in ast.parse(text).body:
        if isinstance(node, (ast.Import, ast.ImportFrom)) and \
                not (isinstance(node, ast.ImportFrom) and node.module == "__future__"):
            return node.lineno - 1
    return 0


def typed(kind: str, version: int, callees: tuple[str, str, str]) -> str:
    if kind == "move":
        return f"_ = {version}"
    if kind == "library-call":
        return f"_ = len(str({version}))"
    if kind in ("local-import", "module-import"):
        return f"import json as _json{version}"
    if kind == "new-function":
        return f"\n\ndef _typed_{version}():\n    return {version}"
    if kind == "new-route":
        return f"\n\n@router.get('/typed-{version}')\nasync def _typed_{version}():\n    return {version}"
    if kind == "function-above":
        return f"def _typed_{version}():\n    return {version}\n\n"
    return f"_ = {callees[EDIT_KINDS.index(kind) - 2]}()"


def memory_kb(pid: int) -> tuple[int, int]:
    """(RSS now, peak RSS) of a process, in KB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


async def measure(project: Path, module: str, edits: int, kinds: tuple[str, ...],
                  chain_callee: str) -> dict:
    from lsprotocol import types
    from pygls.protocol import default_converter
    from pytest_lsp import LanguageClient, client_capabilities

    client = LanguageClient(converter_factory=default_converter)
    arrivals: dict[int | None, float] = {}
    published = asyncio.Event()
    target = (project / module).resolve()
    uri = target.as_uri()

    def on_publish(ls: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
        if params.uri == uri:
            arrivals.setdefault(params.version, time.perf_counter())
            published.set()

    def on_register(ls: LanguageClient, params: types.RegistrationParams) -> None:
        return None

    client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)(on_publish)
    client.feature(types.CLIENT_REGISTER_CAPABILITY)(on_register)
    cache = tempfile.mkdtemp(prefix="fastlint-server-bench-")
    await client.start_io(sys.executable, "-m", "fastlint", "server", "--cache-dir", cache)
    await client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"), root_uri=project.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=project.as_uri(), name=project.name)]))

    async def wait_for(version: int) -> float:
        while version not in arrivals:
            published.clear()
            await asyncio.wait_for(published.wait(), 600)
        return arrivals[version]

    text = target.read_text(encoding="utf-8")
    line, indent = edit_line(text)
    import_row = first_import_row(text)
    end_row = text.count("\n")  # the file ends with a newline: the row after its last line
    above_row = above_route_line(text)
    start = time.perf_counter()
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=uri, language_id="python", version=0, text=text)))
    load = await wait_for(0) - start
    latencies = []
    by_kind: dict[str, list[float]] = {kind: [] for kind in kinds}
    callees = (*project_callees(text, module.split("/", 1)[0]), chain_callee)
    for version in range(1, edits + 1):
        kind = kinds[(version - 1) // 2 % len(kinds)]
        row, margin = (import_row, "") if kind == AT_THE_TOP else (end_row, "") if kind in AT_THE_END \
            else (above_row, "") if kind == ABOVE_THE_ROUTE else (line, indent)
        at = types.Position(line=row, character=0)
        if version % 2:
            inserted = f"{margin}{typed(kind, version, callees)}\n"
            change = types.TextDocumentContentChangePartial(range=types.Range(start=at, end=at), text=inserted)
        else:
            change = types.TextDocumentContentChangePartial(range=types.Range(
                start=at, end=types.Position(line=row + inserted.count("\n"), character=0)), text="")
        sent = time.perf_counter()
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[change]))
        latencies.append(await wait_for(version) - sent)
        by_kind[kind].append(latencies[-1])
    pid = client._server.pid  # type: ignore[union-attr]
    rss, peak = memory_kb(pid)
    await client.shutdown_session()
    await client.stop()
    shutil.rmtree(cache, ignore_errors=True)
    latencies.sort()
    return {
        "kinds": {kind: {"median_seconds": round(statistics.median(times), 3),
                         "p95_seconds": round(_p95(sorted(times)), 3)}
                  for kind, times in by_kind.items() if times},
        "project": str(project), "module": module, "edits": edits,
        "files": sum(1 for _ in project.rglob("*.py")),
        "load_seconds": round(load, 3),
        "median_seconds": round(statistics.median(latencies), 3),
        "p95_seconds": round(_p95(latencies), 3),
        "max_seconds": round(latencies[-1], 3),
        "target_p95_seconds": TARGET_P95,
        "rss_mb": round(rss / 1024), "peak_rss_mb": round(peak / 1024),
    }


def _p95(ordered: list[float]) -> float:
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


def profile(project: Path, module: str) -> None:
    """One edit's check, in process, under cProfile: the functions that take the time."""
    from fastlint.server.project_state import Buffer, ProjectState
    from fastlint.server.settings import ClientSettings

    state = ProjectState(project, ClientSettings(), use_cache=False)
    state.load()
    path = ProjectState.key(project / module)
    text = (project / module).read_text(encoding="utf-8")
    state.check(state.update({path: Buffer(text, 0)}))
    lines = text.splitlines(keepends=True)
    line, indent = edit_line(text)
    lines.insert(line, f"{indent}_ = 1\n")
    changed = state.update({path: Buffer("".join(lines), 1)})
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.runcall(state.check, changed)
    print(f"one edit's check: {time.perf_counter() - started:.3f} s (under the profiler)")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=CORPUS)
    parser.add_argument("--module", default=MODULE)
    parser.add_argument("--edits", type=int, default=50)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--kinds", default=",".join(EDIT_KINDS),
                        help=f"the edits typed in turn, of {', '.join(EDIT_KINDS)} (default: all)")
    parser.add_argument("--chain-callee", default=CHAIN_CALLEE,
                        help="what new-blocking-chain calls: a function the module defines that "
                             "reaches a blocking call through sync helpers")
    args = parser.parse_args()
    if not args.project.is_dir():
        raise SystemExit(f"{args.project}: missing (CORPUS_SET=pinned bash shared/bench/corpus.sh)")
    if args.profile:
        profile(args.project, args.module)
        return
    kinds = tuple(args.kinds.split(","))
    if not set(kinds) <= set(EDIT_KINDS):
        raise SystemExit(f"--kinds: one or more of {', '.join(EDIT_KINDS)}")
    if "new-blocking-chain" in kinds and f"def {args.chain_callee}(" not in \
            (args.project / args.module).read_text(encoding="utf-8"):
        raise SystemExit(f"--chain-callee: {args.module} defines no {args.chain_callee}()")
    result = asyncio.run(measure(args.project, args.module, args.edits, kinds, args.chain_callee))
    verdict = "met" if result["p95_seconds"] <= TARGET_P95 else "missed"
    print(f"{result['files']} files; load {result['load_seconds']} s; didChange → publishDiagnostics "
          f"over {result['edits']} edits: median {result['median_seconds']} s, "
          f"p95 {result['p95_seconds']} s (target ≤ {TARGET_P95} s: {verdict}), "
          f"max {result['max_seconds']} s; server RSS {result['rss_mb']} MB "
          f"(peak {result['peak_rss_mb']} MB)")
    for kind, figures in result["kinds"].items():
        print(f"  {kind}: median {figures['median_seconds']} s, p95 {figures['p95_seconds']} s")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
