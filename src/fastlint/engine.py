"""The pipeline: discover → map each file (parallel) → join the project → rules → filter → fix.

A run is split into projects (one per configuration root). Each project's model is built
from all of its files, but findings are reported only for the paths the user gave — so a
pre-commit run on two staged files still sees the whole project.
"""

from __future__ import annotations

import gc
import os
import pickle
import stat
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from fastlint.analysis import FileResult, ModuleInfo, RuleSet, analyze_path, analyze_source
from fastlint.cache import Cache, content_digest, default_cache_dir, pack
from fastlint.config import Config, ConfigError, find_pyproject, load_config
from fastlint.diagnostics import Applicability, Diagnostic
from fastlint.files.discovery import (
    DEFAULT_EXCLUDE, PYTHON_SUFFIXES, DirectoryListings, walk_python_files,
)
from fastlint.files.layout import ProjectLayout, read_layout
from fastlint.noqa import is_suppressed
from fastlint.not_analysed import NotAnalysed, not_analysed
from fastlint.model.project import Project
from fastlint.rules import all_rules
from fastlint.rules.base import ProjectRule
from fastlint.files.source import SourceError, SourceFile, decode_source, read_bytes, read_source
from fastlint.files.source_reads import WHOLE, SourceReads, prefix_digest
from fastlint.unused_noqa import UNUSED_NOQA, unused_noqa

PARALLEL_THRESHOLD = 64


@dataclass(frozen=True)
class RunOptions:
    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    config_file: Path | None = None
    fix: bool = False
    unsafe_fixes: bool | None = None
    diff: bool = False
    jobs: int | None = None
    no_cache: bool = False
    cache_dir: Path | None = None


@dataclass
class RunResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # A rule that failed (exit 2), and files that could not be read or written (exit 1).
    internal_errors: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    files_checked: int = 0
    fixed: dict[str, int] = field(default_factory=dict)
    diffs: list[str] = field(default_factory=list)
    unsafe_fixes_enabled: bool = False
    projects: list["ProjectRun"] = field(default_factory=list)
    not_analysed: list[NotAnalysed] = field(default_factory=list)


# ---------------------------------------------------------------------- module names
@lru_cache(maxsize=4096)
def _is_package_dir(directory: str) -> bool:
    return os.path.isfile(os.path.join(directory, "__init__.py")) or os.path.isfile(
        os.path.join(directory, "__init__.pyi")
    )


def is_test_path(relative: str) -> bool:
    parts = relative.split("/")
    name = parts[-1]
    return (
        any(part in ("tests", "test", "testing") for part in parts[:-1])
        or name.startswith("test_")
        or name.endswith("_test.py")
        or name == "conftest.py"
    )


def module_info(path: Path, root: Path) -> ModuleInfo:
    """The module a file is imported as: by its package chain, else relative to the root."""
    # `cwd/../project/x.py` must still be seen under the root (else `pkg/requests.py` would
    # also be the top-level module `requests` and shadow the library).
    path = Path(os.path.normpath(path))
    stem = path.name.rsplit(".", 1)[0]
    is_package = stem == "__init__"
    parts = [] if is_package else [stem]
    # Under the root, the chain runs from the topmost regular package above the file, also
    # across namespace directories (no __init__.py): `open_webui/routers/x.py` (no
    # routers/__init__.py) is `open_webui.routers.x`. Above the root (a root inside a
    # package: `airflow/api_fastapi`), only unbroken regular packages count.
    directory = path.parent
    walked: list[str] = []
    chain: list[str] = []
    while directory != directory.parent:
        walked.insert(0, directory.name)
        if _is_package_dir(str(directory)):
            chain = list(walked)
        if directory == root:
            break
        directory = directory.parent
    if chain and len(chain) == len(walked):
        directory = directory.parent
        while directory != directory.parent and _is_package_dir(str(directory)):
            chain.insert(0, directory.name)
            directory = directory.parent
    try:
        relative = path.relative_to(root)
        rel_parts = list(relative.parts[:-1])
    except ValueError:
        relative = Path(path.name)
        rel_parts = []
    if rel_parts and rel_parts[0] == "src":
        rel_parts = rel_parts[1:]
    by_root = ".".join(rel_parts + parts) or stem
    by_chain = ".".join(chain + parts) if chain else by_root
    return ModuleInfo(
        module=by_chain,
        is_package=is_package,
        is_test=is_test_path(relative.as_posix()),
        alt_module=by_root if by_root != by_chain else "",
    )


