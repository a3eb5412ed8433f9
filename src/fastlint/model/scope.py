"""Application scope: which modules are application code, and why.

Computed once per project (`project.scope`), from the file facts and the `ProjectLayout`:

- `test`: test modules (tests/ folders, test_*.py, conftest.py, modules importing pytest);
- `separate-project`: under a subdirectory with its own pyproject.toml that does not depend
  on FastAPI (an SDK generator, a Lambda);
- `migration`: Alembic environments, known by content (`revision`/`down_revision`, Alembic's
  `op` or `context`) or by `script_location` in alembic.ini, whatever the folder is called;
- `docs`: docs/, docs_src/, examples/ and samples/ folders (also `example_*`: airflow's example_dags/);
- `application`: modules that build a FastAPI app or router, declare routes or register
  handlers on the app, and every module they import, transitively (with their packages);
- `script`: not imported by the app, and in scripts/, bin/, tools/, dev/, load_tests/,
  benchmarks/, named `__main__`/`manage`/`setup`, or run as a script (`if __name__ ==
  "__main__":`);
- `cli`: reached only from a command-line entry point (a module importing click, typer,
  argparse, fire, docopt, cyclopts or a click wrapper, or a script) and not from the app;
- everything else is `application` too: a module nothing imports statically (a plugin
  loaded by name, a worker) with no sign of being anything else is reported on, not hidden.

How rules use it: a rule about request-time behaviour sets `application_code_only = True`
and the engine drops its findings outside application code (the scopes
`[tool.fastlint.scope] report-in` lists; `application`/`not-application` globs force a file
either way). A project rule that needs the answer itself asks
`project.scope.is_application(facts)`; `fastlint check --show-files` prints every file's
scope and reason.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING

from fastlint.facts.records import CallFact, FileFacts, FunctionFact
from fastlint.files.layout import ProjectLayout

if TYPE_CHECKING:
    from fastlint.model.project import Project

APPLICATION = "application"
SCOPE_KINDS = (APPLICATION, "cli", "script", "migration", "docs", "separate-project", "test",
               "not-application")
DEFAULT_REPORT_IN = (APPLICATION,)

CLI_LIBRARIES = frozenset({"click", "typer", "argparse", "fire", "docopt", "cyclopts", "rich_click",
                           "asyncclick", "cloup"})
_SCRIPT_FOLDERS = frozenset({"scripts", "script", "bin", "tools", "dev", "devtools",
                             "load_tests", "loadtests", "benchmarks", "benchmark", "bench"})
_DOCS_FOLDERS = frozenset({"docs", "doc", "docs_src", "documentation", "examples", "example",
                           "samples", "sample"})
_DOCS_FOLDER_PREFIXES = ("example_", "examples_")  # airflow/example_dags/
_APP_NAMES = frozenset({"app", "application", "asgi_app", "api"})
_SCRIPT_NAMES = frozenset({"__main__", "manage", "setup", "noxfile", "fabfile"})
_ALEMBIC_MODULES = frozenset({"alembic.op", "alembic.context"})
_DJANGO_COMMAND_BASES = frozenset({"django.core.management.BaseCommand",
                                   "django.core.management.base.BaseCommand"})
_DJANGO_MIGRATION_BASES = frozenset({"django.db.migrations.Migration",
                                     "django.db.migrations.migration.Migration"})


@dataclass(frozen=True, slots=True)
class ModuleScope:
    """Where a module belongs (one of `SCOPE_KINDS`) and why, in words for `--show-files`."""

    kind: str
    reason: str

    @property
    def is_application(self) -> bool:
        return self.kind == APPLICATION


@dataclass(frozen=True)
class ScopeConfig:
    """`[tool.fastlint.scope]`: where application-only rules report, and overrides."""

    report_in: tuple[str, ...] = DEFAULT_REPORT_IN
    application: tuple[str, ...] = ()  # path globs always counted as application code
    not_application: tuple[str, ...] = ()  # path globs never counted as application code


class ApplicationScope:
    """Every file's `ModuleScope`, keyed by its path."""

    def __init__(self, project: "Project", layout: ProjectLayout,
                 config: ScopeConfig = ScopeConfig()) -> None:
        self._project = project
        self._layout = layout
        self._config = config
        self.by_path: dict[str, ModuleScope] = {}
        self._relative: dict[str, str] = {}  # path → relative to the root, computed once
        self._classify()

    @classmethod
    def known(cls, by_path: dict[str, ModuleScope]) -> "ApplicationScope":
        """The scopes classified before (by a project that differed only in positions)."""
        scope = cls.__new__(cls)
        scope.by_path = by_path
        return scope

    def of(self, facts: FileFacts) -> ModuleScope:
        return self.by_path[facts.path]

    def is_application(self, facts: FileFacts) -> bool:
        return self.by_path[facts.path].is_application

    # ------------------------------------------------------------------ build
    def _classify(self) -> None:
        project = self._project
        pending: list[FileFacts] = []
        for facts in project.files:
            relative = self._relative[facts.path] = project.relative_path(facts.path)
            scope = project.file_memo(("scope", relative, self._layout, self._config), facts,
                                      lambda: self._configured(relative) or self._by_kind(facts, relative))
            if scope is None:
                pending.append(facts)
            else:
                self.by_path[facts.path] = scope
        classified = {f.module for f in project.files if f.path in self.by_path
                      and not self.by_path[f.path].is_application}
        roots = self._app_roots(pending)
        reached, packages_only = self._reach(roots, classified)
        scripts = {f.module: why for f in pending if f.module not in reached
                   for why in [self._script_evidence(f)] if why}
        cli_roots = {f.module: "imports " + lib for f in pending if f.module not in reached
                     for lib in [cli_library(f)] if lib}
        reached_from_cli, _ = self._reach({**scripts, **cli_roots},
                                          classified | (set(reached) - packages_only))
        for facts in pending:
            module = facts.module
            if module in reached:
                scope = ModuleScope(APPLICATION, reached[module])
            elif module in scripts:
                scope = ModuleScope("script", f"{scripts[module]}, not imported by the app")
            elif module in reached_from_cli:
                scope = ModuleScope("cli", "reached only from the command line: "
                                    + reached_from_cli[module])
            elif not roots:
                scope = ModuleScope(APPLICATION, "no FastAPI app or router in the project: "
                                    "every module counts")
            else:
                scope = ModuleScope(APPLICATION, "not imported by the app, but nothing marks "
                                    "it as a test, script, CLI or migration")
            self.by_path[facts.path] = scope

    def _script_evidence(self, facts: FileFacts) -> str:
        folder = _folder_in(self._relative[facts.path], _SCRIPT_FOLDERS)
        if folder is not None:
            return f"in {folder}/"
        name = facts.module.rsplit(".", 1)[-1]
        if _django_command(facts):
            return "a Django management command"
        if name in _SCRIPT_NAMES:
            return f"a `{name}` module"
        if any(call.in_main_guard for call in facts.calls):
            return "runs as a script (`if __name__ == \"__main__\"`)"
        return ""

    def _configured(self, relative: str) -> ModuleScope | None:
        if any(_glob(relative, pattern) for pattern in self._config.not_application):
            return ModuleScope("not-application", "listed in [tool.fastlint.scope] not-application")
        if any(_glob(relative, pattern) for pattern in self._config.application):
            return ModuleScope(APPLICATION, "listed in [tool.fastlint.scope] application")
        return None

    def _by_kind(self, facts: FileFacts, relative: str) -> ModuleScope | None:
        """The scopes told by the file itself or its place, before any import is followed."""
        for directory in self._layout.separate_projects:
            if relative.startswith(directory + "/"):
                return ModuleScope("separate-project", f"in {directory}/, a separate project "
                                   "(its own pyproject.toml, no FastAPI dependency)")
        if facts.is_test or facts.module.rsplit(".", 1)[-1] == "tests":
            return ModuleScope("test", "a test module (tests/, test_*.py, tests.py, conftest.py)")
        if any(i.module.split(".", 1)[0] == "pytest" and not i.in_function for i in facts.imports):
            return ModuleScope("test", "imports pytest")
        for directory in self._layout.alembic_dirs:
            if relative.startswith(directory + "/"):
                return ModuleScope("migration", f"in {directory}/, the script_location of alembic.ini")
        migration = _alembic_evidence(facts)
        if migration:
            return ModuleScope("migration", migration)
        folder = _folder_in(relative, _DOCS_FOLDERS, _DOCS_FOLDER_PREFIXES)
        if folder is not None:
            return ModuleScope("docs", f"in {folder}/")
        return None

    def _app_roots(self, candidates: list[FileFacts]) -> dict[str, str]:
        """Modules that build an app or router or declare routes, with what they hold."""
        project = self._project
        allowed = {facts.path for facts in candidates
                   if _folder_in(self._relative[facts.path], _SCRIPT_FOLDERS) is None
                   and facts.module.rsplit(".", 1)[-1] not in _SCRIPT_NAMES}
        roots: dict[str, str] = {}
        model = project.fastapi
        for owner in model.owners.values():
            if owner.facts.path in allowed and owner.facts.module not in roots:
                what = "FastAPI app" if owner.kind == "app" else "APIRouter"
                named = f" `{owner.name}`" if owner.name else ""
                roots[owner.facts.module] = f"builds the {what}{named}"
        for route in model.routes:
            if route.facts.path in allowed:
                roots.setdefault(route.facts.module, "declares routes")
        factories = frozenset(model.owners_by_function)
        factory_names = frozenset(qualname.rsplit(".", 1)[-1] for qualname in factories)
        for facts in candidates:
            if facts.path in allowed and facts.module not in roots:
                served = project.file_memo(
                    ("serves app", factories), facts,
                    lambda: _serves_app(facts, factories, factory_names, project))
                if served:
                    roots[facts.module] = served
        hooks = (model.middleware_functions | model.exception_handlers | model.startup_handlers
                 | model.lifespans)
        for qualname in hooks:
            ref = project.functions.get(qualname)
            if ref is not None and ref.facts.path in allowed:
                roots.setdefault(ref.facts.module, "registers middleware or handlers on the app")
        return roots

    def _reach(self, roots: dict[str, str], blocked: set[str]) -> tuple[dict[str, str], set[str]]:
        """Every module imported from the roots, transitively, with the chain that reaches it;
        and the packages reached only as the parent of such a module. Those run too, but
        what their `__init__` imports is not followed: a package that re-exports its CLI
        commands does not make them application code."""
        graph = self._project.import_graph
        reasons = dict(roots)
        queue = deque(roots)
        parents: dict[str, str] = {}
        as_package: set[str] = set()
        while queue:
            module = queue.popleft()
            for imported in graph.get(module, ()):
                if imported in blocked or (imported in reasons and imported not in as_package):
                    continue
                as_package.discard(imported)
                parents[imported] = module
                reasons[imported] = _chain(imported, parents, roots)
                queue.append(imported)
            for package in self._packages_of(module):
                if package not in reasons and package not in blocked:
                    as_package.add(package)
                    reasons[package] = f"the package of {module}"
        return reasons, as_package

    def _packages_of(self, module: str) -> list[str]:
        """The packages Python runs before a module (`a` and `a.b` for `a.b.c`)."""
        parts = module.split(".")
        modules = self._project.modules
        return [p for p in (".".join(parts[:end]) for end in range(1, len(parts))) if p in modules]


