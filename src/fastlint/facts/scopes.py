"""Scopes and name resolution during the walk: the stack of module, class, function and lambda
scopes, what each name is bound to in them, and the module's names bound before the walk.

Names are resolved the way Python binds them: module-level imports and definitions, then
function parameters and local assignments (which shadow the module's names), with class
bodies invisible from their methods.

May import `fastlint.files` and `fastlint.facts.records`.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from fastlint.facts.records import Val
from fastlint.files.ast_compat import TryStar, TypeAlias

BUILTIN_NAMES = frozenset({"open", "print", "input", "exec", "eval", "breakpoint", "property"})
_BUILTINS = {name: Val("ref", name) for name in BUILTIN_NAMES}


@dataclass(slots=True, eq=False)
class Scope:
    kind: str  # "module" | "class" | "function" | "lambda"
    qualname: str
    names: dict[str, Val] = field(default_factory=dict)
    function_index: int = -1
    is_async: bool = False
    class_qualname: str | None = None
    awaits: bool = False
    yields: bool = False
    statements: int = 0
    branches: int = 0
    loops: int = 0
    # Symbols of the values it returns (or yields, for a generator); None: not static.
    returned: list = field(default_factory=list)
    yielded: list = field(default_factory=list)
    global_names: set = field(default_factory=set)  # declared `global` in it
    first_yield: int = 0  # row of its first `yield`
    params: frozenset = frozenset()  # names of its parameters
    # Where code in this scope runs, set when it is entered (see ScopeStack.enter):
    # the innermost function or lambda around it, the innermost `def` (None inside a lambda),
    # and whether it is a class body (inside a function, where `await` cannot go).
    callable_scope: Scope | None = None
    function_scope: Scope | None = None
    in_class_body: bool = False
    # The names a name is looked up in from here, innermost first: its own, then those of
    # the enclosing scopes but class bodies.
    visible: list[dict[str, Val]] = field(default_factory=list)


class ScopeStack:
    """The scopes around the node being walked (a mixin of the collector)."""

    scopes: list[Scope]
    module: str
    defines: list[str]
    imported_names: set[str]
    import_base: Callable[[ast.ImportFrom], str]  # see ImportRecording

    def enter(self, scope: Scope) -> None:
        outer = self.scopes[-1] if self.scopes else None
        scope.visible = [scope.names]
        if outer is not None:
            scope.visible += outer.visible[1:] if outer.kind == "class" else outer.visible
        if scope.kind in ("function", "lambda"):
            scope.callable_scope = scope
            scope.function_scope = scope if scope.kind == "function" else None
        elif scope.kind == "class" and outer is not None:
            scope.callable_scope = outer.callable_scope
            scope.function_scope = outer.function_scope
            scope.in_class_body = True
        self.scopes.append(scope)

    def leave(self) -> None:
        scope = self.scopes.pop()
        # A function scope refers to itself: unlinked, it is freed when left, without the
        # cyclic GC (which a run turns off, and the main process analyses files too).
        scope.callable_scope = scope.function_scope = None

    def innermost_function(self) -> Scope | None:
        """The innermost function or lambda around the current node."""
        return self.scopes[-1].callable_scope

    def mark_await(self) -> None:
        """An `await`, `async for` or `async with` in the innermost `def` (not in a lambda)."""
        scope = self.scopes[-1].function_scope
        if scope is not None:
            scope.awaits = True

    def bind(self, name: str, value: Val) -> None:
        scope = self.scopes[-1]
        if scope.kind == "module":
            return  # module names come from the pre-pass (the last binding wins)
        scope.names[name] = value

    def resolve_name(self, name: str) -> Val | None:
        for names in self.scopes[-1].visible:
            value = names.get(name)
            if value is not None:
                return value
        return _BUILTINS.get(name)

    def bind_module_names(self, body: Sequence[ast.stmt]) -> None:
        """Bind every module-level name before walking, so functions see later definitions."""
        names = self.scopes[0].names
        module = self.module
        for stmt in body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names[stmt.name] = Val("ref", f"{module}.{stmt.name}")
                self.defines.append(stmt.name)
            elif isinstance(stmt, ast.Import):
                for alias in stmt.names:
                    self.imported_names.add(alias.asname or alias.name.split(".", 1)[0])
                    if alias.asname:
                        names[alias.asname] = Val("ref", alias.name)
                    else:
                        head = alias.name.split(".", 1)[0]
                        names[head] = Val("ref", head)
            elif isinstance(stmt, ast.ImportFrom):
                base = self.import_base(stmt)
                for alias in stmt.names:
                    if alias.name == "*":
                        continue
                    self.imported_names.add(alias.asname or alias.name)
                    names[alias.asname or alias.name] = Val("ref", f"{base}.{alias.name}")
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign, TypeAlias)):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [
                    stmt.name if isinstance(stmt, TypeAlias) else stmt.target  # type: ignore[attr-defined]
                ]
                for target in targets:
                    for name in target_names(target):
                        names[name] = Val("ref", f"{module}.{name}")
                        self.defines.append(name)
            elif isinstance(stmt, ast.If):
                self.bind_module_names(stmt.body)
                self.bind_module_names(stmt.orelse)
            elif isinstance(stmt, (ast.Try, TryStar)):
                self.bind_module_names(stmt.body)
                for handler in stmt.handlers:  # type: ignore[attr-defined]
                    self.bind_module_names(handler.body)
                self.bind_module_names(stmt.orelse)  # type: ignore[attr-defined]
                self.bind_module_names(stmt.finalbody)  # type: ignore[attr-defined]
            elif isinstance(stmt, (ast.With, ast.For, ast.While)):
                self.bind_module_names(stmt.body)


def target_names(target: ast.expr) -> list[str]:
    """The names an assignment target binds (`a, (b, *c)` → a, b, c)."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        names: list[str] = []
        for element in target.elts:
            names.extend(target_names(element))
        return names
    if isinstance(target, ast.Starred):
        return target_names(target.value)
    return []
