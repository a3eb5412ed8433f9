"""Detecting the layers of a project that does not configure them.

Each module is classified on its own, wherever it sits, by its name (`service.py`,
`services/`, `views.py`, `crud/`, `db/models/`, `user_repository.py`…) checked against its
content: a router module declares routes, a models module defines ORM models (one that holds
only pydantic / TypedDict / dataclass types is a schemas module), a services module is used by
the routers, a middleware module defines HTTP middleware. The unit that holds a module's
layers is the package around its layer-named part (`app` for `app/db/repositories/users.py`,
`app.orders` for the feature folder `app/orders/service.py`); a project is layered where one
such unit holds three layers or more, routers among them, so one stray `models.py` never
turns the rules on; the layers of the package just above a unit are shared by it (a feature
folder's `shop/models/`), and nothing further away is in a layer.
Every classification keeps its evidence, which `fastlint layers` shows.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from fastlint.facts.catalog import PYDANTIC_MODELS
from fastlint.facts.records import ClassFact, FileFacts
from fastlint.model.fastapi_model import MIDDLEWARE_BASES
from fastlint.model.orm import DECLARATIVE_BASES, SQLMODEL, ancestors, is_orm_model

if TYPE_CHECKING:
    from fastlint.model.project import Project

# Folder or module names of each layer, singular and plural, and the common aliases.
LAYER_NAMES: dict[str, tuple[str, ...]] = {
    "routers": ("routers", "router", "routes", "endpoints", "endpoint", "api", "views", "view"),
    "services": ("services", "service"),
    "repositories": ("repositories", "repository", "repos", "repo", "crud", "dal"),
    "models": ("models",),
    "schemas": ("schemas", "schema"),
    "core": ("core",),
    "middleware": ("middleware", "middlewares"),
}
LAYER_OF_NAME = {name: layer for layer, names in LAYER_NAMES.items() for name in names}
# Folders that only group layers (`app/db/models`, `app/db/repositories`): the unit is above.
GROUPING_FOLDERS = frozenset({"db", "database", "persistence", "infrastructure", "infra", "storage"})
MIN_LAYERS_IN_UNIT = 3

DATA_CLASS_BASES = PYDANTIC_MODELS | frozenset({
    SQLMODEL, "typing.TypedDict", "typing_extensions.TypedDict", "typing.NamedTuple",
    "enum.Enum", "enum.IntEnum", "enum.StrEnum", "msgspec.Struct", "pydantic.RootModel",
})
DATA_CLASS_DECORATORS = frozenset({
    "dataclasses.dataclass", "pydantic.dataclasses.dataclass", "attrs.define", "attrs.frozen",
    "attr.s", "attr.define", "attr.dataclass",
})
ASGI_PARAMS = frozenset({"scope", "receive", "send"})


@dataclass(frozen=True)
class Classified:
    """A module's layer and why (`name service.py`, `declares routes`, …)."""

    layer: str
    evidence: str
    unit: str  # the package that holds this module's layers


@dataclass(frozen=True)
class Rejected:
    """A module whose name says a layer and whose content says otherwise."""

    name_layer: str
    reason: str
    unit: str = ""


@dataclass(frozen=True)
class Detection:
    classified: dict[str, Classified]
    rejected: dict[str, Rejected]
    units: tuple[str, ...]  # the packages that hold three layers or more
    # The packages just above them, whose layers the units share (`shop/models/` for the
    # feature folders `shop/orders/`, `shop/users/`), and the feature folders' siblings.
    shared: tuple[str, ...]

    def in_layer(self, module: str) -> bool:
        """Whether a classified module belongs to the layered code (a unit, or shared by one);
        `prefect/blocks/core.py` in a big package whose `server/` is layered does not."""
        found = self.classified.get(module)
        return found is not None and (found.unit in self.units or found.unit in self.shared)


