"""FL504 unlimited-route (opt-in): flagged, near misses."""

import pytest

from fastlint.testing import lines

LIMITER = """\
from fastapi import APIRouter, Request
from slowapi import Limiter
from slowapi.util import get_remote_address
router = APIRouter()
"""

FLAGGED = [
    pytest.param(LIMITER + """limiter = Limiter(key_func=get_remote_address)

@router.post("/login")
async def login(request: Request):
    return 1

@router.get("/limited")
@limiter.limit("5/minute")
async def limited(request: Request):
    return 1
""", [7], id="one-route-without-limit"),
]

NOT_FLAGGED = [
    pytest.param(LIMITER + """limiter = Limiter(key_func=get_remote_address, default_limits=["100/minute"])

@router.post("/login")
async def login(request: Request):
    return 1
""", id="default-limits"),
    pytest.param(LIMITER + """limiter = Limiter(key_func=get_remote_address)

@router.get("/health")
@limiter.exempt
async def health(request: Request):
    return 1
""", id="exempt"),
    pytest.param("""
from fastapi import APIRouter
router = APIRouter()

@router.get("/a")
async def a():
    return 1
""", id="no-slowapi-in-project"),
]


@pytest.mark.parametrize(("source", "expected"), FLAGGED)
def test_flagged(source, expected):
    assert lines(source, "FL504") == expected


@pytest.mark.parametrize("source", NOT_FLAGGED)
def test_not_flagged(source):
    assert lines(source, "FL504") == []


def test_off_by_default():
    source = LIMITER + "limiter = Limiter(key_func=get_remote_address)\n" \
        '@router.get("/a")\nasync def a(request: Request):\n    return 1\n'
    assert lines(source) == []
