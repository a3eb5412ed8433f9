"""FL403 debug-enabled: flagged, near misses."""

import pytest

from fastlint.testing import lines, lint

FLAGGED = [
    pytest.param("from fastapi import FastAPI\napp = FastAPI(title='x', debug=True)\n", [2],
                 id="fastapi-debug"),
    pytest.param("from starlette.applications import Starlette as S\napp = S(debug=True)\n", [2],
                 id="starlette-alias"),
    pytest.param(
        """
        import uvicorn

        def serve():
            uvicorn.run(
                "main:app",
                reload=True,
            )
        """,
        [7],
        id="uvicorn-reload-reported-at-the-argument",
    ),
    pytest.param("from fastapi import FastAPI\napp = FastAPI()\napp.debug = True\n", [3],
                 id="app-debug-assignment"),
    pytest.param(
        """
        from fastapi import FastAPI

        def create_app() -> FastAPI:
            application = FastAPI()
            application.debug = True
            return application

        def configure(server: FastAPI):
            server.debug = True
        """,
        [6, 10],
        id="local-app-and-annotated-parameter",
    ),
]

NOT_FLAGGED = [
    pytest.param("from fastapi import FastAPI\napp = FastAPI(debug=False)\n", id="debug-false"),
    pytest.param("from fastapi import FastAPI\nfrom app.config import settings\n"
                 "app = FastAPI(debug=settings.debug)\n", id="debug-from-settings"),
    pytest.param(
        """
        import uvicorn
        if __name__ == "__main__":
            uvicorn.run("main:app", reload=True)
        """,
        id="main-guard",
    ),
    pytest.param("import logging\nlogging.basicConfig(debug=True)\nlogger = logging.getLogger()\n"
                 "logger.debug = True\n", id="not-an-app"),
    pytest.param("def run(**kw): pass\nrun(reload=True, debug=True)\n", id="other-call"),
]


@pytest.mark.parametrize(("source", "expected"), FLAGGED)
def test_flagged(source, expected):
    assert lines(source, "FL403") == expected


@pytest.mark.parametrize("source", NOT_FLAGGED)
def test_not_flagged(source):
    assert lines(source, "FL403") == []


def test_tests_are_exempt():
    assert lines({"tests/test_app.py": "from fastapi import FastAPI\napp = FastAPI(debug=True)\n"},
                 "FL403") == []


def test_reported_at_the_keyword():
    (diagnostic,) = lint("from fastapi import FastAPI\napp = FastAPI(debug=True)\n", "FL403")
    assert (diagnostic.row, diagnostic.col, diagnostic.end_col) == (2, 14, 24)


DEV_ENTRY_POINTS = [
    pytest.param(
        """
        import typer, uvicorn
        from fastapi import FastAPI
        app = FastAPI()
        cli = typer.Typer()

        @cli.command()
        def develop():
            uvicorn.run("app.main:app", reload=True)
        """,
        id="typer-command",
    ),
    pytest.param(
        """
        import click, uvicorn
        from fastapi import FastAPI
        app = FastAPI()

        @click.group()
        def server(): ...

        @server.command()
        def dev():
            uvicorn.run("app.main:app", reload=True)
        """,
        id="click-group-command",
    ),
    pytest.param(
        """
        import uvicorn
        from fastapi import FastAPI
        app = FastAPI()

        def main():
            uvicorn.run("app.main:app", reload=True)

        if __name__ == "__main__":
            main()
        """,
        id="helper-called-from-main-guard",
    ),
]


@pytest.mark.parametrize("source", DEV_ENTRY_POINTS)
def test_development_entry_points_are_not_reported(source):
    # Each module builds the app, so it is application code: the entry point is what exempts.
    assert lines(source, "FL403") == []


def test_a_function_not_called_from_the_main_guard_is_still_reported():
    source = """
    import uvicorn
    from fastapi import FastAPI
    app = FastAPI()

    def serve():
        uvicorn.run("app.main:app", reload=True)

    def main(): ...

    if __name__ == "__main__":
        main()
    """
    assert lines(source, "FL403") == [7]


def test_debug_inside_a_branch_taken_only_in_debug_mode_comes_from_configuration():
    source = """
    from fastapi import FastAPI
    from app.config import in_debug_mode
    if in_debug_mode():
        app = FastAPI(debug=True)
    else:
        app = FastAPI(debug=True)
    """
    assert lines(source, "FL403") == [7]
