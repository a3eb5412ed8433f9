"""FL101 blocking-call-in-async: flagged, near misses, fixes."""

import pytest

from fastlint.testing import fixed, lines

FLAGGED = [
    pytest.param(
        """
        import time
        from fastapi import FastAPI
        app = FastAPI()

        @app.get("/health")
        async def health():
            time.sleep(1)
        """,
        [8],
        id="time-sleep-in-app-route",
    ),
    pytest.param(
        """
        from time import sleep as snooze
        import requests as rq

        async def helper():
            snooze(1)
            rq.post("http://x", timeout=3)
        """,
        [6, 7],
        id="aliases-in-any-coroutine",
    ),
    pytest.param(
        """
        import requests
        from typing import Annotated
        from fastapi import APIRouter, Depends, Security

        router = APIRouter()

        async def dep():
            requests.get("http://x", timeout=1)

        async def sec():
            requests.get("http://y", timeout=1)

        @router.get("/a")
        async def a(x=Depends(dep), y: Annotated[int, Security(sec)] = 0):
            return x
        """,
        [9, 12],
        id="dependencies",
    ),
    pytest.param(
        """
        import subprocess
        from fastapi import FastAPI, Request
        from starlette.middleware.base import BaseHTTPMiddleware

        app = FastAPI()

        @app.middleware("http")
        async def mw(request: Request, call_next):
            subprocess.run(["ls"])
            return await call_next(request)

        class Timing(BaseHTTPMiddleware):
            async def dispatch(self, request, call_next):
                subprocess.check_output(["ls"])
                return await call_next(request)

        @app.exception_handler(ValueError)
        async def handler(request, exc):
            open("log.txt", "a").write("x")

        @app.websocket("/ws")
        async def ws(websocket):
            input()
        """,
        [10, 15, 20, 24],
        id="middleware-exception-handler-websocket",
    ),
    pytest.param(
        """
        from contextlib import asynccontextmanager
        import shutil
        from fastapi import FastAPI

        @asynccontextmanager
        async def lifespan(app):
            shutil.rmtree("/tmp/cache")
            yield

        app = FastAPI(lifespan=lifespan)
        """,
        [],  # startup runs before the server takes a request (issue #13)
        id="lifespan-startup-is-not-a-request",
    ),
    pytest.param(
        """
        from sqlalchemy.orm import Session, sessionmaker
        SessionLocal = sessionmaker()

        async def a(db: Session):
            db.execute("x")

        async def b():
            with SessionLocal() as db:
                db.commit()

        async def c():
            s = Session()
            s.query(int)
        """,
        [6, 10, 14],
        id="sync-sqlalchemy-session",
    ),
    pytest.param(
        {
            "app/db.py": """
                from sqlalchemy.orm import sessionmaker
                SessionLocal = sessionmaker()
            """,
            "app/deps.py": """
                from typing import Annotated
                from fastapi import Depends
                from sqlmodel import Session
                def get_db():
                    yield Session()
                SessionDep = Annotated[Session, Depends(get_db)]
            """,
            "app/routes.py": """
                from app.db import SessionLocal
                from app.deps import SessionDep

                async def one(session: SessionDep):
                    session.exec("x")

                async def two():
                    db = SessionLocal()
                    db.refresh(1)

                class Store:
                    def __init__(self):
                        self.db = SessionLocal()

                    async def save(self):
                        self.db.flush()
            """,
            "app/__init__.py": "",
        },
        [6, 10, 17],
        id="session-across-modules",
    ),
    pytest.param(
        """
        from pathlib import Path
        import requests, httpx, socket

        async def f(p: Path):
            p.read_text()
            Path("x").write_bytes(b"")
            requests.Session().get("u", timeout=1)
            httpx.Client().get("u")
            httpx.get("u", timeout=1)
            socket.create_connection(("h", 1))
        """,
        [6, 7, 8, 9, 10, 11],
        id="receivers-known-by-type",
    ),
    pytest.param(
        """
        import redis
        r = redis.Redis()

        async def f():
            r.get("k")
            redis.from_url("redis://x").set("k", 1, ex=5)
        """,
        [6, 7],
        id="sync-redis",
    ),
]

NOT_FLAGGED = [
    pytest.param(
        """
        import time
        from fastapi import FastAPI
        app = FastAPI()

        @app.get("/slow")
        def slow():
            time.sleep(1)
        """,
        id="def-route-may-block",
    ),
    pytest.param(
        """
        import asyncio, time, requests
        from fastapi.concurrency import run_in_threadpool

        async def f():
            await asyncio.to_thread(time.sleep, 1)
            await run_in_threadpool(requests.get, "u")
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(None, lambda: requests.get("u", timeout=1))

            def inner():
                time.sleep(1)
            return inner
        """,
        id="offloaded-lambda-nested-def",
    ),
    pytest.param(
        """
        async def f(time, requests):
            time.sleep(1)
            requests.get("u")

        async def g():
            open = lambda *a: None
            open("x")
        """,
        id="shadowed-by-parameter-or-local",
    ),
    pytest.param(
        """
        import aiofiles, httpx
        import redis.asyncio as aredis
        from sqlalchemy.ext.asyncio import AsyncSession

        async def f(db: AsyncSession):
            await db.execute("x")
            async with aiofiles.open("x") as fh:
                await fh.read()
            async with httpx.AsyncClient() as c:
                await c.get("u")
            r = aredis.Redis()
            await r.get("k")
        """,
        id="async-libraries",
    ),
    pytest.param(
        """
        import time
        time.sleep(1)

        class Worker:
            def run(self):
                time.sleep(1)
        """,
        id="module-level-and-sync-methods",
    ),
    pytest.param(
        """
        from pathlib import Path
        BASE = Path(__file__).parent

        async def f(name: str):
            return (BASE / name).exists()
        """,
        id="path-of-unknown-receiver",
    ),
]


