"""The map: each file's FileResult, from the cache where its content (or all but its comments)
is unchanged, else analysed — in worker processes when there are many.

`fastlint.analysis` (the walk and the file rules) is imported only when a file is analysed.
"""

from __future__ import annotations

import os
import pickle
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from fastlint.cache import Cache, Entry, content_digest, pack
from fastlint.config import Config
from fastlint.facts.results import FileResult, ModuleInfo, RuleSet
from fastlint.files.source import SourceError, SourceFile, decode_source, read_bytes, read_source
from fastlint.files.stamps import is_racy, now_ns
from fastlint.files.trivia import TriviaSignature, only_trivia_changed
from fastlint.noqa import find_noqa
from fastlint.pipeline.projects import ProjectRun, module_info

PARALLEL_THRESHOLD = 64


def ruleset_of(config: Config) -> RuleSet:
    """The rules a project's configuration turns on, with their options."""
    return RuleSet(
        codes=config.enabled_codes(),
        options=tuple(sorted((k, _freeze(v)) for k, v in config.options.items())),
    )


def _freeze(value):
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    return value


@dataclass(frozen=True)
class Analysed:
    """A file's result with what identifies the content it was computed from.

    From a worker process the result travels pickled (`payload`): the main process unpickles
    it for the join and stores the same bytes in the cache without pickling it again.
    """

    result: FileResult | None
    size: int
    mtime_ns: int
    digest: str
    payload: bytes | None = None
    racy: bool = False
    trivia: TriviaSignature | None = None

    def unpacked(self) -> FileResult:
        return self.result if self.result is not None else pickle.loads(self.payload)  # type: ignore[arg-type]


def _analyze_one(path: str, info: ModuleInfo, ruleset: RuleSet, signed: bool) -> Analysed:
    from fastlint.analysis import analyze_file, analyze_path

    seen_at = now_ns()
    try:
        status = os.stat(path)
        if not stat.S_ISREG(status.st_mode):
            raise OSError
        raw = read_bytes(path)  # never blocks, should the file have become a FIFO since
    except (OSError, SourceError):
        return Analysed(analyze_path(path, info, ruleset), 0, 0, "")
    result, trivia = analyze_file(path, raw, info, ruleset, signed)
    return Analysed(result, status.st_size, status.st_mtime_ns, content_digest(raw),
                    racy=is_racy(status.st_mtime_ns, seen_at), trivia=trivia)


def _analyze_batch(batch: list[tuple[str, str]], root: Path, ruleset: RuleSet, signed: bool,
                   packed: bool = False) -> list[Analysed]:
    """Analyse each (path, absolute path) of the batch, in the project at `root` (the
    module names are found here, in parallel, not before the map)."""
    analysed = [_analyze_one(path, module_info(Path(key), root), ruleset, signed)
                for path, key in batch]
    if packed:
        return [replace(item, result=None, payload=pack(item.result)) for item in analysed]
    return analysed


def with_path(result: FileResult, path: str) -> FileResult:
    """A cached result recorded under another spelling of the path (another cwd)."""
    if result.path == path:
        return result
    facts = replace(result.facts, path=path) if result.facts is not None else None
    return replace(result, path=path, facts=facts,
                   diagnostics=tuple(replace(d, path=path) for d in result.diagnostics))


@dataclass(frozen=True)
class Compared:
    """A file against its cache entry: unchanged (by its stat, or by its content when the
    stat moved or was racy), or changed, with the bytes read to tell."""

    entry: Entry
    unchanged: bool
    raw: bytes | None = None
    status: os.stat_result | None = None
    racy: bool = False


def compare_to_cache(cache: Cache, key: str, path: str) -> Compared | None:
    """How a file compares with its cache entry (None: no entry, or the file is unreadable).
    A file touched without a change gets its new stat recorded."""
    seen_at = now_ns()
    try:
        status = os.stat(path)
    except OSError:
        return None
    entry = cache.lookup(key, status)
    if entry is not None:
        return Compared(entry, True)
    entry = cache.entries.get(key)
    if entry is None:
        return None
    try:
        raw = read_bytes(path)
    except SourceError:
        return None
    racy = is_racy(status.st_mtime_ns, seen_at)
    if content_digest(raw) == entry.digest:
        cache.touch(key, status.st_size, status.st_mtime_ns, racy)
        return Compared(entry, True)
    return Compared(entry, False, raw, status, racy)


