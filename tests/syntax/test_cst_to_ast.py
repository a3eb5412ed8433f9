"""The libcst path builds the tree `ast.parse` builds: same nodes, same positions."""

from __future__ import annotations

import ast
import sys

import pytest

from fastlint.files.ast_compat import Interpolation, TemplateStr, TypeAlias
from fastlint.files.cst_to_ast import parse_with_libcst
from fastlint.files.source import decode_source

pytestmark = pytest.mark.syntax

# Each parses natively on the interpreter named (or later): compared node for node there.
SAME_TREE = [
    pytest.param("x = 1\ny: int = 2\nz += 3\ndel a, b\ndel (c, d)\n", (3, 10), id="assignments"),
    pytest.param("import a.b as c, d\nfrom ..e import (f as g, h)\nfrom . import *\n", (3, 10), id="imports"),
    pytest.param("@dec\n@other(1)\nasync def f(a, /, b=1, *c, d, e=2, **g) -> 'T':\n    return (yield)\n",
                 (3, 10), id="decorated-async-def"),
    pytest.param("class C(B, metaclass=M, **kw):\n    '''doc'''\n    x = lambda a, *, b=1: a\n", (3, 10), id="class"),
    pytest.param("if a:\n    pass\nelif b:\n    pass\nelse:\n    x = 1 if c else 2\n", (3, 10), id="elif"),
    pytest.param("for i, j in x:\n    break\nelse:\n    continue\nwhile not a and b or c:\n    pass\n", (3, 10), id="loops"),
    pytest.param("async def f():\n    async with a as b, c:\n        async for x in y:\n            await z\n", (3, 10), id="async"),
    pytest.param("try:\n    pass\nexcept (A, B) as e:\n    raise X from e\nexcept C:\n    pass\nelse:\n    pass\nfinally:\n    pass\n", (3, 10), id="try"),
    pytest.param("x = [a for a in b if a if not a]\ny = {k: v for k, v in d}\nz = {*s}\nf(a for a in b)\ng((a for a in b), c)\n", (3, 10), id="comprehensions"),
    pytest.param("x = a[1:2, ::3, b:]\ny = a[1,]\nz = a[\n  (b or c) :\n]\nw = -a ** ~b @ c // d % e << f >> g & h | i ^ j\n", (3, 10), id="slices-operators"),
    pytest.param("x = 'a' 'b'\ny = b'a' b'b'\nz = f'{a!r:>{w}} {b=}' 'c'\nv = u'é' + rf'\\d{x}'\n", (3, 13), id="strings"),
    pytest.param("é = {'ключ': f'{é!s}', **d}\nx = 1_000 + 0x1F + 1.5e3 + 2j + ...\n", (3, 12), id="non-ascii-numbers"),
    pytest.param("match p:\n    case [1, *rest] | (2, _):\n        pass\n    case {'k': v, **kw}:\n        pass\n    case Point(x=0, y=None) as pt if pt:\n        pass\n", (3, 10), id="match"),
    pytest.param("while (n := f()) is not None:\n    global g\n    assert n, 'm'\n", (3, 10), id="walrus"),
    pytest.param("x = f'{d['k']} {f'{y}'}'\n".replace("'k'", '"k"'), (3, 12), id="pep701-fstring"),
    pytest.param("type A[T = str] = list[T]\n", (3, 13), id="pep696-default"),
    pytest.param("type A[T: (int, str)] = list[T]\nclass C[T, *Ts, **P]:\n    pass\ndef f[T](x: T) -> T:\n    return x\n", (3, 12), id="pep695"),
]


def _dump(tree: ast.AST) -> str:
    return ast.dump(tree, include_attributes=True)


def _converted(text: str) -> ast.Module:
    return parse_with_libcst(decode_source("t.py", text.encode("utf-8")))


@pytest.mark.parametrize("text, since", SAME_TREE)
def test_libcst_tree_is_the_native_tree(text, since):
    if sys.version_info < since:
        pytest.skip(f"needs Python {since[0]}.{since[1]} to compare with")
    assert _dump(_converted(text)) == _dump(ast.parse(text))


NEWEST = '''\
type SessionDep = Annotated[Session, Depends(get_db)]
class Repo[T: Base]:
    def get[K](self, key: K) -> T: ...
try:
    pass
except ValueError, TypeError:
    pass
greeting = t"hello {user.name!r:>{width}}"
label = f"{row["name"]} – {f"{row["id"]}"}"
'''


def _segments(tree: ast.AST, text: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Name, ast.Subscript, ast.Attribute)):
            found.setdefault(type(node).__name__, set()).add(ast.get_source_segment(text, node))
    return found


def test_newest_syntax_becomes_the_newest_nodes():
    tree = _converted(NEWEST)
    alias, repo, _try, greeting, label = tree.body
    assert isinstance(alias, TypeAlias) and alias.name.id == "SessionDep"
    assert ast.unparse(alias.value) == "Annotated[Session, Depends(get_db)]"
    assert isinstance(repo, ast.ClassDef) and repo.name == "Repo" and repo.lineno == 2
    handler_type = _try.handlers[0].type
    assert isinstance(handler_type, ast.Tuple)
    assert [e.id for e in handler_type.elts] == ["ValueError", "TypeError"]
    assert (handler_type.lineno, handler_type.col_offset, handler_type.end_col_offset) == (6, 7, 28)
    assert isinstance(greeting.value, TemplateStr)
    interpolation = greeting.value.values[1]
    assert isinstance(interpolation, Interpolation)
    assert interpolation.str == "user.name" and interpolation.conversion == ord("r")
    assert isinstance(label.value, ast.JoinedStr)


def test_every_name_points_at_its_own_text():
    """Positions are exact: each node's source segment is the code it was built from
    (columns are UTF-8 bytes: the `–` before the nested f-string counts three)."""
    segments = _segments(_converted(NEWEST), NEWEST)
    assert {"SessionDep", "Session", "get_db", "T", "K", "ValueError", "TypeError", "user",
            "width", "row"} <= segments["Name"]
    assert {'row["name"]', 'row["id"]', "Annotated[Session, Depends(get_db)]"} <= segments["Subscript"]
    assert "user.name" in segments["Attribute"]
