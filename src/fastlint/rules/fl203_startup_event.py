"""FL203 startup-event: `@app.on_event("startup"/"shutdown")` and `add_event_handler` are
deprecated: startup and shutdown belong in one lifespan.

Bad:
    @app.on_event("startup")
    async def connect():
        await db.connect()

Good:
    @asynccontextmanager
    async def lifespan(app):
        await db.connect()
        yield
        await db.disconnect()

    app = FastAPI(lifespan=lifespan)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from fastlint.diagnostics import Diagnostic, Fix
from fastlint.facts.records import CallFact, FileFacts, FunctionFact, Span, Val
from fastlint.model.fastapi_model import RouteOwner
from fastlint.rules.lifespan_rewrite import Registration, lifespan_fix
from fastlint.model.project import Project
from fastlint.rules.base import ProjectRule

_BLOCKING_KEYWORDS = ("lifespan", "on_startup", "on_shutdown", "**")


@dataclass(frozen=True, slots=True)
class _Found:
    facts: FileFacts
    registration: Registration
    owner: RouteOwner | None
    text: str  # how the finding names it: `@app.on_event("startup")`
    noqa_row: int
    span: Span  # where it is reported: the decorator, `@` included, or the call


# FastAPI 0.93.0 added `FastAPI(lifespan=...)`; before it, `on_event` is the only way.
LIFESPAN_SINCE = (0, 93)


class StartupEvent(ProjectRule):
    code = "FL203"
    name = "startup-event"
    summary = "`on_event` startup/shutdown handlers are deprecated: use a lifespan"
    application_code_only = True
    fix_availability = "unsafe"

    def check(self, project: Project) -> Iterator[Diagnostic]:
        pin = project.layout.fastapi_pin
        if pin is not None and pin.version < LIFESPAN_SINCE:
            return  # `FastAPI(lifespan=...)` would be silently ignored by the pinned version
        found = list(self._registrations(project))
        fixes = self._fixes(project, found) if found else {}
        for item in found:
            event = item.registration.event
            yield self.diagnostic(
                item.facts, item.span,
                f"`{item.text}` is deprecated: move this {event or 'event'} code into a lifespan "
                "(`@asynccontextmanager async def lifespan(app)`: startup, `yield`, shutdown) "
                "passed as `FastAPI(lifespan=lifespan)`",
                fixes.get(item.owner.key) if item.owner is not None else None,
                item.noqa_row,
            )

    def _registrations(self, project: Project) -> Iterator[_Found]:
        for facts in project.files:
            decorated, calls = self.in_file(project, facts, "event methods", lambda: _event_methods(facts))
            for function in decorated:
                # The decorator is evaluated where the def is: its enclosing function, if any.
                scope = project.functions.get(function.qualname.rsplit(".", 1)[0]) if function.nested else None
                scope_function = scope.function if scope is not None else None
                for decorator in function.decorators:
                    if not self._is_event_method(project, facts, decorator, "on_event", scope_function):
                        continue
                    event = project.string_value(decorator.args[0] if decorator.args
                                                 else decorator.kwarg("event_type")) or ""
                    registration = Registration(event, decorator.span, project.functions.get(function.qualname),
                                                decorates=True)
                    yield _Found(facts, registration, _owner(project, facts, decorator.target, scope_function),
                                 f"@{_text(project, facts, decorator.span)}", decorator.span.row,
                                 _with_at_sign(project, facts, decorator.span))
            for call in calls:
                caller = project.function_of(facts, call)
                if not self._is_event_method(project, facts, call.call, "add_event_handler", caller):
                    continue
                value = call.call
                event = project.string_value(value.args[0] if value.args else value.kwarg("event_type")) or ""
                handler = value.args[1] if len(value.args) > 1 else value.kwarg("func")
                target = project.function_target(handler.symbol) \
                    if handler is not None and handler.kind == "ref" else None
                registration = Registration(event, call.span, target, decorates=False)
                yield _Found(facts, registration, _owner(project, facts, value.target, caller),
                             f'{call.text}("{event}", ...)', call.stmt_row, call.span)

    def _is_event_method(self, project: Project, facts: FileFacts, value: Val, method: str,
                         function: FunctionFact | None) -> bool:
        """`<app or router>.<method>(...)`."""
        callee = value.value
        if value.kind != "call" or not isinstance(callee, str) or not callee.endswith(f".{method}"):
            return False
        if _owner(project, facts, value.target, function) is not None:
            return True
        model = project.fastapi
        owner_type = project.canonical(callee).rsplit(".", 1)[0].removesuffix(".router")
        return owner_type in model.app_classes or owner_type in model.router_classes

    def _fixes(self, project: Project, found: list[_Found]) -> dict[tuple[str, int, int], Fix]:
        """One fix per app, when every registration in the project belongs to an app built in
        the module that registers it (else adding a lifespan could silently drop handlers)."""
        groups: dict[tuple[str, int, int], list[_Found]] = defaultdict(list)
        for item in found:
            owner = item.owner
            if owner is None or owner.kind != "app" or owner.facts.path != item.facts.path:
                return {}
            groups[owner.key].append(item)
        imported = {imported.target for facts in project.files for imported in facts.imports}
        fixes = {}
        for key, items in groups.items():
            owner = items[0].owner
            if any(owner.call.has_kwarg(keyword) for keyword in _BLOCKING_KEYWORDS):  # type: ignore[union-attr]
                continue
            source = project.source(owner.facts.path)  # type: ignore[union-attr]
            app_call = next((c for c in owner.facts.calls if c.span == owner.call.span), None)  # type: ignore[union-attr]
            if source is None or app_call is None:
                continue
            fix = lifespan_fix(source, app_call, owner.name, [i.registration for i in items],  # type: ignore[union-attr]
                               imported.__contains__)
            if fix is not None:
                fixes[key] = fix
        return fixes


def _owner(project: Project, facts: FileFacts, receiver: Val | None,
           function: FunctionFact | None) -> RouteOwner | None:
    """The app or router events are registered on: `app`, or the app's own `app.router`."""
    model = project.fastapi
    owner = model.owner_of(receiver, facts, function)
    if owner is None and receiver is not None and receiver.kind == "ref" \
            and isinstance(receiver.value, str) and receiver.value.endswith(".router"):
        owner = model.owner_of(Val("ref", receiver.value[: -len(".router")]), facts, function)
        if owner is not None and owner.kind != "app":
            return None
    return owner


