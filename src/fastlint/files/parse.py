"""Parse a file into an `ast.Module` on any interpreter, whatever Python it is written for.

The running interpreter's `ast` reads nearly every file, fast. A file it rejects may be valid
newer Python (3.12–3.14 syntax read on 3.10–3.13): libcst reads it and `cst_to_ast` builds
the tree the newest `ast` would, with the same positions. Only if libcst rejects it too is it
a syntax error; a Jinja template saved with a `.py` name is not Python at all.
"""

from __future__ import annotations

import ast
import os
import re
import warnings

from fastlint.files.source import SourceFile

# libcst (a fifth of the start-up) is imported only for the rare file `ast` rejects.

# Hidden switch for benchmarks and tests: read every file through libcst.
FORCE_LIBCST_VARIABLE = "FASTLINT_FORCE_LIBCST_PARSE"
_TEMPLATE_LINE = re.compile(r"^[ \t]*(\{%|\{\{|\{#)", re.MULTILINE)


class ParseFailure(Exception):
    """Why a file is not an `ast.Module`: a syntax error at (row, col), or not Python."""

    def __init__(self, message: str, row: int = 1, col: int = 0, is_template: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.row = row
        self.col = col
        self.is_template = is_template


def parse_module(source: SourceFile) -> tuple[ast.Module, bool]:
    """The file's tree, and whether it was read through libcst; raises ParseFailure."""
    if os.environ.get(FORCE_LIBCST_VARIABLE):
        import libcst

        from fastlint.files.cst_to_ast import parse_with_libcst

        try:
            return parse_with_libcst(source), True
        except (libcst.ParserSyntaxError, NotImplementedError, RecursionError, MemoryError):
            pass  # then as usual: the interpreter's answer and its message
    try:
        return parse_quietly(source.text, source.path), False
    except SyntaxError as error:
        native = error
    except (RecursionError, MemoryError):
        raise ParseFailure("the code is nested too deeply") from None
    except ValueError as error:
        raise ParseFailure(str(error)) from None
    if native.msg.startswith("too many"):
        # Nesting beyond the interpreter's limits (`too many nested parentheses`): libcst's
        # parser would overflow its stack on it and crash the process.
        raise _syntax_error(native)
    if _TEMPLATE_LINE.search(source.text):
        raise ParseFailure("a template (Jinja), not Python", is_template=True)
    import libcst

    from fastlint.files.cst_to_ast import parse_with_libcst

    try:
        return parse_with_libcst(source), True
    except (libcst.ParserSyntaxError, NotImplementedError):
        pass
    except (RecursionError, MemoryError):
        raise ParseFailure("the code is nested too deeply") from None
    raise _syntax_error(native)


def _syntax_error(native: SyntaxError) -> ParseFailure:
    """The interpreter's message and position (libcst's are less precise)."""
    row = max(native.lineno or 1, 1)
    return ParseFailure(f"SyntaxError: {native.msg}", row, max((native.offset or 1) - 1, 0))


def parse_quietly(text: str, path: str = "<unknown>") -> ast.Module:
    """`ast.parse` without printing the SyntaxWarnings about the user's code (not ours)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(text, filename=path)


def parse_text(text: str, path: str = "") -> ast.Module:
    """The tree of a text (a file being fixed); raises ParseFailure."""
    return parse_module(SourceFile(path=path, raw=b"", text=text, encoding="utf-8", bom=False))[0]


def needs_libcst(text: str) -> bool:
    """Whether the text is Python only libcst reads on this interpreter (newer syntax)."""
    try:
        parse_quietly(text)
        return False
    except SyntaxError as error:
        if error.msg.startswith("too many"):
            return False  # see parse_module
    except (ValueError, RecursionError, MemoryError):
        return False
    import libcst

    try:
        libcst.parse_module(text)
    except (libcst.ParserSyntaxError, RecursionError, MemoryError):
        return False
    return True
