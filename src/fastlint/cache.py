"""The per-project cache: each file's facts and findings, keyed by its content, and the
findings last reported.

Two consolidated files per project and rule set under `.fastlint_cache/` (next to the
project's pyproject.toml):
- a small *manifest*, the index read on every run: each file's size, mtime (and whether that
  stat was taken too soon after a change to be trusted), content hash, the hash of its
  analysis (facts and findings, its noqa comments left out), its own findings and noqa lines
  and what tells a comment-only edit apart (both pickled on their own, read only for the
  files a run needs); the project rules' findings for the last set of analyses joined (with
  what they read of each file's text); and the findings last reported on each file, with the
  state of the project they hold for;
- the *facts*: each file's full FileFacts, read only when the project must be joined again.
So a run where nothing changed stats the files and reads one small file. An entry is reused
when the file's size and mtime are unchanged (and were not racy), or else when its content
hash is. Both files are written atomically (temp file + rename): concurrent runs never see a
torn file; a corrupt or truncated cache is ignored and rebuilt.
"""

from __future__ import annotations

import copyreg
import hashlib
import io
import os
import pickle
from dataclasses import dataclass, replace
from functools import lru_cache, partial
from pathlib import Path

from fastlint import __version__
from fastlint.facts.results import FileResult
from fastlint.facts.records import RECORD_TYPES, FileFacts
from fastlint.files.trivia import TriviaSignature

# Bump when the shape of FileFacts or of the analysis changes.
FORMAT = 5
CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by fastlint.\n"
)
_LOAD_ERRORS = (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError,
                IndexError, TypeError, ValueError, MemoryError, KeyError)


@dataclass(frozen=True)
class Entry:
    """What the manifest knows of one file: its content's identity and a light result
    (findings, noqa lines, errors — the facts are in the facts file), pickled on its own.

    `analysis_digest` identifies the analysis: an edit that leaves it unchanged (a comment,
    blank lines at the end) cannot change what the project rules see. After a comment-only
    edit (`restate`) it is kept although the noqa comments changed: the project rules never
    read them.
    """

    size: int
    mtime_ns: int
    digest: str
    light_payload: bytes
    analysis_digest: str = ""
    racy: bool = False  # stat-ed too soon after a change: compare the content next time
    trivia_payload: bytes = b""  # the pickled TriviaSignature, if the file has one

    def light(self) -> FileResult:
        return pickle.loads(self.light_payload)

    def trivia(self) -> TriviaSignature | None:
        return pickle.loads(self.trivia_payload) if self.trivia_payload else None


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """The identity of fastlint's own code: facts computed by other code are not reused
    (a release bumps the version, but a development checkout changes without it)."""
    package = Path(__file__).resolve().parent
    parts = []
    for path in sorted(package.rglob("*.py")):
        status = path.stat()
        parts.append(f"{path.relative_to(package)}:{status.st_size}:{status.st_mtime_ns}")
    return hashlib.blake2b("|".join(parts).encode(), digest_size=8).hexdigest()


