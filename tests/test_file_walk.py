"""The per-file walk's contract with the file rules: subscribed node types only, children
before their parent, and a rule that raises is reported once and dropped for the file while
the others go on."""

import ast

import pytest

from fastlint.facts.collect import Collector
from fastlint.files.source import decode_source

SOURCE = b"""\
import requests

def fetch(url):
    return requests.get(url).json()

fetch("a")
fetch("b")
"""


def _walk(handlers, on_failure=None):
    source = decode_source("app.py", SOURCE)
    collector = Collector(source, ast.parse(SOURCE), "app", False, handlers=handlers,
                          on_rule_failure=on_failure)
    facts = collector.run()
    collector.release()
    return facts


def test_rules_see_their_node_types_children_first():
    seen = []
    _walk({ast.Call: [lambda node, ctx: seen.append(ctx.symbol(node.func))],
           ast.Return: [lambda node, ctx: seen.append("return")]})
    assert seen == ["requests.get", "requests.get().json", "return", "app.fetch", "app.fetch"]


def test_a_rule_that_raises_is_reported_once_and_the_others_go_on():
    failures, calls = [], []

    def broken(node, ctx):
        raise ValueError("boom")

    def counting(node, ctx):
        calls.append(node.lineno)

    facts = _walk({ast.Call: [broken, counting], ast.Name: [broken]},
                  lambda visit, error: failures.append((visit, str(error))))
    assert failures == [(broken, "boom")]
    assert calls == [4, 4, 6, 7]
    assert [call.call.value for call in facts.calls] == ["requests.get", "requests.get().json",
                                                         "app.fetch", "app.fetch"]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_spans_are_character_columns_on_lines_with_non_ascii_text(newline):
    lines = ["import requests", 'label = "été"; requests.get("ü")', "requests.post('x')"]
    raw = newline.join(lines).encode() + newline.encode()
    source = decode_source("app.py", raw)
    collector = Collector(source, ast.parse(raw), "app", False)
    calls = collector.run().calls
    start = lines[1].index("requests.get")
    assert [call.span for call in calls] == [(2, start, 2, len(lines[1])), (3, 0, 3, len(lines[2]))]
    assert calls[0].func_end == (2, start + len("requests.get"))
