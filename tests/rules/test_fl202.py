"""FL202 missing-timeout: flagged, near misses, fixes and the configured timeout."""

import textwrap

import pytest

from fastlint.testing import fixed, lines

FLAGGED = [
    pytest.param(
        """
        import requests as rq
        from requests import post

        def f(url):
            rq.get(url)
            post(url, json={})
            rq.request("GET", url, timeout=None)
        """,
        [6, 7, 8],
        id="requests-functions-through-aliases",
    ),
    pytest.param(
        """
        import requests
        session = requests.Session()

        def f(url):
            session.get(url)
            with requests.Session() as s:
                s.post(url)
        """,
        [6, 8],
        id="session-methods",
    ),
    pytest.param(
        """
        import aiohttp, httpx
        from urllib.request import urlopen

        async def f(url):
            urlopen(url)
            httpx.get(url)
            async with aiohttp.ClientSession() as session:
                pass
            async with httpx.AsyncClient(base_url=url) as client:
                await client.get("/x", timeout=None)
        """,
        [6, 8, 11],
        id="urlopen-aiohttp-and-timeout-none-not-httpx-default",
    ),
    pytest.param(
        {
            "app/__init__.py": "",
            "app/http.py": "import requests\nsession = requests.Session()\n",
            "app/use.py": "from app.http import session\n\ndef f(u):\n    return session.get(u)\n",
        },
        [4],
        id="session-from-another-module",
    ),
]

NOT_FLAGGED = [
    pytest.param(
        """
        import aiohttp, httpx, requests
        from urllib.request import urlopen

        async def f(url, options):
            requests.get(url, timeout=5)
            requests.Session()
            urlopen(url, None, 3)
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5))
            requests.post(url, **options)
            async with httpx.AsyncClient(timeout=10.0) as client:
                await client.get("/x")
        """,
        id="explicit-timeouts-and-inherited-ones",
    ),
    pytest.param(
        """
        import httpx
        from fastapi import FastAPI
        app = FastAPI()

        def test_client():
            httpx.AsyncClient(app=app, base_url="http://test")
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app))
        """,
        id="in-process-clients",
    ),
    pytest.param(
        """
        import queue, threading

        def f(q: queue.Queue, t: threading.Thread, requests):
            q.get(timeout=None)
            t.join(timeout=None)
            requests.get("u")
        """,
        id="timeout-none-elsewhere-and-shadowed-name",
    ),
]


@pytest.mark.parametrize(("source", "expected"), FLAGGED)
def test_flagged(source, expected):
    assert lines(source, "FL202") == expected


@pytest.mark.parametrize("source", NOT_FLAGGED)
def test_not_flagged(source):
    assert lines(source, "FL202") == []


FIXED = [
    pytest.param(
        "import requests\nrequests.get('u')\n",
        "import requests\nrequests.get('u', timeout=10.0)\n",
        id="keyword-appended",
    ),
    pytest.param(
        """\
        import httpx
        other = httpx.Client(
            base_url="u",  # the API
            timeout=None,
        )
        httpx.get("u", timeout=None)
        """,
        """\
        import httpx
        other = httpx.Client(
            base_url="u",  # the API
            timeout=10.0,
        )
        httpx.get("u", timeout=10.0)
        """,
        id="timeout-none-replaced",
    ),
    pytest.param(
        "from aiohttp import ClientSession\nsession = ClientSession()\n",
        "import aiohttp\nfrom aiohttp import ClientSession\n"
        "session = ClientSession(timeout=aiohttp.ClientTimeout(total=10.0))\n",
        id="aiohttp-client-timeout",
    ),
]


@pytest.mark.parametrize(("before", "after"), FIXED)
def test_fixed(before, after):
    assert fixed(textwrap.dedent(before), "FL202", unsafe=True) == textwrap.dedent(after)


def test_fix_is_unsafe():
    source = "import requests\nrequests.get('u')\n"
    assert fixed(source, "FL202") == source


def test_fix_uses_the_configured_timeout():
    pyproject = "[tool.fastlint.fix]\ndefault-timeout = 5\n"
    assert fixed("import requests\nrequests.get('u')\n", "FL202", unsafe=True, pyproject=pyproject) \
        == "import requests\nrequests.get('u', timeout=5)\n"


def test_fix_is_idempotent():
    once = fixed("import requests\nrequests.get('u')\n", "FL202", unsafe=True)
    assert fixed(once, "FL202", unsafe=True) == once


@pytest.mark.parametrize(("call", "says"), [
    pytest.param("requests.get('u')", "holds the request (and its worker) forever", id="requests"),
    pytest.param("aiohttp.ClientSession()", "hang for 5 minutes", id="aiohttp"),
    pytest.param("httpx.get('u', timeout=None)", "`timeout=None`, so it never times out", id="none"),
])
def test_message_fits_the_library(call, says):
    from fastlint.testing import lint

    (finding,) = lint(f"import aiohttp, httpx, requests\n{call}\n", "FL202")
    assert says in finding.message


NEAR_MISSES_OF_REAL_PROJECTS = [
    pytest.param(
        """
        import aiohttp

        async def run(url, data):
            async with aiohttp.ClientSession() as session:
                async with session.post(url, json=data, timeout=30) as response:
                    return await response.json()

        async def stop(url):
            await aiohttp.ClientSession().get(url, timeout=5)
        """,
        id="aiohttp-session-whose-requests-pass-a-timeout",
    ),
    pytest.param(
        """
        import httpx

        async def listen(client: httpx.AsyncClient, url):
            async with client.stream("GET", url, timeout=None) as r:
                async for line in r.aiter_lines():
                    print(line)
        """,
        id="event-stream-read-for-as-long-as-it-lives",
    ),
]


@pytest.mark.parametrize("source", NEAR_MISSES_OF_REAL_PROJECTS)
def test_near_misses_of_real_projects(source):
    assert lines(source, "FL202") == []


def test_an_aiohttp_session_with_one_request_without_timeout_is_reported():
    source = """
    import aiohttp

    async def run(url):
        async with aiohttp.ClientSession() as session:
            await session.get(url, timeout=5)
            await session.post(url)
    """
    assert lines(source, "FL202") == [5]


def test_a_post_with_timeout_none_is_reported():
    source = "import httpx\n\nasync def pay(client: httpx.AsyncClient):\n    await client.post('/pay', timeout=None)\n"
    assert lines(source, "FL202") == [4]
