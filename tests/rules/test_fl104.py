"""FL104 sequential-independent-awaits (opt-in): flagged, near misses."""

import pytest

from fastlint.testing import lines

FLAGGED = [
    pytest.param(
        """
        async def f(uid):
            user = await get_user(uid)
            orders = await get_orders(uid)
            return user, orders
        """,
        [3],
        id="two-independent-calls",
    ),
    pytest.param(
        """
        async def f(a, b, c):
            x = await a.load()
            z = await b.notify()
            y: int = await c.count()
            return x, y
        """,
        [3],
        id="three-on-different-objects",
    ),
    pytest.param(
        """
        async def f(items, client):
            for item in items:
                sent = await client.post(item)
                logged = await audit(item)
        """,
        [4],
        id="inside-a-loop",
    ),
]

NOT_FLAGGED = [
    pytest.param(
        """
        async def f(uid):
            user = await get_user(uid)
            orders = await get_orders(user.id)
            return orders
        """,
        id="later-uses-earlier-result",
    ),
    pytest.param(
        """
        async def f(db, a, b):
            first = await db.execute(a)
            second = await db.execute(b)
        """,
        id="same-session",
    ),
    pytest.param(
        """
        import asyncio

        async def f(ws, msg):
            sent = await ws.send_text(msg)
            slept = await asyncio.sleep(1)
            done = await notify(msg)
        """,
        id="ordered-calls",
    ),
    pytest.param(
        """
        async def f(queue, pool):
            message = await enqueue(queue, pool)
            first = await queue.reserve(pool)
        """,
        id="argument-of-one-receiver-of-the-next",
    ),
    pytest.param(
        """
        async def f(db, cart):
            saved = await save(cart)
            committed = await db.commit()
        """,
        id="commit-ends-the-run",
    ),
    pytest.param(
        """
        async def f(user, uid):
            await check_permission(user)
            memories = await get_memories(uid)
            return memories
        """,
        id="bare-await-is-called-for-its-effect",
    ),
    pytest.param(
        """
        async def f(uid):
            user = await get_user(uid)
            log(user)
            orders = await get_orders(uid)
        """,
        id="not-consecutive",
    ),
    pytest.param(
        """
        def f(uid):
            a = get_user(uid)
            b = get_orders(uid)
        """,
        id="sync-function",
    ),
]


@pytest.mark.parametrize(("source", "expected"), FLAGGED)
def test_flagged(source, expected):
    assert lines(source, "FL104") == expected


@pytest.mark.parametrize("source", NOT_FLAGGED)
def test_not_flagged(source):
    assert lines(source, "FL104") == []


def test_off_by_default():
    assert lines("async def f(u):\n    a = await g(u)\n    b = await h(u)\n") == []
