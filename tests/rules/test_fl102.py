"""FL102 blocking-call-via-helper: flagged at every hop form, near misses, message, fix."""

import textwrap

import pytest

from fastlint.testing import fixed, lines, lint

SERVICES = """
    import time
    from typing import Annotated
    from fastapi import Depends

    def build():
        time.sleep(1)

    class EntryStore:
        def __init__(self, db=None):
            self.db = db
        def get(self):
            build()
        def via_self(self):
            return self.get()
        @classmethod
        def make(cls):
            return cls.load()
        @classmethod
        def load(cls):
            build()

    def get_store():
        return EntryStore()

    StoreDep = Annotated[EntryStore, Depends(get_store)]
    store = EntryStore()

    class Service:
        def __init__(self):
            self.store = EntryStore()
        def run(self):
            return self.store.get()
"""


def in_route(body: str, extra_imports: str = "") -> dict[str, str]:
    """An async function in app/routes.py calling the services in app/services.py."""
    routes = (
        "from app.services import EntryStore, Service, StoreDep, build, store\n"
        "from app import services\n"
        f"{extra_imports}\n"
        f"async def handler(param: EntryStore, alias: StoreDep):\n"
        + textwrap.indent(textwrap.dedent(body).strip(), "    ")
        + "\n"
    )
    return {"app/__init__.py": "", "app/services.py": SERVICES, "app/routes.py": routes}


FLAGGED = [
    pytest.param("build()", id="module-function"),
    pytest.param("services.build()", id="module-attribute"),
    pytest.param("store.get()", id="method-of-module-level-instance"),
    pytest.param("param.get()", id="method-of-annotated-parameter"),
    pytest.param("alias.get()", id="method-of-annotated-depends-alias-parameter"),
    pytest.param("EntryStore(1).get()", id="method-of-constructed-value"),
    pytest.param("s = EntryStore(1)\ns.get()", id="method-of-name-bound-by-construction"),
    pytest.param("EntryStore.make()", id="class-method-then-cls-method"),
    pytest.param("EntryStore().via_self()", id="self-method-hop"),
    pytest.param("Service().run()", id="attribute-assigned-in-init-hop"),
    pytest.param("svc = Service()\nsvc.run()", id="bound-service-then-attribute"),
]


@pytest.mark.parametrize("body", FLAGGED)
def test_flagged(body):
    found = lint(in_route(body), "FL102")
    rows = {d.row for d in found}
    assert len(rows) == len(found) == 1
    assert found[0].path == "app/routes.py"


NOT_FLAGGED = [
    pytest.param("await asyncio.to_thread(build)", id="offloaded-to-thread"),
    pytest.param("await run_in_threadpool(store.get)", id="offloaded-to-threadpool"),
    pytest.param("def inner():\n    build()\nreturn inner", id="nested-plain-def"),
    pytest.param("return lambda: build()", id="lambda"),
    pytest.param("unknown.get()", id="unknown-receiver"),
    pytest.param("build = print\nbuild()", id="helper-name-shadowed"),
    pytest.param("EntryStore", id="class-referenced-not-called"),
]


@pytest.mark.parametrize("body", NOT_FLAGGED)
def test_not_flagged(body):
    files = in_route(body, "import asyncio\nfrom fastapi.concurrency import run_in_threadpool")
    assert lines(files, "FL102") == []


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(
            """
            import time
            from fastapi import APIRouter
            router = APIRouter()
            def build():
                time.sleep(1)
            @router.get("/r")
            def report():
                build()
            """,
            id="def-route-runs-in-threadpool",
        ),
        pytest.param(
            """
            import asyncio
            async def build():
                await asyncio.sleep(1)
            def helper():
                return 1
            async def report():
                await build()
                helper()
            """,
            id="async-helper-and-harmless-sync-helper",
        ),
        pytest.param(
            """
            import time
            from typing import Annotated
            from fastapi import APIRouter, Depends
            router = APIRouter()
            def get_db():
                time.sleep(1)
                yield 1
            @router.get("/r")
            async def report(db: Annotated[int, Depends(get_db)]):
                return db
            """,
            id="def-dependency-of-async-route-runs-in-threadpool",
        ),
        pytest.param(
            """
            def ping():
                return pong()
            def pong():
                return ping()
            async def report():
                ping()
            """,
            id="cycle-without-blocking-call",
        ),
        pytest.param(
            """
            import time
            from asgiref.sync import sync_to_async
            @sync_to_async
            def build():
                time.sleep(1)
            async def report():
                await build()
                build()
            """,
            id="sync-to-async-decorated-helper",
        ),
        pytest.param(
            """
            import time
            def build():
                time.sleep(1)
            async def report():
                time.sleep(1)
            """,
            id="direct-blocking-call-is-fl101",
        ),
    ],
)
def test_near_misses(source):
    assert lines(source, "FL102") == []


def test_message_shows_the_shortest_chain_with_locations():
    files = {
        "app/__init__.py": "",
        "app/services/__init__.py": "",
        "app/services/report.py": """
            import time
            from app.services.render import render

            def report():
                return build()

            def build():
                render()
                time.sleep(1)
        """,
        "app/services/render.py": """
            import requests
            def render():
                return requests.get("u", timeout=1)
        """,
        "app/routes.py": """
            from fastapi import APIRouter
            from app.services import report as reports
            router = APIRouter(prefix="/v1")
            @router.get("/report")
            async def get_report():
                return reports.report()
        """,
    }
    (found,) = lint(files, "FL102")
    assert (found.path, found.row, found.col) == ("app/routes.py", 7, 11)
    assert "in route GET /report:" in found.message
    assert (
        "reports.report() → app/services/report.py:6 build() → app/services/report.py:10 time.sleep"
        in found.message
    )