def _chain(module: str, parents: dict[str, str], roots: dict[str, str]) -> str:
    """`imported by app.api.users ← app.main (builds the FastAPI app `app`)`, at most 3 hops."""
    hops = []
    current = module
    while current in parents:
        current = parents[current]
        hops.append(current)
    shown = hops if len(hops) <= 3 else [*hops[:2], "…", hops[-1]]
    return f"imported by {' ← '.join(shown)} ({roots[hops[-1]]})"


def _serves_app(facts: FileFacts, factories: frozenset[str], factory_names: frozenset[str],
                project: "Project") -> str:
    """An ASGI entry module: `app = create_app()` at module level (not a CLI's `app`)."""
    if cli_library(facts):
        return ""
    for binding in facts.bindings:
        name = binding.qualname[len(facts.module) + 1:]
        callee = binding.value.value if binding.value.kind == "call" else None
        if name in _APP_NAMES and isinstance(callee, str) \
                and callee.split(".", 1)[0] not in CLI_LIBRARIES:
            return f"serves the app as `{name}`"
    for call in facts.calls:
        if call.function < 0 and isinstance(call.call.value, str) \
                and call.call.value.rsplit(".", 1)[-1] in factory_names \
                and project.canonical(call.call.value) in factories:
            return f"builds the app with `{call.text}()` at import time"
    return ""


