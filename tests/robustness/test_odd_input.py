"""Odd but legal source files, and files that are not Python at all: every one gets an
answer (a finding, FL001, or a clean pass), never a crash, and fixes keep the file's bytes
outside the edit."""

import warnings
from pathlib import Path

import pytest

from robustness.harness import lint_all, snapshot, write_project

SLEEPY = "import time\nasync def f():\n    time.sleep(1)\n"
FIXED_SLEEPY = "import asyncio\nimport time\nasync def f():\n    await asyncio.sleep(1)\n"


def findings(root: Path) -> list[tuple[str, int, int]]:
    result = lint_all(root)
    assert not result.internal_errors and not result.errors, result.internal_errors + result.errors
    return [(d.code, d.row, d.col) for d in result.diagnostics]


def fix(root: Path) -> None:
    result = lint_all(root, fix=True)
    assert not result.internal_errors and not result.errors, result.internal_errors + result.errors


# ---------------------------------------------------------------------- line endings, BOM, encodings
def test_crlf_file_is_fixed_with_crlf_everywhere(tmp_path):
    write_project(tmp_path, {"app.py": SLEEPY.replace("\n", "\r\n").encode()})
    assert findings(tmp_path) == [("FL101", 3, 4)]
    fix(tmp_path)
    assert snapshot(tmp_path)["app.py"] == FIXED_SLEEPY.replace("\n", "\r\n").encode()


def test_mixed_line_endings_keep_rows_and_untouched_bytes(tmp_path):
    source = b"import time\nasync def f():\r\n    time.sleep(1)\r    time.sleep(2)\n# end\n"
    write_project(tmp_path, {"app.py": source})
    assert findings(tmp_path) == [("FL101", 3, 4), ("FL101", 4, 4)]
    fix(tmp_path)
    # Lines that were there keep their endings; the added import takes the dominant one.
    assert snapshot(tmp_path)["app.py"] == (
        b"import asyncio\nimport time\nasync def f():\r\n    await asyncio.sleep(1)\r"
        b"    await asyncio.sleep(2)\n# end\n"
    )


def test_noqa_is_found_on_the_right_row_with_lone_cr_line_endings(tmp_path):
    source = "import time\rasync def f():\r    time.sleep(1)  # noqa\r    time.sleep(2)\r"
    write_project(tmp_path, {"app.py": source.encode()})
    assert findings(tmp_path) == [("FL101", 4, 4)]


def test_bom_is_kept_and_not_counted_as_a_column(tmp_path):
    write_project(tmp_path, {"app.py": b"\xef\xbb\xbf" + SLEEPY.encode()})
    assert findings(tmp_path) == [("FL101", 3, 4)]
    fix(tmp_path)
    assert snapshot(tmp_path)["app.py"] == b"\xef\xbb\xbf" + FIXED_SLEEPY.encode()


def test_latin_1_file_is_read_with_its_cookie_and_written_back_in_latin_1(tmp_path):
    source = '# -*- coding: latin-1 -*-\nimport time\nasync def f():\n    s = "été"; time.sleep(1)\n'
    write_project(tmp_path, {"app.py": source.encode("latin-1")})
    assert findings(tmp_path) == [("FL101", 4, 15)]  # a character column, not a byte column
    fix(tmp_path)
    assert snapshot(tmp_path)["app.py"] == (
        '# -*- coding: latin-1 -*-\nimport asyncio\nimport time\nasync def f():\n'
        '    s = "été"; await asyncio.sleep(1)\n'
    ).encode("latin-1")


def test_tab_indented_file_keeps_its_tabs(tmp_path):
    write_project(tmp_path, {"app.py": b"import time\nasync def f():\n\tif 1:\n\t\ttime.sleep(1)\n"})
    assert findings(tmp_path) == [("FL101", 4, 2)]
    fix(tmp_path)
    assert snapshot(tmp_path)["app.py"] == (
        b"import asyncio\nimport time\nasync def f():\n\tif 1:\n\t\tawait asyncio.sleep(1)\n"
    )


@pytest.mark.parametrize("content", [
    pytest.param(b"", id="empty"),
    pytest.param(b"\n\n   \n", id="blank-lines"),
    pytest.param(b"# just a comment", id="comment-without-newline"),
    pytest.param(b"\xef\xbb\xbf", id="only-a-bom"),
    pytest.param(b"\x0c\n", id="form-feed"),
])
def test_empty_files_have_no_finding(tmp_path, content):
    write_project(tmp_path, {"empty.py": content})
    assert findings(tmp_path) == []


# ---------------------------------------------------------------------- size and depth
def test_a_50000_line_file_is_checked_and_fixed(tmp_path):
    body = "".join(f"value_{i} = {i}\n" for i in range(49_996))
    write_project(tmp_path, {"big.py": "import time\n" + body + "async def f():\n    time.sleep(1)\n"})
    assert findings(tmp_path) == [("FL101", 49_999, 4)]
    fix(tmp_path)
    assert snapshot(tmp_path)["big.py"].endswith(b"\n    await asyncio.sleep(1)\n")


