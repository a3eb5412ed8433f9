"""Calls that reach the database: a SQLAlchemy/SQLModel session method (the session type
resolved through `fastlint.sessions`: re-exports, `NewType`, project subclasses), a
`select()/insert()/update()/delete()` statement, a Django model manager
(`Entry.objects.filter(...).adelete()`), or a DB-API `execute` on a cursor."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from fastlint.model.orm import DJANGO_MODELS
from fastlint.model.sessions import session_class

if TYPE_CHECKING:
    from fastlint.model.project import Project

# Session methods that send SQL or change what the session will write.
SESSION_METHODS = frozenset({
    "execute", "exec", "scalars", "scalar", "scalar_one", "scalar_one_or_none", "query", "get",
    "get_one", "add", "add_all", "delete", "merge", "commit", "flush", "refresh", "stream",
    "stream_scalars", "bulk_save_objects", "bulk_insert_mappings", "bulk_update_mappings",
})
STATEMENT_CALLS = frozenset(
    f"{module}.{name}"
    for module in ("sqlalchemy", "sqlalchemy.sql", "sqlalchemy.sql.expression", "sqlalchemy.future",
                   "sqlmodel", "sqlmodel.sql.expression")
    for name in ("select", "insert", "update", "delete")
)
RAW_CURSOR_CALL = re.compile(r"(^|\.)cursor\(\)\.execute(many)?$")
DB_API_MODULES = ("sqlite3.", "psycopg2.", "psycopg.", "pymysql.", "MySQLdb.", "aiosqlite.", "asyncpg.")


def is_database_call(project: "Project", symbol: str) -> bool:
    """Whether a call's symbol (as in the facts) reaches the database."""
    answers: dict[str, bool] = project.table_memo("database calls", dict, reads_definitions=True)
    found = answers.get(symbol)
    if found is None:
        found = answers[symbol] = _reaches_database(project, symbol)
    return found


def _reaches_database(project: "Project", symbol: str) -> bool:
    canonical = project.canonical(symbol)
    if canonical in STATEMENT_CALLS or RAW_CURSOR_CALL.search(canonical):
        return True
    if canonical.startswith(DB_API_MODULES) and canonical.endswith((".execute", ".executemany")):
        return True
    receiver, _, method = canonical.rpartition(".")
    if method in SESSION_METHODS and session_class(project, receiver) is not None:
        return True
    return _is_django_query(project, canonical)


def _is_django_query(project: "Project", canonical: str) -> bool:
    """`Entry.objects.filter().adelete`: a method chained on a Django model's manager. An
    attribute of a fetched row (`....first().log.update`) is plain data, not a query."""
    model, manager, chain = canonical.partition(".objects.")
    if not manager or model.endswith("()"):
        return False
    if not all(part.endswith("()") for part in chain.split(".")[:-1]):
        return False
    return not DJANGO_MODELS.isdisjoint(project.class_lineage(model))


def is_statement(project: "Project", symbol: str) -> bool:
    """`select(...)` and its kin: they build SQL, the session call around them sends it."""
    return project.canonical(symbol) in STATEMENT_CALLS
