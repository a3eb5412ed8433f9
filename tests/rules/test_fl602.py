"""FL602 wall-clock-duration: flagged, near misses, fixes."""

import pytest

from fastlint.testing import fixed, lines, lint

FLAGGED = [
    pytest.param(
        """
        import time

        async def mw(request, call_next):
            start = time.time()
            response = await call_next(request)
            response.headers["X"] = str(time.time() - start)
            return response
        """,
        [5],
        id="middleware-start-and-end",
    ),
    pytest.param(
        """
        from time import time as now

        def job():
            t0 = now()
            t1 = now()
            return t1 - t0
        """,
        [5],
        id="alias-two-names",
    ),
    pytest.param(
        """
        import time

        def poll(timeout):
            started = time.time()
            while time.time() - started < timeout:
                pass
        """,
        [5],
        id="elapsed-in-a-loop-condition",
    ),
    pytest.param(
        """
        import time

        def f():
            a = time.time_ns()
            return time.time_ns() - a
        """,
        [5],
        id="time-ns",
    ),
    pytest.param(
        """
        from time import time

        async def ping(client, log):
            start = time()
            try:
                await client.ping()
                log(duration=time() - start)
            except Exception:
                log(duration=time() - start)
                raise

        def stages():
            t0 = time()
            load()
            t1 = time()
            save()
            return t1 - t0, time() - t1
        """,
        [5, 14, 16],
        id="one-start-on-two-paths-is-one-finding-chained-stages-are-two",
    ),
]

NOT_FLAGGED = [
    pytest.param(
        """
        import time

        def f():
            start = time.perf_counter()
            return time.perf_counter() - start
        """,
        id="perf-counter",
    ),
    pytest.param(
        """
        import os
        import time

        def age(path, token):
            return time.time() - os.path.getmtime(path), time.time() - token["iat"]
        """,
        id="timestamp-comparisons",
    ),
    pytest.param(
        """
        import time

        def f():
            deadline = time.time() + 30
            while time.time() < deadline:
                pass
            return time.time()
        """,
        id="deadline-without-subtraction",
    ),
    pytest.param(
        """
        def time():
            return 1

        def f():
            start = time()
            return time() - start
        """,
        id="project-function-named-time",
    ),
]


@pytest.mark.parametrize(("source", "expected"), FLAGGED)
def test_flagged(source, expected):
    assert lines(source, "FL602") == expected


@pytest.mark.parametrize("source", NOT_FLAGGED)
def test_not_flagged(source):
    assert lines(source, "FL602") == []


FIXED = [
    pytest.param(
        "import time\n\ndef f():\n    start = time.time()\n    work()\n    return time.time() - start\n",
        "import time\n\ndef f():\n    start = time.perf_counter()\n    work()\n"
        "    return time.perf_counter() - start\n",
        id="import-time",
    ),
    pytest.param(
        "import time as t\n\ndef f():\n    s = t.time()\n    return t.time() - s\n",
        "import time as t\n\ndef f():\n    s = t.perf_counter()\n    return t.perf_counter() - s\n",
        id="module-alias",
    ),
    pytest.param(
        "from time import time\n\ndef f():\n    s = time()\n    e = time()\n    return e - s\n",
        "from time import time\nfrom time import perf_counter\n\ndef f():\n    s = perf_counter()\n"
        "    e = perf_counter()\n    return e - s\n",
        id="from-time-import-time",
    ),
    pytest.param(
        "import time\n\ndef f():\n    s = time.time()\n    a = time.time() - s\n"
        "    b = time.time() - s\n    return a, b\n",
        "import time\n\ndef f():\n    s = time.perf_counter()\n    a = time.perf_counter() - s\n"
        "    b = time.perf_counter() - s\n    return a, b\n",
        id="one-start-two-durations",
    ),
    pytest.param(
        "import time\n\ndef f():\n    s = time.time()\n    try:\n        work()\n"
        "    except E:\n        return time.time() - s\n    return time.time() - s\n",
        "import time\n\ndef f():\n    s = time.perf_counter()\n    try:\n        work()\n"
        "    except E:\n        return time.perf_counter() - s\n    return time.perf_counter() - s\n",
        id="one-start-two-paths-one-fix",
    ),
]


@pytest.mark.parametrize(("before", "after"), FIXED)
def test_fixed(before, after):
    assert fixed(before, "FL602") == after


def test_fix_is_idempotent():
    before = FIXED[0].values[0]
    once = fixed(before, "FL602")
    assert fixed(once, "FL602") == once


def test_one_start_two_durations_is_one_finding_with_one_fix():
    (diagnostic,) = lint(FIXED[3].values[0], "FL602")
    assert len(diagnostic.fix.edits) == 3


def test_start_also_used_as_timestamp_is_not_fixed():
    source = ("import time\n\ndef f(log):\n    start = time.time()\n    log(started_at=start)\n"
              "    return time.time() - start\n")
    (diagnostic,) = lint(source, "FL602")
    assert diagnostic.fix is None
    assert "separate `time.perf_counter()`" in diagnostic.message
    assert fixed(source, "FL602") == source
