"""Hypothesis strategies for FastAPI-shaped projects: routes, dependencies, middleware,
blocking calls, clients, secrets and settings, imported under random aliases, placed in random
expression contexts and decorated at random, then written with random line endings,
indentation, BOM and encoding. Random grammar rarely says `time.sleep` inside an
`async def` route; these programs say little else."""

from __future__ import annotations

import textwrap

from hypothesis import strategies as st

# (import line, the name the code then uses) — every way a module is commonly brought in.
SLEEP = [("import time", "time.sleep"), ("import time as tm", "tm.sleep"),
         ("from time import sleep", "sleep"), ("from time import sleep as snooze", "snooze")]
REQUESTS = [("import requests", "requests"), ("import requests as rq", "rq")]
HTTPX = [("import httpx", "httpx"), ("import httpx as hx", "hx")]
FASTAPI = [("from fastapi import FastAPI, APIRouter, Depends, Request, BackgroundTasks", ""),
           ("import fastapi", "fastapi.")]

COMMON_IMPORTS = [
    "import asyncio", "import os", "import subprocess", "import shutil", "import sqlite3",
    "import redis", "import aiohttp", "import uvicorn", "from pathlib import Path",
    "from functools import lru_cache", "from typing import Annotated",
    "from contextlib import asynccontextmanager", "from sqlalchemy import create_engine, select",
    "from sqlalchemy.orm import Session, sessionmaker", "from pydantic import BaseModel",
    "from pydantic_settings import BaseSettings", "from tenacity import retry, stop_after_attempt",
    "from fastapi.middleware.cors import CORSMiddleware",
    "from slowapi import Limiter", "from slowapi.util import get_remote_address",
    "from starlette.middleware.base import BaseHTTPMiddleware",
]

# Expressions worth a finding (or a near miss); {sleep}, {requests}, {httpx} are aliases.
EXPRESSIONS = [
    "{sleep}(1)", "{sleep}(0.1 * n)", "{requests}.get(url)", "{requests}.post(url, json={{}}, timeout=5)",
    "{requests}.get(url, timeout=None)", "{requests}.Session().get(url)", "{httpx}.get(url)",
    "{httpx}.Client()", "{httpx}.AsyncClient()", "{httpx}.AsyncClient(timeout=3)", "open('data.txt')",
    "os.system('ls')", "subprocess.run(['ls'], check=True)", "os.getenv('KEY')", "os.environ['KEY']",
    "os.environ.get('KEY', 'x')", "print('hello', n)", "time.time()", "db.execute(query)",
    "db.commit()", "db.query(Item).all()", "Settings()", "get_settings()", "redis.Redis()",
    "cache.set('k', 'v')", "cache.set('k', 'v', ex=60)", "asyncio.run(main())", "Path('x').read_text()",
    "create_engine('postgresql://user:pw@localhost/db')", "input()", "shutil.rmtree('d')",
    "sqlite3.connect('x.db')", "aiohttp.ClientSession()", "load(n)", "service.fetch(n)",
    "background.add_task(send_email, n)", "asyncio.to_thread({sleep}, 1)", "helper()",
    "'postgresql://admin:secret@db/prod'", "select(Item)", "n",
]

# Where an expression {e} sits. `async` marks contexts valid only in a coroutine.
CONTEXTS = [
    "{e}", "x = {e}", "return {e}", "x = {e}.json()", "x = {e}['k']", "x = -{e}", "x = {e} ** 2",
    "x = not {e}", "x = [{e} for _ in range(2)]", "x = ({e} for _ in range(2))",
    "x = {{k: {e} for k in 'ab'}}", "f = lambda: {e}", "x = f'{{{e}}}'", "x = {e} if n else None",
    "x = foo({e}, k={e})", "x = {{'a': {e}}}", "assert {e}, 'message'", "with {e} as r:\n    pass",
    "x = (\n    {e}\n)", "x: int = {e}", "for i in {e}:\n    pass", "while {e}:\n    break",
    "if {e}:\n    pass\nelse:\n    x = 1", "try:\n    {e}\nexcept Exception:\n    raise",
    "def inner(a={e}):\n    return a", "def inner():\n    return {e}", "class K:\n    v = {e}",
    "x = {e}; y = 1", "x = \\\n    {e}", "x = [*{e}]", "x = {e}  # noqa", "x = {e}  # noqa: FL101",
    "match {e}:\n    case 1:\n        pass\n    case _:\n        pass", "x = {e}[0:1]",
    "del x[{e}]", "x = ({e}, {e})", "x = call(\n    {e},\n    other,\n)", "x += {e}",
    "x = {e}.attr.method()", "x = ({e}).attr", "x = [y async for y in {e}]",
    "async with {e} as r:\n    pass", "x = await {e}", "await asyncio.gather({e}, other())",
]
ASYNC_ONLY = ("async ", "await ")

