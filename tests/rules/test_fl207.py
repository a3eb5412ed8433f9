"""FL207 implicit-timeout: httpx's bounded default, opt-in; what FL202 no longer reports."""

import textwrap

import pytest

from fastlint.testing import fixed, lines, lint

FLAGGED = [
    pytest.param("import httpx\nclient = httpx.AsyncClient(base_url='u')\n", [2], id="async-client"),
    pytest.param("import httpx\nhttpx.Client()\nhttpx.get('u')\n", [2, 3], id="client-and-function"),
]

NOT_FLAGGED = [
    pytest.param("import httpx\nhttpx.AsyncClient(timeout=10.0)\n", id="explicit-timeout"),
    pytest.param("import httpx\nhttpx.get('u', timeout=None)\n", id="timeout-none-is-fl202"),
    pytest.param("import requests\nrequests.get('u')\n", id="requests-is-fl202"),
    pytest.param("import httpx\nhttpx.AsyncClient(app=object())\n", id="in-process-client"),
    pytest.param("import httpx\nc = httpx.AsyncClient(timeout=5)\nc.get('u')\n", id="method-inherits"),
]


@pytest.mark.parametrize(("source", "expected"), FLAGGED)
def test_flagged(source, expected):
    assert lines(source, "FL207") == expected


@pytest.mark.parametrize("source", NOT_FLAGGED)
def test_not_flagged(source):
    assert lines(source, "FL207") == []


def test_off_by_default_and_not_reported_by_fl202():
    source = "import httpx\nclient = httpx.AsyncClient()\n"
    assert lint(source) == []
    assert lines(source, "FL202") == []


def test_message_says_the_default_is_bounded():
    (finding,) = lint("import httpx\nhttpx.Client()\n", "FL207")
    assert "implicit 5-second default" in finding.message


def test_fix_adds_the_timeout():
    before = "import httpx\nclient = httpx.AsyncClient()\n"
    after = "import httpx\nclient = httpx.AsyncClient(timeout=10.0)\n"
    assert fixed(textwrap.dedent(before), "FL207", unsafe=True) == after