@pytest.mark.parametrize(("source", "expected"), FLAGGED)
def test_flagged(source, expected):
    assert lines(source, "FL101") == expected


@pytest.mark.parametrize("source", NOT_FLAGGED)
def test_not_flagged(source):
    assert lines(source, "FL101") == []


FIXED = [
    pytest.param(
        """\
        \"\"\"Docstring.\"\"\"
        from __future__ import annotations

        import time


        async def f():
            time.sleep(1)  # keep me
        """,
        """\
        \"\"\"Docstring.\"\"\"
        from __future__ import annotations

        import asyncio
        import time


        async def f():
            await asyncio.sleep(1)  # keep me
        """,
        False,
        id="sleep-safe-with-import",
    ),
    pytest.param(
        """\
        import asyncio
        from time import sleep as snooze

        async def f():
            x = snooze(2)
            return x
        """,
        """\
        import asyncio
        from time import sleep as snooze

        async def f():
            x = await asyncio.sleep(2)
            return x
        """,
        False,
        id="alias-import-added-once",
    ),
    pytest.param(
        """\
        import requests

        async def f(u):
            data = requests.get(u, timeout=3).json()
            await g()
            return data
        """,
        """\
        import asyncio

        import requests

        async def f(u):
            data = (await asyncio.to_thread(requests.get, u, timeout=3)).json()
            await g()
            return data
        """,
        True,
        id="to-thread-unsafe-with-parens",
    ),
    pytest.param(
        """\
        import requests
        from fastapi import FastAPI
        app = FastAPI()

        @app.get("/x")
        async def x():
            return requests.get("u", timeout=3).text
        """,
        """\
        import requests
        from fastapi import FastAPI
        app = FastAPI()

        @app.get("/x")
        def x():
            return requests.get("u", timeout=3).text
        """,
        True,
        id="route-that-awaits-nothing-becomes-def",
    ),
    pytest.param(
        """\
        import requests
        from fastapi import FastAPI
        app = FastAPI()

        @app.get("/x")
        async def x():
            return requests.get("u", timeout=3).text

        async def caller():
            try:
                return await x()
            except Exception:
                return None
        """,
        """\
        import asyncio

        import requests
        from fastapi import FastAPI
        app = FastAPI()

        @app.get("/x")
        async def x():
            return (await asyncio.to_thread(requests.get, "u", timeout=3)).text

        async def caller():
            try:
                return await x()
            except Exception:
                return None
        """,
        True,
        id="awaited-by-a-project-caller-is-never-made-def",
    ),
    pytest.param(
        """\
        import httpx
        import requests

        async def f(u):
            await g()
            return requests.get(
                u, timeout=3,
            )
        """,
        """\
        import asyncio

        import httpx
        import requests

        async def f(u):
            await g()
            return await asyncio.to_thread(requests.get,
                u, timeout=3,
            )
        """,
        True,
        id="arguments-on-the-next-line-leave-no-trailing-space",
    ),
    pytest.param(
        """\
        import shutil
        from contextlib import contextmanager

        @contextmanager
        def scratch():
            yield shutil.copy("a", "b")

        async def f():
            await g()
            with open("x") as handle:
                return handle
        """,
        """\
        import shutil
        from contextlib import contextmanager

        @contextmanager
        def scratch():
            yield shutil.copy("a", "b")

        async def f():
            await g()
            with open("x") as handle:
                return handle
        """,
        True,
        id="no-to-thread-for-a-context-manager",
    ),
]


@pytest.mark.parametrize(("before", "after", "unsafe"), FIXED)
def test_fixed(before, after, unsafe):
    import textwrap

    assert fixed(before, "FL101", unsafe=unsafe) == textwrap.dedent(after)


def test_unsafe_fix_not_applied_without_flag():
    source = "import requests\n\nasync def f():\n    requests.get('u', timeout=1)\n    await g()\n"
    assert fixed(source, "FL101") == source


def test_fix_is_idempotent():
    source = "import time\n\nasync def f():\n    time.sleep(1)\n"
    once = fixed(source, "FL101")
    assert fixed(once, "FL101") == once


def test_configured_blocking_call_and_allow_list():
    source = "import mylib\n\nasync def f():\n    mylib.slow()\n    open('x')\n"
    pyproject = '[tool.fastlint]\nblocking-calls = ["mylib.slow"]\nallow-blocking-calls = ["open"]\n'
    assert lines(source, "FL101", pyproject=pyproject) == [4]
