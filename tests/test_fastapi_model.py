"""The FastAPI model: apps, routers, routes with effective paths, methods, dependencies."""

import pytest

from fastlint.testing import project


def routes(files) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """handler's short name → (methods, effective paths)."""
    model = project(files).fastapi
    return {r.handler.rsplit(".", 1)[-1]: (r.methods, r.effective_paths) for r in model.resolved_routes}


def paths(files) -> dict[str, tuple[str, ...]]:
    return {name: found for name, (_, found) in routes(files).items()}


def dependencies(files, handler: str) -> tuple[str, ...]:
    model = project(files).fastapi
    (route,) = [r for r in model.resolved_routes if r.handler.endswith(f".{handler}")]
    return model.route_dependencies(route)


# ---------------------------------------------------------------------- effective paths
TEMPLATE = {
    "app/__init__.py": "",
    "app/core/__init__.py": "",
    "app/core/config.py": """
        from pydantic_settings import BaseSettings
        class Settings(BaseSettings):
            API_V1_STR: str = "/api/v1"
        settings = Settings()
    """,
    "app/api/__init__.py": "",
    "app/api/routes/__init__.py": "",
    "app/api/routes/items.py": """
        from fastapi import APIRouter
        router = APIRouter(prefix="/items")
        @router.get("/{id}")
        async def read_item(id: int): ...
    """,
    "app/api/main.py": """
        from fastapi import APIRouter
        from app.api.routes import items
        api_router = APIRouter()
        api_router.include_router(items.router)
    """,
    "app/main.py": """
        from fastapi import FastAPI
        from app.api.main import api_router
        from app.core.config import settings
        app = FastAPI()
        app.include_router(api_router, prefix=settings.API_V1_STR)
    """,
}


def with_file(name: str, text: str, base=TEMPLATE) -> dict[str, str]:
    return {**base, name: text}


def test_prefix_through_routers_across_modules_and_settings():
    assert paths(TEMPLATE) == {"read_item": ("/api/v1/items/{id}",)}


@pytest.mark.parametrize(
    ("main", "expected"),
    [
        pytest.param(
            """
            from fastapi import FastAPI
            from app.api.main import api_router
            PREFIX = "/api"
            app = FastAPI()
            app.include_router(api_router, prefix=f"{PREFIX}/v2")
            """,
            ("/api/v2/items/{id}",), id="f-string-of-module-constant",
        ),
        pytest.param(
            """
            from fastapi import FastAPI
            from app.api.main import api_router
            from app.core.config import settings

            def create_app() -> FastAPI:
                application = FastAPI()
                application.include_router(api_router, prefix=settings.API_V1_STR)
                return application
            """,
            ("/api/v1/items/{id}",), id="app-built-in-factory",
        ),
        pytest.param(
            """
            import os
            from fastapi import FastAPI
            from app.api.main import api_router
            app = FastAPI()
            app.include_router(api_router, prefix=os.environ["PREFIX"])
            """,
            (), id="prefix-not-static-is-unknown",
        ),
        pytest.param(
            """
            from fastapi import FastAPI
            app = FastAPI()
            """,
            (), id="router-never-included-is-unknown",
        ),
        pytest.param(
            """
            from fastapi import FastAPI
            from app.api.main import api_router
            root = FastAPI()
            v1 = FastAPI()
            v1.include_router(api_router)
            root.mount("/v1", v1)
            """,
            ("/v1/items/{id}",), id="sub-app-mounted",
        ),
    ],
)
def test_effective_path(main, expected):
    assert paths(with_file("app/main.py", main))["read_item"] == expected


def test_router_reexported_from_package_init():
    files = with_file("app/api/routes/__init__.py", "from .items import router as items_router\n")
    files = with_file("app/api/main.py", """
        from fastapi import APIRouter
        from app.api.routes import items_router
        api_router = APIRouter(prefix="/x")
        api_router.include_router(items_router)
    """, files)
    assert paths(files)["read_item"] == ("/api/v1/x/items/{id}",)


