"""FL406 settings-per-request: flagged and near misses."""

import pytest

from fastlint.testing import lines, lint

SETTINGS = """
from functools import lru_cache
from fastapi import APIRouter, Depends, Request
from pydantic_settings import BaseSettings

class Settings(BaseSettings):
    name: str = "x"

router = APIRouter(prefix="/api/v1")
"""

FLAGGED = [
    pytest.param(
        SETTINGS + """
def get_settings():
    return Settings()

@router.get("/a")
async def a(settings: Settings = Depends(get_settings)):
    return settings.name
""",
        [12],
        id="uncached-dependency",
    ),
    pytest.param(
        SETTINGS + """
@router.get("/b")
def b():
    return Settings().name
""",
        [13],
        id="in-route",
    ),
    pytest.param(
        SETTINGS + """
class Child(Settings):
    pass

def read():
    return Child()

@router.get("/c")
def c():
    return read().name
""",
        [15],
        id="subclass-via-helper",
    ),
]

NOT_FLAGGED = [
    pytest.param(
        SETTINGS + """
settings = Settings()

@lru_cache
def get_settings():
    return Settings()

@router.get("/a")
async def a(s: Settings = Depends(get_settings)):
    return settings.name
""",
        id="module-level-and-lru-cache",
    ),
    pytest.param(
        SETTINGS + """
from pydantic import BaseModel

class Payload(BaseModel):
    name: str = "x"

def cli():
    return Settings()

@router.get("/a")
async def a():
    return Payload()
""",
        id="plain-model-and-not-per-request",
    ),
]


@pytest.mark.parametrize(("source", "expected"), FLAGGED)
def test_flagged(source, expected):
    assert lines(source, "FL406") == expected


@pytest.mark.parametrize("source", NOT_FLAGGED)
def test_not_flagged(source):
    assert lines(source, "FL406") == []


def test_message_says_what_to_do():
    (finding,) = lint(FLAGGED[0].values[0], "FL406")
    assert finding.message == (
        "Settings() re-reads the environment and .env on every request to GET /a that "
        "depends on `get_settings` (app.py:11): build the settings once, or `@lru_cache` a "
        "`get_settings()` dependency"
    )