DEEP = 2000
DEEP_EXPRESSIONS = [
    pytest.param("x = " + "(" * DEEP + "1" + ")" * DEEP, id="parentheses"),
    pytest.param("x = " + "[" * DEEP + "]" * DEEP, id="lists"),
    pytest.param("x = " + "f(" * DEEP + ")" * DEEP, id="calls"),
    pytest.param("x = " + " + ".join(["a"] * DEEP), id="binary-operators"),
    pytest.param("x = " + " ** ".join(["2"] * DEEP), id="powers"),
    pytest.param("x = a" + ".b" * DEEP, id="attributes"),
    pytest.param("x = a" + "[0]" * DEEP, id="subscripts"),
    pytest.param("x = a" + ".b()" * DEEP, id="method-chain"),
    pytest.param("x = " + "not " * DEEP + "a", id="unary-not"),
    pytest.param("x = " + "-" * DEEP + "a", id="unary-minus"),
    pytest.param("x = " + "lambda: " * DEEP + "1", id="lambdas"),
    pytest.param("x = " + "a if b else " * DEEP + "c", id="conditional-expressions"),
    pytest.param("x = " + " < ".join(["a"] * DEEP), id="comparison-chain"),
    pytest.param("x = " + " and ".join(["a"] * DEEP), id="boolean-chain"),
    pytest.param("x = " + " + ".join(["'s'"] * DEEP), id="string-concatenation"),
    pytest.param("import time\nasync def f():\n    x = " + " + ".join(["time.sleep(1)"] * DEEP),
                 id="blocking-calls-in-a-deep-sum"),
    pytest.param("".join("    " * i + f"if x{i}:\n" for i in range(120)) + "    " * 120 + "pass",
                 id="deep-indentation"),
]


@pytest.mark.parametrize("source", DEEP_EXPRESSIONS)
def test_deeply_nested_code_is_fl001_or_a_clean_pass(tmp_path, source):
    write_project(tmp_path, {"deep.py": source + "\n", "other.py": SLEEPY})
    found = findings(tmp_path)
    assert ("FL101", 3, 4) in found and all(
        path_code[0] in ("FL001", "FL101") for path_code in found
    ), found
    fix(tmp_path)  # no RecursionError escapes the fixer either


# ---------------------------------------------------------------------- not Python
def test_python_warnings_about_the_checked_code_are_not_printed(tmp_path):
    write_project(tmp_path, {"app.py": 'x = "\\d"\ny = "a"("b")\nz = 1 is 1\n' + SLEEPY})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert findings(tmp_path) == [("FL101", 6, 4)]
        fix(tmp_path)
    assert [str(w.message) for w in caught] == []


SYNTAX_ERRORS = [
    pytest.param(b"def f(:\n    pass\n", 1, 6, id="bad-parameter"),
    pytest.param(b"x = 1\ny = 'unterminated\n", 2, 4, id="unterminated-string"),
    pytest.param(b"if x:\npass\n", 2, 0, id="missing-indent"),
    pytest.param(b"x = 1\n  y = 2\n", 2, 1, id="unexpected-indent"),
    pytest.param(b'print "hello"\n', 1, 0, id="python-2-print"),
    pytest.param(b"x = (1,\n", 1, 4, id="unclosed-parenthesis"),
    pytest.param(b"async = 1\n", 1, 6, id="keyword-as-name"),
]


@pytest.mark.parametrize(("content", "row", "col"), SYNTAX_ERRORS)
def test_syntax_error_is_fl001_at_the_error_and_other_files_are_still_checked(
        tmp_path, content, row, col):
    write_project(tmp_path, {"broken.py": content, "other.py": SLEEPY})
    result = lint_all(tmp_path)
    assert not result.internal_errors
    located = {(Path(d.path).name, d.code): (d.row, d.col) for d in result.diagnostics}
    assert located[("broken.py", "FL001")] == (row, col)
    assert located[("other.py", "FL101")] == (3, 4)


@pytest.mark.parametrize(("content", "message", "row"), [
    pytest.param(b'x = 1\ny = "\xff\xfe"\n', "not valid UTF-8 text: byte 0xff at line 2", 2,
                 id="not-utf8"),
    pytest.param(b'x = "\xe9"\n', "not valid UTF-8 text: byte 0xe9 at line 1", 1, id="latin-1-without-cookie"),
    pytest.param(b"\x7fELF\x02\x01\x01\x00\x00\x00", "contains NUL bytes: this is a binary file", 1,
                 id="binary"),
    pytest.param(b"# -*- coding: klingon -*-\nx = 1\n", "encoding", 1, id="unknown-encoding"),
    pytest.param(b'# -*- coding: ascii -*-\nx = "\xe9"\n', "not valid ascii text", 2,
                 id="bytes-outside-the-declared-encoding"),
])
def test_undecodable_file_is_fl001_with_a_clear_message(tmp_path, content, message, row):
    write_project(tmp_path, {"bad.py": content, "other.py": SLEEPY})
    result = lint_all(tmp_path)
    assert not result.internal_errors and not result.errors
    (bad,) = [d for d in result.diagnostics if d.path.endswith("bad.py")]
    assert bad.code == "FL001" and message in bad.message and bad.row == row
    assert any(d.path.endswith("other.py") and d.code == "FL101" for d in result.diagnostics)
    fix(tmp_path)
    assert snapshot(tmp_path)["bad.py"] == content