def content_digest(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def light_result(result: FileResult) -> FileResult:
    facts = result.facts
    if facts is None:
        return result
    slim = FileFacts(path=facts.path, module=facts.module, is_package=facts.is_package,
                     noqa=facts.noqa, file_noqa=facts.file_noqa, is_test=facts.is_test)
    return replace(result, facts=slim)


def _record_reducer(record_type: type) -> object:
    make = partial(tuple.__new__, record_type)
    return lambda record: (make, (tuple(record),))


# A NamedTuple pickles through its Python-level `__getnewargs__`: the facts' records pickle
# instead as their tuple, rebuilt by `tuple.__new__` (a third less time to pickle a file's
# facts in the worker; the same to load).
_PACKING = copyreg.dispatch_table.copy()
_PACKING.update({record_type: _record_reducer(record_type) for record_type in RECORD_TYPES})


def pack(value: object) -> bytes:
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _PACKING
    pickler.dump(value)
    return buffer.getvalue()


def default_cache_dir(root: Path, configured: str | None, override: Path | None) -> Path:
    if override is not None:
        return override
    env = os.environ.get("FASTLINT_CACHE_DIR")
    if env:
        return Path(env)
    if configured:
        return (root / configured).resolve()
    return root / ".fastlint_cache"


class Cache:
    """Load the manifest at the start of a run, the facts only if needed, save at the end."""

    def __init__(self, directory: Path, ruleset_fingerprint: str, root: Path) -> None:
        key = hashlib.blake2b(
            f"{FORMAT}|{__version__}|{code_fingerprint()}|{ruleset_fingerprint}|{root}".encode(),
            digest_size=8,
        ).hexdigest()
        self.directory = directory
        self.manifest_path = directory / f"manifest-{key}.pickle"
        self.facts_path = directory / f"facts-{key}.pickle"
        self.entries: dict[str, Entry] = {}
        self.project_results: dict[str, object] = {}
        # The findings last reported on each file (pickled per file), valid while the
        # project is in the state `reported_state` names.
        self.reported: dict[str, bytes] = {}
        self.reported_state = ""
        # Each file's full result, pickled on its own: workers send these bytes, and the
        # cache stores them as they are (no whole-graph pickle, no giant memo table).
        self._facts: dict[str, bytes] | None = None
        self._facts_dirty = False
        self.dirty = False

    # ------------------------------------------------------------------ reading
    def load(self) -> None:
        data = _read(self.manifest_path)
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return
        entries, results = data.get("entries"), data.get("project_results")
        reported, state = data.get("reported"), data.get("reported_state")
        if isinstance(entries, dict) and isinstance(results, dict) \
                and isinstance(reported, dict) and isinstance(state, str):
            self.entries, self.project_results = entries, results
            self.reported, self.reported_state = reported, state

    def _facts_table(self) -> dict[str, bytes]:
        if self._facts is None:
            data = _read(self.facts_path)
            valid = isinstance(data, dict) and data.get("format") == FORMAT \
                and isinstance(data.get("results"), dict)
            self._facts = data["results"] if valid else {}  # type: ignore[index]
        return self._facts

    def lookup(self, key: str, status: os.stat_result) -> Entry | None:
        """The entry of a file its stat says is unchanged."""
        entry = self.entries.get(key)
        if entry is not None and entry.size == status.st_size \
                and entry.mtime_ns == status.st_mtime_ns and not entry.racy:
            return entry
        return None

    def lookup_digest(self, key: str, digest: str) -> Entry | None:
        entry = self.entries.get(key)
        return entry if entry is not None and entry.digest == digest else None

    def full_result(self, key: str) -> FileResult | None:
        """The result with its full facts (reads the facts file on first use)."""
        payload = self._facts_table().get(key)
        entry = self.entries.get(key)
        if not isinstance(payload, bytes) or entry is None:
            return None
        try:
            result = pickle.loads(payload)
            light = entry.light()
        except _LOAD_ERRORS:
            return None
        if not isinstance(result, FileResult):
            return None
        if result.facts is not None and light.facts is not None:
            # The noqa comments as the file has them now (a comment-only edit keeps the facts).
            result = replace(result, facts=replace(result.facts, noqa=light.facts.noqa,
                                                   file_noqa=light.facts.file_noqa))
        return result

    # ------------------------------------------------------------------ writing
    def store(self, key: str, size: int, mtime_ns: int, digest: str, result: FileResult,
              payload: bytes | None = None, racy: bool = False,
              trivia: TriviaSignature | None = None) -> None:
        """Remember a file's result; `payload` is the result already pickled, if at hand."""
        payload = payload if payload is not None else pack(result)
        # The analysis digest is the pickle's: equal pickles are equal results, and the same
        # analysis shares objects alike, so it pickles alike (were it not to, the join would
        # only be done again). Pickling without the memo to be sure cost 2x the pickle.
        self.entries[key] = Entry(size, mtime_ns, digest, pack(light_result(result)),
                                  content_digest(payload), racy,
                                  pack(trivia) if trivia is not None else b"")
        self._facts_table()[key] = payload
        self._facts_dirty = True
        self.dirty = True

    def touch(self, key: str, size: int, mtime_ns: int, racy: bool) -> None:
        """The file was touched but its content is the same."""
        entry = self.entries[key]
        self.entries[key] = replace(entry, size=size, mtime_ns=mtime_ns, racy=racy)
        self.dirty = True

    def restate(self, key: str, size: int, mtime_ns: int, digest: str, light: FileResult,
                racy: bool) -> None:
        """The file changed only where its analysis does not look (comments, blank lines):
        the same analysis and facts, the new content's identity and noqa comments."""
        entry = self.entries[key]
        self.entries[key] = replace(entry, size=size, mtime_ns=mtime_ns, digest=digest,
                                    light_payload=pack(light), racy=racy)
        self.dirty = True

    def remember_reported(self, state: str, findings: dict[str, bytes]) -> None:
        """The findings reported on some files in project state `state` (kept beside those
        of other files reported in the same state)."""
        if state != self.reported_state:
            self.reported, self.reported_state = {}, state
        if any(self.reported.get(key) != value for key, value in findings.items()):
            self.reported.update(findings)
            self.dirty = True

    def forget_missing(self, keep: set[str]) -> None:
        gone = [k for k in self.entries if k not in keep]
        if gone:
            facts = self._facts_table()
            for key in gone:
                del self.entries[key]
                facts.pop(key, None)
            self._facts_dirty = self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            _write_markers(self.directory)
            if self._facts_dirty and self._facts is not None:
                _write(self.facts_path, {"format": FORMAT, "results": self._facts})
            _write(self.manifest_path, {"format": FORMAT, "entries": self.entries,
                                        "project_results": self.project_results,
                                        "reported": self.reported,
                                        "reported_state": self.reported_state})
            _prune(self.directory)
        except OSError:
            pass  # a cache that cannot be written only makes the next run slower


def _read(path: Path) -> object:
    try:
        with open(path, "rb") as handle:
            return pickle.load(handle)
    except _LOAD_ERRORS:
        return None


def _write(path: Path, data: object) -> None:
    from fastlint.files.atomic import replace_file  # tempfile: only a run that writes pays

    replace_file(str(path), pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL), prefix=".tmp-")


KEEP_CACHES = 4


def _prune(directory: Path) -> None:
    """Keep the caches of the few most recently used rule sets / fastlint versions."""
    manifests = sorted(directory.glob("manifest-*.pickle"), key=lambda p: p.stat().st_mtime,
                       reverse=True)
    for manifest in manifests[KEEP_CACHES:]:
        key = manifest.name[len("manifest-"):]
        for path in (manifest, directory / f"facts-{key}"):
            try:
                path.unlink()
            except OSError:
                pass


def _write_markers(directory: Path) -> None:
    gitignore = directory / ".gitignore"
    if not gitignore.exists():
        gitignore.write_text("# Automatically created by fastlint.\n*\n")
    tag = directory / "CACHEDIR.TAG"
    if not tag.exists():
        tag.write_text(CACHEDIR_TAG)


def clean(directory: Path) -> bool:
    """Remove a cache directory; True when there was one."""
    import shutil

    if not directory.is_dir():
        return False
    shutil.rmtree(directory, ignore_errors=True)
    return True
