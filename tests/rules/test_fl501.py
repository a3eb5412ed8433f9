"""FL501 unversioned-route: routes outside a versioned API's tree, through prefixes across
modules; pages, probes and hidden routes are not API routes; unversioned projects are left
alone unless versioning is required."""

import pytest

from fastlint.testing import lines, lint

TEMPLATE = {
    "app/__init__.py": "",
    "app/config.py": """
        from pydantic_settings import BaseSettings
        class Settings(BaseSettings):
            API_V1_STR: str = "/api/v1"
        settings = Settings()
    """,
    "app/items.py": """
        from fastapi import APIRouter
        router = APIRouter(prefix="/items")

        @router.get("/")
        def list_items(): ...

        @router.get("/{id}")
        def get_item(id: int): ...
    """,
    "app/users.py": """
        from fastapi import APIRouter
        router = APIRouter(prefix="/users")

        @router.get("/")
        def list_users(): ...

        @router.get("/{id}")
        def get_user(id: int): ...

        @router.delete("/{id}")
        def delete_user(id: int): ...
    """,
}


def project_with(main: str, base=TEMPLATE) -> dict[str, str]:
    """The items router wired by `main`, next to a users router served under /api/v1."""
    return {**base, "app/main.py": main}


VERSIONED_USERS = """
from fastapi import FastAPI
from app import users
from app.items import router
app = FastAPI()
app.include_router(users.router, prefix="/api/v1")
"""

FLAGGED = [
    pytest.param(
        project_with(VERSIONED_USERS + "app.include_router(router)\n"),
        [("app/items.py", 3)],
        id="whole-router-outside-the-versioned-tree-reported-at-router",
    ),
    pytest.param(
        project_with(VERSIONED_USERS + 'app.include_router(router, prefix="/ollama/v1")\n'),
        [("app/items.py", 3)],
        id="a-version-segment-that-is-not-the-projects-tree",
    ),
    pytest.param(
        project_with(VERSIONED_USERS + 'app.include_router(router, prefix="/api/items-v1")\n'),
        [("app/items.py", 3)],
        id="version-not-a-path-segment",
    ),
    pytest.param(
        {
            **TEMPLATE,
            "app/items.py": """
                from fastapi import APIRouter
                router = APIRouter()

                @router.get("/v1/items")
                def list_items(): ...

                @router.get("/items/{id}")
                def get_item(id: int): ...

                @router.get("/health")
                def health(): ...
            """,
            "app/main.py": """
                from fastapi import FastAPI
                from app.items import router
                app = FastAPI()
                app.include_router(router)
            """,
        },
        [("app/items.py", 8)],
        id="mixed-router-reported-per-route",
    ),
    pytest.param(
        {
            "app.py": """
                from fastapi import FastAPI
                app = FastAPI()

                @app.get("/v1/orders")
                def orders(): ...

                @app.get("/users")
                def users(): ...

                @app.get("/health")
                def health(): ...
            """,
        },
        [("app.py", 8)],
        id="route-on-app-reported-per-route",
    ),
    pytest.param(
        project_with("""
            from fastapi import FastAPI
            from app import users
            from app.items import router
            def create_app():
                app = FastAPI()
                app.include_router(users.router, prefix="/api/v1")
                app.include_router(router, prefix="/api")
                return app
        """),
        [("app/items.py", 3)],
        id="app-built-in-factory",
    ),
    pytest.param(
        project_with(VERSIONED_USERS + """
from fastapi import APIRouter
spa = APIRouter()
@spa.get("/account/oauth-settings")
def oauth_settings(): ...
@spa.get("/exports/report.csv")
def report(): ...
@spa.get("/logs/v2")
def logs(): ...
@spa.get("/{full_path:path}")
def anything(full_path: str): ...
app.include_router(spa)
app.include_router(router, prefix="/api/v1")
"""),
        [("app/main.py", 9)],
        id="an-oauth-word-a-file-below-the-root-an-endpoints-own-v2-and-a-get-only-catch-all",
    ),
    pytest.param(
        project_with(VERSIONED_USERS + """
from fastapi import APIRouter
mirror = APIRouter()
@mirror.get("/v1/models")
def models(): ...
@mirror.get("/tags")
def tags(): ...
app.include_router(mirror, prefix="/api/v1")
app.include_router(router)
"""),
        [("app/items.py", 3)],
        id="a-router-whose-own-v1-is-the-projects-tree-mirrors-nothing",
    ),
]


@pytest.mark.parametrize(("files", "expected"), FLAGGED)
def test_flagged(files, expected):
    assert [(d.path, d.row) for d in lint(files, "FL501")] == expected