def _from_cache(run: ProjectRun, path: str) -> bool:
    """Whether the cache holds the result of a file whose content is unchanged, or whose
    comment-only and blank lines alone changed (its noqa comments are then read again).
    The result (without its facts) is loaded only for a reported file; the others are
    noted in `run.light`, to load in full if the project is joined again."""
    if run.cache is None:
        return False
    key = run.key(path)
    compared = compare_to_cache(run.cache, key, path)
    if compared is None:
        return False
    light = None
    if not compared.unchanged:
        assert compared.raw is not None and compared.status is not None
        light = _after_trivia_edit(run, compared.entry, path, compared.raw)
        if light is None:
            return False
        run.cache.restate(key, compared.status.st_size, compared.status.st_mtime_ns,
                          content_digest(compared.raw), light, compared.racy)
    run.light.add(path)
    if path in run.reported:
        run.results[path] = with_path(light if light is not None else compared.entry.light(), path)
    return True


def _after_trivia_edit(run: ProjectRun, entry: Entry, path: str, raw: bytes) -> FileResult | None:
    """The light result of a file whose edit touched only comments and blank lines where
    its analysis does not look (see files/trivia.py): the old one with the new noqa."""
    signature = entry.trivia()
    if signature is None:
        return None
    try:
        source = decode_source(path, raw)
    except SourceError:
        return None
    if not only_trivia_changed(signature, source):
        return None
    run.read[path] = source
    light = entry.light()
    if light.facts is None:
        return None
    noqa, file_noqa = find_noqa(source.text)
    return replace(light, facts=replace(light.facts, noqa=noqa, file_noqa=file_noqa))


def load_full_facts(run: ProjectRun, ruleset: RuleSet, jobs: int | None) -> None:
    """Before a join, swap the manifest's light results for full ones (or re-analyse)."""
    missing = []
    for path in list(run.light):
        full = run.cache.full_result(run.key(path)) if run.cache is not None else None
        if full is None:
            missing.append(path)
        else:
            run.results[path] = with_path(full, path)
    run.light.clear()
    if missing:
        cache, run.cache = run.cache, None
        try:
            map_files(run, missing, ruleset, jobs)
        finally:
            run.cache = cache


def map_files(run: ProjectRun, paths: Iterable[str], ruleset: RuleSet, jobs: int | None) -> None:
    """Analyse files (from the cache, from pending fixed content, or from disk)."""
    todo: list[tuple[str, str]] = []  # (path, absolute path)
    for path in paths:
        run.light.discard(path)
        run.results.pop(path, None)
        run.read.pop(path, None)
        if path not in run.overrides and _from_cache(run, path):
            continue
        if path in run.overrides:
            from fastlint.analysis import analyze_source

            info = module_info(Path(run.key(path)), run.root)
            run.results[path] = analyze_source(path, run.overrides[path], info, ruleset)
        else:
            # abspath, not Path.absolute(): a display path like `../x/app.py` must be
            # normalised to be found under the root.
            todo.append((path, run.key(path)))
    # A comment-only edit can be recognised only against a cached result.
    for item in _analysed(todo, run.root, ruleset, jobs, signed=run.cache is not None):
        result = item.unpacked()
        run.results[result.path] = result
        if run.cache is not None and item.digest and not result.errors:
            run.cache.store(run.key(result.path), item.size, item.mtime_ns,
                            item.digest, result, item.payload, item.racy, item.trivia)


def _analysed(todo: list[tuple[str, str]], root: Path, ruleset: RuleSet, jobs: int | None,
              signed: bool) -> Iterator[Analysed]:
    """Each file's analysis as it arrives: with several processes, the main process
    analyses files itself between unpickling the workers' (see pipeline/workers.py)."""
    processes = jobs if jobs is not None else (os.cpu_count() or 1)
    if processes <= 1 or len(todo) < PARALLEL_THRESHOLD:
        yield from _analyze_batch(todo, root, ruleset, signed)
        return
    from fastlint.pipeline.workers import shared_map, size_batches

    batches = size_batches(todo, processes)
    in_main = partial(_analyze_batch, root=root, ruleset=ruleset, signed=signed)
    for results in shared_map(batches, in_main, partial(in_main, packed=True),
                              processes - 1):
        yield from results


def current_source(run: ProjectRun, path: str) -> SourceFile | None:
    """A file's text as the run sees it: pending fixed content, else the disk."""
    try:
        if path in run.overrides:
            return decode_source(path, run.overrides[path])
        return run.read.get(path) or read_source(path)
    except SourceError:
        return None
