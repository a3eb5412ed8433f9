"""FL205 cache-without-ttl: a Redis `set()` that caches without an expiry: the key never expires.

Only cache writes: a key read first in the same function (cache-aside), or "cache" in the
module, the function, the client or the key. Redis used as a store (sessions, a repository)
keeps its keys on purpose.

Bad:
    await redis.set("config", json.dumps(data))

Good:
    await redis.set("config", json.dumps(data), ex=300)
"""

from __future__ import annotations

from collections.abc import Iterator

from fastlint.diagnostics import Diagnostic
from fastlint.facts.records import CallFact, FileFacts, Val
from fastlint.model.project import Project
from fastlint.rules.base import ProjectRule

# Redis client classes (canonical) whose `set` stores a key.
REDIS_CLIENTS = ("redis.Redis", "redis.asyncio.Redis", "redis.cluster.RedisCluster",
                 "redis.asyncio.cluster.RedisCluster", "aioredis.Redis", "aioredis.from_url()",
                 "aioredis.client.Redis")
SETS = frozenset(f"{client}.set" for client in REDIS_CLIENTS)
EXPIRES = frozenset(
    f"{client}.{method}" for client in REDIS_CLIENTS
    for method in ("expire", "pexpire", "expireat", "pexpireat")
)
READS = frozenset(f"{client}.{method}" for client in REDIS_CLIENTS
                  for method in ("get", "mget", "exists", "getex"))
EXPIRY_KEYWORDS = ("ex", "px", "exat", "pxat", "keepttl")
_EXPIRY_POSITION = 2  # set(name, value, ex=None, ...)


class CacheWithoutTTL(ProjectRule):
    code = "FL205"
    name = "cache-without-ttl"
    summary = "A Redis key is set without an expiry: it never expires"

    def check(self, project: Project) -> Iterator[Diagnostic]:
        return self.findings_by_file(project, lambda facts: self._in_file(project, facts))

    def _in_file(self, project: Project, facts: FileFacts) -> Iterator[Diagnostic]:
        sets: list[CallFact] = []
        expires: dict[int, list[CallFact]] = {}
        reads: dict[int, list[CallFact]] = {}
        for call, symbol in zip(facts.calls, project.call_symbols(facts)):
            if symbol in SETS:
                sets.append(call)
            elif symbol in EXPIRES:
                expires.setdefault(call.function, []).append(call)
            elif symbol in READS:
                reads.setdefault(call.function, []).append(call)
        for call in sets:
            if _has_expiry(call.call) or _expired_later(call, expires.get(call.function, ())):
                continue
            if not _caches(facts, call, reads.get(call.function, ())):
                continue
            yield self._finding(facts, call)

    def _finding(self, facts: FileFacts, call: CallFact) -> Diagnostic:
        return self.diagnostic(
            facts, call.span,
            f"`{call.text}()` stores a key that never expires: the cache grows without bound and "
            "serves stale data forever; pass `ex=` (seconds) or use `setex()`",
            noqa_row=call.stmt_row,
        )


def _caches(facts: FileFacts, call: CallFact, reads: list[CallFact] | tuple) -> bool:
    """Whether a `set()` writes a cache rather than a store (sessions, a repository, a
    storage block, whose keys are meant to last): the key read first in the same function
    (cache-aside), or "cache" in the module, the function, the client or the key."""
    if call.function >= 0 and any((read.span.row, read.span.col) < (call.span.row, call.span.col)
                                  for read in reads):
        return True
    function = facts.functions[call.function].qualname if call.function >= 0 else ""
    key = call.call.args[0] if call.call.args else None
    words = (facts.module, function, call.text, _key_text(key) if key is not None else "")
    return any("cache" in word.lower() for word in words)


def _key_text(key: Val) -> str:
    """The constant parts of a key (`f"cache:{user}"` → `cache:`)."""
    if key.kind == "const":
        return str(key.value)
    if key.kind == "fstr":
        return "".join(_key_text(part) for part in key.value)  # type: ignore[union-attr]
    return ""


def _has_expiry(call: Val) -> bool:
    if call.has_kwarg("**"):
        return True  # maybe inside the unpacked mapping
    if len(call.args) > _EXPIRY_POSITION:
        return not _is_none(call.args[_EXPIRY_POSITION])
    return any(
        (value := call.kwarg(keyword)) is not None and not _is_none(value) and not _is_false(value)
        for keyword in EXPIRY_KEYWORDS
    )


def _expired_later(call: CallFact, expires: Iterator[CallFact] | list[CallFact] | tuple) -> bool:
    """An `expire()` on the same key, after the `set()`, in the same function."""
    if call.function < 0:
        return False
    key = _shape(call.call.args[0]) if call.call.args else None
    for expire in expires:
        if (expire.span.row, expire.span.col) <= (call.span.row, call.span.col):
            continue
        other = _shape(expire.call.args[0]) if expire.call.args else None
        # Two keys that are not static (parameters, expressions) are taken to be the same.
        if key is None or other is None or key == other:
            return True
    return False


def _shape(value: Val) -> tuple:
    """A value without its position, to compare two keys."""
    inner = value.value
    if value.kind in ("list", "fstr"):
        inner = tuple(_shape(item) for item in inner)  # type: ignore[union-attr]
    elif value.kind == "call":
        inner = (value.value, tuple(_shape(a) for a in value.args))
    return (value.kind, inner)


def _is_none(value: Val) -> bool:
    return value.kind == "const" and value.value is None


def _is_false(value: Val) -> bool:
    return value.kind == "const" and value.value is False
