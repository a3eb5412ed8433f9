"""Dispatch by node type: each walk method says which `ast` node types it handles, and the
collector looks the method up by `type(node)` in one table (as pyupgrade registers its plugins
by node type) instead of testing a chain of `isinstance`.

Imports nothing of fastlint's.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any, TypeVar

Method = TypeVar("Method", bound=Callable[..., Any])


def handles(*node_types: type[ast.AST]) -> Callable[[Method], Method]:
    """Mark a walk method as the handler of these node types."""

    def mark(method: Method) -> Method:
        method.handled_node_types = node_types  # type: ignore[attr-defined]
        return method

    return mark


def dispatch_table(cls: type, base: type[ast.AST]) -> dict[type, Callable[..., Any]]:
    """The handlers of `cls` (and its bases) for the node types under `base` (`ast.stmt`,
    `ast.expr`), as plain functions taking the walker first."""
    table: dict[type, Callable[..., Any]] = {}
    for klass in reversed(cls.__mro__):
        for method in vars(klass).values():
            for node_type in getattr(method, "handled_node_types", ()):
                if issubclass(node_type, base):
                    table[node_type] = method
    return table
