"""FL002 unused-noqa (opt-in): flagged, near misses, fixes."""

import pytest

from fastlint.testing import fixed, lines

BLOCKING = "import time\n\nasync def f():\n    time.sleep(1)"

FLAGGED = [
    pytest.param("x = 1  # noqa: FL101\n", [1], id="code-of-a-rule-that-found-nothing"),
    pytest.param("x = 1  # noqa: FL999\n", [1], id="unknown-code"),
    pytest.param(BLOCKING + "  # noqa: FL101, FL401\n", [4], id="one-of-two-codes-unused"),
]

NOT_FLAGGED = [
    pytest.param(BLOCKING + "  # noqa: FL101\n", id="suppresses-a-finding"),
    pytest.param(BLOCKING + "  # noqa\n", id="bare-noqa"),
    pytest.param("x = 1  # noqa: E501\n", id="another-tools-code"),
    pytest.param("x = 1  # noqa: FL601\n", id="rule-not-enabled-in-this-run"),
    pytest.param("# fastlint: noqa\nx = 1  # noqa: FL101\n", id="file-level-noqa"),
    pytest.param('x = "# noqa: FL101"\n', id="inside-a-string"),
]


@pytest.mark.parametrize(("source", "expected"), FLAGGED)
def test_flagged(source, expected):
    assert lines(source, ("FL002", "FL101", "FL401")) == expected


@pytest.mark.parametrize("source", NOT_FLAGGED)
def test_not_flagged(source):
    assert lines(source, ("FL002", "FL101")) == []


def test_multi_line_statement_noqa_on_its_first_line_is_used():
    source = "import time\n\nasync def f():\n    time.sleep(  # noqa: FL101\n        1,\n    )\n"
    assert lines(source, ("FL002", "FL101")) == []


def test_off_by_default():
    assert lines("x = 1  # noqa: FL101\n") == []


FIXED = [
    pytest.param("x = 1  # noqa: FL101\n", "x = 1\n", id="whole-directive"),
    pytest.param("x = 1  # noqa: E501, FL101\n", "x = 1  # noqa: E501\n", id="foreign-code-kept"),
    pytest.param(BLOCKING + "  # noqa: FL101,FL401\n", BLOCKING + "  # noqa: FL101\n",
                 id="used-code-kept"),
    pytest.param("x = 1  # noqa: FL101 legacy client\n", "x = 1  # legacy client\n",
                 id="comment-text-kept"),
    pytest.param("x = 1  # type: ignore  # noqa: FL101\n", "x = 1  # type: ignore\n",
                 id="after-another-comment"),
    pytest.param("x = 1  # NOQA:FL999\ny = 2\n", "x = 1\ny = 2\n", id="upper-case-no-space"),
]


@pytest.mark.parametrize(("before", "after"), FIXED)
def test_fixed(before, after):
    assert fixed(before, ("FL002", "FL101", "FL401")) == after


def test_fix_is_idempotent():
    once = fixed("x = 1  # noqa: E501, FL101\n", ("FL002", "FL101"))
    assert fixed(once, ("FL002", "FL101")) == once
