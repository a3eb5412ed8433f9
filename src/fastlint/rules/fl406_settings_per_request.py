"""FL406 settings-per-request: a `BaseSettings` subclass is instantiated on every request.

Bad:
    def get_settings() -> Settings:
        return Settings()          # used as Depends(get_settings): .env re-read per request

Good:
    @lru_cache
    def get_settings() -> Settings:
        return Settings()
"""

from __future__ import annotations

from collections.abc import Iterator

from fastlint.facts.catalog import SETTINGS_BASES
from fastlint.diagnostics import Diagnostic
from fastlint.facts.records import CallFact, FileFacts
from fastlint.model.project import Project
from fastlint.rules.base import ProjectRule


class SettingsPerRequest(ProjectRule):
    code = "FL406"
    name = "settings-per-request"
    summary = "Settings are re-read from the environment on every request"
    application_code_only = True

    def check(self, project: Project) -> Iterator[Diagnostic]:
        settings_classes = project.table_memo("settings classes", lambda: {
            qualname for qualname in project.classes
            if qualname not in SETTINGS_BASES and project.is_subclass(qualname, SETTINGS_BASES)
        }, reads_classes=True)
        if not settings_classes:
            return
        per_request = project.per_request
        for facts in project.reported_files():
            if not facts.calls:
                continue
            functions = facts.functions
            # The settings classes are decided by the interfaces, as what the file keeps.
            for call in self.in_file(project, facts, "settings built",
                                     lambda: _constructed(project, facts, settings_classes)):
                path = per_request.paths.get(functions[call.function].qualname)
                if path is None:
                    continue
                yield self.diagnostic(
                    facts, call.span,
                    f"{call.text}() re-reads the environment and .env on every "
                    f"{per_request.describe(path)}: build the settings once, or `@lru_cache` "
                    "a `get_settings()` dependency",
                    noqa_row=call.stmt_row,
                )


def _constructed(project: Project, facts: FileFacts, classes: set[str]) -> Iterator[CallFact]:
    """The calls in a file's functions that build one of these classes."""
    for call, symbol in zip(facts.calls, project.call_symbols(facts)):
        if call.function >= 0 and not call.in_lambda and symbol in classes:
            yield call
