"""Argument guards: a call inside `if <test on a parameter>:` runs only for some arguments.

`def get_secret(name): ... if name.startswith("oidc/"): open(...)` opens a file only when a
caller passes an `oidc/` name; `get_secret("AZURE_API_KEY")` never does. The per-file walk
records the guards around each call (`CallFact.guards`); a chain is reported only through
calls whose guards the caller's constant arguments do not contradict.
"""

from __future__ import annotations

import ast
from typing import NamedTuple

from fastlint.facts.records import FunctionFact, Val


class Guard(NamedTuple):
    """`if <param> ...:` around a call: the test, and whether the call runs when it holds."""

    param: str
    kind: str  # "truthy" | "none" | "prefix" | "equals" | "isinstance"
    value: object  # the constant compared with (prefix, equals)
    holds: bool  # True in the `if` body, False in its `else`


def guard_of(test: ast.expr, params: frozenset[str]) -> tuple[str, str, object] | None:
    """(param, kind, value) of an `if` test on one parameter, or None."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = guard_of(test.operand, params)
        return None if inner is None or inner[1] != "truthy" else (inner[0], "falsy", None)
    if isinstance(test, ast.Name) and test.id in params:
        return (test.id, "truthy", None)
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.left, ast.Name) \
            and test.left.id in params and isinstance(test.comparators[0], ast.Constant):
        op, value = test.ops[0], test.comparators[0].value
        if isinstance(op, ast.Is) and value is None:
            return (test.left.id, "none", None)
        if isinstance(op, ast.IsNot) and value is None:
            return (test.left.id, "not-none", None)
        if isinstance(op, ast.Eq):
            return (test.left.id, "equals", value)
        if isinstance(op, ast.NotEq):
            return (test.left.id, "not-equals", value)
        return None
    if isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and test.func.id == "isinstance" \
            and len(test.args) == 2 and isinstance(test.args[0], ast.Name) and test.args[0].id in params:
        types = test.args[1].elts if isinstance(test.args[1], ast.Tuple) else [test.args[1]]
        if all(isinstance(t, ast.Name) and t.id in _BUILTIN_TYPES for t in types):
            return (test.args[0].id, "isinstance", tuple(t.id for t in types))  # type: ignore[union-attr]
        return None
    if isinstance(test, ast.Call) and isinstance(test.func, ast.Attribute) \
            and test.func.attr == "startswith" and isinstance(test.func.value, ast.Name) \
            and test.func.value.id in params and len(test.args) == 1 and not test.keywords \
            and isinstance(test.args[0], ast.Constant) and isinstance(test.args[0].value, str):
        return (test.func.value.id, "prefix", test.args[0].value)
    return None


_BUILTIN_TYPES: dict[str, type] = {"str": str, "bytes": bytes, "int": int, "float": float,
                                    "bool": bool, "list": list, "tuple": tuple, "dict": dict,
                                    "set": set}
_NEGATED = {"falsy": "truthy", "not-none": "none", "not-equals": "equals"}


def make_guard(found: tuple[str, str, object], holds: bool) -> Guard:
    param, kind, value = found
    if kind in _NEGATED:
        return Guard(param, _NEGATED[kind], value, not holds)
    return Guard(param, kind, value, holds)


def _test_result(guard: Guard, value: object) -> bool | None:
    if guard.kind == "truthy":
        return bool(value)
    if guard.kind == "none":
        return value is None
    if guard.kind == "equals":
        return value == guard.value
    if guard.kind == "isinstance":
        return any(isinstance(value, _BUILTIN_TYPES[name]) for name in guard.value)  # type: ignore[union-attr]
    if guard.kind == "prefix":
        return value.startswith(guard.value) if isinstance(value, str) else None  # type: ignore[arg-type]
    return None


def argument(call: Val, function: FunctionFact, param: str) -> Val | None:
    """The value a call passes for a parameter of the function it calls, when it is visible."""
    given = call.kwarg(param)
    if given is not None:
        return given
    positional = [p.name for p in function.params if p.kind == "positional"]
    if function.class_qualname is not None and positional and positional[0] in ("self", "cls"):
        positional = positional[1:]
    if param in positional:
        index = positional.index(param)
        if any(a.kind == "unknown" for a in call.args[:index]):
            return None  # a `*args` before it: positions are not known
        if index < len(call.args):
            return call.args[index]
    if any(key == "**" for key, _ in call.kwargs):
        return None
    for declared in function.params:
        if declared.name == param:
            return declared.default  # not passed: its default
    return None


def contradicted(guards: tuple[Guard, ...], call: Val, function: FunctionFact) -> bool:
    """Whether the constant arguments of `call` (to `function`) rule out these guards."""
    for guard in guards:
        given = argument(call, function, guard.param)
        if given is None or given.kind != "const":
            continue
        result = _test_result(guard, given.value)
        if result is not None and result != guard.holds:
            return True
    return False