def detect(project: "Project", modules: Iterable[str]) -> Detection:
    files = {facts.module: facts for facts in project.files if not facts.is_test}
    modules = [module for module in modules if module in files]
    containers = _containers(modules)
    named = {module: found for module in modules
             if (found := _named_layer(module, files[module].is_package, containers)) is not None}
    route_modules = _route_modules(project)
    classified: dict[str, Classified] = {}
    rejected: dict[str, Rejected] = {}
    for module, (layer, evidence, unit) in named.items():
        verdict = _check_content(project, files[module], layer, module in route_modules)
        if isinstance(verdict, Rejected):
            rejected[module] = replace(verdict, unit=unit)
        else:
            final, note = verdict
            classified[module] = Classified(final, f"{evidence}{note}", unit)
    for module in sorted(route_modules - named.keys()):
        classified[module] = Classified("routers", "declares routes", module.rpartition(".")[0])
    _follow_submodules(files, classified, rejected)
    _confirm_services(project, classified, rejected, route_modules)
    # A folder name with nothing in it (`airflow/api/__init__.py` over modules in no layer)
    # does not make a unit layered.
    layers_by_unit: dict[str, set[str]] = defaultdict(set)
    for module, found in classified.items():
        if not files[module].is_package or defines_code(files[module]):
            layers_by_unit[found.unit].add(found.layer)
    # A layered unit serves HTTP: three layers with no router are a library's folder names.
    units = tuple(sorted(unit for unit, layers in layers_by_unit.items()
                         if len(layers) >= MIN_LAYERS_IN_UNIT and "routers" in layers))
    found_units = {found.unit for found in classified.values()} | {found.unit for found in rejected.values()}
    return Detection(classified, rejected, units, _shared(units, found_units))


def _shared(units: tuple[str, ...], found_units: set[str]) -> tuple[str, ...]:
    """The package just above each layered unit; where it holds several units (feature
    folders), also their sibling packages (`shop/kit/`, `shop/auth/`)."""
    parents = Counter(unit.rpartition(".")[0] for unit in units)
    shared = set(parents)
    for unit in found_units:
        if unit and parents[unit.rpartition(".")[0]] >= 2:
            shared.add(unit)
    return tuple(sorted(shared - set(units)))


# ---------------------------------------------------------------------- names
def _containers(modules: list[str]) -> set[str]:
    """`core` packages that hold other layers (`lnbits/core/{views,services,crud}`) group
    layers; they are not the core layer."""
    found = set()
    for module in modules:
        parts = module.split(".")
        for index, part in enumerate(parts[:-1]):
            if part == "core" and any(LAYER_OF_NAME.get(p) not in (None, "core") for p in parts[index + 1:]):
                found.add(".".join(parts[: index + 1]))
    return found


def _named_layer(module: str, is_package: bool, containers: set[str]) -> tuple[str, str, str] | None:
    """(layer, evidence, unit) from the module's name, or None."""
    parts = module.split(".")
    hits = [(index, layer) for index, part in enumerate(parts)
            if (layer := LAYER_OF_NAME.get(part)) is not None
            and ".".join(parts[: index + 1]) not in containers]
    if not hits:
        return None
    index, layer = hits[-1]  # the innermost name decides (`app/api/models.py` is models)
    part = parts[index]
    is_folder = index < len(parts) - 1 or is_package
    evidence = f"name {part}/" if is_folder else f"name {part}.py"
    unit = parts[:hits[0][0]]
    while unit and unit[-1] in GROUPING_FOLDERS:
        unit = unit[:-1]
    return layer, evidence, ".".join(unit)


# ---------------------------------------------------------------------- content
def _route_modules(project: "Project") -> set[str]:
    """Modules that declare path operations on a router. Building an `APIRouter` only to
    include others (`lnbits/core/__init__.py`, `api/main.py`) is composition, not a router."""
    found = {route.facts.module for route in project.fastapi.resolved_routes
             if route.owner is None or route.owner.kind == "router"}
    return {module for module in found if not _is_test(project, module)}


def _is_test(project: "Project", module: str) -> bool:
    facts = project.modules.get(module)
    return facts is None or facts.is_test


def defines_code(facts: FileFacts) -> bool:
    """Whether a module defines a class or a function of its own (not re-exports alone)."""
    return bool(facts.classes) or any(not f.nested for f in facts.functions)