# ---------------------------------------------------------------------- projects
@dataclass
class ProjectRun:
    """One configuration root: its files, the files to report on, and their results."""

    config: Config
    files: list[Path]
    reported: set[str]
    results: dict[str, FileResult] = field(default_factory=dict)
    overrides: dict[str, bytes] = field(default_factory=dict)  # fixed content not yet written
    project: Project | None = None
    cache: Cache | None = None
    # Files whose result came from the cache manifest without facts (loaded only to join).
    light: set[str] = field(default_factory=set)
    layout: ProjectLayout = field(default_factory=ProjectLayout)

    @property
    def root(self) -> Path:
        return self.config.root


def display_path(path: Path) -> str:
    text = os.fspath(path)
    if os.path.isabs(text):
        # The common case, a file found under the working directory, without relpath's
        # normalising (a tenth of a warm run over thousands of files).
        cwd = os.getcwd()
        prefix = cwd if cwd.endswith(os.sep) else cwd + os.sep
        if text.startswith(prefix) and os.path.normpath(text) == text:
            return text[len(prefix):]
    try:
        return os.path.relpath(text)
    except ValueError:
        return text


def plan_projects(paths: Sequence[Path], options: RunOptions, result: RunResult) -> list[ProjectRun]:
    """Group the given paths by configuration root and discover each project's files."""
    groups: dict[Path, tuple[Config, list[Path]]] = {}
    for path in paths:
        if not path.exists() and not path.is_symlink():
            raise ConfigError(f"{path}: no such file or directory")
        absolute = path.resolve() if path.exists() else path.absolute()
        if options.config_file is not None:
            config = load_config(options.config_file)
        else:
            pyproject = find_pyproject(absolute)
            root = None if pyproject is not None else _default_root(absolute)
            config = load_config(pyproject, root)
        config = config.with_overrides(
            list(options.select) or None, list(options.extend_select), list(options.ignore)
        )
        key = config.root
        if key not in groups:
            groups[key] = (config, [])
        groups[key][1].append(path)
    runs = []
    for root, (config, given) in groups.items():
        excludes = (config.exclude if config.exclude is not None else DEFAULT_EXCLUDE) + \
            config.extend_exclude
        listings = DirectoryListings(
            None if options.no_cache else listings_path(root, config, options))
        listings.load()
        files: dict[str, Path] = {}
        reported: set[str] = set()
        for path in given:
            absolute = path.absolute()
            if path.is_dir():
                for found in walk_python_files(root, absolute.resolve(), excludes,
                                               config.respect_gitignore, listings):
                    key = display_path(found)
                    files[key] = found
                    reported.add(key)
            else:
                key = display_path(absolute)
                files[key] = absolute
                reported.add(key)
        if not _covers_root(given, root):
            # The model needs the whole project, even when only a few files are reported.
            for found in walk_python_files(root, root, excludes, config.respect_gitignore,
                                           listings):
                files.setdefault(display_path(found), found)
        listings.save()
        runs.append(ProjectRun(config, list(files.values()), reported,
                               layout=read_layout(root, files.values())))
    return runs


def listings_path(root: Path, config: Config, options: RunOptions) -> Path:
    directory = default_cache_dir(root, config.cache_dir, options.cache_dir)
    return directory / f"directories-{content_digest(str(root).encode())[:16]}.pickle"


def _covers_root_files(run: ProjectRun) -> bool:
    return len(run.results) == len(run.files)


def _covers_root(given: Sequence[Path], root: Path) -> bool:
    return any(path.is_dir() and path.resolve() == root for path in given)


