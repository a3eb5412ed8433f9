"""FL402 hardcoded-config: flagged, near misses."""

import pytest

from fastlint.testing import lines, lint

FLAGGED = [
    pytest.param(
        """
        from sqlalchemy import create_engine
        engine = create_engine("postgresql://db.internal:5432/app")
        """,
        {"app.py": [3]},
        id="dsn-literal-in-call",
    ),
    pytest.param(
        """
        from sqlalchemy.ext.asyncio import create_async_engine as make
        URL = "postgresql+asyncpg://db.internal/app"
        engine = make(URL)
        """,
        {"app.py": [3]},
        id="module-constant-and-alias",
    ),
    pytest.param(
        {
            "app/config.py": 'BROKER = "amqp://rabbit.internal:5672//"\n',
            "app/worker.py": """
                from celery import Celery
                from app.config import BROKER
                celery_app = Celery("tasks", broker=BROKER, backend="redis://cache.internal/1")
            """,
        },
        {"app/config.py": [1], "app/worker.py": [4]},
        id="constant-imported-from-another-module",
    ),
    pytest.param(
        """
        import redis
        from pymongo import MongoClient
        r = redis.Redis(host="localhost", port=6379)
        a = redis.asyncio.from_url("redis://localhost:6379/0")
        m = MongoClient("mongodb://mongo.internal:27017")
        """,
        {"app.py": [4, 5, 6]},
        id="redis-host-and-mongo",
    ),
    pytest.param(
        """
        from sqlmodel import create_engine
        engine = create_engine("sqlite:///./database.db")
        """,
        {"app.py": [3]},
        id="sqlite-file",
    ),
]

NOT_FLAGGED = [
    pytest.param(
        """
        from pydantic_settings import BaseSettings
        from sqlalchemy import create_engine

        class Settings(BaseSettings):
            database_url: str = "postgresql://localhost/app"

        settings = Settings()
        engine = create_engine(settings.database_url)
        """,
        id="settings-default",
    ),
    pytest.param(
        """
        import os
        from sqlalchemy import create_engine
        engine = create_engine(os.environ["DATABASE_URL"])
        other = create_engine(os.getenv("DATABASE_URL", "postgresql://localhost/app"))
        """,
        id="from-environment",
    ),
    pytest.param(
        """
        from sqlalchemy import create_engine
        memory = create_engine("sqlite://")
        memory_too = create_engine("sqlite+aiosqlite:///:memory:")
        """,
        id="in-memory-sqlite",
    ),
    pytest.param(
        """
        import httpx
        client = httpx.AsyncClient(base_url="https://api.example.com")
        """,
        id="http-base-url",
    ),
    pytest.param(
        """
        def create_engine(url):
            return url
        engine = create_engine("postgresql://localhost/app")
        """,
        id="project-function-with-the-same-name",
    ),
]


@pytest.mark.parametrize(("source", "expected"), FLAGGED)
def test_flagged(source, expected):
    found: dict[str, list[int]] = {}
    for diagnostic in lint(source, "FL402"):
        found.setdefault(diagnostic.path, []).append(diagnostic.row)
    assert found == expected


@pytest.mark.parametrize("source", NOT_FLAGGED)
def test_not_flagged(source):
    assert lines(source, "FL402") == []


def test_tests_are_exempt():
    source = 'from sqlalchemy import create_engine\ne = create_engine("postgresql://localhost/t")\n'
    assert lines({"tests/conftest.py": source}, "FL402") == []


def test_message_says_where_the_constant_is_used_and_masks_a_password():
    files = {
        "app/config.py": 'DB = "postgresql://app:s3cr3t-pw@db.internal/app"\n',
        "app/db.py": "from sqlalchemy import create_engine\nfrom app.config import DB\n"
                     "engine = create_engine(DB)\n",
    }
    (diagnostic,) = lint(files, "FL402")
    assert diagnostic.path == "app/config.py"
    assert "`create_engine()` (db.py:3)" in diagnostic.message
    assert "s3cr3t-pw" not in diagnostic.message