def test_router_included_twice_has_two_paths():
    files = with_file("app/main.py", """
        from fastapi import FastAPI
        from app.api.main import api_router
        app = FastAPI()
        app.include_router(api_router, prefix="/api/v1")
        app.include_router(api_router, prefix="/legacy")
    """)
    assert paths(files)["read_item"] == ("/api/v1/items/{id}", "/legacy/items/{id}")


def test_app_from_factory_used_in_another_module():
    files = {
        "app/__init__.py": "",
        "app/factory.py": """
            from fastapi import FastAPI
            def create_app():
                app = FastAPI(root_path="/ignored")
                return app
        """,
        "app/main.py": """
            from app.factory import create_app
            app = create_app()
            @app.get("/ping")
            def ping(): ...
        """,
    }
    assert paths(files) == {"ping": ("/ping",)}


# ---------------------------------------------------------------------- apps passed as parameters
REGISTER = {
    "app/__init__.py": "",
    "app/views.py": """
        from fastapi import FastAPI, APIRouter
        router = APIRouter(prefix="/v1")
        @router.get("/a")
        def a(): ...

        def init_views(app: FastAPI) -> None:
            app.include_router(router, prefix="/api")

            @app.get("/health")
            def health(): ...
    """,
}


def test_app_passed_to_a_registration_function():
    files = {**REGISTER, "app/main.py": """
        from fastapi import FastAPI
        from app.views import init_views
        def create_app():
            app = FastAPI()
            init_views(app)
            return app
    """}
    assert paths(files) == {"a": ("/api/v1/a",), "health": ("/health",)}


UNANNOTATED_REGISTER = {
    "app/__init__.py": "",
    "app/routes.py": """
        from fastapi import APIRouter
        router = APIRouter(prefix="/items")
        @router.get("/{id}")
        def item(id: int): ...
        def configure_routes(app):
            from app.routes import router
            app.include_router(router, prefix="/api")
    """,
}


def test_app_passed_to_a_registration_function_without_annotations():
    files = {**UNANNOTATED_REGISTER, "app/main.py": """
        from fastapi import FastAPI
        from app.routes import configure_routes
        app = FastAPI()
        configure_routes(app)
    """}
    assert paths(files) == {"item": ("/api/items/{id}",)}


def test_unannotated_registration_given_two_apps_or_none_is_unknown():
    two = {**UNANNOTATED_REGISTER, "app/main.py": """
        from fastapi import FastAPI
        from app.routes import configure_routes
        first, second = FastAPI(), FastAPI()
        configure_routes(first)
        configure_routes(second)
    """}
    assert paths(two) == {"item": ()}
    assert paths(UNANNOTATED_REGISTER) == {"item": ()}


def test_only_wiring_on_an_unannotated_parameter_is_recorded():
    facts = project({"m.py": """
        def configure(app, cache):
            app.include_router(None)
            cache.get("key")
    """}).files[0]
    assert [call.call.value for call in facts.calls] == ["<param app>.include_router"]


def test_registration_function_called_with_two_apps_is_unknown():
    files = {**REGISTER, "app/main.py": """
        from fastapi import FastAPI
        from app.views import init_views
        one, two = FastAPI(), FastAPI()
        first = FastAPI()
        second = FastAPI()
        init_views(first)
        init_views(second)
    """}
    assert paths(files) == {"a": (), "health": ()}


def test_registration_function_never_called_is_unknown():
    assert paths(REGISTER) == {"a": (), "health": ()}


def test_app_built_in_a_method_is_not_assumed_at_the_root():
    files = {"plugin.py": """
        from fastapi import FastAPI
        class Plugin:
            def get_app(self) -> FastAPI:
                app = FastAPI()
                @app.get("/token")
                def token(): ...
                return app
    """}
    assert paths(files) == {"token": ()}


