"""FL305 no-app-factory: flagged, near misses."""

import pytest

from fastlint.testing import lines

FLAGGED = [
    pytest.param("""
from fastapi import APIRouter, FastAPI
router = APIRouter()
app = FastAPI()
app.include_router(router)
""", [4], id="include-router-at-import-time"),
    pytest.param("""
from fastapi import FastAPI
from starlette.middleware.gzip import GZipMiddleware
application = FastAPI(title="x")
application.add_middleware(GZipMiddleware)
""", [4], id="add-middleware-at-import-time"),
    pytest.param("""
from fastapi import FastAPI
app = FastAPI()

@app.middleware("http")
async def timing(request, call_next):
    return await call_next(request)
""", [3], id="middleware-decorator"),
]

NOT_FLAGGED = [
    pytest.param("""
from fastapi import APIRouter, FastAPI
router = APIRouter()

def create_app() -> FastAPI:
    app = FastAPI()
    app.include_router(router)
    return app

app = create_app()
""", id="factory"),
    pytest.param("""
from fastapi import FastAPI
app = FastAPI()

@app.get("/health")
def health():
    return {}
""", id="bare-app-not-wired"),
    pytest.param("""
from fastapi import APIRouter
router = APIRouter()
other = APIRouter()
router.include_router(other)
""", id="routers-wired-at-import-time-are-fine"),
]


@pytest.mark.parametrize(("source", "expected"), FLAGGED)
def test_flagged(source, expected):
    assert lines(source, "FL305") == expected


@pytest.mark.parametrize("source", NOT_FLAGGED)
def test_not_flagged(source):
    assert lines(source, "FL305") == []


def test_off_by_default():
    assert lines(FLAGGED[0].values[0]) == []
