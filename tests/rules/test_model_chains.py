"""Blocking chains through the ways real projects reach a sync session or client: each
pattern is flagged, and its near-miss twin (the async or local variant) is not."""

import pytest

from fastlint.testing import lines, lint

DB = """
    from sqlalchemy.orm import Session, sessionmaker
    from sqlalchemy.ext.asyncio import AsyncSession
    SessionLocal = sessionmaker()
"""


def app(routes: str, **modules: str) -> dict[str, str]:
    files = {"app/__init__.py": "", "app/db.py": DB, "app/routes.py": routes}
    files.update({f"app/{name}.py": text for name, text in modules.items()})
    return files


REPOS = """
    from functools import cached_property
    from app.db import Session, AsyncSession

    class Users:
        def __init__(self, session: {session}):
            self.session = session
        def get_one(self, key):
            return self.session.get(object, key)

    class AllRepositories:
        def __init__(self, session: {session}):
            self.session = session
        @cached_property
        def users(self) -> Users:
            return Users(self.session)
        @property
        def plain_users(self):
            return Users(self.session)

    def get_repositories(session: {session}):
        return AllRepositories(session)
"""

ROUTES_REPOS = """
    from fastapi import Depends, FastAPI
    from app.repos import get_repositories
    app = FastAPI()

    @app.get("/a")
    async def a(session=None):
        repos = get_repositories(session)
        repos.users.get_one(1)
        repos.plain_users.get_one(2)
"""


@pytest.mark.parametrize("session, flagged", [("Session", [9, 10]), ("AsyncSession", [])])
def test_property_hops_and_an_unannotated_factory(session, flagged):
    files = app(ROUTES_REPOS, repos=REPOS.replace("{session}", session))
    assert lines(files, ("FL101", "FL102")) == flagged


BASE_INIT = """
    from app.db import SessionLocal

    class BaseController:
        def __init__(self):
            self.db = {value}

    class Users(BaseController):
        def list(self):
            return self.db.execute("select 1")
"""

ROUTES_CONTROLLER = """
    from fastapi import FastAPI
    from app.controllers import Users
    app = FastAPI()

    @app.get("/")
    async def index():
        return Users().list()
"""


@pytest.mark.parametrize("value, flagged", [("SessionLocal()", [8]), ("None", [])])
def test_attribute_assigned_in_a_base_class_init(value, flagged):
    files = app(ROUTES_CONTROLLER, controllers=BASE_INIT.replace("{value}", value))
    assert lines(files, "FL102") == flagged


CBV = """
    from fastapi import APIRouter, Depends
    from app.db import {session}

    def get_db():
        yield None

    router = APIRouter()

    class ItemsView:
        session: {session} = Depends(get_db)

        @router.post("/items")
        async def create(self):
            self.session.commit()
"""


@pytest.mark.parametrize("session, flagged", [("Session", [15]), ("AsyncSession", [])])
def test_class_based_view_with_a_class_level_dependency(session, flagged):
    assert lines(app(CBV.replace("{session}", session)), "FL101") == flagged


MIDDLEWARE = """
    from fastapi import FastAPI, Request
    from app.db import SessionLocal
    app = FastAPI()

    @app.middleware("http")
    async def db_session(request: Request, call_next):
        request.state.db = {value}
        response = await call_next(request)
        request.state.db.commit()
        return response

    @app.get("/")
    async def index(request: Request):
        return request.state.db.execute("select 1")
"""


@pytest.mark.parametrize("value, flagged", [("SessionLocal()", [10, 15]), ("object()", [])])
def test_request_state_set_by_a_middleware(value, flagged):
    assert lines(app(MIDDLEWARE.replace("{value}", value)), "FL101") == flagged


ENGINE = """
    import boto3
    from fastapi import FastAPI
    from sqlalchemy import create_engine, inspect
    app = FastAPI()
    engine = create_engine("sqlite://")
    s3 = boto3.client("s3")
    bucket = boto3.resource("s3").Bucket("b")

    @app.get("/")
    async def index():
        with engine.connect() as conn:
            conn.execute("select 1")
        inspect(engine).get_schema_names()
        s3.delete_object(Bucket="b", Key="k")
        bucket.upload_file("f", "k")
        url = s3.generate_presigned_url("get_object", Params={})
        paginator = s3.get_paginator("list_objects_v2")
        inspect(index).attrs
        return url, paginator
"""


def test_engine_connection_inspector_and_boto3():
    # presigning and paginators are local; inspecting something other than an engine too
    assert lines({"app.py": ENGINE}, "FL101") == [12, 13, 14, 15, 16]


STORED_FACTORY = """
    from fastapi import FastAPI
    from openai import AsyncOpenAI
    app = FastAPI()

    class Chat:
        def __init__(self):
            self.get_client = lambda: {factory}
        async def ask(self):
            return self.get_client()

    chat = Chat()

    @app.get("/")
    async def index():
        return await chat.ask()
"""


@pytest.mark.parametrize("factory, flagged", [("AsyncOpenAI(api_key='k')", [10]), ("dict()", [])])
def test_fl201_client_built_by_a_stored_factory(factory, flagged):
    assert lines({"app.py": STORED_FACTORY.replace("{factory}", factory)}, "FL201") == flagged


