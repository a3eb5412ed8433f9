"""FL304 misplaced-definition: a route, schema, ORM model or settings class in the wrong layer.

Bad:
    # app/services/users.py
    @router.get("/users")
    def list_users(): ...

Good:
    # app/routers/users.py
    @router.get("/users")
    def list_users(): ...
"""

from __future__ import annotations

from collections.abc import Iterator
from fnmatch import fnmatch

from fastlint.diagnostics import Diagnostic
from fastlint.facts import ClassFact, Span
from fastlint.layers import LAYERS_OPTION, Layering, layering, module_path
from fastlint.project import Project
from fastlint.rules.base import Option, ProjectRule

PYDANTIC_MODELS = frozenset({"pydantic.BaseModel", "pydantic.main.BaseModel", "pydantic.v1.BaseModel"})
SQLMODEL = "sqlmodel.SQLModel"
SETTINGS = frozenset({"pydantic_settings.BaseSettings", "pydantic_settings.main.BaseSettings",
                      "pydantic.BaseSettings", "pydantic.v1.BaseSettings"})
DECLARATIVE_BASES = frozenset({
    "sqlalchemy.orm.DeclarativeBase", "sqlalchemy.orm.DeclarativeBaseNoMeta",
    "sqlalchemy.orm.decl_api.DeclarativeBase", "sqlalchemy.orm.decl_api.DeclarativeBaseNoMeta",
})
DECLARATIVE_FACTORIES = frozenset({
    "sqlalchemy.orm.declarative_base()", "sqlalchemy.ext.declarative.declarative_base()",
    "sqlalchemy.orm.decl_api.declarative_base()", "sqlalchemy.orm.registry().generate_base()",
})
UNVERSIONED_ALLOW = ["/health*", "/ready*", "/live*", "/metrics", "/docs*", "/redoc*", "/openapi.json"]


class MisplacedDefinition(ProjectRule):
    code = "FL304"
    name = "misplaced-definition"
    summary = "A route, schema, ORM model or settings class is defined outside its layer"
    options = (
        LAYERS_OPTION,
        Option("unversioned-allow", UNVERSIONED_ALLOW, "list[str]",
               "Operational paths (glob) that may be declared on the app itself."),
    )

    def check(self, project: Project) -> Iterator[Diagnostic]:
        layers = layering(project, self.option("layers"))
        if not layers.active:
            return
        present = set(layers.names)
        if "routers" in present:
            yield from self._routes_outside_routers(project, layers)
        for facts in project.files:
            if facts.is_test or not facts.classes:
                continue
            layer = layers.layer_of(facts.module)
            for cls in facts.classes:
                message = self._misplaced_class(project, cls, layer, present)
                if message is not None:
                    yield self.diagnostic(facts, _class_line(cls), message.format(where=module_path(facts)))

    def _routes_outside_routers(self, project: Project, layers: Layering) -> Iterator[Diagnostic]:
        allowed = tuple(self.option("unversioned-allow"))
        for route in project.fastapi.resolved_routes:
            function, facts = route.function, route.facts
            if function is None or facts.is_test or layers.layer_of(facts.module) == "routers":
                continue
            on_app = route.owner is not None and route.owner.kind == "app"
            if on_app and route.path is not None and any(fnmatch(route.path, p) for p in allowed):
                continue
            place = layers.layer_of(facts.module) or "a module outside every layer"
            yield self.diagnostic(
                facts, function.def_span,
                f"path operation {route.label} is declared in {place} ({module_path(facts)}): "
                "declare it on an APIRouter in the routers layer and include that router in the app",
            )

    def _misplaced_class(self, project: Project, cls: ClassFact, layer: str | None,
                         present: set[str]) -> str | None:
        lineage = [project.canonical(base) for base in cls.bases]
        ancestors = set()
        for base in lineage:
            ancestors.update(project.class_lineage(base))
        if ancestors & SETTINGS:
            if "core" in present and layer != "core":
                return f"settings class `{cls.name}` is defined outside core ({{where}}): move it to the core layer"
            return None
        if is_orm_model(project, cls, lineage, ancestors):
            if "models" in present and layer != "models":
                return f"ORM model `{cls.name}` is defined outside models ({{where}}): move it to the models layer"
            return None
        if layer == "routers" and (ancestors & PYDANTIC_MODELS or SQLMODEL in ancestors):
            target = "schemas" if "schemas" in present else "a schemas module"
            return (f"schema `{cls.name}` is defined in a router ({{where}}): "
                    f"move request/response models to {target}")
        return None


def is_orm_model(project: Project, cls: ClassFact, bases: list[str], ancestors: set[str]) -> bool:
    """A mapped class: `SQLModel, table=True`, or a subclass of a project's declarative base."""
    if SQLMODEL in ancestors:
        return any(key == "table" and value.value is True for key, value in cls.keywords)
    if _is_abstract(project, cls):
        return False
    # The base itself (`class Base(DeclarativeBase)`) is infrastructure, not a model.
    if any(base in DECLARATIVE_BASES for base in bases):
        return False
    return bool(ancestors & DECLARATIVE_BASES) or bool(ancestors & DECLARATIVE_FACTORIES)


def _is_abstract(project: Project, cls: ClassFact) -> bool:
    found = project.bindings.get(f"{cls.qualname}.__abstract__")
    return found is not None and found[1].value.value is True


def _class_line(cls: ClassFact) -> Span:
    return Span(cls.span.row, cls.span.col, cls.span.row, cls.span.col + len("class ") + len(cls.name))
