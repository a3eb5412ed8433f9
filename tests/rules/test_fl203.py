"""FL203 startup-event: flagged, near misses, and the lifespan rewrite."""

import textwrap

import pytest

from fastlint.testing import fixed, lines, lint

FLAGGED = [
    pytest.param(
        """
        from fastapi import FastAPI
        app = FastAPI()

        @app.on_event("startup")
        async def start(): ...

        @app.on_event("shutdown")
        def stop(): ...

        def ping(): ...

        app.add_event_handler("startup", ping)
        """,
        [5, 8, 13],
        id="decorators-and-add-event-handler",
    ),
    pytest.param(
        {
            "app/__init__.py": "",
            "app/main.py": "from fastapi import FastAPI\napp = FastAPI()\n",
            "app/events.py": (
                "from app.main import app\n\n@app.on_event('startup')\nasync def start(): ...\n"
            ),
        },
        [3],
        id="app-from-another-module",
    ),
    pytest.param(
        """
        from fastapi import APIRouter, FastAPI
        router = APIRouter()

        @router.on_event("shutdown")
        async def stop(): ...

        def register(app: FastAPI, handler):
            app.add_event_handler("startup", handler)
        """,
        [5, 9],
        id="router-and-annotated-parameter",
    ),
]

def test_reported_at_the_decorator_and_the_call():
    source = """
from fastapi import FastAPI
app = FastAPI()

@app.on_event("startup")
async def start(): ...

app.router.add_event_handler("shutdown", start)
"""
    assert [(d.row, d.col) for d in lint(source, "FL203")] == [(5, 0), (8, 0)]


NOT_FLAGGED = [
    pytest.param(
        """
        from contextlib import asynccontextmanager
        from fastapi import FastAPI

        @asynccontextmanager
        async def lifespan(app):
            yield

        app = FastAPI(lifespan=lifespan)
        """,
        id="lifespan",
    ),
    pytest.param(
        """
        import socketio

        sio = socketio.AsyncServer()

        @sio.on_event("connect")
        async def connect(sid): ...

        class Bus:
            def add_event_handler(self, name, f): ...

        Bus().add_event_handler("startup", print)
        """,
        id="other-libraries-event-methods",
    ),
]


@pytest.mark.parametrize(("source", "expected"), FLAGGED)
def test_flagged(source, expected):
    assert lines(source, "FL203") == expected


@pytest.mark.parametrize("source", NOT_FLAGGED)
def test_not_flagged(source):
    assert lines(source, "FL203") == []


FIXED = [
    pytest.param(
        '''\
        """The service."""
        import httpx
        from fastapi import FastAPI

        app = FastAPI(title="svc")
        state = {}


        @app.on_event("startup")
        async def open_client():
            """Open the shared client."""
            global client
            client = httpx.AsyncClient(timeout=3)  # shared
            state["up"] = True


        @app.get("/health")
        async def health():
            return state


        @app.on_event("shutdown")
        async def close_client():
            global client
            await client.aclose()
            state["up"] = False
        ''',
        '''\
        """The service."""
        from contextlib import asynccontextmanager

        import httpx
        from fastapi import FastAPI


        @asynccontextmanager
        async def lifespan(app):
            global client
            client = httpx.AsyncClient(timeout=3)  # shared
            state["up"] = True
            yield
            await client.aclose()
            state["up"] = False


        app = FastAPI(title="svc", lifespan=lifespan)
        state = {}


        @app.get("/health")
        async def health():
            return state
        ''',
        id="bodies-moved-in-order-globals-hoisted",
    ),
    pytest.param(
        """\
        from fastapi import FastAPI
        from fastapi_utils.tasks import repeat_every

        from app.db import database


        def create_app() -> FastAPI:
            settings = load()
            app = FastAPI(
                title=settings.name,
            )

            @app.on_event("startup")
            @repeat_every(seconds=60)
            async def tick() -> None:
                await database.ping()

            @app.on_event("startup")
            def check():
                if settings.skip:
                    return
                database.check()

            async def close():
                await database.disconnect()

            app.add_event_handler("shutdown", close)
            return app
        """,
        """\
        from contextlib import asynccontextmanager

        from fastapi import FastAPI
        from fastapi_utils.tasks import repeat_every

        from app.db import database


        def create_app() -> FastAPI:
            settings = load()

            @asynccontextmanager
            async def lifespan(app):
                await tick()
                check()
                yield
                await close()

            app = FastAPI(
                title=settings.name, lifespan=lifespan,
            )

            @repeat_every(seconds=60)
            async def tick() -> None:
                await database.ping()

            def check():
                if settings.skip:
                    return
                database.check()

            async def close():
                await database.disconnect()

            return app
        """,
        id="factory-handlers-called-as-starlette-did",
    ),
    pytest.param(
        """\
        from fastapi import FastAPI

        application = FastAPI()
        cache = {}

        @application.on_event("startup")
        def warm():
            cache["app"] = app

        @application.on_event("shutdown")
        def cool():
            items = list(cache)
            cache.clear()
        """,
        """\
        from contextlib import asynccontextmanager

        from fastapi import FastAPI


        @asynccontextmanager
        async def lifespan(app):
            warm()
            yield
            cool()


        application = FastAPI(lifespan=lifespan)
        cache = {}

        def warm():
            cache["app"] = app

        def cool():
            items = list(cache)
            cache.clear()
        """,
        id="name-clash-with-the-lifespan-parameter-calls-the-handlers",
    ),
]


