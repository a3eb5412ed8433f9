"""Code in 3.12–3.14 syntax means what it means, on every interpreter fastlint runs on."""

from __future__ import annotations

from pathlib import Path

import pytest

from fastlint.engine import RunOptions, run_check
from fastlint.files.parse import FORCE_LIBCST_VARIABLE
from fastlint.testing import fixed, lint

pytestmark = pytest.mark.syntax

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

DEPS = '''\
from typing import Annotated
from fastapi import Depends
from sqlalchemy.orm import Session
import requests

async def get_db():
    requests.get("https://example.com", timeout=1)
    yield Session()

{alias}
'''
ROUTE = '''\
from fastapi import APIRouter
from deps import SessionDep

router = APIRouter(prefix="/api/v1")

@router.get("/items")
async def items(db: SessionDep):
    return db.query(Item).filter(Item.id == 1).all()
'''


def _found(files, select=()) -> list[tuple[str, str, int]]:
    return sorted((d.path, d.code, d.row) for d in lint(files, select))


@pytest.mark.parametrize("select", ["FL101", "FL102", "FL302"])
def test_type_statement_alias_is_a_dependency_like_the_assignment(select):
    assigned = _found({"deps.py": DEPS.format(alias="SessionDep = Annotated[Session, Depends(get_db)]"),
                       "main.py": ROUTE}, select)
    typed = _found({"deps.py": DEPS.format(alias="type SessionDep = Annotated[Session, Depends(get_db)]"),
                    "main.py": ROUTE}, select)
    assert typed == assigned


def test_type_alias_dependency_is_followed():
    typed = _found({"deps.py": DEPS.format(alias="type SessionDep = Annotated[Session, Depends(get_db)]"),
                    "main.py": ROUTE}, ("FL101", "FL302"))
    assert {code for _, code, _ in typed} == {"FL101", "FL302"}, typed


GENERIC = '''\
import time
from fastapi import FastAPI

app = FastAPI()

class Repo{params}:
    def load{fparams}(self, key):
        time.sleep(1)
        return key

@app.get("/api/v1/x")
async def x():
    return Repo().load(1)
'''


def test_generic_class_and_method_resolve_like_their_plain_twins():
    plain = _found(GENERIC.format(params="", fparams=""), "FL102")
    generic = _found(GENERIC.format(params="[T: object]", fparams="[K]"), "FL102")
    assert plain and generic == plain


@pytest.mark.parametrize("expression", [
    pytest.param('msg = t"{time.sleep(1)}"', id="t-string"),
    pytest.param('msg = f"{ {"k": time.sleep(1)}["k"] }"', id="pep701-f-string"),
    pytest.param("try:\n        pass\n    except time.sleep(1) or ValueError, TypeError:\n        pass",
                 id="pep758-except"),
])
def test_calls_inside_new_forms_are_read(expression):
    source = f"import time\nfrom fastapi import FastAPI\napp = FastAPI()\n\n@app.get('/api/v1/x')\nasync def x():\n    {expression}\n"
    assert [d.code for d in lint(source, "FL101")] == ["FL101"]


def test_syntax_error_says_what_and_that_no_rule_ran():
    (finding,) = lint({"bad.py": "def broken(:\n    pass\n"}, ("FL001", "FL101"))
    assert finding.code == "FL001" and finding.row == 1
    assert "SyntaxError" in finding.message and "no other rule ran on this file" in finding.message


def test_jinja_template_named_py_is_skipped_not_fl001():
    template = "{% for model in models %}\nclass {{ model.name }}:\n    pass\n{% endfor %}\n"
    assert lint({"gen/model.py": template, "ok.py": "x = 1\n"}, "FL001") == []


def test_forced_libcst_path_gives_the_same_findings_on_the_legacy_app(monkeypatch):
    def findings():
        result = run_check([FIXTURES / "legacy_app"], RunOptions(jobs=1, no_cache=True))
        return [(d.path, d.code, d.row, d.col, d.end_row, d.end_col, d.message,
                 d.fix is not None) for d in result.diagnostics]

    native = findings()
    monkeypatch.setenv(FORCE_LIBCST_VARIABLE, "1")
    assert findings() == native and native


NEWEST_ROUTE = '''\
import time
from fastapi import FastAPI

app = FastAPI()

type Payload = dict[str, str]


@app.get("/api/v1/x")
async def x() -> Payload:
    try:
        time.sleep(1)
    except ValueError, TypeError:
        pass
    return {"k": f"{ {"a": "b"}["a"] }"}
'''


def test_fix_applies_to_a_file_in_newest_syntax():
    text = fixed(NEWEST_ROUTE, "FL101")
    assert "        await asyncio.sleep(1)\n" in text and "import asyncio\n" in text
    assert "except ValueError, TypeError:" in text and 'f"{ {"a": "b"}["a"] }"' in text
