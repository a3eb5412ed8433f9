"""FL303 layer-violation: an import that breaks the layer order (see `fastlint.layers`).

Bad:
    # app/api/users.py
    from app.repositories.user import UserRepository

Good:
    # app/api/users.py
    from app.services.user import UserService
"""

from __future__ import annotations

from collections.abc import Iterator

from fastlint.diagnostics import Diagnostic
from fastlint.facts import FileFacts, Span
from fastlint.layers import LAYERS_OPTION, Layering, layering, module_path
from fastlint.project import Project
from fastlint.rules.base import ProjectRule

# Layers that must stay free of HTTP: they are reused by workers, scripts and tests.
HTTP_FREE_LAYERS = frozenset({"services", "repositories", "models"})
HTTP_NAMES = frozenset({
    "fastapi.Request", "fastapi.Response", "fastapi.HTTPException", "fastapi.APIRouter",
    "fastapi.Depends", "fastapi.BackgroundTasks", "fastapi.status",
    "fastapi.requests.Request", "fastapi.exceptions.HTTPException", "fastapi.routing.APIRouter",
    "fastapi.params.Depends", "fastapi.param_functions.Depends",
    "fastapi.background.BackgroundTasks", "starlette.requests.Request",
    "starlette.exceptions.HTTPException", "starlette.background.BackgroundTasks",
    "starlette.status",
})
HTTP_MODULES = ("fastapi.responses", "starlette.responses", "fastapi.status", "starlette.status")


def http_concern(module: str, name: str | None) -> str | None:
    """The HTTP name an import brings in (`fastapi.HTTPException`), or None."""
    target = module if name is None or name == "*" else f"{module}.{name}"
    if target in HTTP_NAMES:
        return target
    if any(target == prefix or target.startswith(prefix + ".") for prefix in HTTP_MODULES):
        return target
    return None


class LayerViolation(ProjectRule):
    code = "FL303"
    name = "layer-violation"
    summary = "An import breaks the layer order (routers → services → repositories → models)"
    options = (LAYERS_OPTION,)

    def check(self, project: Project) -> Iterator[Diagnostic]:
        layers = layering(project, self.option("layers"))
        if not layers.active:
            return
        found: dict[tuple[str, Span], tuple[FileFacts, list[str]]] = {}
        for layer_import in layers.imports():
            if layer_import.breach is None:
                continue
            facts = layer_import.facts
            where = f"{module_path(facts)} imports {layer_import.imported}"
            _, messages = found.setdefault((facts.path, layer_import.span), (facts, []))
            messages.append(layer_import.breach.message(where))
        for (_, span), (facts, messages) in self._http_imports(project, layers).items():
            found.setdefault((facts.path, span), (facts, []))[1].extend(messages)
        for (_, span), (facts, messages) in sorted(found.items(), key=lambda item: item[0]):
            yield self.diagnostic(facts, span, "; ".join(messages))

    def _http_imports(self, project: Project, layers: Layering) -> dict[tuple[str, Span], tuple[FileFacts, list[str]]]:
        found: dict[tuple[str, Span], tuple[FileFacts, list[str]]] = {}
        check_type_checking = layers.config.check_type_checking_imports
        for facts in project.files:
            layer = None if facts.is_test else layers.layer_of(facts.module)
            if layer not in HTTP_FREE_LAYERS:
                continue
            for imported in facts.imports:
                if imported.type_checking and not check_type_checking:
                    continue
                concern = http_concern(imported.module, imported.name)
                if concern is None:
                    continue
                _, names = found.setdefault((facts.path, imported.span), (facts, []))
                names.append(concern)
        return {
            key: (facts, [
                f"{layer_name(layers, facts)} must not import HTTP concerns "
                f"({module_path(facts)} imports {', '.join(names)}): raise a domain exception "
                "or return data, and let the router speak HTTP"
            ])
            for key, (facts, names) in found.items()
        }


def layer_name(layers: Layering, facts: FileFacts) -> str:
    return layers.layer_of(facts.module) or "this module"