def _default_root(path: Path) -> Path:
    """Without a pyproject.toml: the directory given, or the top package around a file."""
    if path.is_dir():
        return path
    directory = path.parent
    while _is_package_dir(str(directory)) and _is_package_dir(str(directory.parent)):
        directory = directory.parent
    if _is_package_dir(str(directory)):
        directory = directory.parent
    return directory


# ---------------------------------------------------------------------- the map
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

    def unpacked(self) -> FileResult:
        return self.result if self.result is not None else pickle.loads(self.payload)  # type: ignore[arg-type]


def _analyze_one(path: str, info: ModuleInfo, ruleset: RuleSet) -> Analysed:
    try:
        status = os.stat(path)
        if not stat.S_ISREG(status.st_mode):
            raise OSError
        raw = read_bytes(path)  # never blocks, should the file have become a FIFO since
    except (OSError, SourceError):
        return Analysed(analyze_path(path, info, ruleset), 0, 0, "")
    return Analysed(analyze_source(path, raw, info, ruleset), status.st_size,
                    status.st_mtime_ns, content_digest(raw))


def _analyze_batch(batch: list[tuple[str, ModuleInfo]], ruleset: RuleSet,
                   packed: bool = False) -> list[Analysed]:
    analysed = [_analyze_one(path, info, ruleset) for path, info in batch]
    if packed:
        return [replace(item, result=None, payload=pack(item.result)) for item in analysed]
    return analysed


def _with_path(result: FileResult, path: str) -> FileResult:
    """A cached result recorded under another spelling of the path (another cwd)."""
    if result.path == path:
        return result
    facts = replace(result.facts, path=path) if result.facts is not None else None
    return replace(result, path=path, facts=facts,
                   diagnostics=tuple(replace(d, path=path) for d in result.diagnostics))


def _from_cache(run: ProjectRun, path: str) -> FileResult | None:
    """The cached result of a file whose content is unchanged (without its facts)."""
    cache = run.cache
    if cache is None:
        return None
    key = os.path.abspath(path)
    try:
        status = os.stat(path)
    except OSError:
        return None
    entry = cache.lookup(key, status)
    if entry is None and key in cache.entries:
        # Touched but maybe not changed (a checkout, a save without edits): compare content.
        try:
            digest = content_digest(read_bytes(path))
        except SourceError:
            return None
        entry = cache.lookup_digest(key, digest)
        if entry is not None:
            cache.touch(key, status.st_size, status.st_mtime_ns)
    if entry is None:
        return None
    run.light.add(path)
    return _with_path(entry.light, path)


def _load_full_facts(run: ProjectRun, ruleset: RuleSet, jobs: int | None) -> None:
    """Before a join, swap the manifest's light results for full ones (or re-analyse)."""
    missing = []
    for path in list(run.light):
        full = run.cache.full_result(os.path.abspath(path)) if run.cache is not None else None
        if full is None:
            missing.append(path)
        else:
            run.results[path] = _with_path(full, path)
    run.light.clear()
    if missing:
        cache, run.cache = run.cache, None
        try:
            map_files(run, missing, ruleset, jobs)
        finally:
            run.cache = cache


def map_files(run: ProjectRun, paths: Iterable[str], ruleset: RuleSet, jobs: int | None) -> None:
    """Analyse files (from the cache, from pending fixed content, or from disk)."""
    todo: list[tuple[str, ModuleInfo]] = []
    for path in paths:
        run.light.discard(path)
        cached = _from_cache(run, path) if path not in run.overrides else None
        if cached is not None:
            run.results[path] = cached
            continue
        # abspath, not Path.absolute(): a display path like `../x/app.py` must be normalised
        # to be found under the root.
        info = module_info(Path(os.path.abspath(path)), run.root)
        if path in run.overrides:
            run.results[path] = analyze_source(path, run.overrides[path], info, ruleset)
        else:
            todo.append((path, info))
    for item in _analysed(todo, ruleset, jobs):
        result = item.unpacked()
        run.results[result.path] = result
        if run.cache is not None and item.digest and not result.errors:
            run.cache.store(os.path.abspath(result.path), item.size, item.mtime_ns,
                            item.digest, result, item.payload)


