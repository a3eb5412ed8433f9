"""The rule pages (`rules/FL101.md`): found in the wheel or, in a checkout, beside `src/`."""

from __future__ import annotations

import re
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent  # src/fastlint, or fastlint in the wheel
_CANDIDATES = (_PACKAGE / "pages", _PACKAGE.parent.parent / "rules")
_FENCE = re.compile(r"^## (?P<title>[^\n]+)\n(?P<body>.*?)(?=^## |\Z)", re.S | re.M)
_CODE = re.compile(r"```python\n(?P<code>.*?)```", re.S)


def pages_dir() -> Path | None:
    for candidate in _CANDIDATES:
        if candidate.is_dir():
            return candidate
    return None


def page_path(code: str) -> Path | None:
    """The rule's page file, if fastlint ships one."""
    directory = pages_dir()
    if directory is None:
        return None
    path = directory / f"{code.upper()}.md"
    return path if path.is_file() else None


def page_text(code: str) -> str | None:
    path = page_path(code)
    return path.read_text(encoding="utf-8") if path is not None else None


_FILE_MARK = re.compile(r"^# file: (?P<name>\S+)\s*$", re.M)


def split_files(example: str) -> dict[str, str]:
    """An example is one `app.py`, or several files each introduced by `# file: path`."""
    marks = list(_FILE_MARK.finditer(example))
    if not marks:
        return {"app.py": example}
    files = {}
    for index, mark in enumerate(marks):
        end = marks[index + 1].start() if index + 1 < len(marks) else len(example)
        files[mark.group("name")] = example[mark.end():end].lstrip("\n")
    return files


def examples(text: str, section: str) -> list[str]:
    """The ```python blocks under a `## <section>` heading (e.g. "Bad", "Good")."""
    found = []
    for match in _FENCE.finditer(text):
        if match.group("title").strip().lower().startswith(section.lower()):
            found.extend(m.group("code") for m in _CODE.finditer(match.group("body")))
    return found


def section(text: str, title: str) -> str:
    """The body of the `## <title>` section of a page, stripped ('' when there is none)."""
    for match in _FENCE.finditer(text):
        if match.group("title").strip().lower() == title.lower():
            return match.group("body").strip()
    return ""
