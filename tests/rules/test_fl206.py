"""FL206 background-task-durable-work (opt-in): flagged and near misses."""

import pytest

from fastlint.testing import lines, lint

HEAD = """
import asyncio, time
from fastapi import APIRouter, BackgroundTasks
from tenacity import retry, stop_after_attempt
router = APIRouter()
"""

FLAGGED = [
    pytest.param(
        HEAD + """
def send_welcome_email(address): ...

def deliverWebhook(url): ...

def notify(order):
    \"\"\"Charge the payment for an order.\"\"\"

@router.post("/a")
async def a(background_tasks: BackgroundTasks):
    background_tasks.add_task(send_welcome_email, "x")
    background_tasks.add_task(deliverWebhook, "u")
    background_tasks.add_task(notify, 1)
""",
        [16, 17, 18],
        id="named-or-documented-durable-jobs",
    ),
    pytest.param(
        HEAD + """
@retry(stop=stop_after_attempt(3))
def sync_crm(user): ...

async def wait_for_report(job):
    while True:
        await asyncio.sleep(5)

@router.post("/b")
def b(tasks: BackgroundTasks):
    tasks.add_task(sync_crm, 1)
    tasks.add_task(wait_for_report, 2)
""",
        [16, 17],
        id="retried-or-polling",
    ),
]

NOT_FLAGGED = [
    pytest.param(
        HEAD + """
from fastapi_mail import FastMail

def record_visit(path): ...

def refresh(keys):
    for key in keys:
        print(key)

def wait_once():
    time.sleep(1)

@router.post("/a")
async def a(background_tasks: BackgroundTasks, mailer: FastMail):
    background_tasks.add_task(record_visit, "/a")
    background_tasks.add_task(refresh, [])
    background_tasks.add_task(wait_once)
    background_tasks.add_task(mailer.send_message, "m")
""",
        id="harmless-work-and-library-functions",
    ),
    pytest.param(
        HEAD + """
def send_email(to): ...

class Scheduler:
    def add_task(self, f, *args): ...

def schedule(s: Scheduler):
    s.add_task(send_email, "x")
""",
        id="add-task-of-something-else",
    ),
]


@pytest.mark.parametrize(("source", "expected"), FLAGGED)
def test_flagged(source, expected):
    assert lines(source, "FL206") == expected


@pytest.mark.parametrize("source", NOT_FLAGGED)
def test_not_flagged(source):
    assert lines(source, "FL206") == []


def test_is_opt_in():
    assert "FL206" not in {d.code for d in lint(FLAGGED[0].values[0])}


def test_message_names_the_queues():
    message = lint(FLAGGED[0].values[0], "FL206")[0].message
    assert "`send_welcome_email` is an email job" in message
    assert "Celery, RQ, Dramatiq, arq" in message
