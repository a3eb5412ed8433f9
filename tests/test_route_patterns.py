"""Routes declared the ways real projects declare them, checked against FastAPI itself:
the app is imported and its route table compared with `fastlint routes`."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

from conftest import REPO
from fastlint.testing import project

PROJECT = {
    "app/__init__.py": "",
    # A factory that returns an APIRouter subclass; feature modules shadow the name with it.
    "app/routing.py": """
        from fastapi import APIRouter
        from fastapi.routing import APIRoute

        def get_api_router_class(route_class):
            class _Router(APIRouter):
                def __init__(self, **kwargs):
                    super().__init__(route_class=route_class, **kwargs)
            return _Router

        class TimedRoute(APIRoute):
            pass
    """,
    "app/users.py": """
        from app.routing import TimedRoute, get_api_router_class

        APIRouter = get_api_router_class(TimedRoute)
        router = APIRouter(prefix="/users", tags=["users"])

        @router.get("/{user_id}")
        async def read_user(user_id: int):
            return {"id": user_id}

        @router.api_route("/sync", methods=["POST", "PUT"])
        def sync_users():
            return {}
    """,
    "app/external.py": """
        from app.routing import get_api_router_class
        from fastapi.routing import APIRoute

        def make_router():
            return get_api_router_class(APIRoute)(prefix="/ext")

        ext_router = make_router()

        @ext_router.get("/status")
        def status():
            return {}
    """,
    "app/main.py": """
        from fastapi import FastAPI
        from app.users import router as users_router
        from app.external import ext_router

        def create_app() -> FastAPI:
            app = FastAPI()

            async def health():
                return {"ok": True}

            app.get("/health", include_in_schema=False)(health)

            @app.get("/ping")
            def ping():
                return "pong"

            def version():
                return "1"

            app.add_api_route("/version", version, methods=["GET"])
            app.include_router(users_router, prefix="/api")
            app.include_router(ext_router)
            return app

        app = create_app()
    """,
}


def _write(root, files):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    (root / "pyproject.toml").write_text("[tool.fastlint]\n", encoding="utf-8")


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    root = tmp_path_factory.mktemp("routes")
    _write(root, PROJECT)
    return root


# FastAPI's own route table: (methods, path, `module:__qualname__` of the endpoint). Newer
# FastAPI keeps an included router as one lazy entry; its routes are read through it.
FASTAPI_ROUTES = """
import json
from fastapi.routing import APIRoute
from app.main import app

def flatten(routes, prefix):
    for route in routes:
        if isinstance(route, APIRoute):
            yield sorted(route.methods), prefix + route.path, f"{route.endpoint.__module__}:{route.endpoint.__qualname__}"
        elif hasattr(route, "original_router"):
            yield from flatten(route.original_router.routes, prefix + route.include_context.prefix)

print(json.dumps(list(flatten(app.routes, ""))))
"""


def test_routes_agree_with_fastapi(tree):
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "NO_COLOR": "1"}
    done = subprocess.run([sys.executable, "-m", "fastlint", "routes", ".", "--output-format", "json"],
                          cwd=tree, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode in (0, 1), done.stderr
    listed = {(tuple(sorted(r["methods"])), r["path"], r["handler"]) for r in json.loads(done.stdout)}
    served = subprocess.run([sys.executable, "-c", FASTAPI_ROUTES], cwd=tree, capture_output=True,
                            text=True, timeout=120, env={**os.environ})
    assert served.returncode == 0, served.stderr
    expected = {(tuple(methods), path, handler) for methods, path, handler in json.loads(served.stdout)}
    assert len(expected) == 6
    assert listed == expected


NEAR_MISSES = {
    "app/__init__.py": "",
    "app/main.py": """
        from fastapi import FastAPI

        class Registry:
            def get(self, path):
                return lambda handler: handler

        def make_plain_class():
            class Plain:
                def get(self, path):
                    return lambda handler: handler
            return Plain

        app = FastAPI()
        registry = Registry()
        Plain = make_plain_class()
        plain = Plain()

        def handler():
            return 1

        registry.get("/not-a-route")(handler)

        @plain.get("/not-a-route-either")
        def other():
            return 2

        app.get("/real")(handler)
    """,
}


def test_near_misses_are_not_routes():
    model = project(NEAR_MISSES).fastapi
    assert [(r.path, r.handler) for r in model.resolved_routes] == [("/real", "app.main.handler")]
