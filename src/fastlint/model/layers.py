"""Architecture layers: which modules form the routers, services, repositories… of a project,
and which imports between them break the layer order.

Layers come from `[tool.fastlint.layers]` when it lists them (`order`), and are otherwise
detected from each module's name and content (see `fastlint.layer_detection`). FL303, FL304
and `fastlint layers` read the result; nothing here reports findings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fastlint.facts.records import FileFacts, Span
from fastlint.model.interface import class_signature
from fastlint.model.layer_detection import defines_code, detect
from fastlint.options import Option, OptionValueError

if TYPE_CHECKING:
    from fastlint.model.project import Project

# The guide's production structure, top to bottom.
DEFAULT_ORDER = ("middleware", "routers", "services", "repositories", "models", "schemas", "core")


# ---------------------------------------------------------------------- configuration
@dataclass(frozen=True)
class LayerSpec:
    """A configured layer: its name and the module patterns it covers (`app.api.routes.*`)."""

    name: str
    modules: tuple[str, ...]


@dataclass(frozen=True)
class LayerConfig:
    """What `[tool.fastlint.layers]` says; `order` None means: detect the layers."""

    order: tuple[LayerSpec, ...] | None = None
    allow: tuple[tuple[str, str], ...] = ()
    forbid: tuple[tuple[str, str], ...] = ()
    ignore_imports: tuple[tuple[str, str], ...] = ()
    check_type_checking_imports: bool = False
    check_annotation_imports: bool = False


_CONFIG_KEYS = ("order", "allow", "forbid", "ignore-imports", "check-type-checking-imports",
                "check-annotation-imports")


def parse_layer_config(table: dict[str, Any]) -> LayerConfig:
    """Validate `[tool.fastlint.layers]`; a bad part raises OptionValueError naming its key."""
    for key in table:
        if key not in _CONFIG_KEYS:
            raise OptionValueError(
                f"layers.{key}", f"unknown key (known keys: {', '.join(_CONFIG_KEYS)})"
            )
    order = _parse_order(table["order"]) if "order" in table else None
    names = {spec.name for spec in order} if order is not None else set(DEFAULT_ORDER)
    allow = _parse_arrows(table.get("allow", []), "layers.allow", names)
    forbid = _parse_arrows(table.get("forbid", []), "layers.forbid", names)
    both = set(allow) & set(forbid)
    if both:
        first, second = sorted(both)[0]
        raise OptionValueError("layers.forbid", f"'{first} -> {second}' is also in layers.allow")
    ignore = _parse_arrows(table.get("ignore-imports", []), "layers.ignore-imports", None)
    check, annotations = (_parse_bool(table, key) for key in _CONFIG_KEYS[-2:])
    return LayerConfig(order, allow, forbid, ignore, check, annotations)


def _parse_bool(table: dict[str, Any], key: str) -> bool:
    value = table.get(key, False)
    if not isinstance(value, bool):
        raise OptionValueError(f"layers.{key}", f"expected true or false, got {value!r}")
    return value


def _parse_order(value: object) -> tuple[LayerSpec, ...]:
    if not isinstance(value, list):
        raise OptionValueError("layers.order", "expected a list of tables {name = ..., modules = [...]}, top layer first")
    specs = []
    seen: set[str] = set()
    for index, entry in enumerate(value):
        key = f"layers.order[{index}]"
        if not isinstance(entry, dict):
            raise OptionValueError(key, f"expected a table {{name = ..., modules = [...]}}, got {entry!r}")
        for sub in entry:
            if sub not in ("name", "modules"):
                raise OptionValueError(f"{key}.{sub}", "unknown key (known keys: name, modules)")
        name = entry.get("name")
        if not isinstance(name, str) or not name:
            raise OptionValueError(f"{key}.name", f"expected a layer name, got {name!r}")
        if name in seen:
            raise OptionValueError(f"{key}.name", f"layer {name!r} is listed twice")
        seen.add(name)
        modules = entry.get("modules")
        if not isinstance(modules, list) or not modules or not all(
            isinstance(m, str) and m for m in modules
        ):
            raise OptionValueError(f"{key}.modules", f"expected a non-empty list of module patterns, got {modules!r}")
        specs.append(LayerSpec(name, tuple(modules)))
    return tuple(specs)


def _parse_arrows(value: object, key: str, names: set[str] | None) -> tuple[tuple[str, str], ...]:
    """`["routers -> repositories"]`; names, when given, are the layers an arrow may name."""
    if not isinstance(value, list):
        raise OptionValueError(key, f"expected a list of 'a -> b' strings, got {value!r}")
    arrows = []
    for index, item in enumerate(value):
        parts = item.split("->") if isinstance(item, str) else []
        if len(parts) != 2 or not all(part.strip() for part in parts):
            raise OptionValueError(f"{key}[{index}]", f"expected 'a -> b', got {item!r}")
        first, second = parts[0].strip(), parts[1].strip()
        if names is not None:
            for name in (first, second):
                if name not in names:
                    raise OptionValueError(
                        f"{key}[{index}]", f"unknown layer {name!r} (layers: {', '.join(sorted(names))})"
                    )
        arrows.append((first, second))
    return tuple(arrows)


LAYERS_OPTION = Option(
    "layers", None, "table",
    "The layers, top first (`order = [{name = \"routers\", modules = [\"app.api.*\"]}, ...]`), "
    "`allow`/`forbid` exceptions (`\"routers -> repositories\"`), `ignore-imports` "
    "(`\"app.api.deps -> app.crud\"`), `check-type-checking-imports` (false), "
    "`check-annotation-imports` (false: an import used only in annotations is not a dependency). "
    "Without `order`, layers are detected from folder names.",
    parse=parse_layer_config,
)


# ---------------------------------------------------------------------- module patterns
def _pattern(text: str) -> re.Pattern[str]:
    """A module pattern matches the module and everything under it; `*` matches any part."""
    body = re.escape(text).replace(r"\*", ".*").replace(r"\?", ".")
    return re.compile(rf"{body}(\..+)?")


def _matches(pattern: re.Pattern[str], module: str) -> bool:
    return pattern.fullmatch(module) is not None


# ---------------------------------------------------------------------- the breach
@dataclass(frozen=True)
class Breach:
    """A layer rule broken by an import, in words: `rule (where): advice`."""

    rule: str
    advice: str

    def message(self, where: str) -> str:
        return f"{self.rule} ({where}): {self.advice}"


@dataclass(frozen=True)
class LayerImport:
    """One imported project module whose importer and imported module are in layers."""

    facts: FileFacts
    span: Span  # the import statement
    imported: str  # the project module imported
    importer_layer: str
    imported_layer: str
    breach: Breach | None


class Layering:
    """The layers of one project: which module is in which layer, and what may import what."""

    def __init__(self, project: "Project", config: LayerConfig) -> None:
        self.project = project
        self.config = config
        self.parents: tuple[str, ...] = ()
        self.module_layer: dict[str, str] = {}
        if config.order is not None:
            self.names = tuple(spec.name for spec in config.order)
            self._assign_configured(config.order)
        else:
            self._detect()
            present = set(self.module_layer.values())
            self.names = tuple(name for name in DEFAULT_ORDER if name in present)
        self._rank = {name: index for index, name in enumerate(self.names)}
        self._ignored = tuple((_pattern(a), _pattern(b)) for a, b in config.ignore_imports)

    @property
    def active(self) -> bool:
        return bool(self.module_layer)

    @property
    def source(self) -> str:
        if self.config.order is not None:
            return "configured in [tool.fastlint.layers]"
        where = ", ".join(parent or "the project root" for parent in self.parents)
        return f"detected under {where}" if self.parents else "none detected"

    def _modules(self) -> Iterator[str]:
        """The modules that can be in a layer: application code (not tests, scripts,
        migrations, docs or a separate project; see `fastlint.scope`)."""
        scope = self.project.scope
        for facts in self.project.files:
            if not facts.is_test and scope.is_application(facts):
                yield facts.module

    def _assign_configured(self, order: tuple[LayerSpec, ...]) -> None:
        patterns = [(len(text), _pattern(text), spec.name) for spec in order for text in spec.modules]
        # The most specific pattern wins (`app.api.deps` over `app.api.*`); then the order.
        patterns.sort(key=lambda item: -item[0])
        for module in self._modules():
            for _, pattern, name in patterns:
                if _matches(pattern, module):
                    self.module_layer[module] = name
                    break

    def _detect(self) -> None:
        # Names read from no position: kept across edits that only move code, or that change
        # calls in functions (it reads the model, the scope, definitions and imports), or
        # the last definitions of a module that defined code before and after.
        project = self.project
        self.detection = project.carried_memo(
            ("layer detection",), lambda: detect(project, self._modules()),
            lambda before: project.kept_with_scope(before)
            if project.edit.definitions_kept(lambda facts: (defines_code(facts), class_signature(facts))) else None)
        self.parents = self.detection.units
        for module, found in self.detection.classified.items():
            if self.detection.in_layer(module):
                self.module_layer[module] = found.layer

    def evidence(self, module: str) -> str:
        """Why a module is in its layer (`name service.py`, `declares routes`…)."""
        if self.config.order is not None:
            return "configured"
        found = self.detection.classified.get(module)
        return found.evidence if found is not None else ""

    def rejected(self) -> dict[str, str]:
        """Modules named after a layer that their content puts in none, with the reason."""
        if self.config.order is not None or not self.active:
            return {}
        near = set(self.detection.units) | set(self.detection.shared)
        return {module: f"named {found.name_layer}, {found.reason}"
                for module, found in self.detection.rejected.items()
                if found.unit in near or self.covers(module)}

    def layer_of(self, module: str) -> str | None:
        return self.module_layer.get(module)

    def parent_of(self, module: str) -> str | None:
        """The layered unit a module belongs to ("" for configured layers), or None when it
        is outside the layered code."""
        if self.config.order is not None:
            return "" if self.covers(module) else None
        units = [unit for unit in self.detection.units if _under(module, unit)]
        if units:
            return max(units, key=len)
        found = self.detection.classified.get(module)
        return found.unit if found is not None and module in self.module_layer else None

    def covers(self, module: str) -> bool:
        """Whether a module is part of the layered code: under a detected layered unit, in a
        layer, or beside the units (`app/main.py`); or in a top-level package that the
        configured layers name."""
        if self.config.order is not None:
            tops = {text.split(".", 1)[0] for spec in self.config.order for text in spec.modules}
            return module.split(".", 1)[0] in tops
        detection = self.detection
        return module in self.module_layer or any(_under(module, unit) for unit in detection.units) \
            or module in detection.shared or module.rpartition(".")[0] in detection.shared

    def members(self) -> dict[str, list[str]]:
        grouped: dict[str, list[str]] = {name: [] for name in self.names}
        for module, layer in sorted(self.module_layer.items()):
            grouped[layer].append(module)
        return grouped

    def outside(self) -> list[str]:
        """Layered code in no layer: composition roots (`main.py`, `dependencies.py`, `utils/`)."""
        return sorted(m for m in self._modules() if m not in self.module_layer and self.covers(m))

    # ------------------------------------------------------------------ imports
    def imports(self) -> Iterator[LayerImport]:
        """Every import between two modules in layers, with the rule it breaks, if any."""
        check_type_checking = self.config.check_type_checking_imports
        for facts in self.project.files:
            importer_layer = None if facts.is_test else self.module_layer.get(facts.module)
            if importer_layer is None:
                continue
            bound: dict[tuple[Span, str], list[str]] = {}
            for imported in facts.imports:
                if imported.type_checking and not check_type_checking:
                    continue
                module = self.project.imported_module(imported)
                if module is not None:
                    bound.setdefault((imported.span, module), []).append(imported.bound)
            for (span, module), names in bound.items():
                imported_layer = self.module_layer.get(module)
                if imported_layer is None or self._is_ignored(facts.module, module):
                    continue
                breach = self.breach(importer_layer, imported_layer)
                if breach is not None and not self._is_dependency(facts, names):
                    breach = None
                yield LayerImport(facts, span, module, importer_layer, imported_layer, breach)

    def _is_dependency(self, facts: FileFacts, names: list[str]) -> bool:
        """Whether the imported names make the module depend on the other layer: they are
        used at run time (not only in annotations), outside the dependency providers that
        wire the layers together (`get_user_service()` building a service from a repository)."""
        if "*" in names:
            return True
        functions = {index for name, index in facts.import_uses if name in names}
        if not functions:
            return self.config.check_annotation_imports
        if -1 in functions:
            return True
        providers = self.project.fastapi.dependencies
        return not all(_inside(facts.functions[index].qualname, providers) for index in functions)

    def _is_ignored(self, importer: str, imported: str) -> bool:
        return any(_matches(a, importer) and _matches(b, imported) for a, b in self._ignored)

    def breach(self, importer: str, imported: str) -> Breach | None:
        """The rule an import from layer `importer` into layer `imported` breaks, or None."""
        if importer == imported or (importer, imported) in self.config.allow:
            return None
        if (importer, imported) in self.config.forbid:
            return Breach(f"{importer} must not import {imported}",
                          "[tool.fastlint.layers] forbids it")
        if importer == "routers" and imported == "repositories" and "services" in self._rank:
            return Breach("routers must not import repositories directly", "call a service")
        if imported == "middleware":
            return Breach(f"{importer} must not import middleware",
                          "middleware is wired by the app factory, not imported")
        if importer == "core":
            return Breach(f"core must not import {imported}",
                          "core is imported by every layer and imports none: move the code that needs it "
                          "out of core, e.g. into a composition root")
        if importer == "schemas" and imported != "core":
            return Breach(f"schemas must not import {imported}",
                          "schemas import only core: keep them plain data")
        if importer == "middleware" and imported not in ("core", "schemas", "services"):
            return Breach(f"middleware must not import {imported}",
                          "middleware imports only core, schemas and services (not the data layer)")
        if imported == "schemas" and importer not in ("routers", "services", "repositories", "middleware"):
            return Breach(f"{importer} must not import schemas",
                          "schemas are used by routers, services, repositories and middleware only")
        rank_importer, rank_imported = self._rank.get(importer), self._rank.get(imported)
        if rank_importer is not None and rank_imported is not None and rank_importer > rank_imported:
            return Breach(f"{importer} must not import {imported}, a layer above it",
                          "move what both need down into a lower layer")
        return None


def _under(module: str, package: str) -> bool:
    return package == "" or module == package or module.startswith(package + ".")


def _inside(qualname: str, functions: set[str]) -> bool:
    """Whether a function is one of `functions` or nested in one."""
    parts = qualname.split(".")
    return any(".".join(parts[:end]) in functions for end in range(len(parts), 0, -1))


def module_path(facts: FileFacts) -> str:
    """How a message names a file: by its module (`app/api/users.py`)."""
    path = facts.module.replace(".", "/")
    return f"{path}/__init__.py" if facts.is_package else f"{path}.py"


def layering(project: "Project", config: LayerConfig | None) -> Layering:
    """The project's layers, built once per project and configuration."""
    config = config if config is not None else LayerConfig()
    cache = project.__dict__.setdefault("_layerings", {})
    if config not in cache:
        cache[config] = Layering(project, config)
    return cache[config]
