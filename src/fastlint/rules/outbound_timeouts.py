"""The search for outbound HTTP calls and clients without an explicit timeout, shared by
FL202 (those that can wait forever: `requests`, `urlopen`, aiohttp, `timeout=None`) and FL207
(httpx's bounded implicit default); each rule says which it reports.
"""

from __future__ import annotations

from collections.abc import Iterator

from fastlint.facts.catalog import HTTP_VERBS
from fastlint.diagnostics import Applicability, Diagnostic, Edit, Fix, ImportNeeded
from fastlint.facts.records import CallFact, FileFacts, Val
from fastlint.rules.fixes import add_keyword
from fastlint.model.project import Project
from fastlint.rules.base import Option, ProjectRule
from fastlint.files.source import SourceFile

# Calls that must be given a timeout (canonical symbol → position of a positional timeout).
NEEDS_TIMEOUT: dict[str, int | None] = {
    **{f"requests.{verb}": None for verb in HTTP_VERBS},
    **{f"requests.api.{verb}": None for verb in HTTP_VERBS},
    **{f"requests.Session.{verb}": None for verb in HTTP_VERBS if verb != "request"},
    "requests.Session.request": 8,
    "urllib.request.urlopen": 2,
    "aiohttp.ClientSession": None,
    "httpx.Client": None,
    "httpx.AsyncClient": None,
    **{f"httpx.{verb}": None for verb in (*HTTP_VERBS, "stream")},
}
# Calls that inherit a timeout from their client, unless given `timeout=None`.
INHERITS_TIMEOUT = frozenset(
    [f"httpx.{client}.{verb}" for client in ("Client", "AsyncClient") for verb in (*HTTP_VERBS, "stream", "send")]
    + [f"aiohttp.ClientSession.{verb}" for verb in (*HTTP_VERBS, "ws_connect")]
)
# Clients served in-process (tests, ASGI apps): no network, no timeout needed.
_IN_PROCESS_KEYWORDS = ("app", "transport")
_AIOHTTP_SESSION = "aiohttp.ClientSession"
# Requests that read an event stream or a websocket: `timeout=None` there is the point.
_OPEN_ENDED = frozenset({"stream", "ws_connect"})


def is_implicit_default(symbol: str, timeout: Val | None) -> bool:
    """httpx without `timeout=`: its 5-second default applies (bounded, FL207's case)."""
    return timeout is None and symbol.startswith("httpx.")


class TimeoutRule(ProjectRule):
    """Finds the outbound calls and clients without an explicit timeout; a subclass says
    which of them it reports (`reports`)."""

    application_code_only = True
    fix_availability = "unsafe"
    options = (
        Option("fix.default-timeout", 10.0, "float",
               "The timeout, in seconds, that the fix adds (`[tool.fastlint.fix] default-timeout`)."),
    )

    def reports(self, symbol: str, timeout: Val | None) -> bool:
        raise NotImplementedError

    def check(self, project: Project) -> Iterator[Diagnostic]:
        return self.findings_by_file(project, lambda facts: self._in_file(project, facts))

    def _in_file(self, project: Project, facts: FileFacts) -> Iterator[Diagnostic]:
        for call, symbol in zip(facts.calls, project.call_symbols(facts)):
            if symbol in NEEDS_TIMEOUT:
                timeout = _timeout_argument(call.call, NEEDS_TIMEOUT[symbol])
                if timeout is not None and not _is_none(project, timeout):
                    continue
                if symbol in ("httpx.Client", "httpx.AsyncClient") and any(
                    call.call.has_kwarg(name) for name in _IN_PROCESS_KEYWORDS
                ):
                    continue
                if symbol == _AIOHTTP_SESSION and _every_request_has_a_timeout(project, facts, call):
                    continue
            elif symbol in INHERITS_TIMEOUT:
                timeout = call.call.kwarg("timeout")
                if timeout is None or not _is_none(project, timeout):
                    continue
                if symbol.rsplit(".", 1)[-1] in _OPEN_ENDED:
                    continue  # an event stream or websocket read for as long as it lives
            else:
                continue
            if call.call.has_kwarg("**"):
                continue  # the timeout may be in the unpacked mapping
            if self.reports(symbol, timeout):
                yield self._finding(project, facts, call, symbol, timeout)

    def _finding(self, project: Project, facts: FileFacts, call: CallFact, symbol: str,
                 timeout: Val | None) -> Diagnostic:
        source = project.source(facts.path)
        fix = self._fix(source, call, symbol, timeout) if source is not None else None
        return self.diagnostic(facts, call.span, _message(call.text, symbol, timeout), fix, call.stmt_row)

    def _fix(self, source: SourceFile, call: CallFact, symbol: str, timeout: Val | None) -> Fix | None:
        seconds = self.option("fix.default-timeout")
        imports: tuple[ImportNeeded, ...] = ()
        value = repr(seconds)
        if symbol == _AIOHTTP_SESSION:
            value = f"aiohttp.ClientTimeout(total={seconds!r})"
            imports = (ImportNeeded("aiohttp"),)
        if timeout is not None:
            span = timeout.span
            if span is None or timeout.kind != "const":
                return None
            edit: Edit | None = Edit(span.row, span.col, span.end_row, span.end_col, value)
        else:
            edit = add_keyword(source, call.func_end, (call.span.end_row, call.span.end_col),
                               f"timeout={value}")
        if edit is None:
            return None
        return Fix(Applicability.UNSAFE, (edit,), f"Add `timeout={value}`", imports)


def _message(text: str, symbol: str, timeout: Val | None) -> str:
    """What the missing timeout means for this library, and what to do."""
    if timeout is not None:
        return (f"`{text}()` has `timeout=None`, so it never times out: a server that never "
                "answers holds the request (and its worker) forever; pass `timeout=` in seconds")
    if symbol.startswith("httpx."):
        return (f"`{text}()` has no explicit timeout: it gets httpx's implicit 5-second default, "
                "whatever this upstream needs; pass `timeout=` in seconds")
    if symbol == _AIOHTTP_SESSION:
        return (f"`{text}()` has no timeout: aiohttp's default lets each request hang for 5 "
                "minutes; pass `timeout=aiohttp.ClientTimeout(total=...)`")
    return (f"`{text}()` has no timeout: a server that never answers holds the request (and its "
            "worker) forever; pass `timeout=` in seconds")


def _every_request_has_a_timeout(project: Project, facts: FileFacts, session: CallFact) -> bool:
    """An `aiohttp.ClientSession()` whose requests, in the function that opens it, each pass
    `timeout=` (`async with ClientSession() as s: await s.post(url, timeout=30)`)."""
    requests = [
        call for call in facts.calls
        if call.function == session.function and call is not session
        and project.canonical(call.call.value or "").startswith(_AIOHTTP_SESSION + ".")  # type: ignore[arg-type]
        and project.canonical(call.call.value or "") in INHERITS_TIMEOUT  # type: ignore[arg-type]
    ]
    return bool(requests) and all(call.call.has_kwarg("timeout") for call in requests)


def _timeout_argument(call: Val, position: int | None) -> Val | None:
    found = call.kwarg("timeout")
    if found is None and position is not None and len(call.args) > position:
        found = call.args[position]
    return found


def _is_none(project: Project, value: Val) -> bool:
    resolved = project.resolve_value(value)
    return resolved is not None and resolved.kind == "const" and resolved.value is None