PARAMS = [
    "request: Request", "db: Session = Depends(get_db)", "service=Depends(get_service)",
    "q: str = ''", "background: BackgroundTasks", "n: int = 1",
    "settings: Annotated[Settings, Depends(get_settings)]", "item: Item | None = None",
]
ROUTE_METHODS = ["get", "post", "put", "delete", "patch"]
PATHS = ['"/items"', '"/v1/items/{item_id}"', '"/health"', '"/api/v2/users"', '""', "PREFIX + '/x'"]
EXTRA_DECORATORS = [
    '@limiter.limit("5/minute")', "@retry", "@retry(stop=stop_after_attempt(3))", "@lru_cache",
    "@lru_cache(maxsize=None)", "@staticmethod", "@asynccontextmanager",
]
SPECIAL_DECORATORS = [
    '@app.middleware("http")', '@app.on_event("startup")', '@app.on_event("shutdown")',
    "@app.exception_handler(Exception)", '@app.websocket("/ws")', '@router.websocket("/v1/ws")',
]
MODULE_LINES = [
    "app = FastAPI()", "app = FastAPI(debug=True)", "app = FastAPI(lifespan=lifespan)",
    'router = APIRouter(prefix="/v1")', 'router = APIRouter(prefix=PREFIX, tags=["x"])',
    'app.include_router(router, prefix="/api")', "app.include_router(router)",
    'app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)',
    'app.add_middleware(CORSMiddleware, allow_origin_regex=".*", allow_credentials=True)',
    "limiter = Limiter(key_func=get_remote_address)",
    'limiter = Limiter(key_func=get_remote_address, default_limits=["10/minute"])',
    'SECRET_KEY = "sk_live_4f9a8b7c6d5e"', 'API_TOKEN = os.environ["API_TOKEN"]', 'PREFIX = "/v1"',
    'DATABASE_URL = "postgresql://app:s3cret@db/app"', "engine = create_engine(DATABASE_URL)",
    "SessionLocal = sessionmaker(bind=engine)", "cache = redis.Redis(host='localhost')",
    "client = httpx.AsyncClient(timeout=5)", 'app.add_event_handler("startup", connect)',
    "class Settings(BaseSettings):\n    redis_url: str = 'redis://localhost'\n    api_key: str = 'abc'",
    "class Item(BaseModel):\n    name: str",
    "@lru_cache\ndef get_settings():\n    return Settings()",
    "def get_db():\n    db = SessionLocal()\n    try:\n        yield db\n    finally:\n        db.close()",
    "if __name__ == '__main__':\n    uvicorn.run(app, reload=True)\n    print('started')",
    "@asynccontextmanager\nasync def lifespan(app):\n    app.state.client = httpx.AsyncClient()\n"
    "    yield\n    await app.state.client.aclose()",
    "class Timing(BaseHTTPMiddleware):\n    async def dispatch(self, request, call_next):\n"
    "        start = time.time()\n        response = await call_next(request)\n"
    "        print(time.time() - start)\n        return response",
]


@st.composite
def statement(draw, in_async: bool) -> str:
    contexts = CONTEXTS if in_async else [c for c in CONTEXTS if not c.startswith(ASYNC_ONLY)
                                           and " async for " not in c and "await " not in c]
    context = draw(st.sampled_from(contexts))
    return context.format(e=draw(st.sampled_from(EXPRESSIONS)))