NOT_FLAGGED = [
    pytest.param(
        project_with("""
            from fastapi import FastAPI
            from app.items import router
            from app.users import router as users
            app = FastAPI()
            api = "/api"
            app.include_router(users, prefix=api)
            app.include_router(router, prefix=api)
        """),
        id="unversioned-project-by-choice",
    ),
    pytest.param(
        project_with(VERSIONED_USERS + """
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
templates = Jinja2Templates(directory="t")

@app.get("/", response_class=HTMLResponse)
def home(): ...

@app.get("/login")
def login() -> RedirectResponse: ...

@app.get("/page")
def page(request):
    return templates.TemplateResponse("page.html", {"request": request})

@app.get("/internal", include_in_schema=False)
def internal(): ...

@app.get("/.well-known/openid-configuration")
def oidc(): ...

@app.get("/favicon.ico")
def favicon(): ...

@app.get("/api/healthz")
def probe(): ...

@app.websocket("/ws")
async def ws(socket): ...
"""),
        id="pages-redirects-templates-hidden-well-known-probes-websockets",
    ),
    pytest.param(
        project_with(VERSIONED_USERS + """
from fastapi import FastAPI as Admin
admin = Admin(openapi_url=None)
@admin.get("/admin/users")
def admin_users(): ...
"""),
        id="app-without-openapi",
    ),
    pytest.param(
        project_with(VERSIONED_USERS + "app.include_router(router, include_in_schema=False)\n"),
        id="router-included-out-of-the-schema",
    ),
    pytest.param(project_with("x = 1\n"), id="router-never-included"),
    pytest.param(
        project_with("""
            from fastapi import FastAPI
            from app.items import router
            from app.config import settings
            app = FastAPI()
            app.include_router(router, prefix=settings.API_V1_STR)
        """),
        id="prefix-from-settings-default",
    ),
    pytest.param(
        project_with("""
            from fastapi import FastAPI
            from app.items import router
            VERSION = "v2"
            app = FastAPI()
            app.include_router(router, prefix=f"/{VERSION}")
        """),
        id="prefix-from-f-string-of-constant",
    ),
    pytest.param(
        project_with(VERSIONED_USERS + 'import os\napp.include_router(router, prefix=os.environ["P"])\n'),
        id="prefix-not-static",
    ),
    pytest.param(
        {
            "app.py": """
                from fastapi import FastAPI
                app = FastAPI()
                @app.get("/health")
                def health(): ...
                @app.get("/metrics")
                def metrics(): ...
                @app.get("/docs/extra")
                def docs(): ...
            """,
        },
        id="allowed-ops-paths",
    ),
    pytest.param(
        {
            "app.py": """
                from fastapi import APIRouter, FastAPI
                app = FastAPI()
                users = APIRouter(prefix="/api/v1/users")
                @users.get("/")
                def list_users(): ...
                @users.get("/{id}")
                def get_user(id: int): ...
                admin = APIRouter(prefix="/admin/api/v1")
                @admin.get("/audit")
                def audit(): ...
                app.include_router(users)
                app.include_router(admin)
            """,
        },
        id="an-area-versioned-further-down-its-path",
    ),
    pytest.param(
        project_with(VERSIONED_USERS + """
from fastapi.responses import RedirectResponse
@app.get("/t/{short}")
async def follow(short: str):
    if short:
        response = RedirectResponse(url="https://example.com")
        return response
    raise ValueError(short)
"""),
        id="a-route-that-answers-with-a-redirect",
    ),
    pytest.param(
        {
            "app.py": """
                from fastapi import FastAPI
                app = FastAPI()
                v1 = FastAPI()
                @v1.get("/users")
                def users(): ...
                app.mount("/api/v1", v1)
            """,
        },
        id="sub-app-mounted-under-version",
    ),
    pytest.param(
        project_with(VERSIONED_USERS + """
@app.get("/oauth/{provider}/login/callback")
async def callback(provider: str): ...
@app.post("/auth/oidc/backchannel-logout")
async def logout(): ...
@app.get("/manifest.json")
async def manifest(): ...
"""),
        id="sign-in-flows-and-root-files-are-fixed-by-others",
    ),
    pytest.param(
        project_with(VERSIONED_USERS + """
from fastapi import APIRouter
ollama = APIRouter()
@ollama.get("/api/tags")
async def tags(): ...
@ollama.post("/v1/chat/completions")
async def completions(): ...
openai = APIRouter()
@openai.get("/models")
async def models(): ...
@openai.api_route("/{path:path}", methods=["GET", "POST"])
async def proxy(path: str): ...
app.include_router(ollama, prefix="/ollama")
app.include_router(openai, prefix="/openai")
"""),
        id="routers-that-mirror-another-api",
    ),
]