def test_chain_through_a_cycle_terminates():
    source = """
        import time
        def a(n):
            if n:
                return b(n - 1)
            time.sleep(1)
        def b(n):
            return a(n)
        async def handler():
            b(3)
    """
    (found,) = lint(source, "FL102")
    assert "b() → app.py:8 a() → app.py:6 time.sleep" in found.message


CHAIN = """
    import time
    def one(): two()
    def two(): three()
    def three(): time.sleep(1)
    async def handler():
        one()
"""


def test_depth_bound_default_reaches_three_helpers():
    assert lines(CHAIN, "FL102") == [7]


def test_depth_bound_is_configurable():
    assert lines(CHAIN, "FL102", pyproject="[tool.fastlint]\nmax-helper-depth = 2\n") == []
    assert lines(CHAIN, "FL102", pyproject="[tool.fastlint]\nmax-helper-depth = 3\n") == [7]


def test_shares_blocking_call_options_with_fl101():
    source = """
        import mylib
        def helper():
            mylib.slow()
            open("x")
        async def handler():
            helper()
    """
    assert lines(source, "FL102") == [7]
    assert lines(source, "FL102", pyproject='[tool.fastlint]\nallow-blocking-calls = ["open"]\n') == []
    pyproject = '[tool.fastlint]\nallow-blocking-calls = ["open"]\nblocking-calls = ["mylib.*"]\n'
    assert lines(source, "FL102", pyproject=pyproject) == [7]


def test_one_finding_per_call_site():
    source = """
        import time
        def helper():
            time.sleep(1)
        async def handler():
            helper()
            helper()
    """
    assert lines(source, "FL102") == [6, 7]


def test_reported_only_on_given_files_but_sees_the_whole_project():
    files = {
        "app/__init__.py": "",
        "app/helpers.py": "import time\ndef build():\n    time.sleep(1)\n",
        "app/routes.py": "from app.helpers import build\nasync def handler():\n    build()\n",
    }
    assert [(d.path, d.row) for d in lint(files, "FL102", paths=("app/routes.py",))] == [
        ("app/routes.py", 3)
    ]
    assert lint(files, "FL102", paths=("app/helpers.py",)) == []


def test_a_coroutine_outside_the_application_starts_no_chain():
    """A CLI command (prefect's `cloud login`) that reaches the app's blocking helper is not a
    second coroutine waiting on it: one route does, so the finding is at the route's call."""
    files = {
        "app/__init__.py": "",
        "app/main.py": "from fastapi import FastAPI\nfrom app.helpers import build\n"
                       "app = FastAPI()\n@app.get('/')\nasync def index():\n    build()\n",
        "app/helpers.py": "import time\ndef build():\n    time.sleep(1)\n",
        "app/cli.py": "import typer\nfrom app.helpers import build\nasync def login():\n    build()\n",
    }
    assert [(d.path, d.row) for d in lint(files, "FL102")] == [("app/main.py", 6)]
    # Two coroutines of the application: one finding, at the blocking call.
    files["app/other.py"] = "from app.helpers import build\nasync def other():\n    build()\n"
    found = lint(files, "FL102")
    assert [(d.path, d.row) for d in found] == [("app/helpers.py", 3)] and "2 coroutines" in found[0].message


def test_a_coroutine_only_startup_and_command_line_commands_call_is_not_request_work():
    """lnbits builds its extension list in the lifespan and in `lnbits-cli extensions list`,
    a click command in a module the app imports: no request waits on it."""
    files = {
        "app/__init__.py": "",
        "app/helpers.py": "import time\ndef build():\n    time.sleep(1)\n",
        "app/listing.py": "from app.helpers import build\nasync def all_extensions():\n    build()\n",
        "app/commands.py": "import click\nfrom app.listing import all_extensions\n"
                           "@click.group()\ndef cli():\n    pass\n"
                           "@cli.command('list')\nasync def extensions_list():\n    await all_extensions()\n",
        "app/main.py": "from contextlib import asynccontextmanager\nfrom fastapi import FastAPI\n"
                       "from app import commands\nfrom app.listing import all_extensions\n"
                       "@asynccontextmanager\nasync def lifespan(app):\n    await all_extensions()\n    yield\n"
                       "app = FastAPI(lifespan=lifespan)\n",
    }
    assert lint(files, "FL102") == []
    # Also awaited by a route: request work.
    files["app/main.py"] += "@app.get('/')\nasync def index():\n    await all_extensions()\n"
    assert [(d.path, d.row) for d in lint(files, "FL102")] == [("app/listing.py", 3)]


FIXED = [
    pytest.param(
        """\
        import time

        def build(n, *, fast=False):
            time.sleep(n)

        async def handler():
            build(1, fast=True)
            await other()
        """,
        """\
        import asyncio
        import time

        def build(n, *, fast=False):
            time.sleep(n)

        async def handler():
            await asyncio.to_thread(build, 1, fast=True)
            await other()
        """,
        id="to-thread-with-arguments",
    ),
    pytest.param(
        """\
        import time

        class Store:
            def get(self):
                time.sleep(1)
                return {}

        async def handler(store: Store):
            return store.get().keys()
        """,
        """\
        import asyncio
        import time

        class Store:
            def get(self):
                time.sleep(1)
                return {}

        async def handler(store: Store):
            return (await asyncio.to_thread(store.get)).keys()
        """,
        id="method-without-arguments-in-parens",
    ),
]


@pytest.mark.parametrize(("before", "after"), FIXED)
def test_fixed(before, after):
    assert fixed(before, "FL102", unsafe=True) == textwrap.dedent(after)


def test_fix_is_unsafe_only():
    source = "import time\ndef build():\n    time.sleep(1)\nasync def f():\n    build()\n"
    assert fixed(source, "FL102") == source
