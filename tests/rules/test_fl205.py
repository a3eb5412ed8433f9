"""FL205 cache-without-ttl: flagged and near misses."""

import pytest

from fastlint.testing import lines

FLAGGED = [
    pytest.param(
        """
        import redis
        import redis.asyncio as aredis

        cache = redis.Redis()
        acache = aredis.from_url("redis://x")

        async def f(value):
            cache.set("k", value)
            await acache.set("k", value, nx=True)
            redis.from_url("redis://x").set(f"cache:{value}", value, ex=None)
        """,
        [9, 10, 11],
        id="module-clients-and-expiry-none",
    ),
    pytest.param(
        """
        from redis.asyncio import Redis

        class Store:
            def __init__(self):
                self.redis = Redis.from_url("redis://x")

            async def profile(self, user_id):
                cached = await self.redis.get(user_id)
                if cached is not None:
                    return cached
                value = await load(user_id)
                await self.redis.set(user_id, value)
                return value

        async def cache_price(r: Redis, key):
            await r.set(key, 1)
            await r.expire("other-key", 5)
        """,
        [13, 17],
        id="cache-aside-attribute-parameter-and-expiry-of-another-key",
    ),
    pytest.param(
        {
            "app/__init__.py": "",
            "app/cache.py": "import redis\nclient = redis.StrictRedis()\n",
            "app/use.py": "from app.cache import client\n\ndef put(v):\n    client.set('cache:k', v)\n",
        },
        [4],
        id="client-from-another-module",
    ),
]

NOT_FLAGGED = [
    pytest.param(
        """
        import redis
        cache = redis.Redis()

        def f(key, value, options):
            cache.set("a", value, ex=60)
            cache.set("b", value, px=500)
            cache.set("c", value, 60)
            cache.set("d", value, keepttl=True)
            cache.set("e", value, **options)
            cache.setex("f", 60, value)
            cache.set(key, value)
            cache.expire(key, 60)
            cache.set("g", value)
            cache.expire("g", 60)
        """,
        id="expiry-given-or-set-later",
    ),
    pytest.param(
        """
        import threading

        def f(ready: threading.Event, values: set, d: dict):
            ready.set()
            values.add(1)
            d.update(a=1)

        class Flags:
            def set(self, key, value): ...

        Flags().set("k", 1)
        """,
        id="other-set-methods",
    ),
    pytest.param(
        """
        from redis.asyncio import Redis

        class ScopeRepository:
            \"\"\"Scopes persisted in Redis.\"\"\"
            def __init__(self):
                self.redis = Redis.from_url("redis://x")

            async def put(self, key, value):
                await self.redis.set(key, value)

            async def get(self, key):
                return await self.redis.get(key)
        """,
        id="redis-as-a-store-not-a-cache",
    ),
]


@pytest.mark.parametrize(("source", "expected"), FLAGGED)
def test_flagged(source, expected):
    assert lines(source, "FL205") == expected


@pytest.mark.parametrize("source", NOT_FLAGGED)
def test_not_flagged(source):
    assert lines(source, "FL205") == []