@pytest.mark.parametrize("files", NOT_FLAGGED)
def test_not_flagged(files):
    assert lines(files, "FL501") == []


def test_stacked_decorators_of_one_handler_are_one_finding_at_the_top():
    files = project_with(VERSIONED_USERS + """
@app.get("/items/{id}")
@app.head("/items/{id}")
def get_item(id: int): ...
@app.get("/orders")
def orders(): ...
""")
    found = lint(files, "FL501")
    assert [d.row for d in found] == [8, 11]
    assert found[0].message.startswith("GET /items/{id} (and 1 more of `get_item`) is outside")


def test_router_finding_names_the_router_the_paths_the_tree_and_the_prefix_chain():
    files = project_with(VERSIONED_USERS + 'app.include_router(router, prefix="/api")\n')
    (found,) = lint(files, "FL501")
    assert "`router`" in found.message and "/api/items/" in found.message
    assert "1 more" in found.message and "`/api/v1/...`" in found.message
    assert 'include_router(prefix="/api")` (app/main.py:7)' in found.message
    assert 'APIRouter(prefix="/items")` (app/items.py:3)' in found.message
    assert (found.row, found.col) == (3, 0)


UNVERSIONED = project_with("""
    from fastapi import FastAPI
    from app.items import router
    from app.users import router as users
    app = FastAPI()
    app.include_router(users, prefix="/api")
    app.include_router(router, prefix="/api")
""")


def test_require_versioning_reports_an_unversioned_project_once_at_the_top_prefix():
    pyproject = "[tool.fastlint]\nrequire-versioning = true\n"
    (found,) = lint(UNVERSIONED, "FL501", pyproject=pyproject)
    assert (found.path, found.row) == ("app/main.py", 6)
    assert "`/api`" in found.message and "`/api/v1`" in found.message


def test_a_version_header_means_paths_need_no_version():
    files = project_with(VERSIONED_USERS + "app.include_router(router)\n")
    pyproject = '[tool.fastlint]\nversion-header = "X-API-Version"\n'
    assert lint(files, "FL501", pyproject=pyproject) == []


def test_version_pattern_and_allow_list_are_configurable():
    files = {"app.py": """
        from fastapi import FastAPI, APIRouter
        router = APIRouter(prefix="/2024-01")
        @router.get("/users")
        def users(): ...
        @router.get("/status")
        def status(): ...
        app = FastAPI()
        app.include_router(router)
        @app.get("/v1/orders")
        def orders(): ...
        @app.get("/v1/orders/{id}")
        def order(id: int): ...
        @app.delete("/v1/orders/{id}")
        def cancel(id: int): ...
    """}
    assert lines(files, "FL501") == [3]
    pyproject = '[tool.fastlint]\nversion-pattern = "^/([0-9]{4}-[0-9]{2}|v1)/"\n'
    assert lines(files, "FL501", pyproject=pyproject) == []
    pyproject = '[tool.fastlint]\nunversioned-allow = ["/2024-01/status"]\n'
    assert lines(files, "FL501", pyproject=pyproject) == [3]


def test_pre_commit_run_on_the_router_file_sees_the_include_elsewhere():
    files = project_with(VERSIONED_USERS + "app.include_router(router)\n")
    assert [(d.path, d.row) for d in lint(files, "FL501", paths=("app/items.py",))] == [("app/items.py", 3)]
    assert lint(files, "FL501", paths=("app/main.py",)) == []


def test_a_few_spec_fixed_versioned_paths_do_not_make_a_project_versioned():
    files = {"app.py": """
        from fastapi import FastAPI, APIRouter
        app = FastAPI()
        admin = APIRouter(prefix="/customer")
        @admin.get("/list")
        def customers(): ...
        @admin.post("/block")
        def block(): ...
        @app.post("/v1/chat/completions")
        def completions(): ...
        @app.post("/chat/completions")
        def completions_alias(): ...
        app.include_router(admin)
    """}
    assert lines(files, "FL501") == []


def test_a_handler_also_served_in_the_tree_keeps_its_other_paths_as_aliases():
    files = project_with(VERSIONED_USERS + """
@app.get("/api/models")
@app.get("/api/v1/models")
def get_models(): ...
@app.get("/api/config")
def get_config(): ...
""")
    found = lint(files, "FL501")
    assert [(d.row, d.message.split(" is ")[0]) for d in found] == [(11, "GET /api/config")]
