"""Session type resolution: which SQLAlchemy/SQLModel session class a project type stands for.

A project names its session type in many ways; each resolves to the library class:
- a re-export or alias (`from app.db import Session`, `DbSession = Session`);
- `NewType("DbSession", Session)` (the project join binds the name to its base type);
- a project subclass (`class TenantSession(AsyncSession)`), at any depth;
- `Annotated[Session, Depends(get_db)]` aliases (unwrapped by the per-file walk).

Method calls follow the same path: `Project.canonical` maps a method a project subclass
does not define to its library base (`TenantSession().execute` →
`sqlalchemy.ext.asyncio.AsyncSession.execute`), so rules matching library symbols see it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastlint.model.project import Project

SYNC_SESSION_CLASSES = frozenset({"sqlalchemy.orm.Session", "sqlmodel.Session"})
ASYNC_SESSION_CLASSES = frozenset({
    "sqlalchemy.ext.asyncio.AsyncSession", "sqlalchemy.ext.asyncio.session.AsyncSession",
    "sqlmodel.ext.asyncio.session.AsyncSession",
})
SESSION_CLASSES = SYNC_SESSION_CLASSES | ASYNC_SESSION_CLASSES


def session_class(project: "Project", symbol: str | None) -> str | None:
    """The library session class a class symbol (or an instance, `X()`) stands for, or None.

    `app.db.TenantSession` (a subclass of `AsyncSession`) →
    `sqlalchemy.ext.asyncio.AsyncSession`.
    """
    if not symbol:
        return None
    canonical = project.canonical(symbol[:-2] if symbol.endswith("()") else symbol)
    for candidate in project.class_lineage(canonical):
        if candidate in SESSION_CLASSES:
            return candidate
    return None


def is_sync_session(project: "Project", symbol: str | None) -> bool:
    """Whether a type is a sync `Session` (whose I/O blocks the event loop)."""
    return session_class(project, symbol) in SYNC_SESSION_CLASSES
