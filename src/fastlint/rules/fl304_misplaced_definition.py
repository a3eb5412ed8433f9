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

from collections import defaultdict
from collections.abc import Iterator

from fastlint.facts.catalog import PYDANTIC_MODELS, SETTINGS_BASES
from fastlint.diagnostics import Diagnostic
from fastlint.facts.records import ClassFact, Span
from fastlint.model.layers import LAYERS_OPTION, Layering, layering, module_path
from fastlint.model.orm import SQLMODEL, ancestors, is_orm_model
from fastlint.model.project import Project
from fastlint.rules.base import ProjectRule


# A settings package or module of its own is a fine home for settings (`prefect/settings/`).
SETTINGS_PLACES = frozenset({"settings", "config", "configs", "conf", "configuration"})


class MisplacedDefinition(ProjectRule):
    code = "FL304"
    name = "misplaced-definition"
    application_code_only = True
    summary = "A route, schema, ORM model or settings class is defined outside its layer"
    options = (LAYERS_OPTION,)

    def check(self, project: Project) -> Iterator[Diagnostic]:
        layers = layering(project, self.option("layers"))
        if not layers.active:
            return
        if "routers" in layers.names:
            yield from self._routes_outside_routers(project, layers)
        # The layers of each top-level package: a folder of several applications is judged
        # application by application.
        present: dict[str, set[str]] = defaultdict(set)
        for module, layer in layers.module_layer.items():
            present[module.split(".", 1)[0]].add(layer)
        for facts in project.files:
            if facts.is_test or not facts.classes or not layers.covers(facts.module):
                continue
            top = present[facts.module.split(".", 1)[0]]
            for cls in facts.classes:
                message = self._misplaced_class(project, layers, cls, facts.module, top)
                if message is not None:
                    yield self.diagnostic(facts, _class_line(cls), message.format(where=module_path(facts)))

    def _routes_outside_routers(self, project: Project, layers: Layering) -> Iterator[Diagnostic]:
        model = project.fastapi
        # A `routers`-named package with no router or route in it (litellm's `endpoints/`
        # holds transformations) is not where the project keeps its routes.
        with_routers = {
            layers.parent_of(owner.facts.module) for owner in model.owners.values()
            if layers.layer_of(owner.facts.module) == "routers"
        }
        reported: set[tuple[str, Span]] = set()
        for route in model.resolved_routes:
            function, facts = route.function, route.facts
            if function is None or facts.is_test or layers.layer_of(facts.module) == "routers" \
                    or layers.parent_of(facts.module) not in with_routers \
                    or (facts.path, function.def_span) in reported:
                continue
            if route.owner is not None and route.owner.kind == "app":
                continue  # FL502's: one route, one finding, the advice that fits it
            place = layers.layer_of(facts.module) or "a module outside every layer"
            reported.add((facts.path, function.def_span))
            yield self.diagnostic(
                facts, function.def_span,
                f"path operation {route.label} is declared in {place} ({module_path(facts)}): "
                "declare it on an APIRouter in the routers layer and include that router in the app",
            )

    def _misplaced_class(self, project: Project, layers: Layering, cls: ClassFact,
                         module: str, present: set[str]) -> str | None:
        layer = layers.layer_of(module)
        lineage = ancestors(project, cls)
        if lineage & SETTINGS_BASES:
            if "core" in present and layer != "core" and not SETTINGS_PLACES & set(module.split(".")):
                return f"settings class `{cls.name}` is defined outside core ({{where}}): move it to the core layer"
            return None
        if is_orm_model(project, cls, lineage):
            if "models" in present and layer != "models":
                return f"ORM model `{cls.name}` is defined outside models ({{where}}): move it to the models layer"
            return None
        # Without a schemas layer the router is where the project keeps its request models.
        if layer == "routers" and "schemas" in present and (lineage & PYDANTIC_MODELS or SQLMODEL in lineage):
            return (f"schema `{cls.name}` is defined in a router ({{where}}): "
                    "move request/response models to schemas")
        return None


def _class_line(cls: ClassFact) -> Span:
    return Span(cls.span.row, cls.span.col, cls.span.row, cls.span.col + len("class ") + len(cls.name))
