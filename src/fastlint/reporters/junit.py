"""JUnit XML for CI test tabs: one testsuite per file with findings, one failing testcase
per finding; a run without findings is one passing testcase, so the tab is never empty."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections import defaultdict
from typing import TYPE_CHECKING, TextIO

from fastlint.diagnostics import Diagnostic

if TYPE_CHECKING:
    from fastlint.engine import RunResult
    from fastlint.reporters import RenderSettings

# Characters XML 1.0 cannot hold at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _testcase(suite: ElementTree.Element, diagnostic: Diagnostic) -> None:
    position = f"{diagnostic.row}:{diagnostic.col + 1}"
    case = ElementTree.SubElement(suite, "testcase", {
        "name": f"{diagnostic.code} at {position}",
        "classname": diagnostic.path,
        "file": diagnostic.path,
        "line": str(diagnostic.row),
    })
    failure = ElementTree.SubElement(case, "failure", {
        "message": _xml_text(diagnostic.message), "type": diagnostic.code,
    })
    failure.text = _xml_text(f"{diagnostic.path}:{position}: {diagnostic.code} {diagnostic.message}")


def render(result: "RunResult", stream: TextIO, settings: "RenderSettings") -> None:
    by_file: dict[str, list[Diagnostic]] = defaultdict(list)
    for diagnostic in result.diagnostics:
        by_file[diagnostic.path].append(diagnostic)
    failures = len(result.diagnostics)
    errors = len(result.errors) + len(result.internal_errors)
    root = ElementTree.Element("testsuites", {
        "name": "fastlint", "tests": str(max(failures, 1) + errors),
        "failures": str(failures), "errors": str(errors),
    })
    for path, diagnostics in by_file.items():
        suite = ElementTree.SubElement(root, "testsuite", {
            "name": path, "tests": str(len(diagnostics)), "failures": str(len(diagnostics)),
            "errors": "0", "skipped": "0",
        })
        for diagnostic in diagnostics:
            _testcase(suite, diagnostic)
    if not failures:
        suite = ElementTree.SubElement(root, "testsuite", {
            "name": "fastlint", "tests": "1", "failures": "0", "errors": "0", "skipped": "0",
        })
        ElementTree.SubElement(suite, "testcase", {"name": "no findings", "classname": "fastlint"})
    if errors:
        suite = ElementTree.SubElement(root, "testsuite", {
            "name": "fastlint errors", "tests": str(errors), "failures": "0",
            "errors": str(errors), "skipped": "0",
        })
        for message in result.errors + result.internal_errors:
            text = _xml_text(message)
            case = ElementTree.SubElement(suite, "testcase", {"name": text, "classname": "fastlint"})
            ElementTree.SubElement(case, "error", {"message": text})
    tree = ElementTree.ElementTree(root)
    ElementTree.indent(tree)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    tree.write(stream, encoding="unicode")
    stream.write("\n")