def _django_command(facts: FileFacts) -> bool:
    return any(cls.name == "Command" and _DJANGO_COMMAND_BASES.intersection(cls.bases)
               for cls in facts.classes)


def _alembic_evidence(facts: FileFacts) -> str:
    names = {b.qualname.rsplit(".", 1)[-1] for b in facts.bindings
             if b.qualname.count(".") == facts.module.count(".") + 1}
    if {"revision", "down_revision"} <= names:
        return "an Alembic revision (`revision` and `down_revision`)"
    for imported in facts.imports:
        if imported.target in _ALEMBIC_MODULES:
            return f"uses Alembic's `{imported.target.rsplit('.', 1)[-1]}`"
    for cls in facts.classes:
        if cls.name == "Migration" and _DJANGO_MIGRATION_BASES.intersection(cls.bases):
            return "a Django migration (`class Migration(migrations.Migration)`)"
    return ""


def import_inputs(project: "Project", facts: FileFacts) -> tuple:
    """What of a file's imports the scope reads: the project modules it imports, the
    command-line library, and whether it imports pytest or Alembic's `op` or `context`."""
    return (project.imported_modules(facts), cli_library(facts),
            any(i.module.split(".", 1)[0] == "pytest" and not i.in_function for i in facts.imports),
            any(i.target in _ALEMBIC_MODULES for i in facts.imports))


