"""Session type resolution: project names of SQLAlchemy/SQLModel sessions (sessions.py),
and the blocking calls FL101 finds through them."""

import pytest

from fastlint.model.sessions import is_sync_session, session_class
from fastlint.testing import lines, project

DB = """
    from typing import NewType
    from sqlalchemy.orm import Session
    from sqlalchemy.ext.asyncio import AsyncSession

    class TenantSession(Session):
        pass

    class AuditedSession(TenantSession):
        def commit(self):
            pass

    class AsyncTenantSession(AsyncSession):
        pass

    DbSession = NewType("DbSession", Session)
    NotASession = NewType("NotASession", int)
"""


@pytest.fixture(scope="module")
def sessions_project():
    return project({"app/__init__.py": "", "app/db.py": DB,
                    "app/deps.py": "from app.db import TenantSession as Tenant\n"})


@pytest.mark.parametrize("symbol, expected", [
    ("app.db.TenantSession", "sqlalchemy.orm.Session"),
    ("app.db.AuditedSession", "sqlalchemy.orm.Session"),
    ("app.db.AsyncTenantSession", "sqlalchemy.ext.asyncio.AsyncSession"),
    ("app.db.DbSession", "sqlalchemy.orm.Session"),
    ("app.deps.Tenant", "sqlalchemy.orm.Session"),  # a re-export under another name
    ("app.db.TenantSession()", "sqlalchemy.orm.Session"),  # an instance
    ("app.db.NotASession", None),
    ("builtins.int", None),
])
def test_session_class(sessions_project, symbol, expected):
    assert session_class(sessions_project, symbol) == expected


def test_sync_and_async(sessions_project):
    assert is_sync_session(sessions_project, "app.db.DbSession")
    assert not is_sync_session(sessions_project, "app.db.AsyncTenantSession")


def test_inherited_library_method_is_the_library_method(sessions_project):
    assert sessions_project.canonical("app.db.TenantSession.execute") == "sqlalchemy.orm.Session.execute"
    # A method the subclass defines itself stays the project's.
    assert sessions_project.canonical("app.db.AuditedSession.commit") == "app.db.AuditedSession.commit"


ROUTE = """
    from fastapi import Depends, FastAPI
    from app.db import {name}
    app = FastAPI()

    @app.get("/")
    async def read(db: {name} = Depends()):
        db.execute("select 1")
"""


@pytest.mark.parametrize("name, flagged", [
    ("TenantSession", True), ("DbSession", True), ("AsyncTenantSession", False),
])
def test_fl101_sees_session_types(name, flagged):
    files = {"app/__init__.py": "", "app/db.py": DB, "app/main.py": ROUTE.format(name=name)}
    assert lines(files, "FL101") == ([8] if flagged else [])
