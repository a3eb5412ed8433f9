"""FL302 db-in-route: flagged, near misses."""

import pytest

from fastlint.testing import lines, lint

SQLALCHEMY_ROUTER = """
from fastapi import APIRouter, Depends
from sqlalchemy import select
from sqlalchemy.orm import Session

def get_db():
    yield None

router = APIRouter()
"""

FLAGGED = [
    pytest.param(SQLALCHEMY_ROUTER + """
@router.get("/users/{user_id}")
def read_user(user_id: int, db: Session = Depends(get_db)):
    return db.execute(select(1)).scalar_one()
""", [12], id="session-execute-and-select"),
    pytest.param(SQLALCHEMY_ROUTER + """
@router.post("/users")
async def create_user(user: dict, db: Session = Depends(get_db)):
    db.add(user)
    db.commit()
    db.refresh(user)
    return user
""", [12], id="add-commit-refresh-one-finding"),
    pytest.param({
        "app/deps.py": """
from typing import Annotated
from fastapi import Depends
from sqlmodel import Session

def get_session():
    yield None

SessionDep = Annotated[Session, Depends(get_session)]
""",
        "app/routes.py": """
from fastapi import APIRouter
from sqlmodel import select
from app.deps import SessionDep

router = APIRouter()

@router.get("/items")
def read_items(session: SessionDep):
    return session.exec(select(1)).all()
""",
    }, [9], id="sqlmodel-session-through-annotated-alias-in-another-module"),
    pytest.param("""
import sqlite3
from fastapi import FastAPI
app = FastAPI()

@app.get("/raw")
def raw():
    conn = sqlite3.connect("db.sqlite")
    cur = conn.cursor()
    cur.execute("select 1")
    return cur.fetchall()
""", [7], id="raw-cursor-execute"),
    pytest.param("""
from fastapi import APIRouter, Depends
from sqlalchemy.ext.asyncio import AsyncSession
router = APIRouter()

async def get_session():
    yield None

@router.delete("/users/{user_id}")
async def delete_user(user_id: int, session: AsyncSession = Depends(get_session)):
    user = await session.get(object, user_id)
    await session.delete(user)
    await session.commit()
""", [10], id="async-session"),
    pytest.param({
        "app/db.py": """
from sqlalchemy.ext.asyncio import AsyncSession
class TenantSession(AsyncSession):
    tenant = "default"
""",
        "app/deps.py": "from app.db import TenantSession as DbSession\n",
        "app/routes.py": """
from fastapi import APIRouter, Depends
from app.deps import DbSession
router = APIRouter()

@router.delete("/items/{item_id}")
async def delete_item(item_id: int, session: DbSession = Depends()):
    await session.delete(item_id)
""",
    }, [7], id="delete-on-a-project-subclass-re-exported"),
    pytest.param({
        "app/models.py": "from django.db import models\nclass Entry(models.Model):\n    pass\n",
        "app/routes.py": """
from fastapi import APIRouter
from app.models import Entry
router = APIRouter()

@router.delete("/entries")
async def delete_entries(user: str):
    await Entry.objects.filter(user=user).adelete()
""",
    }, [7], id="django-model-manager"),
    pytest.param("""
from typing import NewType
from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session
DbSession = NewType("DbSession", Session)
router = APIRouter()

@router.get("/items/{item_id}")
def read_item(item_id: int, session: DbSession = Depends()):
    return session.get(dict, item_id)
""", [9], id="get-on-a-newtype-session"),
]

NOT_FLAGGED = [
    pytest.param(SQLALCHEMY_ROUTER + """
from app.services.users import UserService

@router.get("/users/{user_id}")
def read_user(user_id: int, users: UserService = Depends()):
    return users.get(user_id)
""", id="thin-route-calling-a-service"),
    pytest.param(SQLALCHEMY_ROUTER + """
def get_user_repo(db: Session = Depends(get_db)):
    db.commit()
    return db.execute(select(1))
""", id="dependency-using-the-session-is-not-a-route"),
    pytest.param(SQLALCHEMY_ROUTER + """
CACHE = {}

@router.get("/cached/{key}")
def cached(key: str, params: dict):
    params.get("x")
    return CACHE.get(key)
""", id="dict-get-is-not-a-database-call"),
    pytest.param(SQLALCHEMY_ROUTER + """
@router.get("/users")
def list_users(db: Session = Depends(get_db)):
    def query():
        return db.execute(select(1))
    return {"query": "deferred"}
""", id="nested-helper-is-its-own-function"),
    pytest.param("""
import requests
from fastapi import APIRouter
router = APIRouter()

@router.delete("/remote/{key}")
def delete_remote(key: str):
    return requests.delete(f"https://example.com/{key}", timeout=5).json()
""", id="http-delete-is-not-a-database-call"),
    pytest.param("""
from fastapi import APIRouter, Depends
from app.services import ItemService
router = APIRouter()

@router.delete("/items/{item_id}")
async def delete_item(item_id: int, items: ItemService = Depends()):
    await items.delete(item_id)
""", id="delete-on-a-service-is-not-a-database-call"),
    pytest.param({
        "app/models.py": "from django.db import models\nclass Entry(models.Model):\n    pass\n",
        "app/routes.py": """
from fastapi import APIRouter
from app.models import Entry
router = APIRouter()

@router.get("/entries/{slug}")
def read_log(slug: str, entry: Entry):
    entry.log.update({"seen": True})
    return entry.log.get("seen")
""",
    }, id="dict-field-of-a-django-row-is-not-a-query"),
]


@pytest.mark.parametrize(("source", "expected"), FLAGGED)
def test_flagged(source, expected):
    assert lines(source, "FL302") == expected


@pytest.mark.parametrize("source", NOT_FLAGGED)
def test_not_flagged(source):
    assert lines(source, "FL302") == []


def test_message_names_the_calls_as_written():
    (finding,) = lint(FLAGGED[0].values[0], "FL302")
    assert finding.message == (
        "route GET /users/{user_id} (`read_user`) talks to the database itself "
        "(`db.execute()`, `select()`): go through a repository or service"
    )