def _check_content(project: "Project", facts: FileFacts, layer: str,
                   declares_routes: bool) -> tuple[str, str] | Rejected:
    """The layer the content confirms, with a note on the evidence; or why it is rejected.
    A module with no code of its own (`__init__.py`, re-exports) keeps its name."""
    if not defines_code(facts):
        return layer, ""
    if declares_routes and layer in ("models", "schemas"):
        return "routers", f" (a {layer} name), declares routes"  # `routers/models.py`
    if layer == "routers":
        if declares_routes:
            return layer, ", declares routes"
        if any(not f.nested for f in facts.functions):
            return Rejected(layer, "declares no routes")  # `api/deps.py`: dependency providers
        return layer, ""
    if layer == "models":
        if _orm_classes(project, facts):
            return layer, ", defines ORM models"
        if any(_is_data_class(project, cls) for cls in facts.classes):
            return "schemas", ", defines data classes (pydantic, TypedDict, …) and no ORM model"
        return Rejected(layer, "defines no ORM model")
    if layer == "schemas" and _orm_classes(project, facts):
        return "models", ", defines ORM models"
    if layer == "middleware":
        if _defines_middleware(project, facts):
            return layer, ", defines HTTP middleware"
        return Rejected(layer, "defines no HTTP middleware")
    return layer, ""


def _follow_submodules(files: dict[str, FileFacts], classified: dict[str, Classified],
                       rejected: dict[str, Rejected]) -> None:
    """A package with no code of its own (`models/__init__.py` re-exporting) goes where most
    of its modules go: `models/` of pydantic classes is schemas, an `api/` of modules that
    declare no route is in no layer."""
    for module, found in list(classified.items()):
        if not files[module].is_package or defines_code(files[module]):
            continue
        votes: Counter[str | None] = Counter(
            other.layer for name, other in classified.items() if name.rpartition(".")[0] == module)
        refused = sum(1 for name in rejected if name.rpartition(".")[0] == module)
        if refused:
            votes[None] = refused
        if not votes:
            continue
        layer = votes.most_common(1)[0][0]
        if layer is None:
            rejected[module] = Rejected(found.layer, "neither are most of its modules", found.unit)
            del classified[module]
        elif layer != found.layer:
            classified[module] = Classified(layer, f"{found.evidence}, its modules are {layer}", found.unit)


def _orm_classes(project: "Project", facts: FileFacts) -> bool:
    """ORM models, or the declarative base they derive from (`models/base.py`)."""
    return any(is_orm_model(project, cls) or ancestors(project, cls) & DECLARATIVE_BASES
               for cls in facts.classes)


def _is_data_class(project: "Project", cls: ClassFact) -> bool:
    if any(decorator.symbol in DATA_CLASS_DECORATORS or decorator.value in DATA_CLASS_DECORATORS
           for decorator in cls.decorators):
        return True
    return bool(ancestors(project, cls) & DATA_CLASS_BASES)


def _defines_middleware(project: "Project", facts: FileFacts) -> bool:
    middleware_functions = project.fastapi.middleware_functions
    for function in facts.functions:
        if function.qualname in middleware_functions:
            return True
        if function.name == "__call__" and ASGI_PARAMS <= {p.name for p in function.params}:
            return True
    return any(ancestors(project, cls) & MIDDLEWARE_BASES for cls in facts.classes)


def _confirm_services(project: "Project", classified: dict[str, Classified],
                      rejected: dict[str, Rejected], route_modules: set[str]) -> None:
    """A services module is one the routers use: directly or through a module in no layer
    (`dependencies.py`), or a sibling in a services package of one they use. A generic base
    module named `services.py` that only other services subclass is not the services layer."""
    graph = project.import_graph
    routers = [m for m, found in classified.items() if found.layer == "routers"]
    if not routers:
        return
    reached: set[str] = set()
    for router in routers:
        for imported in graph.get(router, ()):
            reached.add(imported)
            if imported not in classified:
                reached.update(graph.get(imported, ()))
    services = [m for m, found in classified.items() if found.layer == "services"]
    used_packages = {_services_package(m) for m in services if m in reached} - {None}
    for module in services:
        facts = project.modules[module]
        if module in reached or not defines_code(facts) or module in route_modules \
                or _services_package(module) in used_packages:
            continue
        rejected[module] = Rejected("services", "no router uses it", classified[module].unit)
        del classified[module]


def _services_package(module: str) -> str | None:
    parts = module.split(".")
    for index in range(len(parts) - 1, 0, -1):
        if LAYER_OF_NAME.get(parts[index - 1]) == "services":
            return ".".join(parts[:index])
    return None
