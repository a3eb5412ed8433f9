"""SourceFile.line_starts: a line ends at \\r\\n, \\n or \\r — the same rows as `ast`."""

import re

from hypothesis import given
from hypothesis import strategies as st

from fastlint.files.source import SourceFile


def reference_starts(text: str) -> list[int]:
    return [0, *(match.end() for match in re.finditer(r"\r\n|\r|\n", text))]


@given(st.text(alphabet="ab\n\r\x0c\u2028", max_size=40))
def test_line_starts_follow_python_line_endings(text):
    source = SourceFile(path="", raw=b"", text=text, encoding="utf-8", bom=False)
    assert source.line_starts == reference_starts(text)
