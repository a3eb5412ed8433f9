"""FL501 unversioned-route: per router, per route, through prefixes across modules."""

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
}


def project_with(main: str, base=TEMPLATE) -> dict[str, str]:
    return {**base, "app/main.py": main}


FLAGGED = [
    pytest.param(
        project_with("""
            from fastapi import FastAPI
            from app.items import router
            app = FastAPI()
            app.include_router(router)
        """),
        [("app/items.py", 3)],
        id="whole-router-unversioned-reported-at-router",
    ),
    pytest.param(
        project_with("""
            from fastapi import FastAPI
            from app.items import router
            app = FastAPI()
            app.include_router(router, prefix="/api/items-v1")
        """),
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

                @app.get("/users")
                def users(): ...

                @app.get("/health")
                def health(): ...
            """,
        },
        [("app.py", 5)],
        id="route-on-app-reported-per-route",
    ),
    pytest.param(
        project_with("""
            from fastapi import FastAPI
            from app.items import router
            def create_app():
                app = FastAPI()
                app.include_router(router, prefix="/api")
                return app
        """),
        [("app/items.py", 3)],
        id="app-built-in-factory",
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
        project_with("""
            import os
            from fastapi import FastAPI
            from app.items import router
            app = FastAPI()
            app.include_router(router, prefix=os.environ["PREFIX"])
        """),
        id="prefix-not-static",
    ),
    pytest.param(project_with("x = 1\n"), id="router-never-included"),
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
]


@pytest.mark.parametrize("files", NOT_FLAGGED)
def test_not_flagged(files):
    assert lines(files, "FL501") == []


def test_router_finding_message_names_the_router_and_paths():
    files = project_with("""
        from fastapi import FastAPI
        from app.items import router
        app = FastAPI()
        app.include_router(router)
    """)
    (found,) = lint(files, "FL501")
    assert "`router`" in found.message and "/items/" in found.message and "1 more" in found.message
    assert (found.row, found.col) == (3, 0)


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
    """}
    assert lines(files, "FL501") == [3]
    pyproject = '[tool.fastlint]\nversion-pattern = "^/[0-9]{4}-[0-9]{2}/"\n'
    assert lines(files, "FL501", pyproject=pyproject) == []
    pyproject = '[tool.fastlint]\nunversioned-allow = ["/2024-01/status"]\n'
    assert lines(files, "FL501", pyproject=pyproject) == [3]


def test_pre_commit_run_on_the_router_file_sees_the_include_elsewhere():
    files = project_with("""
        from fastapi import FastAPI
        from app.items import router
        app = FastAPI()
        app.include_router(router)
    """)
    assert [(d.path, d.row) for d in lint(files, "FL501", paths=("app/items.py",))] == [("app/items.py", 3)]
    assert lint(files, "FL501", paths=("app/main.py",)) == []