def _with_at_sign(project: Project, facts: FileFacts, span: Span) -> Span:
    source = project.source(facts.path)
    if source is not None and span.col > 0 and source.line(span.row)[span.col - 1] == "@":
        return span._replace(col=span.col - 1)
    return span


def _text(project: Project, facts: FileFacts, span: Span) -> str:
    """The decorator as written, when it fits on one line."""
    source = project.source(facts.path)
    if source is None or span.row != span.end_row:
        return "on_event(...)"
    return source.line(span.row)[span.col:span.end_col]


def _event_methods(facts: FileFacts) -> Iterator[tuple[FunctionFact, ...] | tuple[CallFact, ...]]:
    """The functions with a decorator named `….on_event`, and the calls of `….add_event_handler`
    (whether on an app or router is for the project to tell): the two parts of a file's
    candidates, in order."""
    yield tuple(function for function in facts.functions
                if any(_named(decorator, "on_event") for decorator in function.decorators))
    yield tuple(call for call in facts.calls  # `_named(call.call, "add_event_handler")`, inline
                if isinstance(call.call.value, str) and call.call.value.endswith(".add_event_handler")
                and call.call.kind == "call")


def _named(value: Val, method: str) -> bool:
    return value.kind == "call" and isinstance(value.value, str) and value.value.endswith(f".{method}")