def test_app_built_in_a_method_and_handed_to_a_server_is_at_the_root():
    files = {"server.py": """
        import uvicorn
        from fastapi import FastAPI
        class ApiServer:
            def __init__(self):
                self.app = FastAPI()
                self.configure(self.app)
            def configure(self, app: FastAPI):
                @app.get("/token")
                def token(): ...
            def start(self):
                uvicorn.run(self.app, port=8080)
    """}
    assert paths(files) == {"token": ("/token",)}


def test_app_built_in_a_method_handed_to_something_else_stays_unknown():
    files = {"server.py": """
        from fastapi import FastAPI
        class Plugin:
            def __init__(self, host):
                self.app = FastAPI()
                host.attach(self.app)
                @self.app.get("/token")
                def token(): ...
    """}
    assert paths(files) == {"token": ()}


SERVER_CLASS = """
    from fastapi import APIRouter, FastAPI
    router = APIRouter()
    @router.get("/policy")
    def policy(): ...
    class Server:
        def __init__(self):
            self.app: FastAPI = self._init_app()
        def _init_app(self):
            app = FastAPI()
            app.include_router(router, prefix="/v1")
            return app
"""


@pytest.mark.parametrize(("main", "expected"), [
    ("def create_app():\n    from server import Server\n    return Server().app\napp = create_app()\n",
     ("/v1/policy",)),
    ("def create_app():\n    from server import Server\n    return Server().app\nplugin = create_app()\n",
     ()),
], ids=["bound-to-the-name-an-asgi-server-is-pointed-at", "bound-to-another-name"])
def test_app_built_in_a_method_and_bound_to_app_at_module_level(main, expected):
    assert paths({"server.py": SERVER_CLASS, "main.py": main}) == {"policy": expected}


LIFESPAN_VIEWS = """
    from fastapi import APIRouter, FastAPI
    router = APIRouter(prefix="/v1")
    @router.get("/a")
    def a(): ...
    def init_views(app: FastAPI) -> None:
        app.include_router(router, prefix="/api")
    async def startup(app: FastAPI):
        init_views(app)
"""


LIFESPAN_MAIN = """
from contextlib import asynccontextmanager
from fastapi import FastAPI
from views import startup
@asynccontextmanager
async def lifespan(app: FastAPI):
    await startup(app)
    yield
"""


@pytest.mark.parametrize(("apps", "expected"), [
    ("def create_app():\n    return FastAPI(lifespan=lifespan)\n", ("/api/v1/a",)),
    ("public = FastAPI(lifespan=lifespan)\nadmin = FastAPI(lifespan=lifespan)\n", ()),
], ids=["the-app-built-with-it", "shared-by-two-apps-gives-neither"])
def test_the_app_a_lifespan_is_given(apps, expected):
    assert paths({"views.py": LIFESPAN_VIEWS, "main.py": LIFESPAN_MAIN + apps}) == {"a": expected}


def test_router_subclass_machinery_is_not_a_route():
    files = {"app.py": """
        from fastapi import APIRouter, FastAPI
        class MyRouter(APIRouter):
            def api_route(self, path, **kwargs):
                def decorator(func):
                    self.add_api_route(path, func, **kwargs)
                    return func
                return decorator
        router = MyRouter(prefix="/v1")
        @router.get("/x")
        def x(): ...
        app = FastAPI()
        app.include_router(router)
    """}
    assert paths(files) == {"x": ("/v1/x",)}


