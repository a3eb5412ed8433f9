"""FL304 misplaced-definition: flagged definitions, near misses."""

import pytest

from fastlint.testing import lint

BASE = {
    "app/__init__.py": "",
    "app/routers/users.py": "from fastapi import APIRouter\nrouter = APIRouter()\n",
    "app/services/users.py": "",
    "app/models/base.py": "from sqlalchemy.orm import DeclarativeBase\n\n"
                          "class Base(DeclarativeBase):\n    pass\n\n"
                          "class User(Base):\n    __tablename__ = 'users'\n",
    "app/core/config.py": "from pydantic_settings import BaseSettings\n\n"
                          "class Settings(BaseSettings):\n    debug: bool = False\n",
}


def project(**changes: str) -> dict[str, str]:
    files = dict(BASE)
    files.update({path.replace("__", "/") + ".py": text for path, text in changes.items()})
    return files


def findings(files) -> list[tuple[str, int]]:
    return [(d.path, d.row) for d in lint(files, "FL304")]


FLAGGED = [
    pytest.param(project(app__services__users="""
from fastapi import APIRouter
router = APIRouter()

@router.get("/stats")
def stats():
    return {}
"""), [("app/services/users.py", 6)], id="route-in-a-service"),
    pytest.param(project(app__services__users="""
from fastapi import APIRouter
router = APIRouter()

@router.get("/users")
@router.get("/v1/users")
def users():
    return []
"""), [("app/services/users.py", 7)], id="one-finding-per-handler-with-two-paths"),
    pytest.param(project(app__schemas__users="from pydantic import BaseModel\nclass UserOut(BaseModel):\n    name: str\n", app__routers__users="""
from fastapi import APIRouter
from pydantic import BaseModel
router = APIRouter()

class UserIn(BaseModel):
    name: str
"""), [("app/routers/users.py", 6)], id="schema-in-a-router"),
    pytest.param(project(app__schemas__users="from pydantic import BaseModel\nclass UserOut(BaseModel):\n    name: str\n", app__routers__users="""
from sqlmodel import SQLModel
class UserIn(SQLModel):
    name: str
"""), [("app/routers/users.py", 3)], id="non-table-sqlmodel-in-a-router-is-a-schema"),
    pytest.param(project(app__services__users="""
from app.models.base import Base
class User(Base):
    __tablename__ = "users"
"""), [("app/services/users.py", 3)], id="orm-model-outside-models"),
    pytest.param(project(app__routers__items="""
from sqlmodel import SQLModel
class Item(SQLModel, table=True):
    id: int
"""), [("app/routers/items.py", 3)], id="sqlmodel-table-outside-models"),
    pytest.param(project(app__db="""
from sqlalchemy.orm import declarative_base
Base = declarative_base()
class Order(Base):
    __tablename__ = "orders"
"""), [("app/db.py", 4)], id="declarative-base-factory-model-outside-models"),
    pytest.param(project(app__utils="""
from pydantic_settings import BaseSettings
class Settings(BaseSettings):
    debug: bool = False
"""), [("app/utils.py", 3)], id="settings-outside-core"),
]

