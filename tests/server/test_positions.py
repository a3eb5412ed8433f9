"""Positions between fastlint and the protocol, and the one-edit diff of a buffer."""

from __future__ import annotations

import pytest
from lsprotocol import types

from fastlint.server.positions import LineIndex, buffer_bytes

UTF16 = types.PositionEncodingKind.Utf16
UTF8 = types.PositionEncodingKind.Utf8


def test_columns_are_counted_in_the_client_encoding():
    index = LineIndex('x = "😋"; time.sleep(1)\n', UTF16)
    # The emoji is one code point for fastlint, two UTF-16 units for the client.
    assert index.position(1, 10) == types.Position(line=0, character=11)
    assert index.row_col(types.Position(line=0, character=11)) == (1, 10)
    assert LineIndex('x = "é"\n', UTF8).position(1, 7) == types.Position(line=0, character=8)


@pytest.mark.parametrize("old, new", [
    pytest.param("a\nb\nc\n", "a\nB\nc\n", id="one line"),
    pytest.param("import os\n", "import asyncio\nimport os\n", id="insert at the top"),
    pytest.param("a\r\nb\r\n", "a\r\nx\r\nb\r\n", id="crlf kept whole"),
    pytest.param("a\rb\r", "a\rb\rc\r", id="lone cr"),
])
def test_one_edit_turns_the_text_into_the_new_one(old, new):
    edit = LineIndex(old, UTF16).edit_to(new)
    assert edit is not None
    starts = LineIndex(old, UTF16).source.line_starts

    def offset(position: types.Position) -> int:
        return starts[position.line] + position.character if position.line < len(starts) else len(old)

    applied = old[:offset(edit.range.start)] + edit.new_text + old[offset(edit.range.end):]
    assert applied == new
    assert LineIndex(old, UTF16).edit_to(old) is None


def test_a_buffer_is_encoded_as_its_coding_cookie_says():
    text = "# -*- coding: latin-1 -*-\nname = 'café'\n"
    assert buffer_bytes(text) == text.encode("latin-1")
    assert buffer_bytes("name = 'café'\n") == "name = 'café'\n".encode("utf-8")