# ---------------------------------------------------------------------- methods, handler, async
def test_every_route_decorator_and_registration_call():
    files = {"app.py": """
        from fastapi import APIRouter, FastAPI
        router = APIRouter()
        @router.get("/get")
        async def get_(): ...
        @router.post("/post")
        def post(): ...
        @router.put("/put")
        def put(): ...
        @router.patch("/patch")
        def patch(): ...
        @router.delete("/delete")
        def delete(): ...
        @router.options("/options")
        def options(): ...
        @router.head("/head")
        def head(): ...
        @router.trace("/trace")
        def trace(): ...
        @router.api_route("/both", methods=["GET", "post"])
        def both(): ...
        @router.api_route("/default")
        def default(): ...
        @router.api_route("/dynamic", methods=METHODS)
        def dynamic(): ...
        @router.websocket("/ws")
        async def ws(websocket): ...
        def added(): ...
        router.add_api_route("/added", added, methods=["PUT"])
        async def socket(websocket): ...
        router.add_api_websocket_route("/socket", socket)
        app = FastAPI()
        app.include_router(router, prefix="/v1")
    """}
    found = routes(files)
    assert {name: methods for name, (methods, _) in found.items()} == {
        "get_": ("GET",), "post": ("POST",), "put": ("PUT",), "patch": ("PATCH",),
        "delete": ("DELETE",), "options": ("OPTIONS",), "head": ("HEAD",), "trace": ("TRACE",),
        "both": ("GET", "POST"), "default": ("GET",), "dynamic": ("?",), "ws": ("WS",),
        "added": ("PUT",), "socket": ("WS",),
    }
    assert found["added"][1] == ("/v1/added",)


def test_handler_and_async_flag():
    model = project(TEMPLATE).fastapi
    (route,) = model.resolved_routes
    assert route.handler == "app.api.routes.items.read_item"
    assert route.is_async
    assert route.facts.path == "app/api/routes/items.py"
    assert route.span.row == 4


def test_route_not_on_an_app_or_router_is_not_a_route():
    files = {"app.py": """
        import click
        cli = click.Group()
        @cli.get("/x")
        def x(): ...
    """}
    assert routes(files) == {}


# ---------------------------------------------------------------------- dependencies
DEPS = {
    "app/__init__.py": "",
    "app/deps.py": """
        from typing import Annotated
        from fastapi import Depends, Security
        def get_db(): yield 1
        def get_token(): ...
        def get_user(db=Depends(get_db), token=Security(get_token)): ...
        def audit(): ...
        def tenant(): ...
        def verify(): ...
        def limiter(): ...
        UserDep = Annotated[dict, Depends(get_user)]
        class Form:
            def __init__(self, q: str = ""): ...
    """,
    "app/routes.py": """
        from typing import Annotated
        from fastapi import APIRouter, Depends
        from app.deps import UserDep, get_db, verify, limiter, Form
        router = APIRouter(prefix="/v1", dependencies=[Depends(verify)])
        @router.get("/a", dependencies=[Depends(limiter)])
        def a(user: UserDep, db: Annotated[int, Depends(get_db)], form: Form = Depends()): ...
        @router.get("/plain")
        def plain(q: str = ""): ...
    """,
    "app/main.py": """
        from fastapi import Depends, FastAPI
        from app.deps import audit, tenant
        from app.routes import router
        app = FastAPI(dependencies=[Depends(audit)])
        app.include_router(router, dependencies=[Depends(tenant)])
    """,
}


def test_route_dependencies_from_every_level_with_sub_dependencies():
    assert dependencies(DEPS, "a") == (
        "app.deps.audit", "app.deps.tenant", "app.deps.verify", "app.deps.limiter",
        "app.deps.get_user", "app.deps.get_db", "app.deps.Form", "app.deps.get_token",
    )


def test_route_without_own_dependencies_gets_only_the_outer_ones():
    assert dependencies(DEPS, "plain") == ("app.deps.audit", "app.deps.tenant", "app.deps.verify")


def test_dependency_factory_result_is_named_by_its_call():
    files = {"app.py": """
        from fastapi import APIRouter, Depends
        from typing import Callable
        def requires(role) -> Callable: ...
        router = APIRouter()
        @router.get("/x")
        def x(_=Depends(requires("admin"))): ...
    """}
    assert dependencies(files, "x") == ("app.requires()",)
