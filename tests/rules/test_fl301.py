"""FL301 fat-route: flagged, near misses, options."""

import pytest

from fastlint.testing import lines, lint

HEADER = """
from fastapi import APIRouter
router = APIRouter(prefix="/api/v1")
"""


def route(body: str, head: str = "@router.post(\"/orders\")\nasync def create(order: dict):") -> str:
    indented = "\n".join("    " + line if line else line for line in body.strip("\n").splitlines())
    return HEADER + head + "\n" + indented + "\n"


THIRTEEN_STATEMENTS = "\n".join(f"x{i} = {i}" for i in range(13))
TWELVE_STATEMENTS = "\n".join(f"x{i} = {i}" for i in range(12))
FOUR_BRANCHES = """
if order:
    pass
elif order is None:
    pass
for item in order:
    pass
while False:
    pass
"""

FLAGGED = [
    pytest.param(route(THIRTEEN_STATEMENTS), [5], id="thirteen-statements"),
    pytest.param(route(FOUR_BRANCHES), [5], id="four-branches-elif-counts"),
    pytest.param(route(THIRTEEN_STATEMENTS, "@router.post(\"/orders\")\ndef create(order: dict):"),
                 [5], id="def-route-that-is-fat-is-still-fat"),
    pytest.param(route("""
try:
    if order:
        with open("x") as handle:
            for line in handle:
                if line:
                    pass
except ValueError:
    pass
"""), [5], id="nested-branches-count"),
    pytest.param(
        HEADER + "@router.get('/a')\n@router.get('/b')\ndef both():\n" +
        "\n".join(f"    x{i} = {i}" for i in range(13)) + "\n",
        [6], id="one-finding-per-handler-at-def",
    ),
]

NOT_FLAGGED = [
    pytest.param(route(TWELVE_STATEMENTS), id="twelve-statements-is-the-limit"),
    pytest.param(route('"""A long docstring."""\n' + TWELVE_STATEMENTS), id="docstring-not-counted"),
    pytest.param(HEADER + """
from app.services.orders import OrderService, get_order_service
from fastapi import Depends

@router.post("/orders")
async def create(order: dict, service: OrderService = Depends(get_order_service)):
    return await service.create(order)
""", id="thin-route-calling-a-service"),
    pytest.param("\n".join(["async def helper(order):"] + [f"    x{i} = {i}" for i in range(30)]),
                 id="fat-function-that-is-not-a-route"),
    pytest.param(route("""
def validate(order):
""" + "\n".join(f"    x{i} = {i}" for i in range(20)) + "\nreturn validate(order)"),
                 id="nested-def-body-counts-for-the-nested-function"),
]


@pytest.mark.parametrize(("source", "expected"), FLAGGED)
def test_flagged(source, expected):
    assert lines(source, "FL301") == expected


@pytest.mark.parametrize("source", NOT_FLAGGED)
def test_not_flagged(source):
    assert lines(source, "FL301") == []


def test_message_names_route_counts_and_what_to_do():
    (finding,) = lint(route(THIRTEEN_STATEMENTS), "FL301")
    assert finding.message == (
        "route POST /orders (`create`) holds business logic: 13 statements (max 12): "
        "move the logic into a service, keep the route as orchestration"
    )


def test_limits_are_options():
    pyproject = "[tool.fastlint]\nmax-route-statements = 13\nmax-route-branches = 4\n"
    assert lines(route(THIRTEEN_STATEMENTS), "FL301", pyproject=pyproject) == []
    assert lines(route(FOUR_BRANCHES), "FL301", pyproject=pyproject) == []