def reads_call(project: "Project", call: CallFact) -> bool:
    """Whether the scope reads a call: one under `if __name__ == "__main__":` (a script), or
    one at module level of a function that builds an app (`app = create_app()`)."""
    if call.in_main_guard:
        return True
    return call.function < 0 and isinstance(call.call.value, str) \
        and project.canonical(call.call.value) in project.fastapi.owners_by_function


def definition_inputs(facts: FileFacts) -> tuple:
    """What of a file's definitions the scope reads: whether it is a migration (Alembic,
    Django) or a Django command, and its bindings of the names an ASGI server is pointed at."""
    return (_alembic_evidence(facts), _django_command(facts),
            tuple((binding.qualname, binding.value.kind, binding.value.value) for binding in facts.bindings
                  if binding.qualname[len(facts.module) + 1:] in _APP_NAMES
                  and isinstance(binding.value.value, str)))


_COMMAND_DECORATORS = frozenset({"command", "group"})


def is_cli_command(facts: FileFacts, function: FunctionFact) -> bool:
    """Whether a function is a command of a command-line library (`@cli.command("list")`,
    `@app.command()`, `@click.group`) in a module that imports one, whatever its scope."""
    return bool(cli_library(facts)) and any(
        isinstance(decorator.value, str) and decorator.value.rsplit(".", 1)[-1] in _COMMAND_DECORATORS
        for decorator in function.decorators)


def cli_library(facts: FileFacts) -> str:
    """The command-line library a module imports (`click`), or ''."""
    for imported in facts.imports:
        library = imported.module.split(".", 1)[0]
        if library in CLI_LIBRARIES:
            return library
    return ""


def _folder_in(relative: str, names: frozenset[str], prefixes: tuple[str, ...] = ()) -> str | None:
    """The first folder of a path (relative to the root) with one of `names`, or a name
    starting with one of `prefixes`."""
    parts = relative.split("/")[:-1]
    for index, part in enumerate(parts):
        if part in names or part.startswith(prefixes):
            return "/".join(parts[: index + 1])
    return None


def _glob(relative: str, pattern: str) -> bool:
    return fnmatchcase(relative, pattern) or relative.startswith(pattern.rstrip("/") + "/")


def parse_scope_config(table: dict, where: str, error: type[Exception]) -> ScopeConfig:
    """Validate `[tool.fastlint.scope]`; a bad key raises `error` naming it."""
    known = {"report-in", "application", "not-application"}
    values: dict[str, tuple[str, ...]] = {}
    for key, value in table.items():
        if key not in known:
            raise error(f"{where} key 'scope.{key}': unknown key (known keys: "
                        f"{', '.join(sorted(known))})")
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise error(f"{where} key 'scope.{key}': expected a list of strings, got {value!r}")
        if key == "report-in":
            unknown = [v for v in value if v not in SCOPE_KINDS]
            if unknown:
                raise error(f"{where} key 'scope.report-in': unknown scope {unknown[0]!r} "
                            f"(scopes: {', '.join(SCOPE_KINDS)})")
        values[key] = tuple(value)
    return ScopeConfig(
        report_in=values.get("report-in", DEFAULT_REPORT_IN),
        application=values.get("application", ()),
        not_application=values.get("not-application", ()),
    )

