"""FL601 print-in-app: flagged, near misses."""

import pytest

from fastlint.testing import lines

FLAGGED = [
    pytest.param('print("starting")\n', [1], id="module-level"),
    pytest.param(
        """
        from fastapi import APIRouter
        router = APIRouter()

        @router.get("/a")
        async def a():
            print(
                "handling",
            )
        """,
        [7],
        id="in-a-route",
    ),
    pytest.param("import sys\nprint('y', file=sys.stderr)\n", [2], id="print-to-stderr"),
]

NOT_FLAGGED = [
    pytest.param('if __name__ == "__main__":\n    print("usage: ...")\n', id="main-guard"),
    pytest.param("import typer\ncli = typer.Typer()\n\n@cli.command()\ndef hello():\n    print('hi')\n",
                 id="typer-script"),
    pytest.param("import argparse\ndef main():\n    print(argparse.ArgumentParser().parse_args())\n",
                 id="argparse-script"),
    pytest.param("def wizard():\n    print('Your name?')\n    return input()\n", id="interactive-script"),
    pytest.param("def print(*args):\n    pass\n\nprint('shadowed')\n", id="shadowed-module-level"),
    pytest.param("def f(print):\n    print('a parameter')\n", id="shadowed-parameter"),
    pytest.param("import logging\nlogging.getLogger(__name__).info('x')\n", id="logger"),
]


@pytest.mark.parametrize(("source", "expected"), FLAGGED)
def test_flagged(source, expected):
    assert lines(source, "FL601") == expected


@pytest.mark.parametrize("source", NOT_FLAGGED)
def test_not_flagged(source):
    assert lines(source, "FL601") == []


APP = {"app/__init__.py": "", "app/main.py": "from fastapi import FastAPI\napp = FastAPI()\n"}


@pytest.mark.parametrize(("path", "source"), [
    ("tests/test_api.py", "print('x')\n"),
    ("tests/helpers.py", "print('x')\n"),
    ("app/cli.py", "import typer\nprint('x')\n"),
    ("app/scripts/seed.py", "print('x')\n"),
    ("app/__main__.py", "print('x')\n"),
    ("db/versions/0001_init.py", "revision = '1'\ndown_revision = None\nprint('x')\n"),
])
def test_tests_scripts_and_migrations_are_exempt(path, source):
    assert lines({**APP, path: source}, "FL601") == []


def test_a_module_the_app_imports_is_application_code_whatever_its_folder():
    files = {**APP, "app/main.py": "from fastapi import FastAPI\nfrom app.scripts import seed\n"
             "app = FastAPI()\n", "app/scripts/__init__.py": "", "app/scripts/seed.py": "print('x')\n"}
    assert lines(files, "FL601") == [1]


@pytest.mark.parametrize("source", [
    pytest.param("def show_results(r):\n    print(r)\n", id="show-function"),
    pytest.param("def _print_table(t):\n    print(t)\n", id="print-function"),
    pytest.param("def start():\n    print('a')\n    print('b')\n    print('c')\n", id="output-routine"),
    pytest.param("import sys\ndef ask():\n    print('Value?')\n    return sys.stdin.readline()\n",
                 id="interactive-module"),
])
def test_terminal_output_routines_are_not_stray_prints(source):
    assert lines({**APP, "app/report.py": source, "app/main.py":
                  "from fastapi import FastAPI\nfrom app import report\napp = FastAPI()\n"}, "FL601") == []


def test_a_stray_print_next_to_an_output_routine_is_reported():
    source = ("def show(r):\n    print(r)\n\ndef step(x):\n    if x:\n        print('case not defined')\n\n"
              "def reset():\n    print('reset')\n")
    assert lines({**APP, "app/env.py": source, "app/main.py":
                  "from fastapi import FastAPI\nfrom app import env\napp = FastAPI()\n"}, "FL601") == [6, 9]


def test_a_module_that_mostly_prints_from_output_routines_is_a_terminal_output_module():
    source = ("def show_a(r):\n    print(r)\n\ndef show_b(r):\n    print(r)\n\n"
              "def add_metrics(m):\n    print(m)\n")
    assert lines({**APP, "app/report.py": source, "app/main.py":
                  "from fastapi import FastAPI\nfrom app import report\napp = FastAPI()\n"}, "FL601") == []
