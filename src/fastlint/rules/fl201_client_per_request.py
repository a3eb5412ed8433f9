"""FL201 client-per-request: a long-lived client (connection pool) is built on every request.

Bad:
    @router.get("/users/{id}")
    async def get_user(id: int):
        async with httpx.AsyncClient() as client:
            return (await client.get(f"{BASE}/users/{id}")).json()

Good:
    @asynccontextmanager
    async def lifespan(app):
        app.state.http = httpx.AsyncClient(timeout=10.0)
        yield
        await app.state.http.aclose()
"""

from __future__ import annotations

from collections.abc import Iterator

from fastlint.diagnostics import Diagnostic
from fastlint.facts.records import CallFact, FileFacts, FunctionFact, Val
from fastlint.model.project import Project
from fastlint.rules.base import ProjectRule

# Constructors of clients that own a connection pool (canonical symbols).
CLIENT_CONSTRUCTORS = frozenset({
    "httpx.AsyncClient", "httpx.Client",
    "aiohttp.ClientSession",
    "redis.Redis", "redis.from_url", "redis.Redis.from_url", "redis.ConnectionPool",
    "redis.asyncio.Redis", "redis.asyncio.from_url", "redis.asyncio.Redis.from_url",
    "redis.asyncio.ConnectionPool", "redis.cluster.RedisCluster",
    "redis.asyncio.cluster.RedisCluster", "aioredis.from_url", "aioredis.Redis",
    "sqlalchemy.create_engine", "sqlalchemy.engine.create_engine",
    "sqlalchemy.ext.asyncio.create_async_engine", "sqlmodel.create_engine",
    "pymongo.MongoClient", "motor.motor_asyncio.AsyncIOMotorClient",
    "boto3.client", "boto3.resource", "boto3.Session", "boto3.session.Session",
    "aioboto3.Session",
    "openai.OpenAI", "openai.AsyncOpenAI", "openai.AzureOpenAI", "openai.AsyncAzureOpenAI",
    "anthropic.Anthropic", "anthropic.AsyncAnthropic",
    "elasticsearch.Elasticsearch", "elasticsearch.AsyncElasticsearch",
    "asyncpg.create_pool", "aiokafka.AIOKafkaProducer",
})


class ClientPerRequest(ProjectRule):
    code = "FL201"
    name = "client-per-request"
    summary = "A long-lived client (a connection pool) is created on every request"
    application_code_only = True
    severity = "error"

    def check(self, project: Project) -> Iterator[Diagnostic]:
        per_request = project.per_request
        for facts in project.reported_files():
            if not facts.calls:
                continue
            functions = facts.functions
            for call in self.in_file(project, facts, "clients", lambda: _clients_built(project, facts)):
                function = functions[call.function]
                path = per_request.path_through(function.qualname, call.guards)
                if path is None:
                    continue
                yield self.diagnostic(
                    facts, call.span,
                    f"{call.text}() is created on every {per_request.describe(path)}: create it "
                    "once in the lifespan, keep it on app.state, inject it with a dependency",
                    noqa_row=call.stmt_row,
                )


def _clients_built(project: Project, facts: FileFacts) -> Iterator[CallFact]:
    """The calls in a file's functions that build a client each time they run (not kept
    for later in a global or an attribute)."""
    functions = facts.functions
    stored: set | None = None
    for call, symbol in zip(facts.calls, project.call_symbols(facts)):
        if call.function < 0 or call.in_lambda or call.once:
            continue
        if symbol not in CLIENT_CONSTRUCTORS and not (
            symbol in project.stored_factories and _calls_stored_factory(project, call)
        ):
            continue
        if _pool_not_built_here(call.call) or _credentials_of_the_call(symbol, call.call):
            continue
        if stored is None:
            stored = {b.value.span for b in facts.bindings if b.value.kind == "call"}
        if not _kept_for_later(project, facts, call, functions[call.function], stored):
            yield call


def _pool_not_built_here(built: Val) -> bool:
    """An httpx client's pool is its `transport`, an aiohttp session's its `connector`. Given
    one kept elsewhere (`transport=SHARED`, `connector=self._connector`), the client reuses
    that pool. Given one built from this call's own data (`AsyncSecureTransport(verified_ip)`,
    `TCPConnector(allow_private=allowed)`: an address just resolved and vetted, a per-target
    policy), the pool cannot be shared, and neither can the client. Either way there is
    nothing to move to the lifespan. An in-process transport (`httpx.ASGITransport(app=...)`)
    has no connections to pool at all: the client calls an app in the same process. A pool
    built from constants is reported."""
    for name, value in built.kwargs:
        if name in _POOL_ARGUMENTS:
            return value.kind != "call" or value.value in _IN_PROCESS_TRANSPORTS \
                or _from_call_data(value)
    return False


def _from_call_data(value: Val) -> bool:
    """Whether a value depends on a parameter or a computed local (kind `unknown`)."""
    if value.kind == "unknown":
        return True
    if value.kind == "call":
        parts: tuple[Val, ...] = (*value.args, *(part for _, part in value.kwargs))
    elif value.kind in ("list", "fstr"):
        parts = value.value  # type: ignore[assignment]
    else:
        return False
    return any(_from_call_data(part) for part in parts)


_POOL_ARGUMENTS = frozenset({"transport", "connector"})
_IN_PROCESS_TRANSPORTS = frozenset({"httpx.ASGITransport", "httpx.WSGITransport"})
_AWS_CREDENTIALS = frozenset({"aws_access_key_id", "aws_secret_access_key", "aws_session_token"})


def _credentials_of_the_call(symbol: str | None, built: Val) -> bool:
    """An AWS client signed with credentials this call was given or just obtained
    (`aws_session_token=sts_response["Credentials"]["SessionToken"]`, a caller's keys): a
    client holds its credentials, so it cannot be one shared client. Credentials from settings
    or constants are reported."""
    return (symbol or "").startswith(("boto3.", "aioboto3.")) and any(
        name in _AWS_CREDENTIALS and _from_call_data(value) for name, value in built.kwargs)


def _calls_stored_factory(project: Project, call: CallFact) -> bool:
    """`self.get_client()` where `self.get_client = lambda: AsyncOpenAI(...)`: each call
    builds a client (a project function that does is reported where it builds it)."""
    callee = call.call.value
    if not isinstance(callee, str) or project.function_target(callee) is not None:
        return False
    built = project.canonical(f"{callee}()")
    return built.removesuffix("()") in CLIENT_CONSTRUCTORS


def _kept_for_later(project: Project, facts: FileFacts, call: CallFact, function: FunctionFact,
                    stored: set) -> bool:
    """A client created lazily, once: assigned to a module global (`global _client`) or to
    an attribute of `self` outside `__init__` (`if self._client is None: self._client = ...`)."""
    if call.assigned_to and f"{facts.module}.{call.assigned_to}" in project.bindings:
        return True
    return call.span in stored and function.name != "__init__"
