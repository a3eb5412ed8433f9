"""FL303 layer-violation: flagged imports, near misses, messages."""

import pytest

from fastlint.testing import lint

ORM_BASE = "from sqlalchemy.orm import DeclarativeBase\nclass Base(DeclarativeBase): ...\n"
ORM_USER = "from app.models.base import Base\nclass User(Base):\n    __tablename__ = 'users'\n"
SERVICE_IMPORT = "from app.services.users import UserService\nSERVICE = UserService\n"

# A layered project: each module uses what it imports at run time (a module-level use).
LAYERED = {
    "app/__init__.py": "",
    "app/routers/__init__.py": "",
    "app/routers/users.py": SERVICE_IMPORT,
    "app/services/__init__.py": "",
    "app/services/users.py": "from app.repositories.users import UserRepository\n"
                             "class UserService:\n    repository = UserRepository\n",
    "app/repositories/__init__.py": "",
    "app/repositories/users.py": "from app.models.user import User\nclass UserRepository:\n    model = User\n",
    "app/models/__init__.py": "",
    "app/models/base.py": ORM_BASE,
    "app/models/user.py": ORM_USER,
    "app/schemas/__init__.py": "",
    "app/schemas/user.py": "from pydantic import BaseModel\nclass UserOut(BaseModel):\n    name: str\n",
    "app/core/__init__.py": "",
    "app/core/config.py": "DEBUG = False\n",
    "app/middleware/__init__.py": "",
    "app/middleware/timing.py": "from app.core.config import DEBUG\nDEBUG_ON = DEBUG\n",
}


def project(**changes: str) -> dict[str, str]:
    files = dict(LAYERED)
    files.update({path.replace("__", "/") + ".py": text for path, text in changes.items()})
    return files


def findings(files, pyproject: str | None = None) -> list[tuple[str, int]]:
    return [(d.path, d.row) for d in lint(files, "FL303", pyproject=pyproject)]


ROUTER_READS_REPOSITORY = SERVICE_IMPORT + "from app.repositories.users import UserRepository\nREPO = UserRepository\n"
PROVIDER_WIRING = """
from fastapi import APIRouter, Depends
from app.repositories.users import UserRepository
from app.services.users import UserService

router = APIRouter()

def get_user_service() -> UserService:
    return UserService(UserRepository())

@router.get("/users")
def list_users(service: UserService = Depends(get_user_service)):
    return service.list()
"""

FLAGGED = [
    pytest.param(project(app__routers__users=ROUTER_READS_REPOSITORY),
                 [("app/routers/users.py", 3)], id="router-reaches-repository"),
    pytest.param(project(app__repositories__users="from app.services.users import UserService\nX = UserService\n"),
                 [("app/repositories/users.py", 1)], id="repository-imports-service-upward"),
    pytest.param(project(app__models__user=ORM_USER + "import app.routers.users\nR = app.routers.users\n"),
                 [("app/models/user.py", 4)], id="plain-import-upward"),
    pytest.param(project(app__core__config="from app.models.user import User\nM = User\n"),
                 [("app/core/config.py", 1)], id="core-imports-a-layer"),
    pytest.param(project(app__schemas__user="from app.models.user import User\nM = User\n"),
                 [("app/schemas/user.py", 1)], id="schemas-import-only-core"),
    pytest.param(project(app__models__user="from app.schemas.user import UserOut\nS = UserOut\n" + ORM_USER),
                 [("app/models/user.py", 1)], id="models-must-not-import-schemas"),
    pytest.param(project(app__services__users="from app.middleware.timing import DEBUG\nD = DEBUG\n"
                                              "class UserService: ...\n"),
                 [("app/services/users.py", 1)], id="nobody-imports-middleware"),
    pytest.param(project(app__middleware__timing="from app.repositories.users import UserRepository\n"
                                                "R = UserRepository\n"),
                 [("app/middleware/timing.py", 1)], id="middleware-does-not-reach-the-data-layer"),
    pytest.param(project(app__middleware__timing="from app.routers.users import x\nX = x\n"),
                 [("app/middleware/timing.py", 1)], id="middleware-does-not-import-routers"),
    pytest.param(project(app__services__users="from fastapi import HTTPException, status\nclass UserService: ...\n"),
                 [("app/services/users.py", 1)], id="http-concerns-in-service"),
    pytest.param(project(app__repositories__users="from starlette.responses import JSONResponse\n"),
                 [("app/repositories/users.py", 1)], id="responses-module-in-repository"),
    pytest.param(project(app__services__users="class UserService: ...\n"
                                              "def f():\n    from app.routers.users import x\n    return x\n"),
                 [("app/services/users.py", 3)], id="import-inside-a-function"),
    pytest.param(project(app__routers__users=PROVIDER_WIRING + "\n@router.get('/raw')\n"
                                                             "def raw():\n    return UserRepository().all()\n"),
                 [("app/routers/users.py", 3)], id="repository-used-in-a-route-besides-the-provider"),
]

