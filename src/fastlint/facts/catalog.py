"""What fastlint knows about third-party libraries: blocking calls, classes and factories.

Symbols here are canonical: an instance of a class is written as the class
(`requests.Session.get` is the `get` method of a `requests.Session` instance).
"""

from __future__ import annotations

from collections.abc import Callable
from fnmatch import fnmatchcase

from fastlint.facts.records import Val

ENGINE = "sqlalchemy.engine.Engine"
CONNECTION = "sqlalchemy.engine.Connection"
INSPECTOR = "sqlalchemy.engine.reflection.Inspector"
BOTO3_CLIENT = "botocore.client.BaseClient"
BOTO3_RESOURCE = "boto3.resources.base.ServiceResource"
HTTP_VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request")
_SESSION_IO = ("execute", "scalars", "scalar", "get", "get_one", "query", "commit", "flush",
               "refresh", "rollback", "merge", "close")

BLOCKING_CALLS: frozenset[str] = frozenset(
    ["time.sleep", "urllib.request.urlopen", "open", "io.open", "input",
     "os.system", "os.popen",
     "subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output",
     "subprocess.Popen.wait", "subprocess.Popen.communicate",
     "socket.create_connection",
     "sqlite3.connect", "psycopg2.connect", "psycopg.connect", "pymysql.connect",
     "pymongo.MongoClient",
     "smtplib.SMTP", "smtplib.SMTP_SSL", "smtplib.LMTP",
     "shutil.copy", "shutil.copy2", "shutil.copyfile", "shutil.copytree", "shutil.copyfileobj",
     "shutil.move", "shutil.rmtree", "shutil.make_archive", "shutil.unpack_archive",
     # Whole-archive and whole-tree file work (single-syscall checks such as `os.path.exists`
     # or `os.remove` are left out: microseconds on a local disk, nothing a team would change).
     "zipfile.ZipFile", "tarfile.open", "os.walk", "glob.glob"]
    + [f"requests.{verb}" for verb in HTTP_VERBS]
    + [f"requests.Session.{verb}" for verb in (*HTTP_VERBS, "send")]
    + [f"httpx.{verb}" for verb in (*HTTP_VERBS, "stream")]
    + [f"httpx.Client.{verb}" for verb in (*HTTP_VERBS, "stream", "send")]
    + [f"pathlib.Path.{m}" for m in ("read_text", "read_bytes", "write_text", "write_bytes", "open")]
    + [f"socket.socket.{m}" for m in ("recv", "recv_into", "recvfrom", "send", "sendall", "sendto",
                                      "accept", "connect")]
    + [f"smtplib.SMTP.{m}" for m in ("sendmail", "send_message", "login", "starttls", "connect",
                                     "ehlo", "helo", "quit")]
    + [f"sqlalchemy.orm.Session.{m}" for m in _SESSION_IO]
    + [f"sqlmodel.Session.{m}" for m in (*_SESSION_IO, "exec")]
    + [f"{ENGINE}.{m}" for m in ("connect", "begin", "execute", "raw_connection", "scalar")]
    + [f"{CONNECTION}.{m}" for m in ("execute", "exec_driver_sql", "scalar", "scalars", "commit",
                                     "rollback", "begin", "close")]
    + [f"{INSPECTOR}.{m}" for m in ("get_schema_names", "get_table_names", "get_view_names",
                                    "get_columns", "get_indexes", "get_foreign_keys",
                                    "get_pk_constraint", "get_unique_constraints", "has_table",
                                    "has_schema", "get_sequence_names", "get_check_constraints")]
)

# A boto3 client: every method is an AWS API call except these, which work locally.
_BOTO3_LOCAL_METHODS = frozenset({"generate_presigned_url", "generate_presigned_post",
                                  "get_paginator", "get_waiter", "can_paginate", "close",
                                  "meta", "exceptions"})
# A boto3 resource: its sub-resources (`s3.Bucket("b")`) and collections are lazy.
_BOTO3_RESOURCE_LOCAL = frozenset({"meta", "filter", "all", "limit", "page_size", "objects",
                                   "buckets", "get_available_subresources"})

# Methods of a sync Redis client that do no I/O.
_REDIS_LOCAL_METHODS = frozenset({"pipeline", "pubsub", "lock", "register_script", "from_url",
                                  "get_encoder", "get_connection_kwargs", "connection_pool"})