ONE_TIME = """
    import functools
    from fastapi import FastAPI
    app = FastAPI()
    _config = None

    def first_time():
        global _config
        if _config is None:
            _config = open("config.toml").read()
        return _config

    def guarded_by_a_parameter(path=None):
        if path is None:
            return open("default.toml").read()
        return path

    @functools.lru_cache
    def cached():
        return open("config.toml").read()

    def uncached():
        return open("config.toml").read()

    @app.get("/")
    async def index():
        first_time()
        guarded_by_a_parameter()
        cached()
        uncached()
"""


def test_one_time_initialisation_is_not_per_request():
    # `if _config is None:` on a module global, and an lru_cache helper, run once; a branch
    # on a parameter and an uncached helper run on every request.
    assert lines({"app.py": ONE_TIME}, "FL102") == [28, 30]


REPEATED = """
    from fastapi import FastAPI
    app = FastAPI()

    def read_config():
        return open("config.toml").read()

    @app.get("/a")
    async def a():
        return read_config()

    @app.get("/b")
    async def b():
        return read_config()
"""


def test_a_blocking_call_many_coroutines_reach_is_one_finding_at_it():
    (finding,) = lint({"app.py": REPEATED}, "FL102")
    assert finding.row == 6
    assert "2 coroutines reach it" in finding.message
    assert [location.row for location in finding.related] == [10, 14]


def test_one_coroutine_is_reported_at_its_call():
    source = REPEATED.split('@app.get("/b")')[0]
    assert lines({"app.py": source}, "FL102") == [10]


GUARDED = """
    import time
    from fastapi import FastAPI
    app = FastAPI()

    def fetch(name, cached=True):
        if name.startswith("file/"):
            return open(name[5:]).read()
        if not cached:
            time.sleep(1)
        return name

    @app.get("/")
    async def index(flag: bool):
        fetch("API_KEY")
        fetch("API_KEY", cached=True)
        fetch("API_KEY", cached=flag)
"""


def test_a_chain_the_call_s_own_arguments_rule_out_is_not_reported():
    findings = lint({"app.py": GUARDED}, "FL102")
    # `fetch("API_KEY")` reaches neither the `file/` branch nor (cached by default) the
    # sleep; `cached=flag` may reach the sleep: that chain is shown, not the `open`.
    assert [f.row for f in findings] == [17]
    assert "time.sleep" in findings[0].message and "open" not in findings[0].message


def test_a_constant_that_takes_the_branch_is_reported():
    source = GUARDED.replace('fetch("API_KEY")\n', 'fetch("file/x")\n', 1)
    findings = lint({"app.py": source}, "FL102")
    assert [f.row for f in findings] == [15, 17]
    assert "open" in findings[0].message


BRANCH_NO_CALLER_TAKES = """
    import httpx
    from fastapi import FastAPI
    app = FastAPI()

    def post(payload):
        if isinstance(payload, list):
            client = httpx.Client()
            return [client.post("u", json=p) for p in payload]
        return payload

    @app.get("/one")
    def one():
        return post({arg})
"""


@pytest.mark.parametrize("arg, flagged", [('"text"', []), ('["a", "b"]', [8])])
def test_fl201_client_on_a_branch_no_caller_takes(arg, flagged):
    findings = lint({"app.py": BRANCH_NO_CALLER_TAKES.replace("{arg}", arg)}, "FL201")
    assert [f.row for f in findings] == flagged
    for finding in findings:
        assert "GET /one" in finding.message


ARCHIVES = """
    import glob, os, shutil, tarfile, zipfile

    async def backup(path):
        shutil.make_archive("backup", "zip", path)
        with zipfile.ZipFile("backup.zip") as archive:
            archive.namelist()
        tarfile.open("backup.tar")
        for _ in os.walk(path):
            pass
        glob.glob("*.json")
        os.path.exists(path)
        os.remove(path)
        with zipfile.ZipFile(io.BytesIO(b"")) as in_memory:
            in_memory.namelist()
"""


def test_whole_archive_and_tree_work_blocks_single_syscalls_do_not():
    # an archive read from an in-memory buffer is CPU work, not I/O
    assert lines({"app.py": ARCHIVES.replace("import glob", "import io, glob")}, "FL101") == [5, 6, 8, 9, 11]


STARTUP_ONLY = """
    from contextlib import asynccontextmanager
    from fastapi import FastAPI

    async def check_settings():
        open("settings.json").read()

    async def startup(app):
        await check_settings()

    @asynccontextmanager
    async def lifespan(app):
        await startup(app)
        yield

    app = FastAPI(lifespan=lifespan)

    @app.get("/")
    async def index():
        {route_body}
"""


@pytest.mark.parametrize("route_body, flagged", [("return 1", []), ("await check_settings()", [6])])
def test_coroutines_only_startup_awaits_are_not_request_work(route_body, flagged):
    assert lines({"app.py": STARTUP_ONLY.replace("{route_body}", route_body)}, "FL101") == flagged