@pytest.mark.parametrize(("before", "after"), FIXED)
def test_fixed(before, after):
    assert fixed(textwrap.dedent(before), "FL203", unsafe=True) == textwrap.dedent(after)


NOT_FIXED = [
    pytest.param(
        """\
        from contextlib import asynccontextmanager
        from fastapi import FastAPI

        @asynccontextmanager
        async def other(app):
            yield

        app = FastAPI(lifespan=other)

        @app.on_event("startup")
        async def start(): ...
        """,
        id="app-has-a-lifespan",
    ),
    pytest.param(
        """\
        from fastapi import APIRouter, FastAPI
        app = FastAPI()
        router = APIRouter()

        @app.on_event("startup")
        async def start(): ...

        @router.on_event("startup")
        async def also(): ...

        app.include_router(router)
        """,
        id="a-router-handler-would-be-dropped",
    ),
    pytest.param(
        """\
        from fastapi import FastAPI
        app = FastAPI()

        if True:
            @app.on_event("startup")
            async def start(): ...
        """,
        id="handler-in-a-block",
    ),
    pytest.param(
        """\
        from fastapi import FastAPI
        app = FastAPI()

        app.add_event_handler("startup", lambda: None)
        """,
        id="lambda-handler",
    ),
]


@pytest.mark.parametrize("source", NOT_FIXED)
def test_not_fixed(source):
    source = textwrap.dedent(source)
    assert lines(source, "FL203")
    assert fixed(source, "FL203", unsafe=True) == source


def test_fix_is_unsafe_and_idempotent():
    source = "from fastapi import FastAPI\napp = FastAPI()\n\n@app.on_event('startup')\nasync def s():\n    pass\n"
    assert fixed(source, "FL203") == source
    once = fixed(source, "FL203", unsafe=True)
    assert "lifespan=lifespan" in once
    assert fixed(once, "FL203", unsafe=True) == once


def test_message_says_what_to_do():
    (finding,) = lint("from fastapi import FastAPI\napp = FastAPI()\n\n@app.on_event('startup')\n"
                      "async def s(): ...\n", "FL203")
    assert finding.message == (
        "`@app.on_event('startup')` is deprecated: move this startup code into a lifespan "
        "(`@asynccontextmanager async def lifespan(app)`: startup, `yield`, shutdown) passed as "
        "`FastAPI(lifespan=lifespan)`"
    )


ON_EVENT = """
from fastapi import FastAPI
app = FastAPI()

@app.on_event("startup")
async def start(): ...
"""


@pytest.mark.parametrize(("name", "text"), [
    pytest.param("requirements.txt", "fastapi==0.88.0\nhttpx\n", id="requirements-pin"),
    pytest.param("requirements.txt", "fastapi>=0.80,<0.93\n", id="requirements-upper-bound"),
    pytest.param("poetry.lock", '[[package]]\nname = "fastapi"\nversion = "0.92.0"\n', id="poetry-lock"),
    pytest.param("uv.lock", '[[package]]\nname = "fastapi"\nversion = "0.89.1"\n', id="uv-lock"),
])
def test_a_project_pinned_before_lifespan_existed_is_not_told_to_use_it(name, text):
    assert lines({"app.py": ON_EVENT, name: text}, "FL203") == []


@pytest.mark.parametrize(("name", "text"), [
    pytest.param("requirements.txt", "fastapi==0.93.0\n", id="pinned-at-lifespan"),
    pytest.param("requirements.txt", "fastapi>=0.80\n", id="no-upper-bound"),
    pytest.param("requirements.txt", "fastapi-users==0.50\n", id="another-package"),
    pytest.param("poetry.lock", '[[package]]\nname = "fastapi"\nversion = "0.110.2"\n', id="locked-newer"),
])
def test_a_project_that_can_use_lifespan_is_told_to(name, text):
    assert lines({"app.py": ON_EVENT, name: text}, "FL203") == [5]


def test_pyproject_dependencies_and_poetry_caret_bound_the_version():
    old = '[project]\nname = "x"\ndependencies = ["fastapi~=0.90.0"]\n[tool.fastlint]\n'
    assert lines(ON_EVENT, "FL203", pyproject=old) == []
    poetry = '[tool.poetry.dependencies]\nfastapi = "^0.88.0"\n[tool.fastlint]\n'
    assert lines(ON_EVENT, "FL203", pyproject=poetry) == []
    newer = '[tool.poetry.dependencies]\nfastapi = "^0.100.0"\n[tool.fastlint]\n'
    assert lines(ON_EVENT, "FL203", pyproject=newer) == [5]
