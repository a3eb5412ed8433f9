"""FL503 rate-limit-misuse: flagged, near misses, fixes."""

import pytest

from fastlint.testing import fixed, lines

HEAD = """\
from fastapi import APIRouter, Request
from slowapi import Limiter
from slowapi.util import get_remote_address

limiter = Limiter(key_func=get_remote_address)
router = APIRouter()
"""

FLAGGED = [
    pytest.param(HEAD + """
@limiter.limit("5/minute")
@router.get("/a")
async def a(request: Request):
    return 1
""", [8], id="limit-above-route"),
    pytest.param(HEAD + """
@router.get("/a")
@limiter.limit("5/minute")
async def a():
    return 1
""", [9], id="no-request-parameter"),
    pytest.param(HEAD + """
@limiter.limit("5/minute")
@router.get("/a")
def a(req: Request):
    return 1
""", [8, 8], id="above-and-no-request"),
    pytest.param(
        {
            "app/limits.py": "from slowapi import Limiter\nfrom slowapi.util import get_remote_address\n"
                             "limiter = Limiter(key_func=get_remote_address)\n",
            "app/routes.py": """
from fastapi import APIRouter, Request
from app.limits import limiter
router = APIRouter()

@limiter.limit("1/second")
@router.post("/b")
async def b(request: Request):
    return 1
""",
        },
        [6],
        id="limiter-imported-from-another-module",
    ),
]

NOT_FLAGGED = [
    pytest.param(HEAD + """
@router.get("/a")
@limiter.limit("5/minute")
async def a(request: Request):
    return 1

@router.websocket("/ws")
@limiter.limit("5/minute")
async def ws(websocket):
    pass
""", id="correct-order-with-request-or-websocket"),
    pytest.param(HEAD + """
def limit(value):
    return lambda f: f

@limit("5/minute")
@router.get("/a")
async def a():
    return 1
""", id="not-slowapi"),
]


@pytest.mark.parametrize(("source", "expected"), FLAGGED)
def test_flagged(source, expected):
    assert lines(source, "FL503") == expected


@pytest.mark.parametrize("source", NOT_FLAGGED)
def test_not_flagged(source):
    assert lines(source, "FL503") == []


FIXED = [
    pytest.param(
        HEAD + '\n@limiter.limit("5/minute")  # brute force\n@router.get("/a")\n'
        "async def a(request: Request):\n    return 1\n",
        HEAD + '\n@router.get("/a")\n@limiter.limit("5/minute")  # brute force\n'
        "async def a(request: Request):\n    return 1\n",
        id="moved-with-its-comment",
    ),
    pytest.param(
        HEAD + "\nclass Views:\n    @limiter.limit(\n        \"5/minute\",\n    )\n"
        "    @router.get(\n        \"/a\",\n    )\n    @staticmethod\n"
        "    async def a(request: Request):\n        return 1\n",
        HEAD + "\nclass Views:\n    @router.get(\n        \"/a\",\n    )\n    @limiter.limit(\n"
        "        \"5/minute\",\n    )\n    @staticmethod\n"
        "    async def a(request: Request):\n        return 1\n",
        id="multi-line-decorators-right-below-the-route",
    ),
    pytest.param(
        HEAD + '\n@limiter.limit("5/minute")\n@router.get("/a")\n@router.get("/b")\n'
        "async def a(request: Request):\n    return 1\n",
        HEAD + '\n@router.get("/a")\n@router.get("/b")\n@limiter.limit("5/minute")\n'
        "async def a(request: Request):\n    return 1\n",
        id="below-the-lowest-route-decorator",
    ),
]


@pytest.mark.parametrize(("before", "after"), FIXED)
def test_fixed(before, after):
    assert fixed(before, "FL503") == after


def test_fix_is_idempotent():
    before = (HEAD + '\n@limiter.limit("5/minute")\n@router.get("/a")\n'
              "async def a(request: Request):\n    return 1\n")
    once = fixed(before, "FL503")
    assert fixed(once, "FL503") == once
    assert lines(once, "FL503") == []


def test_missing_request_is_not_fixed():
    before = HEAD + '\n@router.get("/a")\n@limiter.limit("5/minute")\nasync def a():\n    return 1\n'
    assert fixed(before, "FL503") == before


SERVED = """\
from fastapi import FastAPI, Request
from slowapi import Limiter, _rate_limit_exceeded_handler
from slowapi.errors import RateLimitExceeded
from slowapi.util import get_remote_address

limiter = Limiter(key_func=get_remote_address)
app = FastAPI()
app.state.limiter = limiter
app.add_exception_handler(RateLimitExceeded, _rate_limit_exceeded_handler)


@limiter.limit("2/minute")
@app.get("/resource")
async def resource(request: Request):
    return {"ok": True}
"""


def _statuses(source: str) -> list[int]:
    from fastapi.testclient import TestClient

    namespace: dict = {}
    exec(compile(source, "served_app.py", "exec"), namespace)
    client = TestClient(namespace["app"])
    return [client.get("/resource").status_code for _ in range(3)]


def test_limit_above_the_route_limits_nothing_until_fixed():
    pytest.importorskip("slowapi")
    assert _statuses(SERVED) == [200, 200, 200]
    assert _statuses(fixed(SERVED, "FL503")) == [200, 200, 429]
