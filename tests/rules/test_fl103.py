"""FL103 loop-in-loop: flagged and near misses."""

import pytest

from fastlint.testing import lines

FLAGGED = [
    pytest.param(
        """
        import asyncio
        from fastapi import FastAPI
        app = FastAPI()

        async def fetch():
            return 1

        @app.get("/x")
        async def x():
            return asyncio.run(fetch())
        """,
        [11],
        id="asyncio-run-in-route",
    ),
    pytest.param(
        """
        import asyncio

        async def refresh(coro):
            loop = asyncio.new_event_loop()
            loop.run_until_complete(coro)
            asyncio.get_event_loop().run_until_complete(coro)
        """,
        [6, 7],
        id="run-until-complete-in-coroutine",
    ),
    pytest.param(
        """
        from anyio import run as start
        from asyncio import run

        async def handler(main):
            start(main)
            run(main())
        """,
        [6, 7],
        id="aliases",
    ),
]

NOT_FLAGGED = [
    pytest.param(
        """
        import asyncio

        async def main():
            return 1

        def cli():
            asyncio.run(main())

        if __name__ == "__main__":
            asyncio.run(main())
        """,
        id="sync-entry-point-and-main-guard",
    ),
    pytest.param(
        """
        import asyncio

        async def f(coro):
            def in_thread():
                return asyncio.run(coro)
            await asyncio.to_thread(in_thread)
            await asyncio.get_running_loop().run_in_executor(None, lambda: asyncio.run(coro))
        """,
        id="nested-def-and-lambda-run-in-threads",
    ),
    pytest.param(
        """
        async def f(runner):
            run = runner.run
            run(1)
            await runner.run(2)
        """,
        id="unrelated-run",
    ),
]


@pytest.mark.parametrize(("source", "expected"), FLAGGED)
def test_flagged(source, expected):
    assert lines(source, "FL103") == expected


@pytest.mark.parametrize("source", NOT_FLAGGED)
def test_not_flagged(source):
    assert lines(source, "FL103") == []
