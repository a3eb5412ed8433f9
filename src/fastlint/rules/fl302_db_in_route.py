"""FL302 db-in-route: a route handler talks to the database itself.

Bad:
    @router.get("/users/{user_id}")
    def read_user(user_id: int, session: SessionDep):
        return session.exec(select(User).where(User.id == user_id)).first()

Good:
    @router.get("/users/{user_id}")
    def read_user(user_id: int, users: UserServiceDep):
        return users.get(user_id)
"""

from __future__ import annotations

from collections.abc import Iterator

from fastlint.model.db_calls import is_database_call
from fastlint.diagnostics import Diagnostic
from fastlint.facts.records import FileFacts
from fastlint.model.project import Project
from fastlint.rules.base import ProjectRule

MAX_NAMED_CALLS = 3


class DbInRoute(ProjectRule):
    code = "FL302"
    name = "db-in-route"
    application_code_only = True
    summary = "A route handler talks to the database itself instead of a repository or service"

    def check(self, project: Project) -> Iterator[Diagnostic]:
        for route in project.fastapi.route_handlers.values():
            function, facts = route.function, route.facts
            if function is None or facts.is_test or not facts.calls or not project.is_reported(facts.path):
                continue
            by_function = project.file_memo("database calls by function", facts,
                                            lambda: _database_calls(project, facts))
            calls = by_function.get(function.qualname, [])
            if calls:
                named = ", ".join(f"`{text}()`" for text in calls[:MAX_NAMED_CALLS])
                more = f" and {len(calls) - MAX_NAMED_CALLS} more" if len(calls) > MAX_NAMED_CALLS else ""
                yield self.diagnostic(
                    facts, function.def_span,
                    f"route {route.label} (`{function.name}`) talks to the database itself "
                    f"({named}{more}): go through a repository or service",
                )


def _database_calls(project: Project, facts: FileFacts) -> dict[str, list[str]]:
    """The database calls made directly in the body of each function of a file (by qualname;
    of functions sharing one, the last), as written, each once."""
    last = {function.qualname: index for index, function in enumerate(facts.functions)}
    by_index: dict[int, list] = {}
    for call in facts.calls:
        if call.function >= 0 and call.call.value is not None \
                and is_database_call(project, call.call.value):  # type: ignore[arg-type]
            by_index.setdefault(call.function, []).append((call.span, call.text))
    found = {}
    for qualname, index in last.items():
        if index in by_index:
            texts = list(dict.fromkeys(text for _, text in sorted(by_index[index])))
            # `Entry.objects.filter` is named by the `Entry.objects.filter().adelete` it leads to.
            found[qualname] = [text for text in texts
                               if not any(other.startswith(f"{text}().") for other in texts)]
    return found
