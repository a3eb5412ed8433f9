"""`fastlint routes`: the fullstack_routes fixture, route by route, as JSON and as a table."""

import json
import os
import subprocess
import sys

import pytest

from conftest import FIXTURES, REPO

FULLSTACK = FIXTURES / "fullstack_routes"

SESSION = "app.api.deps:get_db"
USER = ("app.api.deps:get_current_user", SESSION, "fastapi.security.OAuth2PasswordBearer")
SUPERUSER = ("app.api.deps:get_current_active_superuser", *USER)

# (methods, effective path) → (handler, file, line, async, dependencies, router)
EXPECTED = {
    (("GET",), "/api/v1/items/"): (
        "app.api.routes.items:read_items", "app/api/routes/items.py", 10, False,
        (SESSION, "app.api.deps:get_current_user", "fastapi.security.OAuth2PasswordBearer"),
        "app.api.routes.items:router"),
    (("GET",), "/api/v1/items/{id}"): (
        "app.api.routes.items:read_item", "app/api/routes/items.py", 15, False,
        (SESSION, "app.api.deps:get_current_user", "fastapi.security.OAuth2PasswordBearer"),
        "app.api.routes.items:router"),
    (("GET",), "/api/v1/items/report/summary"): (
        "app.api.routes.items:items_report", "app/api/routes/items.py", 20, True,
        (SESSION, "app.api.deps:get_current_user", "fastapi.security.OAuth2PasswordBearer"),
        "app.api.routes.items:router"),
    (("POST",), "/api/v1/login/access-token"): (
        "app.api.routes.login:login_access_token", "app/api/routes/login.py", 9, False,
        (SESSION,), "app.api.routes.login:router"),
    (("POST",), "/api/v1/login/test-token"): (
        "app.api.routes.login:test_token", "app/api/routes/login.py", 14, False, USER,
        "app.api.routes.login:router"),
    (("GET",), "/api/v1/users/"): (
        "app.api.routes.users:read_users", "app/api/routes/users.py", 9, False, SUPERUSER,
        "app.api.routes.users:router"),
    (("GET",), "/api/v1/users/me"): (
        "app.api.routes.users:read_user_me", "app/api/routes/users.py", 14, False, USER,
        "app.api.routes.users:router"),
    (("POST",), "/api/v1/utils/test-email/"): (
        "app.api.routes.utils:test_email", "app/api/routes/utils.py", 8, False, SUPERUSER,
        "app.api.routes.utils:router"),
    (("GET",), "/api/v1/utils/health-check/"): (
        "app.api.routes.utils:health_check", "app/api/routes/utils.py", 13, True, (),
        "app.api.routes.utils:router"),
    (("POST",), "/api/v1/private/users/"): (
        "app.api.routes.private:create_user", "app/api/routes/private.py", 9, False, (SESSION,),
        "app.api.routes.private:router"),
}


def run_routes(*args: str, cwd=FULLSTACK) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "fastlint", "routes", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def json_routes() -> list[dict]:
    done = run_routes(".", "--output-format", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_every_route_is_listed_once(json_routes):
    found = [(tuple(r["methods"]), r["path"]) for r in json_routes]
    assert sorted(found) == sorted(EXPECTED)


@pytest.mark.parametrize("key", list(EXPECTED), ids=[f"{m[0]} {p}" for m, p in EXPECTED])
def test_route(json_routes, key):
    (route,) = [r for r in json_routes if (tuple(r["methods"]), r["path"]) == key]
    handler, file, line, is_async, deps, router = EXPECTED[key]
    assert route["handler"] == handler
    assert route["file"] == file
    assert route["line"] == line
    assert route["async"] is is_async
    assert tuple(route["dependencies"]) == deps
    assert route["router"] == router


def test_findings_are_attached_to_their_route(json_routes):
    findings = {r["path"]: [f["code"] for f in r["findings"]] for r in json_routes}
    assert findings["/api/v1/items/report/summary"] == ["FL102"]
    assert findings["/api/v1/items/{id}"] == []


def test_paths_agree_with_fastapi_at_run_time():
    """The fixture imports and serves: its OpenAPI schema lists the same operations."""
    code = (
        "import json; from app.main import app; "
        "print(json.dumps(sorted((m.upper(), p) for p, ops in app.openapi()['paths'].items() for m in ops)))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=FULLSTACK, capture_output=True,
                          text=True, timeout=120, env={**os.environ})
    assert done.returncode == 0, done.stderr
    served = {tuple(item) for item in json.loads(done.stdout)}
    assert served == {(methods[0], path) for methods, path in EXPECTED}


def test_one_file_still_gets_full_paths():
    done = run_routes("app/api/routes/users.py", "--output-format", "json")
    assert [r["path"] for r in json.loads(done.stdout)] == ["/api/v1/users/", "/api/v1/users/me"]


def test_table_output():
    done = run_routes(".")
    assert done.returncode == 0, done.stderr
    assert "/api/v1/items/{id}" in done.stdout
    assert "app.api.routes.items:read_item" in done.stdout
    assert "app/api/routes/items.py:15" in done.stdout
    assert "10 routes (0 with a prefix that is not static)" in done.stdout


def test_unknown_prefix_is_shown_as_unknown(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.fastlint]\n")
    (tmp_path / "main.py").write_text(
        "import os\nfrom fastapi import APIRouter, FastAPI\nrouter = APIRouter()\n"
        "@router.get('/x')\ndef x(): ...\napp = FastAPI()\n"
        "app.include_router(router, prefix=os.environ['P'])\n"
    )
    (route,) = json.loads(run_routes("--output-format", "json", cwd=tmp_path).stdout)
    assert route["path"] is None and route["declared_path"] == "/x"
    assert "?/x" in run_routes(cwd=tmp_path).stdout


def test_second_run_from_the_cache_lists_the_same_routes(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.fastlint]\n")
    (tmp_path / "main.py").write_text(
        "from fastapi import FastAPI\napp = FastAPI()\n@app.get('/health')\ndef health(): ...\n"
    )
    first = run_routes("--output-format", "json", cwd=tmp_path).stdout
    assert (tmp_path / ".fastlint_cache").exists()
    assert run_routes("--output-format", "json", cwd=tmp_path).stdout == first
    assert [r["path"] for r in json.loads(first)] == ["/health"]
