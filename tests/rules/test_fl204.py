"""FL204 retry-without-stop: flagged, near misses and fixes."""

import textwrap

import pytest

from fastlint.testing import fixed, lines

FLAGGED = [
    pytest.param(
        """
        from tenacity import retry, wait_fixed

        @retry
        def a(): ...

        @retry(wait=wait_fixed(1))
        async def b(): ...
        """,
        [4, 7],
        id="bare-and-called-decorator",
    ),
    pytest.param(
        """
        import tenacity
        from tenacity import AsyncRetrying

        async def f():
            async for attempt in AsyncRetrying(reraise=True):
                with attempt:
                    pass
            for attempt in tenacity.Retrying():
                pass
        """,
        [6, 9],
        id="retrying-objects",
    ),
    pytest.param(
        """
        import tenacity as t

        @t.retry(retry=t.retry_if_exception_type(IOError))
        def c(): ...
        """,
        [4],
        id="module-alias",
    ),
]

NOT_FLAGGED = [
    pytest.param(
        """
        from tenacity import retry, stop_after_attempt, stop_never, Retrying

        @retry(stop=stop_after_attempt(3))
        def a(): ...

        @retry(stop=stop_never)
        def b(): ...

        POLICY = {"stop": stop_after_attempt(2)}

        def c():
            return Retrying(**POLICY)
        """,
        id="stop-given-or-maybe-in-kwargs",
    ),
    pytest.param(
        """
        import backoff
        from urllib3.util import Retry

        def retry(f):
            return f

        @retry
        def a(): ...

        Retry(total=3)
        """,
        id="other-retry-helpers",
    ),
]


@pytest.mark.parametrize(("source", "expected"), FLAGGED)
def test_flagged(source, expected):
    assert lines(source, "FL204") == expected


@pytest.mark.parametrize("source", NOT_FLAGGED)
def test_not_flagged(source):
    assert lines(source, "FL204") == []


FIXED = [
    pytest.param(
        """\
        from tenacity import retry

        @retry
        def a(): ...
        """,
        """\
        from tenacity import retry
        from tenacity import stop_after_attempt

        @retry(stop=stop_after_attempt(3))
        def a(): ...
        """,
        id="bare-decorator",
    ),
    pytest.param(
        """\
        import tenacity

        @tenacity.retry(
            wait=tenacity.wait_fixed(1),
        )
        def a(): ...

        for attempt in tenacity.Retrying():
            pass
        """,
        """\
        import tenacity
        from tenacity import stop_after_attempt

        @tenacity.retry(
            wait=tenacity.wait_fixed(1), stop=stop_after_attempt(3),
        )
        def a(): ...

        for attempt in tenacity.Retrying(stop=stop_after_attempt(3)):
            pass
        """,
        id="call-with-trailing-comma-and-retrying-import-once",
    ),
    pytest.param(
        """\
        from tenacity import retry, stop_after_attempt

        @retry()
        def a(): ...
        """,
        """\
        from tenacity import retry, stop_after_attempt

        @retry(stop=stop_after_attempt(3))
        def a(): ...
        """,
        id="import-already-there",
    ),
]


@pytest.mark.parametrize(("before", "after"), FIXED)
def test_fixed(before, after):
    assert fixed(textwrap.dedent(before), "FL204", unsafe=True) == textwrap.dedent(after)


def test_reported_at_the_decorator():
    from fastlint.testing import lint

    source = "from tenacity import retry\n\n@retry\ndef a(): ...\n\n@retry()\ndef b(): ...\n"
    assert [(d.row, d.col) for d in lint(source, "FL204")] == [(3, 0), (6, 0)]


def test_fix_is_unsafe():
    source = "from tenacity import retry\n\n@retry\ndef a(): ...\n"
    assert fixed(source, "FL204") == source