def _analysed(todo: list[tuple[str, ModuleInfo]], ruleset: RuleSet,
              jobs: int | None) -> Iterator[Analysed]:
    """Each file's analysis, in order, as it arrives: the main process unpickles one batch
    while the workers parse the next, and keeps no payload it does not cache."""
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    if workers <= 1 or len(todo) < PARALLEL_THRESHOLD:
        yield from _analyze_batch(todo, ruleset)
        return
    size = max(8, len(todo) // (workers * 16))
    batches = [todo[i:i + size] for i in range(0, len(todo), size)]
    with ProcessPoolExecutor(max_workers=workers, initializer=gc.disable) as pool:
        for results in pool.map(_analyze_batch, batches, [ruleset] * len(batches),
                                [True] * len(batches)):
            yield from results


# ---------------------------------------------------------------------- the join
def project_rules(ruleset: RuleSet) -> list[ProjectRule]:
    settings = ruleset.settings
    return [
        rule(settings)
        for rule in all_rules()
        if issubclass(rule, ProjectRule) and rule.code in ruleset.codes
    ]


def current_source(run: ProjectRun, path: str) -> SourceFile | None:
    """A file's text as the run sees it: pending fixed content, else the disk."""
    try:
        if path in run.overrides:
            return decode_source(path, run.overrides[path])
        return read_source(path)
    except SourceError:
        return None


def join(run: ProjectRun, ruleset: RuleSet, errors: list[str],
         reads: SourceReads | None = None) -> list[Diagnostic]:
    """Build the project from the file facts and run the project rules; what they read of
    each file's text is noted in `reads`."""
    _load_full_facts(run, ruleset, None)

    def source(path: str) -> SourceFile | None:
        found = current_source(run, path)
        return reads.watch(found) if reads is not None else found  # type: ignore[return-value]

    # The project before this join (an editor's last check, a fix pass) lends its name
    # resolution when no file's interface changed.
    project = Project((r.facts for r in run.results.values() if r.facts is not None), source,
                      previous=run.project)
    project.root = str(run.root)
    project.layout = run.layout
    project.scope_config = run.config.scope
    run.project = project
    diagnostics: list[Diagnostic] = []
    for rule in project_rules(ruleset):
        try:
            diagnostics.extend(rule.check(project))
        except Exception as error:  # one broken rule must not stop the others
            errors.append(f"rule {rule.code} ({rule.name}) failed: {error.__class__.__name__}: {error}")
    return diagnostics


def joined_project(run: ProjectRun) -> Project:
    """The run's joined project, built from its facts when the run reused cached findings
    (for commands that read the model itself, like `fastlint routes`)."""
    if run.project is None:
        ruleset = ruleset_of(run.config)
        join(run, RuleSet(codes=frozenset(), options=ruleset.options), [])
    assert run.project is not None
    return run.project


def select_reported(run: ProjectRun, diagnostics: Iterable[Diagnostic],
                    enabled: frozenset[str],
                    used_noqa: set[tuple[str, int, str]] | None = None) -> list[Diagnostic]:
    """Keep findings on reported files that neither per-file-ignores nor noqa turn off.

    Each noqa that suppresses a finding is added to `used_noqa` as (path, row, code).
    """
    kept = []
    ignored_cache: dict[str, frozenset[str]] = {}
    noqa_cache: dict[str, dict[int, tuple[str, ...]]] = {}
    for diagnostic in diagnostics:
        path = diagnostic.path
        if path not in run.reported or diagnostic.code not in enabled:
            continue
        result = run.results.get(path)
        facts = result.facts if result is not None else None
        if diagnostic.code != "FL001":
            if facts is not None and facts.file_noqa:
                continue
            if path not in noqa_cache:
                noqa_cache[path] = dict(facts.noqa) if facts is not None else {}
            suppressed_by = is_suppressed(diagnostic, noqa_cache[path])
            if suppressed_by is not None:
                if used_noqa is not None:
                    used_noqa.add((path, suppressed_by, diagnostic.code))
                continue
        if path not in ignored_cache:
            ignored_cache[path] = run.config.ignored_for(_relative_to_root(path, run.root))
        if diagnostic.code in ignored_cache[path]:
            continue
        kept.append(diagnostic)
    return kept


def _relative_to_root(path: str, root: Path) -> str:
    try:
        return Path(os.path.realpath(path)).relative_to(root).as_posix()
    except ValueError:
        return Path(path).as_posix()


def analyse_run(run: ProjectRun, ruleset: RuleSet, options: RunOptions,
                changed: Iterable[str] | None, errors: list[str]) -> list[Diagnostic]:
    paths = [display_path(p) for p in run.files] if changed is None else list(changed)
    map_files(run, paths, ruleset, options.jobs)
    return reported_findings(run, ruleset, errors)


def reported_findings(run: ProjectRun, ruleset: RuleSet, errors: list[str]) -> list[Diagnostic]:
    """The findings on the run's reported files, from the results it holds: file findings,
    the project join, then noqa, per-file-ignores and unused noqa (the language server calls
    this after replacing the results of the buffers being edited)."""
    diagnostics: list[Diagnostic] = []
    for result in run.results.values():
        diagnostics.extend(result.diagnostics)
    project_key = _project_key(run) if run.cache is not None and not run.overrides else None
    cached = run.cache.project_results.get(project_key) if project_key else None
    if isinstance(cached, tuple) and len(cached) == 3 and _same_text(run, cached[2]):
        # The same analyses as a run that joined exactly these files, and the same text in
        # the files its rules read: the project rules would find the same, reuse it.
        found, kinds, _ = cached
    else:
        reads = SourceReads()
        found = tuple(join(run, ruleset, errors, reads))
        kinds = {path: scope.kind for path, scope in run.project.scope.by_path.items()}  # type: ignore[union-attr]
        texts = _texts_read(run, reads) if project_key is not None else None
        if texts is not None and run.cache is not None:
            run.cache.project_results = {project_key: (found, kinds, texts)}
            run.cache.dirty = True
    diagnostics.extend(found)
    diagnostics = in_scope(diagnostics, kinds, run.config.scope.report_in)
    used_noqa: set[tuple[str, int, str]] = set()
    kept = select_reported(run, diagnostics, ruleset.codes, used_noqa)
    if UNUSED_NOQA in ruleset.codes:
        unused = unused_noqa(run, used_noqa, ruleset.codes)
        kept.extend(select_reported(run, unused, ruleset.codes))
    return kept


_APPLICATION_CODE_ONLY = frozenset(rule.code for rule in all_rules() if rule.application_code_only)
_QUIET_IN = {rule.code: rule.quiet_in for rule in all_rules() if rule.quiet_in}


def in_scope(diagnostics: Iterable[Diagnostic], kinds: dict[str, str],
             report_in: tuple[str, ...]) -> list[Diagnostic]:
    """Drop the findings of application-only rules outside the scopes reported in, and of
    every rule in the scopes it is quiet in (see fastlint.scope)."""
    kept = []
    for diagnostic in diagnostics:
        kind = kinds.get(diagnostic.path)
        if kind is not None and (
                (diagnostic.code in _APPLICATION_CODE_ONLY and kind not in report_in)
                or kind in _QUIET_IN.get(diagnostic.code, ())):
            continue
        kept.append(diagnostic)
    return kept


def _project_key(run: ProjectRun) -> str | None:
    """The identity of every file's analysis in the project, and of what else decides the
    application scope, or None if one is unknown."""
    assert run.cache is not None
    parts = [repr((run.layout, run.config.scope))]
    for path in sorted(run.results):
        entry = run.cache.entries.get(os.path.abspath(path))
        if entry is None or not entry.analysis_digest:
            return None
        parts.append(f"{path}\0{entry.analysis_digest}")
    return content_digest("\n".join(parts).encode())


def _texts_read(run: ProjectRun, reads: SourceReads) -> dict[str, tuple[int, str, str]] | None:
    """What the rules read of each file: (up to which row, the file's content digest, the
    digest of what was read), or None if a file is not in the cache."""
    assert run.cache is not None
    texts = {}
    for path, upto in reads.upto.items():
        entry = run.cache.entries.get(os.path.abspath(path))
        source = current_source(run, path)
        if entry is None or source is None:
            return None
        texts[path] = (upto, entry.digest, prefix_digest(source, upto))
    return texts


def _same_text(run: ProjectRun, texts: object) -> bool:
    """Whether the rules would read the same text again: the file is unchanged, or the
    change is below the last row they read."""
    assert run.cache is not None
    if not isinstance(texts, dict):
        return False
    for path, (upto, digest, read) in texts.items():
        entry = run.cache.entries.get(os.path.abspath(path))
        if entry is not None and entry.digest == digest:
            continue
        source = current_source(run, path) if entry is not None and upto != WHOLE else None
        if source is None or prefix_digest(source, upto) != read:
            return False
    return True


def unused_per_file_ignores(run: ProjectRun) -> list[str]:
    """A warning per per-file-ignores pattern that matches no file of the project."""
    if not run.config.per_file_ignores:
        return []
    relative = [_relative_to_root(str(path), run.root) for path in run.files]
    where = display_path(run.config.path or run.root)
    return [
        f"{where}: per-file-ignores pattern {pattern!r} matches no file"
        for pattern in run.config.unmatched_per_file_ignores(relative)
    ]


# ---------------------------------------------------------------------- entry point
def run_check(paths: Sequence[Path], options: RunOptions) -> RunResult:
    """Check (and with options.fix, fix) the given paths."""
    # Facts are millions of small acyclic objects: the cyclic GC would rescan them over and
    # over while they accumulate, for nothing (measured: a third of the run).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _run_check(paths, options)
    finally:
        if gc_was_enabled:
            gc.enable()


def _run_check(paths: Sequence[Path], options: RunOptions) -> RunResult:
    result = RunResult()
    runs = plan_projects(paths, options, result)
    result.projects = runs
    for run in runs:
        result.warnings.extend(unused_per_file_ignores(run))
        ruleset = ruleset_of(run.config)
        if not options.no_cache:
            directory = default_cache_dir(run.root, run.config.cache_dir, options.cache_dir)
            run.cache = Cache(directory, ruleset.fingerprint(), run.root)
            run.cache.load()
        unsafe = options.unsafe_fixes if options.unsafe_fixes is not None else run.config.unsafe_fixes
        result.unsafe_fixes_enabled = unsafe
        run_errors: list[str] = []
        diagnostics = analyse_run(run, ruleset, options, None, run_errors)
        if options.fix or options.diff:
            from fastlint.fix.fixer import fix_project  # imports the engine (a cycle), and libcst

            diagnostics = fix_project(run, diagnostics, ruleset, options, unsafe, result, run_errors)
        for message in dict.fromkeys(run_errors):
            (result.internal_errors if " failed: " in message and message.startswith("rule ")
             else result.errors).append(message)
        for file_result in run.results.values():
            if file_result.path in run.reported:
                result.internal_errors.extend(file_result.errors)
                if file_result.read_error:
                    result.errors.append(file_result.read_error)
                skipped = not_analysed(file_result)
                if skipped is not None:
                    result.not_analysed.append(skipped)
        result.diagnostics.extend(diagnostics)
        result.files_checked += len(run.reported)
        if run.cache is not None:
            if _covers_root_files(run):
                run.cache.forget_missing({os.path.abspath(p) for p in run.results})
            run.cache.save()
    result.diagnostics.sort(key=lambda d: d.sort_key)
    result.not_analysed.sort(key=lambda item: item.path)
    return result


def is_applicable(diagnostic: Diagnostic, unsafe: bool) -> bool:
    fix = diagnostic.fix
    return fix is not None and (fix.applicability is Applicability.SAFE or unsafe)


__all__ = ["RunOptions", "RunResult", "run_check", "PYTHON_SUFFIXES", "is_applicable"]
