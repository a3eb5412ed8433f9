"""`ast` node classes of newer Pythons, with stand-ins on the interpreters that lack them.

A file in 3.12–3.14 syntax read on an older interpreter (see `cst_to_ast`) gets these
nodes, so the walk handles `type X = ...` and t-strings the same way on every Python.
"""

from __future__ import annotations

import ast


class _TypeAlias(ast.stmt):
    """`type Name[params] = value` (ast.TypeAlias, Python 3.12+)."""

    _fields = ("name", "type_params", "value")


class _TemplateStr(ast.expr):
    """`t"..."` (ast.TemplateStr, Python 3.14+): constants and interpolations."""

    _fields = ("values",)


class _Interpolation(ast.expr):
    """`{value!conversion:format_spec}` inside a t-string (ast.Interpolation, Python 3.14+)."""

    _fields = ("value", "str", "conversion", "format_spec")


TypeAlias: type[ast.stmt] = getattr(ast, "TypeAlias", _TypeAlias)
TemplateStr: type[ast.expr] = getattr(ast, "TemplateStr", _TemplateStr)
Interpolation: type[ast.expr] = getattr(ast, "Interpolation", _Interpolation)
TryStar: type[ast.stmt] = getattr(ast, "TryStar", ast.Try)
# Type parameters (`class Repo[T]`) are kept only where `ast` has a place for them.
HAS_TYPE_PARAMS = hasattr(ast, "TypeVar")
