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


# A server-rendered admin page (tagflow-style builders): load, 404, call a service, render.
ADMIN_PAGE = """
order = await orders.get(order_id)
if order is None:
    raise HTTPException(status_code=404)
total = await pricing.total(order)
with tag.div(classes="card"):
    with tag.h1():
        text(order.reference)
    with tag.table():
        for line in order.lines:
            with tag.tr():
                with tag.td():
                    text(line.name)
                with tag.td():
                    if line.discount:
                        text("discounted")
                    text(str(line.amount))
    with tag.p():
        text(f"total {total}")
return HTMLResponse(str(tag))
"""
FORM_ROUTE = """
order = await orders.get(order_id)
if not order:
    raise HTTPException(status_code=404)
if request.method == "POST":
    form = await request.form()
    await orders.update(order, form)
    flash(request, "Saved")
    return RedirectResponse(f"/orders/{order_id}", status_code=303)
return templates.TemplateResponse("edit.html", {"request": request, "order": order})
"""
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
    pytest.param(route("\n".join(f"if order.get('f{i}') != 'ok':\n    raise HTTPException(400)" for i in range(4))),
                 [5], id="validations-that-raise-are-branches"),
    pytest.param(route("with db.begin():\n" + "\n".join(f"    db.add({i})" for i in range(13))),
                 [5], id="transaction-block-is-not-markup"),
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
    pytest.param(route(ADMIN_PAGE, "@router.get(\"/orders/{order_id}\")\nasync def order_page(order_id: int, request: Request):"),
                 id="server-rendered-page-markup-and-404-do-not-count"),
    pytest.param(route("\n".join(f"logger.info('step {i}')\nx{i} = {i}" for i in range(12))
                       + "\nif x0 is None:\n    return JSONResponse({}, status_code=404)"),
                 id="logging-and-error-responses-do-not-count"),
    pytest.param(route(FORM_ROUTE, "@router.api_route(\"/orders/{order_id}/edit\", methods=[\"GET\", \"POST\"])\n"
                                   "async def edit(order_id: int, request: Request):"),
                 id="form-dispatch-redirect-and-flash-do-not-count"),
]

MARKUP_WITH_LOGIC = ADMIN_PAGE + """
for line in order.lines:
    if line.discount:
        total = total - line.discount
    elif line.tax:
        total = total + line.tax
if total < 0:
    total = 0
"""


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


def test_logic_inside_a_markup_page_still_counts():
    source = route(MARKUP_WITH_LOGIC, "@router.get(\"/orders/{order_id}\")\nasync def order_page(order_id: int):")
    (finding,) = lint(source, "FL301")
    assert "4 branches (max 3) (4 branches, 1 loop)" in finding.message


def test_message_names_the_biggest_contributors():
    source = SESSION_HEADER + route(FAT_WITH_QUERIES, "@router.post(\"/orders\")\ndef create(order: dict, db: Session):")
    (finding,) = lint(source, "FL301")
    assert finding.message == (
        "route POST /orders (`create`) holds business logic: 14 statements (max 12) and 5 branches "
        "(max 3) (5 branches, 3 database calls, 2 loops): "
        "move the logic into a service, keep the route as orchestration"
    )


SESSION_HEADER = "from sqlalchemy import select\nfrom sqlalchemy.orm import Session\n"
FAT_WITH_QUERIES = """
rows = db.execute(select(1)).all()
total = 0
for row in rows:
    if row.active:
        total += row.amount
for item in order["items"]:
    if item["qty"] > 10:
        total -= 1
if total > 100:
    db.add(order)
    db.commit()
note = "big"
log = note
return total
"""


def test_limits_are_options():
    pyproject = "[tool.fastlint]\nmax-route-statements = 13\nmax-route-branches = 4\n"
    assert lines(route(THIRTEEN_STATEMENTS), "FL301", pyproject=pyproject) == []
    assert lines(route(FOUR_BRANCHES), "FL301", pyproject=pyproject) == []