@st.composite
def function(draw, owners: tuple[str, ...]) -> str:
    in_async = draw(st.booleans())
    decorators: list[str] = []
    kind = draw(st.sampled_from(["route", "route", "special", "plain"]))
    if kind == "route" and owners:
        method = draw(st.sampled_from(ROUTE_METHODS))
        decorators.append(f"@{draw(st.sampled_from(owners))}.{method}({draw(st.sampled_from(PATHS))})")
    elif kind == "special":
        decorators.append(draw(st.sampled_from(SPECIAL_DECORATORS)))
    for extra in draw(st.lists(st.sampled_from(EXTRA_DECORATORS), max_size=2, unique=True)):
        decorators.insert(draw(st.integers(0, len(decorators))), extra)
    params = draw(st.lists(st.sampled_from(PARAMS), max_size=3, unique=True))
    if any(d.startswith("@app.middleware") for d in decorators):
        params = ["request: Request", "call_next"]
    body = draw(st.lists(statement(in_async), min_size=1, max_size=4))
    if in_async and draw(st.booleans()):
        body.append("await asyncio.sleep(0)")
    if draw(st.booleans()):
        body.insert(0, '"""A docstring."""')
    name = draw(st.sampled_from(["handler", "read_item", "create_user", "dependency", "job", "main"]))
    name += str(draw(st.integers(0, 3)))
    head = f"{'async ' if in_async else ''}def {name}({', '.join(params)}):"
    return "\n".join(decorators + [head, textwrap.indent("\n".join(body), "    ")])


@st.composite
def module(draw, owners: tuple[str, ...] = ("app", "router")) -> str:
    sleep = draw(st.sampled_from(SLEEP))
    requests = draw(st.sampled_from(REQUESTS))
    httpx = draw(st.sampled_from(HTTPX))
    imports = [sleep[0], requests[0], httpx[0], "import time"] + draw(
        st.lists(st.sampled_from(COMMON_IMPORTS), max_size=len(COMMON_IMPORTS), unique=True))
    if "import httpx" not in imports:
        imports.append("import httpx")
    fastapi_import = draw(st.sampled_from(FASTAPI))
    imports.append(fastapi_import[0])
    parts = ["\n".join(draw(st.permutations(imports)))]
    parts += draw(st.lists(st.sampled_from(MODULE_LINES), max_size=6))
    parts += draw(st.lists(function(owners), min_size=1, max_size=4))
    text = "\n\n".join(parts) + "\n"
    text = text.replace("{sleep}", sleep[1]).replace("{requests}", requests[1]).replace("{httpx}", httpx[1])
    if fastapi_import[1]:
        for name in ("FastAPI(", "APIRouter(", "Depends(", "BackgroundTasks"):
            text = text.replace(name, fastapi_import[1] + name).replace("fastapi.fastapi.", "fastapi.")
    return text


@st.composite
def written(draw, text: str) -> bytes:
    """The same program as bytes, with random line endings, indentation, BOM and encoding."""
    if draw(st.booleans()):
        text = "\n".join(
            "\t" * ((len(line) - len(line.lstrip(" "))) // 4) + line.lstrip(" ") for line in text.split("\n")
        )
    newline = draw(st.sampled_from(["\n", "\n", "\r\n", "\r"]))
    text = text.replace("\n", newline)
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "latin-1"]))
    if encoding == "latin-1":
        text = f"# -*- coding: latin-1 -*-{newline}# café{newline}" + text
        return text.encode("latin-1")
    if draw(st.booleans()):
        text = f"# café ☕{newline}" + text
    return text.encode(encoding)


LAYOUTS = {
    "app/main.py": ("app",),
    "app/routers/items.py": ("router",),
    "app/services/items.py": (),
    "app/core/config.py": (),
    "app/repositories/items.py": (),
}
CROSS_MODULE = {
    "app/main.py": "from app.routers.items import router\nfrom app.core.config import Settings\n",
    "app/routers/items.py": (
        "from app.services.items import load, ItemService\nfrom app.repositories.items import Repo\n"
        "service = ItemService()\n"
    ),
    "app/services/items.py": (
        "import time\nfrom fastapi import HTTPException\n\ndef load(n):\n    time.sleep(n)\n    return n\n\n"
        "class ItemService:\n    def fetch(self, n):\n        return load(n)\n"
    ),
}


@st.composite
def fastapi_project(draw) -> dict[str, bytes]:
    """One module, or a layered package whose modules import and call each other."""
    if draw(st.booleans()):
        return {"main.py": draw(written(draw(module())))}
    files: dict[str, bytes] = {"app/__init__.py": b""}
    for path, owners in LAYOUTS.items():
        if path != "app/main.py" and not draw(st.booleans()):
            continue
        text = CROSS_MODULE.get(path, "") + draw(module(owners))
        files[path] = draw(written(text))
        package = path.rsplit("/", 1)[0]
        files.setdefault(f"{package}/__init__.py", b"")
    return files
