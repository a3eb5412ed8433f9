"""FL402 hardcoded-config: a database/broker/cache address written into code, not settings.

Bad:
    DATABASE_URL = "postgresql://db.internal:5432/app"
    engine = create_engine(DATABASE_URL)

Good:
    engine = create_engine(settings.database_url)   # a BaseSettings field
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from fastlint.facts.catalog import SETTINGS_BASES
from fastlint.diagnostics import Diagnostic
from fastlint.facts.records import CallFact, FileFacts, Val
from fastlint.model.project import Project
from fastlint.rules.base import ProjectRule
from fastlint.facts.secret_text import URL_WITH_PASSWORD, mask

DSN_SCHEMES = frozenset({
    "postgresql", "postgres", "mysql", "mariadb", "sqlite", "oracle", "mssql", "cockroachdb",
    "redis", "rediss", "amqp", "amqps", "mongodb", "mongodb+srv", "kafka", "nats", "memcached",
})
_SCHEME = re.compile(r"^(?P<scheme>[a-z][a-z0-9.-]*(?:\+srv)?)(?:\+[a-z0-9_]+)?://")
_IN_MEMORY = re.compile(r"^sqlite(?:\+\w+)?://(?:/:memory:.*)?$|mode=memory")
_CONNINFO = re.compile(r"\bhost\s*=")


@dataclass(frozen=True)
class Target:
    """Where a client constructor takes its address: a positional index and keywords."""

    position: int | None
    dsn_keywords: tuple[str, ...] = ()
    host_keywords: tuple[str, ...] = ()
    position_is_host: bool = False


_URL = Target(0, ("url",))
_REDIS = Target(0, (), ("host", "unix_socket_path"), position_is_host=True)
_MONGO = Target(0, (), ("host",), position_is_host=True)
_PG = Target(0, ("dsn",), ("host",))
_PSYCOPG = Target(0, ("conninfo",), ("host",))
_MYSQL = Target(None, (), ("host",))
TARGETS: dict[str, Target] = {
    "sqlalchemy.create_engine": _URL,
    "sqlalchemy.engine.create_engine": _URL,
    "sqlalchemy.ext.asyncio.create_async_engine": _URL,
    "sqlmodel.create_engine": _URL,
    "databases.Database": _URL,
    "redis.from_url": _URL,
    "redis.Redis.from_url": _URL,
    "redis.asyncio.from_url": _URL,
    "redis.asyncio.Redis.from_url": _URL,
    "aioredis.from_url": _URL,
    "redis.Redis": _REDIS,
    "redis.asyncio.Redis": _REDIS,
    "pymongo.MongoClient": _MONGO,
    "motor.motor_asyncio.AsyncIOMotorClient": _MONGO,
    "asyncpg.connect": _PG,
    "asyncpg.create_pool": _PG,
    "psycopg2.connect": _PG,
    "psycopg.connect": _PSYCOPG,
    "psycopg.AsyncConnection.connect": _PSYCOPG,
    "psycopg_pool.ConnectionPool": Target(0, ("conninfo",)),
    "psycopg_pool.AsyncConnectionPool": Target(0, ("conninfo",)),
    "pymysql.connect": _MYSQL,
    "aiomysql.connect": _MYSQL,
    "aiomysql.create_pool": _MYSQL,
    "celery.Celery": Target(None, ("broker", "backend")),
    "aio_pika.connect_robust": _URL,
    "aio_pika.connect": _URL,
    "kombu.Connection": Target(0, (), ("hostname",), position_is_host=True),
    "tortoise.contrib.fastapi.register_tortoise": Target(None, ("db_url",)),
    "tortoise.Tortoise.init": Target(None, ("db_url",)),
}
_LAST_NAMES = frozenset(symbol.rsplit(".", 1)[-1] for symbol in TARGETS)
_LAST_NAME_ENDINGS = tuple(_LAST_NAMES)  # a test in C before the split


def is_environment_address(text: str, as_host: bool) -> bool:
    """A DSN of a database/broker/cache (not an in-memory one), or a host name."""
    if as_host:
        return bool(text.strip())
    match = _SCHEME.match(text)
    if match is not None:
        return match.group("scheme") in DSN_SCHEMES and not _IN_MEMORY.search(text)
    return bool(_CONNINFO.search(text))


def shown(text: str) -> str:
    """The address as the message shows it: a password in it is masked."""
    return URL_WITH_PASSWORD.sub(
        lambda m: m.group(0).replace(f":{m.group('password')}@", f":{mask(m.group('password'))}@"),
        text,
    )


class HardcodedConfig(ProjectRule):
    code = "FL402"
    name = "hardcoded-config"
    summary = "A database, broker or cache address is written in code instead of settings"
    application_code_only = True
    redacts_source = True  # the address may carry a password (FL401 reports that)

    def check(self, project: Project) -> Iterator[Diagnostic]:
        settings_classes = project.table_memo("settings classes and bases", lambda: {
            qualname for qualname in project.classes if project.is_subclass(qualname, SETTINGS_BASES)
        }, reads_classes=True)
        reported: set[tuple[str, int, int]] = set()
        for facts in project.files:
            if facts.is_test:
                continue
            for call, target in self.in_file(project, facts, "clients", lambda: _clients(project, facts)):
                for value, as_host in _addresses(call.call, target):
                    found = self._literal(project, facts, value, settings_classes)
                    if found is None:
                        continue
                    where, literal, text = found
                    key = (where.path, literal.span.row, literal.span.col)  # type: ignore[union-attr]
                    if key in reported or not is_environment_address(text, as_host):
                        continue
                    reported.add(key)
                    used_at = "" if where is facts else f" ({_short(facts.path)}:{call.span.row})"
                    yield self.diagnostic(where, literal.span,  # type: ignore[arg-type]
                                          _message(call, used_at, text, as_host))

    def _literal(self, project: Project, facts: FileFacts, value: Val,
                 settings_classes: set[str]) -> tuple[FileFacts, Val, str] | None:
        """The string literal a value is, directly or through module constants."""
        where = facts
        if value.kind == "ref" and isinstance(value.value, str):
            found = project.binding_value(value.value)
            if found is None:
                return None
            where, value = found
            if _bound_in(where, value, settings_classes):
                return None
        if value.kind not in ("const", "fstr") or value.span is None:
            return None
        text = project.string_value(value)
        return (where, value, text) if text is not None else None


def _addresses(call: Val, target: Target) -> Iterator[tuple[Val, bool]]:
    if target.position is not None and len(call.args) > target.position:
        yield call.args[target.position], target.position_is_host
    for keyword, value in call.kwargs:
        if keyword in target.dsn_keywords:
            yield value, False
        elif keyword in target.host_keywords:
            yield value, True


def _bound_in(facts: FileFacts, value: Val, classes: set[str]) -> bool:
    """Whether the binding that holds `value` is a field of one of `classes`."""
    for binding in facts.bindings:
        if binding.value is value:
            return binding.qualname.rsplit(".", 1)[0] in classes
    return False


def _short(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def _message(call: CallFact, used_at: str, text: str, as_host: bool) -> str:
    what = "host" if as_host else "address"
    return (f'`{call.text}()`{used_at} gets a hardcoded {what} "{shown(text)}": it differs per '
            "environment, so read it from a settings field")


def _clients(project: Project, facts: FileFacts) -> Iterator[tuple[CallFact, Target]]:
    """A file's calls of a database, broker or cache client, with what it connects to."""
    for call in facts.calls:
        callee = call.call.value
        if isinstance(callee, str) and callee.endswith(_LAST_NAME_ENDINGS) \
                and callee.rsplit(".", 1)[-1] in _LAST_NAMES:
            target = TARGETS.get(project.canonical(callee))
            if target is not None:
                yield call, target
