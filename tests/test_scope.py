"""Application scope: which modules are application code, why, and what the rules do with it."""

import pytest
from typer.testing import CliRunner

from fastlint.cli import app as cli
from fastlint.testing import lines, project

MAIN = """
from fastapi import FastAPI
from app import users
app = FastAPI()
app.include_router(users.router)
"""
USERS = """
from fastapi import APIRouter
from app.services import billing
router = APIRouter()
"""
PRINTS = "def report():\n    print('x')\n"


def scopes(files, pyproject=None):
    built = project(files, pyproject)
    return {facts.path: built.scope.of(facts) for facts in built.files}


def test_modules_imported_by_the_app_are_application_code_with_the_chain():
    found = scopes({"app/__init__.py": "", "app/main.py": MAIN, "app/users.py": USERS,
                    "app/services/__init__.py": "", "app/services/billing.py": PRINTS})
    billing = found["app/services/billing.py"]
    assert billing.kind == "application"
    assert billing.reason == "imported by app.users (builds the APIRouter `router`)"
    assert found["app/__init__.py"].kind == "application"  # the package Python runs first


@pytest.mark.parametrize(("files", "path", "kind"), [
    pytest.param({"tests/test_users.py": "from app.main import app\n"}, "tests/test_users.py",
                 "test", id="tests-folder"),
    pytest.param({"helpers/fixtures.py": "import pytest\n"}, "helpers/fixtures.py", "test",
                 id="imports-pytest"),
    pytest.param({"database/revisions/ab12_add_users.py":
                  "from alembic import op\nrevision = 'ab12'\ndown_revision = None\n"
                  "def upgrade():\n    op.create_table('users')\n    print('done')\n"},
                 "database/revisions/ab12_add_users.py", "migration",
                 id="alembic-revision-by-content-in-any-folder"),
    pytest.param({"db/env.py": "from alembic import context\n"}, "db/env.py", "migration",
                 id="alembic-env-by-content"),
    pytest.param({"alembic.ini": "[alembic]\nscript_location = %(here)s/schema\n",
                  "schema/helpers.py": PRINTS}, "schema/helpers.py", "migration",
                 id="alembic-ini-script-location"),
    pytest.param({"docs/example.py": PRINTS}, "docs/example.py", "docs", id="docs-folder"),
    pytest.param({"app/example_dags/tutorial.py": PRINTS}, "app/example_dags/tutorial.py", "docs",
                 id="example-folder-by-prefix"),
    pytest.param({"samples/client.py": PRINTS}, "samples/client.py", "docs", id="samples-folder"),
    pytest.param({"scripts/seed.py": "from app.services import billing\n"}, "scripts/seed.py",
                 "script", id="scripts-folder"),
    pytest.param({"tools/run.py": "if __name__ == '__main__':\n    print(1)\n"}, "tools/run.py",
                 "script", id="main-guard"),
    pytest.param({"release/cli.py": "import click\nfrom release import notes\n",
                  "release/__init__.py": "", "release/notes.py": PRINTS},
                 "release/notes.py", "cli", id="reached-only-from-click"),
    pytest.param({"ops/commands.py": "import cyclopts\nfrom ops import notes\n",
                  "ops/__init__.py": "", "ops/notes.py": PRINTS},
                 "ops/notes.py", "cli", id="reached-only-from-cyclopts"),
    pytest.param({"sdk/pyproject.toml": "[project]\nname='sdk'\ndependencies=['httpx']\n",
                  "sdk/gen.py": PRINTS}, "sdk/gen.py", "separate-project",
                 id="nested-project-without-fastapi"),
])
def test_code_that_is_not_the_application(files, path, kind):
    base = {"app/__init__.py": "", "app/main.py": MAIN, "app/users.py": USERS,
            "app/services/__init__.py": "", "app/services/billing.py": PRINTS}
    found = scopes({**base, **files})
    assert found[path].kind == kind
    assert found["app/services/billing.py"].kind == "application"


