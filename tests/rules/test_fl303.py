"""FL303 layer-violation: flagged imports, near misses, messages."""

import pytest

from fastlint.testing import lint

# Three layers under `app` turn detection on; each case adds the files it needs.
LAYERED = {
    "app/__init__.py": "",
    "app/routers/__init__.py": "",
    "app/routers/users.py": "from app.services.users import UserService\n",
    "app/services/__init__.py": "",
    "app/services/users.py": "from app.repositories.users import UserRepository\nclass UserService: ...\n",
    "app/repositories/__init__.py": "",
    "app/repositories/users.py": "from app.models.user import User\nclass UserRepository: ...\n",
    "app/models/__init__.py": "",
    "app/models/user.py": "from app.models.base import Base\nclass User(Base):\n    __tablename__ = 'users'\n",
    "app/models/base.py": "from sqlalchemy.orm import DeclarativeBase\nclass Base(DeclarativeBase): ...\n",
    "app/schemas/__init__.py": "",
    "app/schemas/user.py": "class UserOut: ...\n",
    "app/core/__init__.py": "",
    "app/core/config.py": "DEBUG = False\n",
    "app/middleware/__init__.py": "",
    "app/middleware/timing.py": "from app.core.config import DEBUG\n",
}
ORM_USER = """
from sqlalchemy.orm import DeclarativeBase
class Base(DeclarativeBase):
    pass
class User(Base):
    __tablename__ = "users"
"""


def project(**changes: str) -> dict[str, str]:
    files = dict(LAYERED)
    files.update({path.replace("__", "/") + ".py": text for path, text in changes.items()})
    return files


def findings(files) -> list[tuple[str, int]]:
    return [(d.path, d.row) for d in lint(files, "FL303")]


FLAGGED = [
    pytest.param(project(app__routers__users="from app.repositories.users import UserRepository\n"),
                 [("app/routers/users.py", 1)], id="router-reaches-repository"),
    pytest.param(project(app__repositories__users="from app.services.users import UserService\n"),
                 [("app/repositories/users.py", 1)], id="repository-imports-service-upward"),
    pytest.param(project(app__models__user="import app.routers.users\n"),
                 [("app/models/user.py", 1)], id="plain-import-upward"),
    pytest.param(project(app__core__config="from app.models.user import User\n"),
                 [("app/core/config.py", 1)], id="core-imports-a-layer"),
    pytest.param(project(app__schemas__user="from app.models.user import User\n"),
                 [("app/schemas/user.py", 1)], id="schemas-import-only-core"),
    pytest.param(project(app__models__user="from app.schemas.user import UserOut\n" + ORM_USER),
                 [("app/models/user.py", 1)], id="models-must-not-import-schemas"),
    pytest.param(project(app__services__users="from app.middleware.timing import DEBUG\n"),
                 [("app/services/users.py", 1)], id="nobody-imports-middleware"),
    pytest.param(project(app__middleware__timing="from app.services.users import UserService\n"),
                 [("app/middleware/timing.py", 1)], id="middleware-imports-only-core-and-schemas"),
    pytest.param(project(app__services__users="from fastapi import HTTPException, status\n"),
                 [("app/services/users.py", 1)], id="http-concerns-in-service-one-per-statement"),
    pytest.param(project(app__repositories__users="from starlette.responses import JSONResponse\n"),
                 [("app/repositories/users.py", 1)], id="responses-module-in-repository"),
    pytest.param(project(app__services__users="def f():\n    from app.routers.users import x\n"),
                 [("app/services/users.py", 2)], id="import-inside-a-function"),
    pytest.param(
        project(app__services__users="from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                                     "    from app.routers.users import UserService\n"),
        [("app/services/users.py", 3)], id="type-checking-import-when-asked",
    ),
]

NOT_FLAGGED = [
    pytest.param(project(), id="downward-imports"),
    pytest.param(project(app__routers__users="from app.services.users import UserService\n"
                                             "from app.schemas.user import UserOut\n"
                                             "from app.core.config import DEBUG\n"
                                             "from fastapi import APIRouter, HTTPException\n"),
                 id="thin-router-calling-a-service"),
    pytest.param(project(app__main="from app.repositories.users import UserRepository\n"
                                   "from app.routers.users import x\n"
                                   "from app.middleware.timing import DEBUG\n"),
                 id="composition-root-imports-everything"),
    pytest.param(project(app__services__users="from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                                              "    from app.routers.users import UserService\n"),
                 id="type-checking-import-ignored-by-default"),
    pytest.param(project(tests__test_users="from app.repositories.users import UserRepository\n",
                         app__routers__test_users="from app.repositories.users import UserRepository\n"),
                 id="tests-are-not-checked"),
    pytest.param(project(app__services__users="from app.services import helpers\n",
                         app__services__helpers="from app.services.users import x\n"),
                 id="imports-within-one-layer"),
    pytest.param(project(app__services__users="from fastapi.encoders import jsonable_encoder\n"),
                 id="non-http-fastapi-helper-in-service"),
    pytest.param({
        "app/__init__.py": "",
        "app/routers/users.py": "from app.repositories.users import UserRepository\n",
        "app/repositories/users.py": "from app.models.user import User\n",
        "app/models/user.py": "",
    }, id="router-may-use-repository-when-there-are-no-services"),
    pytest.param({
        "app/__init__.py": "",
        "app/routers/users.py": "from app.services.users import UserService\n",
        "app/services/users.py": "from app.routers.users import x\n",
    }, id="two-layers-are-not-detected"),
    pytest.param(project(app__models__flows="from app.schemas.user import UserOut\n"
                                            "def read_flow(session, flow_id): ...\n"),
                 id="models-package-of-data-access-functions-may-use-schemas"),
]


@pytest.mark.parametrize(("files", "expected"), FLAGGED)
def test_flagged(files, expected):
    pyproject = "[tool.fastlint.layers]\ncheck-type-checking-imports = true\n"
    assert findings_with(files, pyproject) == expected


def findings_with(files, pyproject):
    return [(d.path, d.row) for d in lint(files, "FL303", pyproject=pyproject)]


@pytest.mark.parametrize("files", NOT_FLAGGED)
def test_not_flagged(files):
    assert findings(files) == []


def test_message_names_the_rule_in_words():
    files = project(app__routers__users="from app.repositories.users import UserRepository\n")
    (finding,) = lint(files, "FL303")
    assert finding.message == (
        "routers must not import repositories directly "
        "(app/routers/users.py imports app.repositories.users): call a service"
    )


def test_http_message_lists_the_names():
    files = project(app__services__users="from fastapi import HTTPException, status\n")
    (finding,) = lint(files, "FL303")
    assert finding.message.startswith(
        "services must not import HTTP concerns (app/services/users.py imports "
        "fastapi.HTTPException, fastapi.status): "
    )


def test_noqa_on_the_import_suppresses():
    files = project(app__routers__users="from app.repositories.users import R  # noqa: FL303\n")
    assert findings(files) == []