# Canonical spelling of classes that libraries export under several names.
CLASS_ALIASES: dict[str, str] = {
    "requests.sessions.Session": "requests.Session",
    "requests.session()": "requests.Session",
    "requests.Session()": "requests.Session",
    "httpx._client.Client": "httpx.Client",
    "httpx._client.AsyncClient": "httpx.AsyncClient",
    "sqlalchemy.orm.session.Session": "sqlalchemy.orm.Session",
    "sqlalchemy.orm.sessionmaker()()": "sqlalchemy.orm.Session",
    "sqlalchemy.orm.session.sessionmaker()()": "sqlalchemy.orm.Session",
    "sqlalchemy.orm.scoped_session()()": "sqlalchemy.orm.Session",
    "sqlalchemy.orm.scoped_session()": "sqlalchemy.orm.Session",
    "sqlmodel.orm.session.Session": "sqlmodel.Session",
    "sqlmodel.main.Session": "sqlmodel.Session",
    # A sync SQLAlchemy engine and its connections (`with engine.connect() as conn`).
    "sqlalchemy.create_engine()": ENGINE,
    "sqlalchemy.engine.create_engine()": ENGINE,
    "sqlmodel.create_engine()": ENGINE,
    "sqlalchemy.Engine": ENGINE,
    "sqlalchemy.engine.base.Engine": ENGINE,
    "sqlalchemy.Connection": CONNECTION,
    "sqlalchemy.engine.base.Connection": CONNECTION,
    f"{ENGINE}.connect()": CONNECTION,
    f"{ENGINE}.begin()": CONNECTION,
    # `inspect(engine)` (inspecting an ORM object instead has none of the reflection methods).
    "sqlalchemy.inspect()": INSPECTOR,
    "sqlalchemy.inspection.inspect()": INSPECTOR,
    "sqlalchemy.engine.reflection.Inspector.from_engine()": INSPECTOR,
    "boto3.client()": BOTO3_CLIENT,
    "boto3.Session.client()": BOTO3_CLIENT,
    "boto3.session.Session.client()": BOTO3_CLIENT,
    "boto3.resource()": BOTO3_RESOURCE,
    "boto3.Session.resource()": BOTO3_RESOURCE,
    "boto3.session.Session.resource()": BOTO3_RESOURCE,
    "redis.StrictRedis": "redis.Redis",
    "redis.client.Redis": "redis.Redis",
    "redis.client.StrictRedis": "redis.Redis",
    "redis.from_url()": "redis.Redis",
    "redis.Redis.from_url()": "redis.Redis",
    "redis.asyncio.from_url()": "redis.asyncio.Redis",
    "redis.asyncio.Redis.from_url()": "redis.asyncio.Redis",
    "redis.asyncio.client.Redis": "redis.asyncio.Redis",
    "redis.asyncio.StrictRedis": "redis.asyncio.Redis",
    "socket.socket()": "socket.socket",
    "socket.create_connection()": "socket.socket",
    "pathlib.PosixPath": "pathlib.Path",
    "pathlib.WindowsPath": "pathlib.Path",
    "subprocess.Popen()": "subprocess.Popen",
    "starlette.concurrency.run_in_threadpool": "fastapi.concurrency.run_in_threadpool",
    "fastapi.routing.APIRouter": "fastapi.APIRouter",
    "starlette.requests.Request": "fastapi.Request",
    "fastapi.requests.Request": "fastapi.Request",
    "starlette.websockets.WebSocket": "fastapi.WebSocket",
    "fastapi.websockets.WebSocket": "fastapi.WebSocket",
    "fastapi.Request.state": "starlette.datastructures.State()",
    "fastapi.WebSocket.state": "starlette.datastructures.State()",
    "fastapi.Request.app": "fastapi.FastAPI()",
    "fastapi.WebSocket.app": "fastapi.FastAPI()",
    "fastapi.FastAPI.state": "starlette.datastructures.State()",
    "fastapi.applications.FastAPI": "fastapi.FastAPI",
    "starlette.applications.Starlette": "starlette.Starlette",
}

# pydantic's settings and model base classes, under every name they are exported as.
SETTINGS_BASES = frozenset({
    "pydantic_settings.BaseSettings", "pydantic_settings.main.BaseSettings",
    "pydantic.BaseSettings", "pydantic.v1.BaseSettings", "pydantic.env_settings.BaseSettings",
})
PYDANTIC_MODELS = frozenset({"pydantic.BaseModel", "pydantic.main.BaseModel", "pydantic.v1.BaseModel"})

# Readers that block only when given a path: over an in-memory buffer they are CPU work.
_BUFFER_READERS = frozenset({"zipfile.ZipFile", "tarfile.open"})
_MEMORY_BUFFERS = frozenset({"io.BytesIO()", "io.StringIO()", "io.BytesIO", "io.StringIO"})


def reads_memory_buffer(symbol: str, call: Val, canonical: Callable[[str], str]) -> bool:
    """`zipfile.ZipFile(BytesIO(content))`: an archive read from memory, not from disk."""
    if symbol not in _BUFFER_READERS:
        return False
    source = call.args[0] if call.args else (call.kwarg("file") or call.kwarg("fileobj"))
    if source is None and symbol == "tarfile.open":
        source = call.kwarg("fileobj")
    return source is not None and source.symbol is not None and canonical(source.symbol) in _MEMORY_BUFFERS


def is_blocking(symbol: str, extra: frozenset[str] = frozenset(),
                allowed: frozenset[str] = frozenset()) -> bool:
    """Whether a canonical callee symbol is a known blocking call."""
    # (Asked of every call by FL101 and FL102: the options, empty by default, are looked
    # through only when given.)
    if allowed and (symbol in allowed
                    or any(fnmatchcase(symbol, pattern) for pattern in allowed if "*" in pattern)):
        return False
    if symbol in BLOCKING_CALLS or symbol in extra:
        return True
    if symbol.startswith(BOTO3_CLIENT):
        method = symbol[len(BOTO3_CLIENT) + 1:]
        return method.isidentifier() and not method.startswith("_") and method not in _BOTO3_LOCAL_METHODS
    if symbol.startswith(BOTO3_RESOURCE):
        # `s3.Bucket("b").upload_file(...)`, `table.put_item(...)`: a method of a sub-resource.
        parts = symbol[len(BOTO3_RESOURCE) + 1:].split(".")
        return (len(parts) == 2 and parts[0][:1].isupper() and parts[1].isidentifier()
                and not parts[1].startswith("_") and parts[1] not in _BOTO3_RESOURCE_LOCAL)
    if symbol.startswith("redis.Redis."):
        method = symbol[len("redis.Redis."):]
        return "." not in method and not method.startswith("_") and method not in _REDIS_LOCAL_METHODS
    return bool(extra) and any(fnmatchcase(symbol, pattern) for pattern in extra if "*" in pattern)