@pytest.mark.parametrize(("files", "path"), [
    pytest.param({"app/settings.py": "revision = 3\n"}, "app/settings.py",
                 id="revision-alone-is-not-a-migration"),
    pytest.param({"scripts/__init__.py": "", "scripts/shared.py": PRINTS,
                  "app/jobs.py": "from scripts import shared\nfrom fastapi import APIRouter\n"
                  "router = APIRouter()\n"}, "scripts/shared.py",
                 id="scripts-folder-imported-by-the-app"),
    pytest.param({"app/cli.py": "import typer\nfrom app.services import billing\n"},
                 "app/services/billing.py", id="imported-by-app-and-cli"),
    pytest.param({"worker/__init__.py": "", "worker/tasks.py": PRINTS}, "worker/tasks.py",
                 id="nothing-imports-it-and-nothing-marks-it"),
    pytest.param({"api/pyproject.toml": "[project]\nname='api'\ndependencies=['fastapi>=0.100']\n",
                  "api/routes.py": PRINTS}, "api/routes.py", id="nested-project-using-fastapi"),
    pytest.param({"asgi.py": "from app.factory import create_app\napp = create_app()\n",
                  "app/factory.py": "from fastapi import FastAPI\n"
                  "def create_app():\n    return FastAPI()\n"}, "asgi.py",
                 id="asgi-entry-module"),
    pytest.param({"app/exampleness.py": PRINTS, "app/counterexample/__init__.py": "",
                  "app/counterexample/run.py": PRINTS}, "app/counterexample/run.py",
                 id="a-folder-that-only-contains-the-word-example"),
])
def test_near_misses_stay_application_code(files, path):
    base = {"app/__init__.py": "", "app/main.py": MAIN, "app/users.py": USERS,
            "app/services/__init__.py": "", "app/services/billing.py": PRINTS}
    assert scopes({**base, **files})[path].kind == "application"


def test_without_any_app_every_module_is_application_code():
    found = scopes({"lib/__init__.py": "", "lib/core.py": PRINTS})
    assert found["lib/core.py"].kind == "application"
    assert "no FastAPI app" in found["lib/core.py"].reason


def test_request_time_rules_report_only_in_application_code_by_default():
    files = {"app/__init__.py": "", "app/main.py": MAIN, "app/users.py": USERS,
             "app/services/__init__.py": "", "app/services/billing.py": PRINTS,
             "scripts/seed.py": PRINTS}
    assert lines(files, "FL601") == [2]  # billing.py only
    widened = "[tool.fastlint.scope]\nreport-in = ['application', 'script']\n"
    assert len(lines(files, "FL601", pyproject=widened)) == 2
    narrowed = "[tool.fastlint.scope]\nnot-application = ['app/services']\n"
    assert lines(files, "FL601", pyproject=narrowed) == []
    forced = "[tool.fastlint.scope]\napplication = ['scripts/*']\n"
    assert len(lines(files, "FL601", pyproject=forced)) == 2


@pytest.mark.parametrize(("table", "key"), [
    ("report-in = ['everywhere']", "scope.report-in"),
    ("report-in = 'application'", "scope.report-in"),
    ("reportin = ['application']", "scope.reportin"),
])
def test_a_bad_scope_config_exits_2_naming_the_key(tmp_path, table, key):
    (tmp_path / "pyproject.toml").write_text(f"[tool.fastlint.scope]\n{table}\n")
    (tmp_path / "a.py").write_text("x = 1\n")
    result = CliRunner().invoke(cli, ["check", str(tmp_path)])
    assert result.exit_code == 2
    assert repr(key) in result.output


def test_show_files_prints_each_file_with_its_scope_and_reason(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text("[tool.fastlint]\n")
    for name, text in {"app/__init__.py": "", "app/main.py": MAIN, "app/users.py": USERS,
                       "app/services/__init__.py": "", "app/services/billing.py": PRINTS,
                       "tests/test_x.py": "x = 1\n"}.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["check", "--show-files", "--no-cache"])
    assert result.exit_code == 0
    rows = {line.split()[0]: line.split()[1] for line in result.output.splitlines()}
    assert rows["app/services/billing.py"] == "application"
    assert rows["tests/test_x.py"] == "test"
    assert "FL601" not in result.output  # nothing is checked
