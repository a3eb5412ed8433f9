"""Names resolved across modules: what a symbol stands for, through imports, re-exports,
class instances, inheritance and the values of bindings.

`Names` answers the questions no single file can: what a symbol imported from another module
is bound to (`canonical`), which project function a call reaches (`function_target`), which
string a constant evaluates to (`string_value`). It reads only the tables (`Tables`).

May import `fastlint.facts` and `fastlint.model.tables`.
"""

from __future__ import annotations

from fastlint.facts.records import FileFacts, ImportFact, Val
from fastlint.model.tables import FunctionRef, Tables

_MAX_STEPS = 12
_FIELD_FUNCTIONS = frozenset({"pydantic.Field", "pydantic.fields.Field", "sqlmodel.Field"})


class Names(Tables):
    """Name resolution over the project's tables."""

    def is_class(self, symbol: str) -> bool:
        if symbol in self.classes:
            return True
        if symbol in self.functions or symbol in self.bindings or symbol in self.aliases:
            return False
        last = symbol.rsplit(".", 1)[-1]
        return bool(last) and last[0].isupper()

    def canonical(self, symbol: str) -> str:
        """Resolve a symbol through project bindings, re-exports and class instances.

        `app.db.SessionLocal().execute` → `sqlalchemy.orm.Session.execute`.
        """
        cached = self._canonical.get(symbol)
        if cached is not None:
            return cached
        result = symbol
        for _ in range(_MAX_STEPS):
            replaced = self._replace_alias(result)
            if replaced is None:
                replaced = self._strip_instance(result)
            if replaced is None:
                replaced = self._inherited(result)
            if replaced is None:
                break
            result = replaced
        if len(self._canonical) < 500_000:
            self._canonical[symbol] = result
        return result

    def _replace_alias(self, symbol: str) -> str | None:
        """Replace the longest prefix bound in the project (or a library class alias)."""
        if symbol.partition(".")[0].partition("(")[0] not in self._alias_heads:
            return None  # every prefix starts with this first name: none can be bound
        bound = self._every_alias.get
        end = len(symbol)
        while end > 0:
            prefix = symbol[:end]
            target = bound(prefix)
            if target is not None and target != prefix:
                return target + symbol[end:]
            # The next shorter prefix: `a.b().c` → `a.b()` → `a.b` → `a`.
            if prefix.endswith("()"):
                end -= 2
            else:
                dot = symbol.rfind(".", 0, end)
                call_end = symbol.rfind(")", 0, end) + 1  # 0 when there is none
                end = dot if dot > call_end else call_end
        return None

    def _strip_instance(self, symbol: str) -> str | None:
        """`pkg.Cls().attr` → `pkg.Cls.attr`: an instance is written as its class."""
        index = symbol.find("()")
        while index > 0:
            if symbol[index - 1] != ")" and self.is_class(symbol[:index]):
                return symbol[:index] + symbol[index + 2:]
            index = symbol.find("()", index + 2)
        return None

    def _inherited(self, symbol: str) -> str | None:
        """`pkg.Sub.db` → `pkg.Base.db`: an attribute or method a project class gets from a
        base class (a project base, else the first library base: `MySession.execute` →
        `sqlalchemy.orm.Session.execute`)."""
        classes = self.classes
        dot = symbol.find(".")
        while dot > 0:
            owner = symbol[:dot]
            if owner in classes:
                end = dot + 1
                while end < len(symbol) and symbol[end] not in ".(":
                    end += 1
                name = symbol[dot + 1:end]
                if name and not self._defines(owner, name):
                    for candidate in self.class_lineage(owner):
                        if candidate == owner:
                            continue
                        if candidate not in classes or self._defines(candidate, name):
                            return f"{candidate}.{name}{symbol[end:]}"
                return None
            dot = symbol.find(".", dot + 1)
        return None

    def _defines(self, class_qualname: str, name: str) -> bool:
        attribute = f"{class_qualname}.{name}"
        return attribute in self.functions or attribute in self.bindings or attribute in self.classes

    def binding_value(self, symbol: str) -> tuple[FileFacts, Val] | None:
        """The value a module- or class-level name is bound to, following aliases.

        `settings.API_V1_STR`, where `settings = Settings()`, finds the class field's default.
        """
        seen: set[str] = set()
        last: tuple[FileFacts, Val] | None = None
        for _ in range(_MAX_STEPS):
            symbol = self.real_module_name(symbol)
            if symbol in seen:
                return last
            seen.add(symbol)
            found = self.bindings.get(symbol)
            if found is not None:
                facts, binding = found
                last = (facts, binding.value)
                target = binding.value.value
                if binding.value.kind == "ref" and isinstance(target, str) and "()" not in target:
                    symbol = target  # a name bound to another name
                    continue
                return last
            alias = self.aliases.get(symbol)
            if alias is not None and "()" not in alias:
                symbol = alias
                continue
            if "." not in symbol:
                return last
            base, attr = symbol.rsplit(".", 1)
            for candidate in self.class_lineage(self.canonical(base)):
                key = f"{candidate}.{attr}"
                if key in self.bindings and key not in seen:
                    symbol = key
                    break
            else:
                return last
        return last

    def real_module_name(self, symbol: str) -> str:
        """Rewrite a symbol imported under a file's root-relative module name."""
        if not self.module_aliases:
            return symbol
        parts = symbol.split(".")
        for end in range(len(parts), 0, -1):
            target = self.module_aliases.get(".".join(parts[:end]))
            if target is not None:
                return ".".join([target, *parts[end:]])
        return symbol

    def canonical_binding(self, symbol: str) -> str:
        """Follow import aliases to the name's own binding (`SessionDep` → `app.deps.SessionDep`)."""
        for _ in range(_MAX_STEPS):
            symbol = self.real_module_name(symbol)
            if symbol in self.bindings:
                return symbol
            alias = self.aliases.get(symbol)
            if alias is None or "()" in alias:
                return symbol
            symbol = alias
        return symbol

    def string_value(self, value: Val | None, depth: int = 0) -> str | None:
        """The string an expression always evaluates to, or None when it is not static."""
        if value is None or depth > _MAX_STEPS:
            return None
        if value.kind == "const":
            return value.value if isinstance(value.value, str) else None
        if value.kind == "fstr":
            parts = []
            for part in value.value:  # type: ignore[union-attr]
                text = self.string_value(part, depth + 1)
                if text is None:
                    return None
                parts.append(text)
            return "".join(parts)
        if value.kind == "ref" and isinstance(value.value, str):
            found = self.binding_value(value.value)
            if found is not None:
                return self.string_value(found[1], depth + 1)
        if value.kind == "call":
            return self.string_value(self.field_default(value), depth + 1)
        return None

    def field_default(self, value: Val) -> Val | None:
        """The default of a settings or model field written `Field("x")` / `Field(default="x")`."""
        if not isinstance(value.value, str) or self.canonical(value.value) not in _FIELD_FUNCTIONS:
            return None
        return value.kwarg("default") or (value.args[0] if value.args else None)

    def resolve_value(self, value: Val | None, depth: int = 0) -> Val | None:
        """Follow refs to module constants and settings defaults; other values as they are."""
        if value is None or depth > _MAX_STEPS:
            return value
        if value.kind == "ref" and isinstance(value.value, str):
            found = self.binding_value(value.value)
            if found is not None:
                return self.resolve_value(found[1], depth + 1)
        if value.kind == "call":
            default = self.field_default(value)
            if default is not None:
                return self.resolve_value(default, depth + 1)
        return value

    def class_lineage(self, qualname: str) -> tuple[str, ...]:
        """The class and its project base classes, nearest first (each once)."""
        lineage = self._lineages.get(qualname)
        if lineage is not None:
            return lineage
        if qualname not in self.classes:
            return (qualname,)
        seen: dict[str, None] = {}
        queue = [qualname]
        while queue:
            current = queue.pop(0)
            if current in seen:
                continue
            seen[current] = None
            found = self.classes.get(current)
            if found is not None:
                queue.extend(self.canonical(base) for base in found[1].bases)
        lineage = self._lineages[qualname] = tuple(seen)
        return lineage

    def is_subclass(self, qualname: str, bases: frozenset[str]) -> bool:
        return any(candidate in bases for candidate in self.class_lineage(qualname))

    def method(self, class_qualname: str, name: str) -> FunctionRef | None:
        for candidate in self.class_lineage(class_qualname):
            found = self.functions.get(f"{candidate}.{name}")
            if found is not None:
                return found
        return None

    def function_target(self, symbol: str | None) -> FunctionRef | None:
        """The project function a callee symbol reaches (a class call runs its `__init__`)."""
        if symbol is None:
            return None
        targets = self._targets
        if symbol in targets:
            qualname = targets[symbol]
            return self.functions[qualname] if qualname is not None else None
        found = self._function_target(self.canonical(symbol))
        targets[symbol] = found.qualname if found is not None else None
        return found

    def _function_target(self, canonical: str) -> FunctionRef | None:
        found = self.functions.get(canonical)
        if found is not None:
            return found
        if canonical in self.classes:
            return self.method(canonical, "__init__")
        if "." in canonical:
            owner, name = canonical.rsplit(".", 1)
            if owner in self.classes:
                return self.method(owner, name)
        return None

    def imported_module(self, imported: ImportFact) -> str | None:
        """The project module an import refers to (`from app import crud` → `app.crud`,
        `from app.crud import get_user` → `app.crud`), or None for a library."""
        if imported.unresolved:
            return None
        target = imported.module if imported.name in (None, "*") else f"{imported.module}.{imported.name}"
        target = self.real_module_name(target)
        while target:
            if target in self.modules:
                return target
            if "." not in target:
                return None
            target = target.rsplit(".", 1)[0]
        return None
