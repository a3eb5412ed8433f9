"""FL405 cors-wildcard-credentials: CORS that lets any site make credentialed requests.

Bad:
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)

Good:
    app.add_middleware(CORSMiddleware, allow_origins=["https://myapp.com"], allow_credentials=True)
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from fastlint.diagnostics import Diagnostic
from fastlint.facts.records import FileFacts, Val
from fastlint.model.project import Project
from fastlint.rules.base import ProjectRule

CORS_MIDDLEWARE = frozenset({"starlette.middleware.cors.CORSMiddleware",
                             "fastapi.middleware.cors.CORSMiddleware"})
MIDDLEWARE_WRAPPERS = frozenset({"starlette.middleware.Middleware",
                                 "fastapi.middleware.Middleware"})
# An origin no allow-list means to admit.
FOREIGN_ORIGIN = "https://attacker.example"


class CorsWildcardCredentials(ProjectRule):
    code = "FL405"
    name = "cors-wildcard-credentials"
    summary = "CORS allows credentials from any origin"
    application_code_only = True
    severity = "error"

    def check(self, project: Project) -> Iterator[Diagnostic]:
        return self.findings_by_file(project, lambda facts: self._in_file(project, facts))

    def _in_file(self, project: Project, facts: FileFacts) -> Iterator[Diagnostic]:
        for call in facts.calls:
            callee = call.call.value
            # Only these callees can configure CORS (see _cors_options): a test in C first.
            if not isinstance(callee, str) or not callee.endswith(("add_middleware", "Middleware")):
                continue
            options = self._cors_options(project, call.call)
            if options is None:
                continue
            credentials = project.resolve_value(options.kwarg("allow_credentials"))
            if credentials is None or credentials.kind != "const" or credentials.value is not True:
                continue
            opening = self._opening(project, options)
            if opening is not None:
                yield self.diagnostic(
                    facts, call.span,
                    f"CORS allows credentials from any origin ({opening} with "
                    "`allow_credentials=True`): any website can send requests with your "
                    "users' cookies and read the answers; list the allowed origins",
                    noqa_row=call.stmt_row,
                )

    def _cors_options(self, project: Project, call: Val) -> Val | None:
        """The call whose keywords configure a CORSMiddleware, or None."""
        callee = call.value
        if not isinstance(callee, str):
            return None
        last = callee.rsplit(".", 1)[-1]
        if last in ("add_middleware", "Middleware"):
            first = call.args[0] if call.args else call.kwarg("middleware_class") or call.kwarg("cls")
            if first is None or first.symbol is None:
                return None
            if last == "Middleware" and project.canonical(callee) not in MIDDLEWARE_WRAPPERS:
                return None
            return call if project.canonical(first.symbol) in CORS_MIDDLEWARE else None
        if last == "CORSMiddleware" and project.canonical(callee) in CORS_MIDDLEWARE:
            return call
        return None

    def _opening(self, project: Project, options: Val) -> str | None:
        """How the configuration admits any origin, as written for the message; or None."""
        origins = project.resolve_value(options.kwarg("allow_origins"))
        if origins is not None:
            if origins.kind == "list":
                if any(project.string_value(item) == "*" for item in origins.value):  # type: ignore[union-attr]
                    return '`allow_origins` contains `"*"`'
            elif project.string_value(origins) == "*":
                return '`allow_origins="*"`'
        pattern = project.string_value(options.kwarg("allow_origin_regex"))
        if pattern is not None:
            try:
                matches = re.fullmatch(pattern, FOREIGN_ORIGIN) is not None
            except re.error:
                return None
            if matches:
                return f"`allow_origin_regex={pattern!r}` matches {FOREIGN_ORIGIN}"
        return None
