"""FL502 route-on-app: path operations on the FastAPI object itself."""

import pytest

from fastlint.testing import lines, lint

FLAGGED = [
    pytest.param(
        """
        from fastapi import FastAPI
        app = FastAPI()
        @app.get("/users")
        def users(): ...
        @app.post("/api/v1/items")
        async def items(): ...
        """,
        [4, 6],
        id="decorated-routes-on-app",
    ),
    pytest.param(
        """
        from fastapi import FastAPI
        def create_app():
            application = FastAPI()
            def users(): ...
            application.add_api_route("/users", users)
            @application.websocket("/ws")
            async def ws(websocket): ...
            return application
        """,
        [6, 7],
        id="factory-app-add-api-route-and-websocket",
    ),
    pytest.param(
        {
            "app/__init__.py": "",
            "app/main.py": "from fastapi import FastAPI\napp = FastAPI()\n",
            "app/views.py": """
                from app.main import app
                @app.get("/users")
                def users(): ...
            """,
        },
        [3],
        id="app-imported-from-another-module",
    ),
]


@pytest.mark.parametrize(("files", "expected"), FLAGGED)
def test_flagged(files, expected):
    assert lines(files, "FL502") == expected


NOT_FLAGGED = [
    pytest.param(
        """
        from fastapi import APIRouter, FastAPI
        router = APIRouter(prefix="/api/v1")
        @router.get("/users")
        def users(): ...
        app = FastAPI()
        app.include_router(router)
        """,
        id="route-on-router",
    ),
    pytest.param(
        """
        from fastapi import FastAPI
        app = FastAPI()
        @app.get("/health")
        def health(): ...
        @app.get("/readyz")
        def ready(): ...
        @app.get("/metrics")
        def metrics(): ...
        """,
        id="ops-routes-allowed-on-app",
    ),
    pytest.param(
        """
        from fastapi import FastAPI
        app = FastAPI()
        @app.middleware("http")
        async def mw(request, call_next): ...
        @app.exception_handler(ValueError)
        async def handler(request, exc): ...
        @app.on_event("startup")
        async def startup(): ...
        """,
        id="not-path-operations",
    ),
]


@pytest.mark.parametrize("files", NOT_FLAGGED)
def test_not_flagged(files):
    assert lines(files, "FL502") == []


def test_stacked_decorators_of_one_handler_are_one_finding_at_the_top():
    source = """
from fastapi import FastAPI
app = FastAPI()
@app.get("/file/{name}")
@app.head("/file/{name}")
@app.get("/v2/file/{name}")
async def file(name: str): ...
@app.get("/other")
async def other(): ...
"""
    found = lint(source, "FL502")
    assert [d.row for d in found] == [4, 8]
    assert found[0].message.startswith("GET /file/{name} (and 2 more of `file`) is declared on `app`")
    assert found[1].message.startswith("GET /other is declared")


def test_allow_list_is_configurable():
    source = """
        from fastapi import FastAPI
        app = FastAPI()
        @app.get("/status")
        def status(): ...
    """
    assert lines(source, "FL502") == [4]
    assert lines(source, "FL502", pyproject='[tool.fastlint]\nunversioned-allow = ["/status"]\n') == []


def test_pages_hidden_routes_and_catch_alls_may_stay_on_the_app():
    source = """
    from fastapi import FastAPI
    from fastapi.responses import HTMLResponse
    app = FastAPI()

    @app.get("/", include_in_schema=False)
    async def dashboard(): ...

    @app.get("/api/{invalid_api_path:path}", status_code=404, include_in_schema=False)
    async def invalid_api(invalid_api_path: str): ...

    @app.get("/about", response_class=HTMLResponse)
    def about(): ...

    @app.get("/users")
    def users(): ...
    """
    assert lines(source, "FL502") == [15]