NOT_FLAGGED = [
    pytest.param(project(), id="downward-imports"),
    pytest.param(project(app__routers__users=SERVICE_IMPORT + "from app.schemas.user import UserOut\n"
                                             "from app.core.config import DEBUG\n"
                                             "from fastapi import APIRouter, HTTPException\n"
                                             "USED = (UserOut, DEBUG, APIRouter, HTTPException)\n"),
                 id="thin-router-calling-a-service"),
    pytest.param(project(app__main="from app.repositories.users import UserRepository\n"
                                   "from app.routers.users import x\n"
                                   "from app.middleware.timing import DEBUG\n"
                                   "USED = (UserRepository, x, DEBUG)\n"),
                 id="composition-root-imports-everything"),
    pytest.param(project(app__services__users="from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                                              "    from app.routers.users import UserService\n"
                                              "class UserService: ...\n"),
                 id="type-checking-import-ignored-by-default"),
    pytest.param(project(app__services__users="from app.routers.users import RouterConfig\n"
                                              "class UserService:\n"
                                              "    def configure(self, config: RouterConfig) -> None: ...\n"),
                 id="annotation-only-import-is-not-a-dependency"),
    pytest.param(project(app__middleware__timing="from app.schemas.user import UserOut\nS = UserOut\n"),
                 id="middleware-may-import-schemas"),
    # An auth middleware asking the login service for a token (airflow): a team allows it.
    pytest.param(project(app__middleware__timing="from app.services.users import UserService\nS = UserService\n"),
                 id="middleware-may-call-a-service"),
    pytest.param(project(app__routers__users=PROVIDER_WIRING),
                 id="dependency-provider-wires-a-repository-into-a-service"),
    pytest.param(project(tests__test_users="from app.repositories.users import UserRepository\nR = UserRepository\n",
                         app__routers__test_users="from app.repositories.users import UserRepository\n"
                                                  "R = UserRepository\n"),
                 id="tests-are-not-checked"),
    pytest.param(project(app__services__users="from app.services import helpers\nH = helpers\n"
                                              "class UserService: ...\n",
                         app__services__helpers="from app.services.users import x\nX = x\n"),
                 id="imports-within-one-layer"),
    pytest.param(project(app__services__users="from fastapi.encoders import jsonable_encoder\n"
                                              "class UserService:\n    encode = jsonable_encoder\n"),
                 id="non-http-fastapi-helper-in-service"),
    pytest.param({
        "app/__init__.py": "",
        "app/routers/users.py": "from app.repositories.users import UserRepository\nR = UserRepository\n",
        "app/repositories/users.py": "from app.models.user import User\nU = User\n",
        "app/models/user.py": "",
    }, id="router-may-use-repository-when-there-are-no-services"),
    pytest.param({
        "app/__init__.py": "",
        "app/routers/users.py": "from app.services.users import UserService\nS = UserService\n",
        "app/services/users.py": "from app.routers.users import x\nX = x\n",
    }, id="two-layers-are-not-detected"),
]


@pytest.mark.parametrize(("files", "expected"), FLAGGED)
def test_flagged(files, expected):
    assert findings(files) == expected


@pytest.mark.parametrize("files", NOT_FLAGGED)
def test_not_flagged(files):
    assert findings(files) == []


def test_type_checking_import_when_asked():
    files = project(app__services__users="from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                                         "    from app.routers.users import UserService\n"
                                         "X = UserService\n")
    assert findings(files, "[tool.fastlint.layers]\ncheck-type-checking-imports = true\n") == \
        [("app/services/users.py", 3)]


def test_annotation_only_import_when_asked():
    files = project(app__services__users="from app.routers.users import RouterConfig\n"
                                         "class UserService:\n"
                                         "    def configure(self, config: RouterConfig) -> None: ...\n")
    assert findings(files, "[tool.fastlint.layers]\ncheck-annotation-imports = true\n") == \
        [("app/services/users.py", 1)]


def test_routers_may_read_through_repositories_when_the_team_allows_it():
    files = project(app__routers__users=ROUTER_READS_REPOSITORY)
    assert findings(files, '[tool.fastlint.layers]\nallow = ["routers -> repositories"]\n') == []


def test_one_finding_per_module_and_layer_lists_the_imports():
    files = project(
        app__routers__users=SERVICE_IMPORT + "from app.repositories.users import UserRepository\n"
                                             "from app.repositories import items\n"
                                             "from app.repositories.users import UserFilter\n"
                                             "USED = (UserRepository, items, UserFilter)\n",
        app__repositories__items="ITEMS = []\n",
    )
    (finding,) = lint(files, "FL303")
    assert finding.row == 3
    assert finding.message == (
        "routers must not import repositories directly (app/routers/users.py imports "
        "app.repositories.users (line 3), app.repositories.items (line 4), "
        "app.repositories.users (line 5)): call a service"
    )


def test_message_names_the_rule_in_words():
    (finding,) = lint(project(app__routers__users=ROUTER_READS_REPOSITORY), "FL303")
    assert finding.message == (
        "routers must not import repositories directly "
        "(app/routers/users.py imports app.repositories.users): call a service"
    )


def test_http_message_lists_the_names():
    files = project(app__services__users="from fastapi import HTTPException, status\nclass UserService: ...\n")
    (finding,) = lint(files, "FL303")
    assert finding.message.startswith(
        "services must not import HTTP concerns (app/services/users.py imports "
        "fastapi.HTTPException, fastapi.status): "
    )


def test_noqa_on_the_import_suppresses():
    files = project(app__routers__users=SERVICE_IMPORT + "from app.repositories.users import R  # noqa: FL303\n"
                                                         "X = R\n")
    assert findings(files) == []