NOT_FLAGGED = [
    pytest.param(project(), id="everything-in-its-room"),
    pytest.param(project(app__config="""
from pydantic_settings import BaseSettings
class Settings(BaseSettings):
    debug: bool = False
"""), id="settings-in-a-config-module-of-their-own"),
    pytest.param(project(app__routers__users="""
from fastapi import APIRouter
from pydantic import BaseModel
router = APIRouter()

class UserIn(BaseModel):
    name: str
"""), id="request-model-in-a-router-when-there-is-no-schemas-layer"),
    pytest.param(project(app__main="""
from fastapi import FastAPI
app = FastAPI()

@app.get("/health")
def health():
    return {"ok": True}

@app.get("/metrics")
def metrics():
    return ""
"""), id="ops-routes-on-the-app"),
    pytest.param(project(app__core__db="""
from sqlalchemy.orm import DeclarativeBase
class Base(DeclarativeBase):
    pass
class TimestampMixin:
    created: int = 0
"""), id="declarative-base-itself-outside-models"),
    pytest.param(project(app__services__users="""
from app.models.base import Base
class AbstractThing(Base):
    __abstract__ = True
"""), id="abstract-base-is-not-a-model"),
    pytest.param(project(app__schemas__users="""
from pydantic import BaseModel
class UserIn(BaseModel):
    name: str
"""), id="schema-in-schemas"),
    pytest.param(project(app__services__users="""
from pydantic import BaseModel
class Quote(BaseModel):
    total: int
"""), id="basemodel-in-a-service-is-not-a-router-schema"),
    pytest.param(project(tests__test_app="""
from fastapi import FastAPI
from pydantic_settings import BaseSettings
app = FastAPI()
class TestSettings(BaseSettings):
    pass
@app.get("/x")
def x():
    return 1
"""), id="tests-are-not-checked"),
    pytest.param({
        "app/routers/users.py": "",
        "app/services/users.py": "",
        "app/models/user.py": "",
        "app/config.py": "from pydantic_settings import BaseSettings\n"
                         "class Settings(BaseSettings):\n    pass\n",
    }, id="settings-anywhere-when-there-is-no-core"),
    pytest.param(project(other__service="""
from fastapi import FastAPI
from pydantic_settings import BaseSettings
app = FastAPI()
class OtherSettings(BaseSettings):
    pass
@app.get("/users")
def users():
    return []
"""), id="packages-outside-the-layered-one-are-not-checked"),
    pytest.param({
        "app/routers/users.py": "",
        "app/services/users.py": "",
        "app/models/flows.py": "def read_flow(session, flow_id): ...\n",
        "app/db/orm.py": "from sqlalchemy.orm import DeclarativeBase\n"
                         "class Base(DeclarativeBase):\n    pass\n"
                         "class Flow(Base):\n    __tablename__ = 'flows'\n",
    }, id="orm-models-elsewhere-when-models-holds-data-access-functions"),
    pytest.param({
        "app/endpoints/speech.py": "def transform(audio): ...\n",
        "app/repositories/users.py": "",
        "app/models/user.py": "",
        "app/proxy/user_endpoints.py": "from fastapi import APIRouter\nrouter = APIRouter()\n"
                                       "@router.get('/users')\ndef users():\n    return []\n",
    }, id="routes-elsewhere-when-the-routers-package-declares-none"),
    pytest.param({
        **{f"server/{k}": v for k, v in BASE.items() if k.startswith("app/")},
        "sdk/endpoints/speech.py": "def transform(audio): ...\n",
        "sdk/repositories/users.py": "",
        "sdk/models/user.py": "",
        "sdk/proxy/user_endpoints.py": "from fastapi import APIRouter\nrouter = APIRouter()\n"
                                       "@router.get('/users')\ndef users():\n    return []\n",
    }, id="each-layered-package-is-judged-on-its-own"),
    pytest.param({
        "app/main.py": "from fastapi import FastAPI\napp = FastAPI()\n"
                       "@app.get('/users')\ndef users():\n    return []\n",
    }, id="no-layers-no-findings"),
]


@pytest.mark.parametrize(("files", "expected"), FLAGGED)
def test_flagged(files, expected):
    assert findings(files) == expected


@pytest.mark.parametrize("files", NOT_FLAGGED)
def test_not_flagged(files):
    assert findings(files) == []


def test_route_message_says_where_to_put_it():
    (finding,) = lint(FLAGGED[0].values[0], "FL304")
    assert finding.message == (
        "path operation GET /stats is declared in services (app/services/users.py): "
        "declare it on an APIRouter in the routers layer and include that router in the app"
    )


def test_a_route_on_the_app_is_reported_once_by_fl502_not_again_here():
    files = project(app__main="""
from fastapi import FastAPI
app = FastAPI()

@app.get("/users")
@app.get("/v1/users")
def users():
    return []
""")
    assert findings(files) == []
    assert [(d.code, d.row) for d in lint(files, "FL502")] == [("FL502", 5)]
