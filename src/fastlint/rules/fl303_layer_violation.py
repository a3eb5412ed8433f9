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
from dataclasses import dataclass, field

from fastlint.diagnostics import Diagnostic
from fastlint.facts.records import FileFacts, Span
from fastlint.model.layers import LAYERS_OPTION, Layering, layering, module_path
from fastlint.model.project import Project
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
    application_code_only = True
    summary = "An import breaks the layer order (routers → services → repositories → models)"
    options = (LAYERS_OPTION,)

    def check(self, project: Project) -> Iterator[Diagnostic]:
        layers = layering(project, self.option("layers"))
        if not layers.active:
            return
        found: dict[tuple[str, str], _Finding] = {}
        for layer_import in layers.imports():
            breach = layer_import.breach
            if breach is not None:
                key = (layer_import.facts.path, layer_import.imported_layer)
                finding = found.setdefault(key, _Finding(layer_import.facts, breach.rule, breach.advice))
                finding.add(layer_import.span, layer_import.imported)
        for facts, span, names in self._http_imports(project, layers):
            finding = found.setdefault((facts.path, "HTTP"), _Finding(
                facts, f"{layer_name(layers, facts)} must not import HTTP concerns",
                "raise a domain exception or return data, and let the router speak HTTP"))
            finding.add(span, ", ".join(names))
        for finding in sorted(found.values(), key=lambda f: (f.facts.path, f.spans[0])):
            yield self.diagnostic(finding.facts, finding.spans[0], finding.message())

    def _http_imports(self, project: Project, layers: Layering) -> Iterator[tuple[FileFacts, Span, list[str]]]:
        check_type_checking = layers.config.check_type_checking_imports
        for facts in project.files:
            layer = None if facts.is_test else layers.layer_of(facts.module)
            if layer not in HTTP_FREE_LAYERS:
                continue
            names_by_span: dict[Span, list[str]] = {}
            for imported in facts.imports:
                if imported.type_checking and not check_type_checking:
                    continue
                concern = http_concern(imported.module, imported.name)
                if concern is not None:
                    names_by_span.setdefault(imported.span, []).append(concern)
            for span, names in names_by_span.items():
                yield facts, span, names


@dataclass
class _Finding:
    """The imports of one module that break one layer rule: one finding, at the first."""

    facts: FileFacts
    rule: str
    advice: str
    spans: list[Span] = field(default_factory=list)
    imported: list[str] = field(default_factory=list)

    def add(self, span: Span, imported: str) -> None:
        self.spans.append(span)
        self.imported.append(imported)

    def message(self) -> str:
        imports = self.imported if len(self.spans) == 1 else \
            [f"{name} (line {span.row})" for span, name in zip(self.spans, self.imported)]
        return f"{self.rule} ({module_path(self.facts)} imports {', '.join(imports)}): {self.advice}"


def layer_name(layers: Layering, facts: FileFacts) -> str:
    return layers.layer_of(facts.module) or "this module"
