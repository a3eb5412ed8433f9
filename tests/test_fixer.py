"""The fixer: edits, imports added once in the right place, files written safely."""

import os

import pytest

from fastlint.diagnostics import Applicability, Edit, Fix, ImportNeeded
from fastlint.fix.fixer import FileChangedError, add_imports, apply_edits, fix_source, write_atomic
from fastlint.files.source import decode_source
from fastlint.testing import fixed

ASYNCIO = ImportNeeded("asyncio")
LIFESPAN = ImportNeeded("contextlib", "asynccontextmanager")

IMPORTS_PLACED = [
    pytest.param("x = 1\n", [ASYNCIO], "import asyncio\nx = 1\n", id="no-imports-at-all"),
    pytest.param('"""Doc."""\nx = 1\n', [ASYNCIO], '"""Doc."""\nimport asyncio\nx = 1\n',
                 id="after-docstring"),
    pytest.param("from __future__ import annotations\nx = 1\n", [ASYNCIO],
                 "from __future__ import annotations\nimport asyncio\nx = 1\n", id="after-future"),
    pytest.param("import os\nimport time\n\nx = 1\n", [ASYNCIO],
                 "import asyncio\nimport os\nimport time\n\nx = 1\n", id="alphabetical-first"),
    pytest.param("import os\nimport sys\nfrom a import b\n", [ImportNeeded("re")],
                 "import os\nimport re\nimport sys\nfrom a import b\n", id="alphabetical-middle"),
    pytest.param("import os\nfrom fastapi import FastAPI\n", [LIFESPAN],
                 "import os\nfrom contextlib import asynccontextmanager\nfrom fastapi import FastAPI\n",
                 id="from-import-among-from-imports"),
    pytest.param("from pathlib import Path\n\nimport httpx\nfrom fastapi import FastAPI\n", [ASYNCIO],
                 "import asyncio\nfrom pathlib import Path\n\nimport httpx\nfrom fastapi import FastAPI\n",
                 id="stdlib-section-not-third-party"),
    pytest.param("import json\n\nimport requests\nimport uvicorn\n", [ImportNeeded("time")],
                 "import json\nimport time\n\nimport requests\nimport uvicorn\n",
                 id="end-of-stdlib-section"),
    pytest.param("import httpx\nfrom fastapi import FastAPI\n", [ASYNCIO],
                 "import asyncio\n\nimport httpx\nfrom fastapi import FastAPI\n",
                 id="stdlib-section-of-its-own"),
    pytest.param("import asyncio\nx = 1\n", [ASYNCIO], "import asyncio\nx = 1\n",
                 id="already-there"),
    pytest.param("x = 1", [ASYNCIO], "import asyncio\nx = 1", id="no-trailing-newline"),
    pytest.param("import os", [ImportNeeded("sys")], "import os\nimport sys\n",
                 id="after-last-line-without-newline"),
    pytest.param("import os\r\n", [ASYNCIO, ASYNCIO], "import asyncio\r\nimport os\r\n",
                 id="crlf-and-once"),
]


@pytest.mark.parametrize(("before", "needed", "after"), IMPORTS_PLACED)
def test_imports_are_added_once_beside_the_others(before, needed, after):
    assert add_imports(before, needed, "\r\n" if "\r\n" in before else "\n") == after


def _fix(*edits: tuple[int, int, int, int, str]) -> Fix:
    return Fix(Applicability.SAFE, tuple(Edit(*e) for e in edits), "test")


def test_overlapping_fixes_keep_the_first():
    source = decode_source("x.py", b"abcdef\n")
    first, second = _fix((1, 0, 1, 3, "XYZ")), _fix((1, 2, 1, 5, "Q"))
    text, applied = apply_edits(source, [second, first])
    assert text == "XYZdef\n" and applied == [first]


def test_identical_edits_of_two_fixes_apply_once():
    source = decode_source("x.py", b"async def f():\n    pass\n")
    same = (1, 0, 1, 6, "")
    text, applied = apply_edits(source, [_fix(same), _fix(same)])
    assert text == "def f():\n    pass\n" and len(applied) == 2


def test_a_fix_that_breaks_the_file_is_dropped_and_reported():
    source = decode_source("x.py", b"x = 1\ny = 2\n")
    good, bad = _fix((1, 4, 1, 5, "3")), _fix((2, 0, 2, 1, "def"))
    text, applied, problems = fix_source(source, [good, bad])
    assert text == "x = 3\ny = 2\n" and applied == [good]
    assert problems and "does not compile" in problems[0]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"import time\r\n\r\nasync def f():\r\n    time.sleep(1)\r\n",
         b"import asyncio\r\nimport time\r\n\r\nasync def f():\r\n    await asyncio.sleep(1)\r\n"),
        (b"\xef\xbb\xbfimport time\n\nasync def f():\n    time.sleep(1)\n",
         b"\xef\xbb\xbfimport asyncio\nimport time\n\nasync def f():\n    await asyncio.sleep(1)\n"),
        (b"# -*- coding: latin-1 -*-\nimport time\n\nasync def f():\n    time.sleep(1)  # caf\xe9\n",
         b"# -*- coding: latin-1 -*-\nimport asyncio\nimport time\n\nasync def f():\n"
         b"    await asyncio.sleep(1)  # caf\xe9\n"),
    ],
    ids=["crlf", "bom", "latin-1"],
)
def test_fix_keeps_line_endings_bom_and_encoding(tmp_path, raw, expected):
    from fastlint.engine import RunOptions, run_check

    (tmp_path / "pyproject.toml").write_text("[tool.fastlint]\n")
    target = tmp_path / "app.py"
    target.write_bytes(raw)
    os.chmod(target, 0o640)
    run_check([tmp_path], RunOptions(jobs=1, fix=True, no_cache=True))
    assert target.read_bytes() == expected
    assert os.stat(target).st_mode & 0o777 == 0o640


def test_non_ascii_columns_are_characters_not_bytes():
    source = "import time\n\nasync def f():\n    x = 'é'; time.sleep(1)\n"
    assert "x = 'é'; await asyncio.sleep(1)" in fixed(source, "FL101")


def test_write_atomic_refuses_a_file_changed_since_it_was_read(tmp_path):
    target = tmp_path / "x.py"
    target.write_bytes(b"new content\n")
    with pytest.raises(FileChangedError):
        write_atomic(str(target), b"fixed\n", b"old content\n")
    assert target.read_bytes() == b"new content\n"
    assert [p.name for p in tmp_path.iterdir()] == ["x.py"]
