"""FL206 background-task-durable-work: work that must not be lost is run as a BackgroundTask.

Bad:
    @router.post("/orders")
    async def order(background_tasks: BackgroundTasks):
        background_tasks.add_task(charge_payment, order_id)   # lost if the worker restarts

Good:
    @router.post("/orders")
    async def order():
        charge_payment.delay(order_id)                        # a Celery task: durable, retried
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from fastlint.diagnostics import Diagnostic
from fastlint.facts.records import FunctionFact, Val
from fastlint.model.project import FunctionRef, Project
from fastlint.rules.base import ProjectRule

ADD_TASK = frozenset({"fastapi.BackgroundTasks.add_task", "starlette.background.BackgroundTasks.add_task",
                      "fastapi.background.BackgroundTasks.add_task"})
RETRY_DECORATORS = frozenset({"tenacity.retry", "backoff.on_exception", "backoff.on_predicate"})
SLEEPS = frozenset({"time.sleep", "asyncio.sleep", "anyio.sleep", "trio.sleep"})
# Words naming work that must not be lost (split from snake_case and camelCase names).
DURABLE_WORDS = {
    "email": "an email", "emails": "an email", "mail": "an email", "smtp": "an email",
    "payment": "a payment", "payments": "a payment", "pay": "a payment", "charge": "a payment",
    "invoice": "a payment", "refund": "a payment", "billing": "a payment", "payout": "a payment",
    "webhook": "a webhook delivery", "webhooks": "a webhook delivery",
}
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
QUEUES = "Celery, RQ, Dramatiq, arq"


class BackgroundTaskDurableWork(ProjectRule):
    code = "FL206"
    name = "background-task-durable-work"
    summary = "Retried or must-not-be-lost work runs as a BackgroundTask, which dies with the process"
    application_code_only = True
    default_on = False

    def check(self, project: Project) -> Iterator[Diagnostic]:
        for facts in project.reported_files():
            for call, symbol in zip(facts.calls, project.call_symbols(facts)):
                if symbol not in ADD_TASK:
                    continue
                task = call.call.args[0] if call.call.args else call.call.kwarg("func")
                target = _task_function(project, task)
                if target is None:
                    continue
                reason = durable_reason(project, target)
                if reason is None:
                    continue
                yield self.diagnostic(
                    facts, call.span,
                    f"`{call.text}({target.function.name})`: `{target.function.name}` {reason}, "
                    "but background tasks die with the process (deploy, crash, scale-down) and are "
                    f"lost: durable or retryable work belongs in a queue ({QUEUES})",
                    noqa_row=call.stmt_row,
                )


def _task_function(project: Project, task: Val | None) -> FunctionRef | None:
    if task is None or task.kind != "ref":
        return None
    return project.function_target(task.symbol)


def durable_reason(project: Project, target: FunctionRef) -> str | None:
    """Why a task's work must survive the process, or None."""
    function = target.function
    for decorator in function.decorators:
        symbol = decorator.symbol if decorator.kind == "ref" else decorator.value
        if isinstance(symbol, str) and project.canonical(symbol) in RETRY_DECORATORS:
            return "is retried (`@retry`)"
    if function.loops and _sleeps(project, target):
        return "loops with sleeps (polling or retrying)"
    kind = _durable_kind(function)
    if kind is not None:
        return f"is {kind} job that must not be lost"
    return None


def _sleeps(project: Project, target: FunctionRef) -> bool:
    for facts, call in project.callgraph.calls_by_function.get(target.qualname, ()):
        if project.canonical(call.call.value) in SLEEPS:  # type: ignore[arg-type]
            return True
    return False


def _durable_kind(function: FunctionFact) -> str | None:
    for word in _WORD.findall(function.name):
        kind = DURABLE_WORDS.get(word.lower())
        if kind is not None:
            return kind
    if function.docstring:
        for word in _WORD.findall(function.docstring.split("\n\n", 1)[0]):
            kind = DURABLE_WORDS.get(word.lower())
            if kind is not None:
                return kind
    return None
