"""FL305 no-app-factory: the FastAPI app is built and wired at import time, not in a factory.

Bad:
    app = FastAPI()
    app.include_router(users.router)

Good:
    def create_app() -> FastAPI:
        app = FastAPI()
        app.include_router(users.router)
        return app

    app = create_app()
"""

from __future__ import annotations

from collections.abc import Iterator

from fastlint.diagnostics import Diagnostic
from fastlint.model.fastapi_model import RouteOwner
from fastlint.model.project import Project
from fastlint.rules.base import ProjectRule

WIRING_METHODS = frozenset({"include_router", "add_middleware", "mount"})


class NoAppFactory(ProjectRule):
    code = "FL305"
    name = "no-app-factory"
    summary = "The FastAPI app is built and wired at import time instead of in a create_app() factory"
    default_on = False

    def check(self, project: Project) -> Iterator[Diagnostic]:
        model = project.fastapi
        module_level_apps = {
            key: owner for key, owner in model.owners.items()
            if owner.kind == "app" and not owner.facts.is_test and _at_module_level(project, owner)
        }
        if not module_level_apps:
            return
        wiring: dict[tuple[str, int, int], str] = {}
        for facts, call in project.calls():
            callee = call.call.value
            if call.function >= 0 or call.in_main_guard or not isinstance(callee, str):
                continue
            method = callee.rsplit(".", 1)[-1]
            if method not in WIRING_METHODS:
                continue
            owner = model.owner_of(call.call.target, facts)
            if owner is not None and owner.key in module_level_apps:
                wiring.setdefault(owner.key, f"`{call.text}()` at line {call.span.row}")
        for facts in project.files:
            for function in facts.functions:
                if function.nested:
                    continue
                for decorator in function.decorators:
                    if decorator.kind == "call" and isinstance(decorator.value, str) \
                            and decorator.value.endswith(".middleware"):
                        owner = model.owner_of(decorator.target, facts)
                        if owner is not None and owner.key in module_level_apps:
                            wiring.setdefault(owner.key, f"`@{owner.name or 'app'}.middleware` at line {decorator.span.row}")  # type: ignore[union-attr]
        for key, how in wiring.items():
            owner = module_level_apps[key]
            name = owner.name or "app"
            yield self.diagnostic(
                owner.facts, owner.span,
                f"the FastAPI app `{name}` is built and wired at import time ({how}): "
                "build it in a `create_app()` factory so tests and environments can configure their own",
            )


def _at_module_level(project: Project, owner: RouteOwner) -> bool:
    span = owner.span
    for call in owner.facts.calls:
        if call.span == span:
            return call.function < 0 and not call.in_main_guard
    return False
