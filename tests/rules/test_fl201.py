"""FL201 client-per-request: flagged, near misses, and the request path in the message."""

import pytest

from fastlint.testing import lines, lint

APP = """
from fastapi import FastAPI, APIRouter, Depends, Request
import httpx, aiohttp, redis, boto3
from sqlalchemy import create_engine
from openai import AsyncOpenAI
app = FastAPI()
router = APIRouter(prefix="/api/v1")
"""

FLAGGED = [
    pytest.param(
        APP + """
@router.get("/users/{id}")
async def get_user(id: int):
    async with httpx.AsyncClient(timeout=5) as client:
        return await client.get("u")
""",
        [11],
        id="async-with-client-in-route",
    ),
    pytest.param(
        APP + """
def get_db():
    engine = create_engine("sqlite://")
    yield engine.connect()

@app.get("/items")
def items(db=Depends(get_db)):
    return []
""",
        [10],
        id="engine-in-dependency",
    ),
    pytest.param(
        APP + """
@app.middleware("http")
async def tag(request: Request, call_next):
    r = redis.Redis()
    s = aiohttp.ClientSession(timeout=None)
    return await call_next(request)
""",
        [11, 12],
        id="clients-in-middleware",
    ),
    pytest.param(
        APP + """
class Storage:
    def __init__(self):
        self.s3 = boto3.client("s3")

def llm():
    return AsyncOpenAI()

@router.post("/upload")
async def upload():
    Storage()
    llm()
""",
        [11, 14],
        id="through-project-functions-and-init",
    ),
    pytest.param(
        APP + """
import aiohttp

@router.get("/fetch")
async def fetch(url: str):
    pool = httpx.AsyncHTTPTransport(retries=3)
    async with httpx.AsyncClient(transport=pool, timeout=5) as client:
        await client.get(url)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=10)) as session:
        await session.get(url)
""",
        [14, 16],
        id="a-pool-built-from-constants-on-every-request",
    ),
]


NOT_FLAGGED = [
    pytest.param(
        APP + """
from contextlib import asynccontextmanager
from functools import lru_cache

http = httpx.AsyncClient(timeout=5)

@asynccontextmanager
async def lifespan(app):
    app.state.http = httpx.AsyncClient(timeout=5)
    yield

@lru_cache
def get_redis():
    return redis.Redis()

def create_app():
    application = FastAPI(lifespan=lifespan)
    application.state.engine = create_engine("sqlite://")
    return application

@router.get("/x")
async def x(r=Depends(get_redis)):
    return await http.get("u")
""",
        id="module-scope-lifespan-cached-factory",
    ),
    pytest.param(
        APP + """
def script():
    return httpx.Client(timeout=3)

@app.on_event("startup")
async def start():
    app.state.c = httpx.AsyncClient(timeout=3)
""",
        id="not-called-per-request",
    ),
    pytest.param(
        APP + """
_client = None

class Api:
    def client(self):
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=3)
        return self._http

def shared():
    global _client
    if _client is None:
        _client = httpx.AsyncClient(timeout=3)
    return _client

@router.get("/x")
async def x():
    shared()
    Api().client()
""",
        id="lazily-created-once",
    ),
    pytest.param(
        APP + """
POOL = httpx.AsyncHTTPTransport(retries=3)

class Fetcher:
    def __init__(self):
        self._connector = aiohttp.TCPConnector(limit=10)

    async def get(self, url):
        async with aiohttp.ClientSession(connector=self._connector, connector_owner=False) as s:
            return await s.get(url)

@router.get("/fetch")
async def fetch(url: str, allow_private: bool = False):
    verified_ip = resolve_and_vet(url)
    async with httpx.AsyncClient(transport=POOL) as shared:
        await shared.get(url)
    async with httpx.AsyncClient(transport=SecureTransport(verified_ip)) as pinned:
        await pinned.get(url)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=allow_private)) as policy:
        await policy.get(url)
    return await Fetcher().get(url)
""",
        id="a-shared-pool-or-one-pinned-to-this-request",
    ),
    pytest.param(
        APP + """
from fastapi import Request

@router.get("/.well-known/lnurlp/{username}")
async def forward(username: str, request: Request):
    transport = httpx.ASGITransport(app=request.app)
    async with httpx.AsyncClient(transport=transport, base_url=str(request.base_url)) as client:
        return (await client.get(f"/ext/{username}")).json()

@router.get("/legacy")
async def legacy():
    with httpx.Client(transport=httpx.WSGITransport(app=flask_app)) as client:
        return client.get("/old").json()
""",
        id="an-in-process-transport-to-an-app-has-no-connections",
    ),
    pytest.param(
        APP + """
def rds_client(region, key_id=None, secret=None, token=None):
    if key_id is not None:
        return boto3.client("rds", region_name=region, aws_access_key_id=key_id,
                            aws_secret_access_key=secret, aws_session_token=token)
    sts = boto3.client("sts", region_name=region, aws_session_token=token)
    creds = sts.assume_role(RoleArn="arn:aws:iam::1:role/db")["Credentials"]
    return boto3.client("rds", region_name=region, aws_session_token=creds["SessionToken"])

@router.post("/token")
async def token(region: str):
    return rds_client(region)
""",
        id="an-aws-client-signed-with-credentials-of-this-call",
    ),
]


@pytest.mark.parametrize(("source", "expected"), FLAGGED)
def test_flagged(source, expected):
    assert lines(source, "FL201") == expected


@pytest.mark.parametrize("source", NOT_FLAGGED)
def test_not_flagged(source):
    assert lines(source, "FL201") == []


def test_message_names_the_request_path_and_where_the_client_belongs():
    files = {
        "app/__init__.py": "",
        "app/main.py": """
            from fastapi import FastAPI
            from app.users import router
            app = FastAPI()
            app.include_router(router, prefix="/api/v1")
        """,
        "app/users.py": """
            from fastapi import APIRouter
            from app.clients import fetch_user
            router = APIRouter(prefix="/users")

            @router.get("/{id}")
            async def get_user(id: int):
                return await fetch_user(id)
        """,
        "app/clients.py": """
            import httpx

            async def fetch_user(id):
                async with httpx.AsyncClient(timeout=3) as client:
                    return await client.get(f"/{id}")
        """,
    }
    (finding,) = lint(files, "FL201")
    assert (finding.path, finding.row) == ("app/clients.py", 5)
    assert finding.message == (
        "httpx.AsyncClient() is created on every request to GET /api/v1/users/{id} "
        "(users.py:7 → clients.py:4 fetch_user()): create it once in the lifespan, keep it on "
        "app.state, inject it with a dependency"
    )


def test_deep_call_chains_are_not_followed():
    helpers = "\n".join(f"def h{i}():\n    return h{i + 1}()\n" for i in range(6))
    source = APP + helpers + "def h6():\n    return httpx.Client(timeout=1)\n" + """
@router.get("/deep")
def deep():
    return h0()
"""
    assert lines(source, "FL201") == []


def test_an_aws_client_with_settings_credentials_or_none_is_still_reported():
    source = APP + """
class Settings:
    aws_key = "x"
settings = Settings()

@router.get("/files")
async def files(region: str):
    s3 = boto3.client("s3", aws_access_key_id=settings.aws_key, aws_session_token="t")
    kms = boto3.client("kms", region_name=region)
    return s3, kms
"""
    assert lines(source, "FL201") == [15, 16]
