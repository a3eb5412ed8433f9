"""An incremental run (with the cache of the runs before it) finds exactly what a cold run finds.

A small FastAPI project is kept as a model (service modules with helpers, router modules with
routes that call them, an app that includes the routers) and written to disk; random edit
sequences change it the ways a team does between two commits: add or remove a route, rename an
import, move a helper to another module, delete a file, shift a file's lines, add a comment.
After every step the whole project, and the files the step changed alone (the pre-commit
case), are checked with the cache and without it, and the findings must be the same.
The default run is a few short sequences; `-m slow` runs long ones.
"""

from __future__ import annotations

import os
import random
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from fastlint.engine import RunOptions, run_check
from fastlint import engine
from fastlint.analysis import RuleSet
from fastlint.model.fastapi_model import FastAPIModel
from fastlint.model.project import Project
from fastlint.pipeline import join as joining
from fastlint.server.project_state import Buffer, ProjectState
from fastlint.server.settings import ClientSettings

HELPER_BODIES = {
    "blocking": "    time.sleep(1)\n    return x\n",
    "http": "    return requests.get('https://example.com', params={'x': x})\n",
    "clean": "    return x + 1\n",
}


@dataclass
class Route:
    name: str
    is_async: bool
    helper: str | None  # `module.helper` it calls, or None for a direct blocking call


@dataclass
class Model:
    """What the project is made of; `files()` renders it."""

    services: dict[str, dict[str, str]] = field(default_factory=dict)  # module → helper → body
    routers: dict[str, list[Route]] = field(default_factory=dict)
    aliased: set[tuple[str, str]] = field(default_factory=set)  # (router, helper) imported `as`
    leading_lines: dict[str, int] = field(default_factory=dict)  # path → blank comment lines
    trailing_comments: dict[str, int] = field(default_factory=dict)
    noted_lines: dict[str, set[int]] = field(default_factory=dict)  # path → rows with a comment
    # path → blank rows written as a comment line (the text, e.g. a `# noqa`) instead
    commented_blanks: dict[str, dict[int, str]] = field(default_factory=dict)
    double_quoted: set[str] = field(default_factory=set)  # routers quoting arguments with "
    include_prefixes: dict[str, str] = field(default_factory=dict)  # router → prefix in main
    router_prefixes: dict[str, str] = field(default_factory=dict)  # router → its own prefix
    worker_base: str = "Clean"  # the base class `Worker` inherits `work` from
    methods: dict[str, str] = field(default_factory=dict)  # class in workers.py → a method typed in it
    route_paths: dict[str, str] = field(default_factory=dict)  # `router:route` → a path typed for it
    wired: set[str] = field(default_factory=set)  # routers that also serve their middle route by a call
    worker_callers: set[str] = field(default_factory=set)  # routers with a route calling it
    exported: dict[str, str] = field(default_factory=dict)  # service → name of `job = helper`
    padded: set[str] = field(default_factory=set)  # `module.helper`s whose body starts `_ = 1`
    # A helper (`module.helper`) or a route (`router:route`) → what it calls first besides:
    # another helper of the module or one the router imports, or a library function.
    extra_calls: dict[str, str] = field(default_factory=dict)
    # (router, helper): app/reexports.py imports from the router a helper the router imports.
    reexported: tuple[str, str] | None = None
    # path → definitions that nothing else mentions yet, and whether they are written above
    # the others (after the imports) or at the end of the file.
    trailing: dict[str, tuple[str, bool]] = field(default_factory=dict)
    counter: int = 0

    def fresh(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def helpers(self) -> list[str]:
        return [f"{module}.{name}" for module, helpers in self.services.items() for name in helpers]

    def files(self) -> dict[str, str]:
        rendered = {
            "pyproject.toml": "[tool.fastlint]\n",
            "app/__init__.py": "",
            "app/services/__init__.py": "",
            "app/routers/__init__.py": "",
            "app/main.py": self._main(),
            "app/services/workers.py": WORKERS.format(base=self.worker_base, **{
                name: self.methods.get(name, "") for name in ("Blocking", "Clean", "Worker")}),
        }
        for module, helpers in self.services.items():
            rendered[f"app/services/{module}.py"] = self._service(module, helpers)
        if self.reexported is not None:
            router, helper = self.reexported
            name = helper.rsplit(".", 1)[1]
            rendered["app/reexports.py"] = (f"from app.routers.{router} import {name}\n\n\n"
                                            f"def call():\n    return {name}('x')\n")
        for module, routes in self.routers.items():
            text = self._router(module, routes)
            if module in self.double_quoted:
                text = text.replace("('x')", '("x")')
            rendered[f"app/routers/{module}.py"] = text
        for path, (text, above) in self.trailing.items():
            if path in rendered:
                code = rendered[path]
                at = code.find("\n\n\n") if above else -1
                rendered[path] = code + text if at < 0 else code[:at] + text + code[at:]
        for path in rendered:
            if path.endswith(".py"):
                lines = rendered[path].split("\n")
                for row in self.noted_lines.get(path, ()):
                    if row < len(lines) and lines[row]:
                        lines[row] += "  # note"
                for row, comment in self.commented_blanks.get(path, {}).items():
                    if row < len(lines) - 1 and not lines[row]:
                        lines[row] = comment
                rendered[path] = ("# header\n" * self.leading_lines.get(path, 0)
                                  + "\n".join(lines)
                                  + "# trailing note\n" * self.trailing_comments.get(path, 0))
        return rendered

    def _main(self) -> str:
        lines = ["from fastapi import FastAPI\n"]
        lines += [f"from app.routers import {module}\n" for module in self.routers]
        lines.append("\napp = FastAPI()\n")
        for module in self.routers:
            prefix = self.include_prefixes.get(module)
            argument = f", prefix='{prefix}'" if prefix else ""
            lines.append(f"app.include_router({module}.router{argument})\n")
        return "".join(lines)

    def _service(self, module: str, helpers: dict[str, str]) -> str:
        text = "import time\n\nimport requests\n"
        for name, body in helpers.items():
            padding = "    _ = 1\n" if f"{module}.{name}" in self.padded else ""
            extra = self.extra_calls.get(f"{module}.{name}")
            if extra is not None:
                padding += _local_import(extra) + f"    _ = {extra}(x)\n"
            text += f"\n\ndef {name}(x):\n{padding}{HELPER_BODIES[body]}"
        if module in self.exported and helpers:
            text += f"\n\n{self.exported[module]} = {next(iter(helpers))}\n"
        return text

    def _router(self, module: str, routes: list[Route]) -> str:
        text = "import time\n\nfrom fastapi import APIRouter\n"
        for helper in sorted({r.helper for r in routes if r.helper}):
            owner, name = helper.rsplit(".", 1)
            alias = f" as {name}_alias" if (module, helper) in self.aliased else ""
            text += f"from app.services.{owner} import {name}{alias}\n"
        if module in self.worker_callers:
            text += "from app.services.workers import Worker\n"
        for owner, name in sorted(self.exported.items()):
            if self.services.get(owner):
                text += f"from app.services.{owner} import {name}\n"
        text += f"\nrouter = APIRouter(prefix='{self.router_prefixes.get(module, '/' + module)}')\n"
        for route in routes:
            keyword = "async def" if route.is_async else "def"
            if route.helper is None:
                body = "    time.sleep(1)\n    return {}\n"
            else:
                body = f"    return {{'value': {self._called(module, route.helper)}('x')}}\n"
            extra = self.extra_calls.get(f"{module}:{route.name}")
            if extra is not None:
                body = f"{_local_import(extra)}    _ = {self._called(module, extra)}('x')\n{body}"
            path = self.route_paths.get(f"{module}:{route.name}", f"/{route.name}")
            text += f"\n\n@router.get('{path}')\n{keyword} {route.name}():\n{body}"
        if module in self.worker_callers:
            text += "\n\n@router.get('/work')\nasync def work():\n    return Worker().work('x')\n"
        if module in self.wired and routes:
            text += f"\n\nrouter.add_api_route('/wired', {routes[len(routes) // 2].name})\n"
        for owner, name in sorted(self.exported.items()):
            if self.services.get(owner):
                text += f"\n\n@router.get('/{name}')\nasync def call_{name}():\n    return {name}('x')\n"
        return text


    def _called(self, router: str, helper: str) -> str:
        """The name a router calls a helper (`svc1.helper2`) by, or a library function."""
        if "." not in helper or helper.startswith(("time.", "json.")):
            return helper
        name = helper.rsplit(".", 1)[1]
        return f"{name}_alias" if (router, helper) in self.aliased else name


def _local_import(called: str) -> str:
    """`json.dumps` is imported inside the function that calls it (the module does not)."""
    return "    import json\n" if called.startswith("json.") else ""


WORKERS = """\
import time


class Blocking:
    def work(self, x):
        time.sleep(1)
        return x
{Blocking}

class Clean:
    def work(self, x):
        return x
{Clean}

class Worker({base}):
    pass
{Worker}"""


def initial_model(rng: random.Random) -> Model:
    model = Model()
    for _ in range(2):
        module = model.fresh("svc")
        model.services[module] = {model.fresh("helper"): rng.choice(list(HELPER_BODIES))
                                  for _ in range(2)}
    for _ in range(2):
        _add_router(model, rng)
    return model


def _add_router(model: Model, rng: random.Random) -> None:
    module = model.fresh("r")
    model.routers[module] = []
    for _ in range(rng.randint(1, 2)):
        _add_route(model, rng, module)


def _add_route(model: Model, rng: random.Random, module: str | None = None) -> None:
    if not model.routers:
        return _add_router(model, rng)
    module = module or rng.choice(sorted(model.routers))
    helpers = model.helpers()
    helper = rng.choice(helpers) if helpers and rng.random() < 0.8 else None
    model.routers[module].append(Route(model.fresh("route"), rng.random() < 0.7, helper))


def _remove_route(model: Model, rng: random.Random) -> None:
    routes = [(m, r) for m, rs in model.routers.items() for r in rs]
    if routes:
        module, route = rng.choice(routes)
        model.routers[module].remove(route)


def _rename_import(model: Model, rng: random.Random) -> None:
    pairs = sorted({(m, r.helper) for m, rs in model.routers.items() for r in rs if r.helper})
    if pairs:
        model.aliased ^= {rng.choice(pairs)}


def _move_helper(model: Model, rng: random.Random) -> None:
    """Move a helper to another service module; the routes that call it follow."""
    if len(model.services) < 2 or not model.helpers():
        return
    helper = rng.choice(model.helpers())
    owner, name = helper.rsplit(".", 1)
    target = rng.choice([m for m in sorted(model.services) if m != owner])
    model.services[target][name] = model.services[owner].pop(name)
    moved = f"{target}.{name}"
    for module, routes in model.routers.items():
        for route in routes:
            if route.helper == helper:
                route.helper = moved
        if (module, helper) in model.aliased:
            model.aliased = (model.aliased - {(module, helper)}) | {(module, moved)}


def _change_helper(model: Model, rng: random.Random) -> None:
    if model.helpers():
        owner, name = rng.choice(model.helpers()).rsplit(".", 1)
        model.services[owner][name] = rng.choice(list(HELPER_BODIES))


def _add_helper(model: Model, rng: random.Random) -> None:
    module = rng.choice(sorted(model.services)) if model.services and rng.random() < 0.7 \
        else model.fresh("svc")
    model.services.setdefault(module, {})[model.fresh("helper")] = rng.choice(list(HELPER_BODIES))


def _delete_file(model: Model, rng: random.Random) -> None:
    """Delete a router (and its include) or a service module (its importers keep a now
    unresolved import, as a half-finished refactoring does)."""
    if model.routers and rng.random() < 0.5:
        del model.routers[rng.choice(sorted(model.routers))]
    elif model.services:
        del model.services[rng.choice(sorted(model.services))]


def _shift_lines(model: Model, rng: random.Random) -> None:
    paths = [p for p in model.files() if p.endswith(".py")]
    path = rng.choice(paths)
    model.leading_lines[path] = model.leading_lines.get(path, 0) + rng.randint(1, 3)


def _pad_a_helper(model: Model, rng: random.Random) -> None:
    """Add or remove a statement without a call at the top of a helper: what the file
    declares and calls moves, none of it changes (the analyses that read no position are
    kept, see `Project.carried_memo`)."""
    if model.helpers():
        model.padded ^= {rng.choice(model.helpers())}


def _call_more(model: Model, rng: random.Random) -> None:
    """Add or take out a call at the top of a route or helper: of a helper the module can
    call already (a new call edge, perhaps into a chain to a blocking call), or of a library
    function (`time.sleep` blocks; `json.dumps` is imported in the function). The interfaces
    stay: only calls (and imports inside functions) change."""
    sites = [f"{m}:{r.name}" for m, rs in model.routers.items() for r in rs] + model.helpers()
    if not sites:
        return
    site = rng.choice(sites)
    if site in model.extra_calls:
        del model.extra_calls[site]
        return
    if ":" in site:
        module = site.split(":")[0]
        callable_ = sorted({r.helper for r in model.routers[module] if r.helper})
    else:
        module, name = site.rsplit(".", 1)
        callable_ = [h for h in model.services[module] if h != name]
    model.extra_calls[site] = rng.choice([*callable_, "len", "time.sleep", "json.dumps"])


def _reexport(model: Model, rng: random.Random) -> None:
    """Import from a router a helper it imports (or stop): a module reads what the router's
    imports bind, so changing those imports changes what its name resolves to."""
    pairs = sorted({(m, r.helper) for m, rs in model.routers.items() for r in rs if r.helper})
    model.reexported = rng.choice(pairs) if pairs and model.reexported is None else None


def _type_definition(model: Model, rng: random.Random) -> None:
    """Write definitions above the others or at the end of a router or service (or take them
    out): a class, a function
    nothing calls yet (sync and blocking, a coroutine calling what the module calls, one
    whose parameter is a dependency), a constant, another router bound to an app's name, or
    an Alembic revision's names. The module's interface changes by names nothing mentions."""
    modules = [f"app/routers/{m}.py" for m in model.routers] + [f"app/services/{m}.py" for m in model.services]
    if not modules:
        return
    path = rng.choice(sorted(modules))
    if path in model.trailing and rng.random() < 0.6:
        del model.trailing[path]
        return
    module = path.rsplit("/", 1)[1][:-3]
    if "routers" in path:
        called = sorted({model._called(module, r.helper) for r in model.routers[module] if r.helper})
    else:
        called = sorted(model.services[module])
    name = model.fresh("late")
    texts = [
        f"\n\ndef {name}(x):\n    time.sleep(1)\n    return x\n",
        f"\n\nasync def {name}():\n    return {called[0] if called else 'len'}('x')\n",
        f"\n\ndef {name}(x):\n    return {called[-1] if called else 'len'}(x)\n",
        f"\n\nfrom fastapi import Depends\n\n\ndef {name}(x=Depends({called[0] if called else 'len'})):\n    return x\n",
        f"\n\n{name.upper()} = 5\n",
        "\n\nrevision = 'abc'\ndown_revision = None\n",
        f"\n\nclass {name.title()}:\n    def run(self, x):\n        return {called[0] if called else 'len'}(x)\n",
        f"\n\nclass {name.title()}:\n    limit = 5\n\n    def __init__(self):\n        self.slow = time.sleep(1)\n",
    ]
    if "routers" in path:
        texts.append("\n\napi = APIRouter()\n")
        texts.append(f"\n\n@router.get('/{name}')\nasync def {name}():\n    return {called[0] if called else 'len'}('x')\n")
        texts.append(f"\n\nclass {name.title()}(APIRouter):\n    pass\n\n\nextra = {name.title()}()\n")
    model.trailing[path] = (rng.choice(texts), rng.random() < 0.5)


def _rename_routes(model: Model, rng: random.Random) -> None:
    """Rename a route's function (typing a new route's name is a rename at each key), or the
    first and the last of a router's at once: the functions between them are replaced too."""
    modules = sorted(m for m, routes in model.routers.items() if routes)
    if modules:
        routes = model.routers[rng.choice(modules)]
        for index in ([0, -1] if rng.random() < 0.5 else [rng.randrange(len(routes))]):
            routes[index].name = model.fresh("renamed")


def _wire_a_route(model: Model, rng: random.Random) -> None:
    """Serve a router's middle route by a call too (`router.add_api_route(...)`), or stop."""
    if model.routers:
        model.wired ^= {rng.choice(sorted(model.routers))}


def _retype_path(model: Model, rng: random.Random) -> None:
    """Type another path for a route (the decorator's argument): the same as another route's
    of the module now and then, or back to its own."""
    routes = [f"{m}:{r.name}" for m, rs in model.routers.items() for r in rs]
    if routes:
        route = rng.choice(routes)
        model.route_paths[route] = rng.choice(
            ["/" + route.split(":")[1], f"/{route.split(':')[1]}/{{item_id}}", "/v1/same", "/"])


def _type_method(model: Model, rng: random.Random) -> None:
    """Type a method in a class of workers.py (or take it out): one nothing calls, one that
    blocks, one that the routers call on `Worker` already (`work`: on `Worker` it overrides
    the base's), or one looked up by its name alone (`__call__`)."""
    cls = rng.choice(["Blocking", "Clean", "Worker"])
    if cls in model.methods and rng.random() < 0.6:
        del model.methods[cls]
        return
    name = model.fresh("method")
    model.methods[cls] = rng.choice([
        f"\n    def {name}(self, x):\n        return self.work(x)\n",
        f"\n    def {name}(self, x):\n        time.sleep(1)\n        return x\n",
        "\n    def work(self, x):\n        time.sleep(2)\n        return x\n",
        "\n    def __call__(self, x):\n        return x\n",
    ])


def _append_comment(model: Model, rng: random.Random) -> None:
    paths = [p for p in model.files() if p.endswith(".py")]
    path = rng.choice(paths)
    model.trailing_comments[path] = model.trailing_comments.get(path, 0) + 1


def _remove_trailing_comment(model: Model, rng: random.Random) -> None:
    commented = sorted(path for path, count in model.trailing_comments.items() if count)
    if commented:
        model.trailing_comments[rng.choice(commented)] -= 1


def _comment_a_blank_line(model: Model, rng: random.Random) -> None:
    """A blank line becomes a comment line, a `# noqa` line, or blank again: the positions
    stay, the analysis does not change (the file's noqa comments may)."""
    files = model.files()
    path = rng.choice([p for p in files if p.endswith(".py") and files[p]])
    rows = model.commented_blanks.setdefault(path, {})
    row = rng.randrange(files[path].count("\n") + 1)
    if row in rows:
        del rows[row]
    else:
        rows[row] = rng.choice(["# a note", "# noqa: FL101", "# noqa: FL102, FL999", "#"])


def _note_a_line(model: Model, rng: random.Random) -> None:
    """A comment at the end of a line: the text changes, the analysis does not."""
    files = model.files()
    path = rng.choice([p for p in files if p.endswith(".py") and files[p]])
    model.noted_lines.setdefault(path, set()).add(rng.randrange(files[path].count("\n") + 1))


def _requote(model: Model, rng: random.Random) -> None:
    """Quote a router's arguments the other way: the analysis is the same, the text a fix
    copies (`asyncio.to_thread(pause, "x")`) is not."""
    if model.routers:
        model.double_quoted ^= {rng.choice(sorted(model.routers))}


def _change_prefix(model: Model, rng: random.Random) -> None:
    """Change the prefix a router is included under in main, or its own prefix: the
    effective paths of routes in another module change."""
    if model.routers:
        module = rng.choice(sorted(model.routers))
        table = model.include_prefixes if rng.random() < 0.5 else model.router_prefixes
        table[module] = rng.choice(["", "/v1", "/api/v2", f"/{model.fresh('p')}"])


def _change_base(model: Model, rng: random.Random) -> None:
    """Switch the base class `Worker` inherits its method from (blocking or not), and
    sometimes call it from another router's async route."""
    model.worker_base = "Blocking" if model.worker_base == "Clean" else "Clean"
    if model.routers and rng.random() < 0.5:
        model.worker_callers ^= {rng.choice(sorted(model.routers))}


def _rename_binding(model: Model, rng: random.Random) -> None:
    """Bind (or rename) a module-level name to a helper, which every router imports and
    calls from an async route."""
    if model.services:
        module = rng.choice(sorted(model.services))
        if module in model.exported and rng.random() < 0.3:
            del model.exported[module]
        else:
            model.exported[module] = model.fresh("job")


EDITS = [_add_route, _remove_route, _rename_import, _move_helper, _change_helper, _add_helper,
         _delete_file, _shift_lines, _append_comment, _add_router, _note_a_line, _requote,
         _change_prefix, _change_base, _rename_binding, _remove_trailing_comment,
         _comment_a_blank_line, _pad_a_helper, _call_more, _call_more, _reexport,
         _type_definition, _type_definition, _type_method,
         _retype_path, _rename_routes, _rename_routes, _wire_a_route]


class Disk:
    """Writes the model's files, each write with a later mtime (as edits between commits
    have), and tells which files a step changed."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.written: dict[str, str] = {}
        self.clock = 1_700_000_000 * 10**9

    def write(self, files: dict[str, str]) -> list[Path]:
        changed = []
        for path in sorted(set(self.written) - set(files)):
            (self.root / path).unlink()
        for path, text in files.items():
            if self.written.get(path) == text:
                continue
            target = self.root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
            self.clock += 10**9
            os.utime(target, ns=(self.clock, self.clock))
            if path.endswith(".py"):
                changed.append(target)
        self.written = dict(files)
        return changed


def findings(paths: list[Path], cache: bool) -> list[tuple]:
    result = run_check(paths, RunOptions(extend_select=("FL002",), jobs=1, no_cache=not cache))
    assert not result.internal_errors
    return [(d.path, d.row, d.col, d.end_row, d.end_col, d.code, d.message, d.fix)
            for d in result.diagnostics]


def run_sequence(root: Path, seed: int, steps: int) -> set[str]:
    """Apply `steps` random edits; after each, incremental and cold must agree. Returns the
    rule codes seen, so the caller can tell the sequence exercised project rules."""
    rng = random.Random(seed)
    model = initial_model(rng)
    disk = Disk(root)
    disk.write(model.files())
    codes: set[str] = set()
    assert findings([root], cache=True) == findings([root], cache=False)
    for step in range(steps):
        edit = rng.choice(EDITS)
        edit(model, rng)
        changed = disk.write(model.files())
        whole = findings([root], cache=True)
        assert whole == findings([root], cache=False), f"seed {seed}, step {step}: {edit.__name__}"
        codes |= {finding[5] for finding in whole}
        if changed:
            assert findings(changed, cache=True) == findings(changed, cache=False), \
                f"seed {seed}, step {step}: {edit.__name__}, only the changed files"
    return codes


@pytest.mark.parametrize("seed", range(3))
def test_incremental_runs_match_cold_runs(tmp_path, seed):
    codes = run_sequence(tmp_path, seed, steps=12)
    # Cross-module findings (a route reaching a blocking helper in another module) are the
    # ones a stale project index would get wrong; the sequence must have produced some.
    assert codes & {"FL102", "FL101"}


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(100, 120))
def test_incremental_runs_match_cold_runs_long(tmp_path, seed):
    run_sequence(tmp_path, seed, steps=80)


def test_the_join_is_reused_only_when_its_inputs_are_the_same(tmp_path, monkeypatch):
    """The joined findings are keyed by each file's analysis and by the text the project
    rules read (to build fixes, up to some row): a comment below what they read reuses them;
    a comment on a line they read, or a line shift, joins again."""
    joins = []
    join = joining.join
    monkeypatch.setattr(joining, "join", lambda *args: joins.append(1) or join(*args))
    model = initial_model(random.Random(7))
    model.services["slow"] = {"pause": "blocking"}
    model.routers["r9"] = [Route("via", True, "slow.pause")]  # FL102, a project rule
    disk = Disk(tmp_path)
    router = "app/routers/r9.py"

    def check(joined: int, files: dict[str, str] | None = None) -> list[tuple]:
        disk.write(files or model.files())
        found = findings([tmp_path], cache=True)
        assert len(joins) == joined
        assert found == findings([tmp_path], cache=False)
        joins[joined:] = []  # the cold run's join
        return found

    before = check(joined=1)
    model.trailing_comments["app/main.py"] = 1
    assert check(joined=1) == before
    model.trailing_comments[router] = 1  # FL102 builds its fix from lines above this one
    assert check(joined=1) == before
    files = model.files()
    files[router] = files[router].replace("pause('x')}\n", "pause('x')}  # slow\n")
    assert check(joined=2, files=files) == before
    model.leading_lines[router] = 2
    shifted = check(joined=3)
    rows = [(f[1], f[5]) for f in before if f[0].endswith("r9.py")]
    assert "FL102" in {code for _, code in rows}
    assert rows and [(f[1], f[5]) for f in shifted if f[0].endswith("r9.py")] == \
        [(row + 2, code) for row, code in rows]


# ---------------------------------------------------------------------- the editor's path
def _open_all(state, files: dict[str, str], version: int) -> list[str]:
    buffers = {ProjectState.key(state.root / path): Buffer(text, version)
               for path, text in files.items() if path.endswith(".py")}
    return state.update(buffers)


def _server_findings(checked) -> dict[str, list[tuple]]:
    return {path: [(d.row, d.col, d.end_row, d.end_col, d.code, d.message, d.fix) for d in found]
            for path, (_, found) in checked.findings.items()}


def _cold_server_findings(root: Path, files: dict[str, str]) -> dict[str, list[tuple]]:
    state = ProjectState(root, ClientSettings(), use_cache=False)
    state.load()
    return _server_findings(state.check(_open_all(state, files, 0)))


def run_server_sequence(root: Path, seed: int, steps: int, every_file_open: bool = True) -> set[str]:
    """The language server's path: one project kept in memory, every file open (or the
    routers and every other file: the rules then leave out findings in the others), each
    step's changed buffers re-checked; after each step its findings must be a fresh server's."""
    rng = random.Random(seed)
    model = initial_model(rng)
    disk = Disk(root)
    files = model.files()
    disk.write(files)
    state = ProjectState(root, ClientSettings(), use_cache=False)
    state.load()

    def is_open(path: str) -> bool:
        return every_file_open or "routers" in path or zlib.crc32(path.encode()) % 2 == 0

    def expected(files: dict[str, str]) -> dict[str, list[tuple]]:
        cold = _cold_server_findings(root, files)
        return {path: found for path, found in cold.items()
                if is_open(os.path.relpath(path, root).replace(os.sep, "/"))}

    first = _server_findings(state.check(_open_all(state, {p: t for p, t in files.items() if is_open(p)}, 0)))
    assert first == expected(files)
    codes: set[str] = set()
    for step in range(1, steps + 1):
        edit = rng.choice(EDITS)
        edit(model, rng)
        before, files = files, model.files()
        disk.write(files)
        key = lambda path: ProjectState.key(root / path)  # noqa: E731
        deleted = {key(p): None for p in before if p.endswith(".py") and p not in files}
        edited = {key(p): Buffer(text, step) for p, text in files.items()
                  if p.endswith(".py") and before.get(p) != text}
        to_check = state.update({path: None for path in deleted if path in state.buffers})
        to_check += state.disk_changed([*deleted, *edited])
        to_check += state.update({path: buffer for path, buffer in edited.items()
                                  if path in state.buffers or is_open(os.path.relpath(path, root))})
        checked = state.check(to_check)
        assert not checked.problems, f"seed {seed}, step {step}: {edit.__name__}: {checked.problems}"
        found = _server_findings(checked)
        assert found == expected(files), f"seed {seed}, step {step}: {edit.__name__}"
        codes |= {finding[4] for findings_here in found.values() for finding in findings_here}
    return codes


@pytest.mark.parametrize("seed", range(2))
def test_the_servers_incremental_checks_match_a_fresh_server(tmp_path, seed):
    codes = run_server_sequence(tmp_path, seed, steps=12)
    assert codes & {"FL102", "FL101"}


@pytest.mark.parametrize("seed", range(2))
def test_the_servers_incremental_checks_on_some_open_files_match_a_fresh_server(tmp_path, seed):
    codes = run_server_sequence(tmp_path, seed + 50, steps=12, every_file_open=False)
    assert codes & {"FL102", "FL101"}


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(200, 215))
def test_the_servers_incremental_checks_match_a_fresh_server_long(tmp_path, seed):
    run_server_sequence(tmp_path, seed, steps=60, every_file_open=seed % 2 == 0)


def _joined(paths: dict[str, str], root: Path, previous: Project | None = None) -> Project:
    disk = Disk(root)
    disk.write(paths)
    run = engine.plan_projects([root], RunOptions())[0]
    run.project = previous
    ruleset = engine.ruleset_of(run.config)
    engine.map_files(run, run.files, ruleset, 1)
    engine.join(run, RuleSet(codes=frozenset(), options=ruleset.options), [])
    assert run.project is not None and run.project is not previous
    return run.project


def test_the_name_resolution_is_kept_only_while_every_interface_is_the_same(tmp_path):
    model = initial_model(random.Random(5))
    files = model.files()
    first = _joined(files, tmp_path)
    service = next(path for path in files if path.startswith("app/services/svc"))
    # A statement inside a function and a shifted line: the same interface.
    edited = dict(files, **{service: "# moved\n" + files[service].replace(
        "    return x\n", "    _ = 1\n    return x\n")})
    kept = _joined(edited, tmp_path, previous=first)
    assert kept._canonical is first._canonical
    helper = next(f for f in kept.modules[f"app.services.{Path(service).stem}"].functions)
    assert kept.functions[helper.qualname].function is helper  # the new facts, not the old
    # A new base class changes what names resolve to: the tables are built again.
    based = dict(edited, **{"app/services/workers.py": WORKERS.format(base="Blocking", Blocking="", Clean="", Worker="")})
    rebuilt = _joined(based, tmp_path, previous=kept)
    assert rebuilt._canonical is not kept._canonical
    assert rebuilt.canonical("app.services.workers.Worker.work") == "app.services.workers.Blocking.work"


def test_a_kept_table_holds_the_first_of_two_definitions_of_a_name_as_a_build_does(tmp_path):
    """A property's getter and setter share a qualified name: the tables hold the getter."""
    item = ("class Item:\n    @property\n    def name(self) -> str:\n        return 'x'\n\n"
            "    @name.setter\n    def name(self, value):\n        pass\n")
    first = _joined({"pyproject.toml": "[tool.fastlint]\n", "app/__init__.py": "", "app/item.py": item}, tmp_path)
    kept = _joined({"pyproject.toml": "[tool.fastlint]\n", "app/__init__.py": "",
                    "app/item.py": "# moved\n" + item}, tmp_path, previous=first)
    assert kept._canonical is first._canonical  # the same interface: the tables are kept
    getter = kept.modules["app.item"].functions[0]
    assert kept.functions["app.item.Item.name"].function is getter


def test_the_analyses_that_read_no_position_are_kept_only_while_files_only_move(tmp_path):
    model = initial_model(random.Random(5))
    service = next(iter(model.services))
    model.services[service] = {name: "blocking" for name in model.services[service]}
    model.routers[next(iter(model.routers))].append(Route("slow", True, model.helpers()[0]))
    first = _joined(model.files(), tmp_path)
    paths, scope = first.per_request.paths, first.scope.by_path
    assert any(path.hops for path in paths.values())
    # A statement without a call added at the top of a helper: everything below it moves.
    model.padded.add(model.helpers()[0])
    moved = _joined(model.files(), tmp_path, previous=first)
    assert moved.per_request.paths is paths and moved.scope.by_path is scope
    # A call taken out: the same interface (the name resolution is kept), not the same calls.
    model.services[service][next(iter(model.services[service]))] = "clean"
    called = _joined(model.files(), tmp_path, previous=moved)
    assert called._canonical is moved._canonical
    assert called.per_request.paths is not paths and called.scope.by_path is not scope
    assert called.per_request.paths == _joined(model.files(), tmp_path / "cold").per_request.paths


def _model_tables(project: Project) -> tuple:
    model = project.fastapi
    return (list(model.owners.items()), model.includes, model.routes, model.resolved_routes,
            model.middleware_functions, model.exception_handlers, model.lifespans,
            model.lifespan_apps, model.served_apps, model.startup_handlers,
            dict(model.owners_by_function))


def test_the_fastapi_model_of_moved_files_is_placed_as_a_build_would_place_it(tmp_path, monkeypatch):
    model = initial_model(random.Random(3))
    first = _joined(model.files(), tmp_path)
    assert first.fastapi.routes and first.fastapi.includes
    builds = []
    build = FastAPIModel._build
    monkeypatch.setattr(FastAPIModel, "_build", lambda self: builds.append(1) or build(self))
    # Every router and the app move down; a router's routes move inside it too.
    for path in model.files():
        if path.startswith("app/routers/r") or path == "app/main.py":
            model.leading_lines[path] = 2
    router = next(iter(model.routers))
    model.noted_lines[f"app/routers/{router}.py"] = {4}
    moved = _joined(model.files(), tmp_path, previous=first)
    moved_tables = _model_tables(moved)
    assert not builds  # placed, not built
    built = _joined(model.files(), tmp_path)
    assert moved_tables == _model_tables(built) and builds
    assert [route.span for route in moved.fastapi.routes] != [route.span for route in first.fastapi.routes]


EDGES_APP = """\
import time

from fastapi import FastAPI

from app.services import fetch, store

app = FastAPI()


@app.get("/")
async def index():
    {body}
    return fetch()
"""


def test_what_the_call_graph_gives_is_kept_only_while_every_edge_is_the_same(tmp_path):
    files = {"pyproject.toml": "[tool.fastlint]\n", "app/__init__.py": "",
             "app/services.py": "def fetch():\n    return 1\n\n\ndef store():\n    return 2\n"}
    first = _joined({**files, "app/main.py": EDGES_APP.format(body="pass")}, tmp_path)
    kept = first.callgraph.memo("edges", object)
    # A library call added: the file's facts change, its edges do not.
    slept = _joined({**files, "app/main.py": EDGES_APP.format(body="time.sleep(1)")}, tmp_path,
                    previous=first)
    assert slept.callgraph.memo("edges", object) is kept
    # A project function called: one more edge.
    stored = _joined({**files, "app/main.py": EDGES_APP.format(body="store()")}, tmp_path,
                     previous=slept)
    assert stored._canonical is slept._canonical  # the same interfaces
    assert stored.callgraph.memo("edges", object) is not kept


def test_replaced_projects_are_freed_without_the_cyclic_collector_and_one_graph_carried(tmp_path):
    """The server freezes what its checks keep, so a replaced project left in a reference
    cycle would never be freed; and a graph dropped while a move-only edit did not need it
    made the next edit that adds a call build the whole graph again."""
    import gc
    import weakref

    from fastlint.model.callgraph import CallGraph

    Disk(tmp_path).write({"pyproject.toml": "[tool.fastlint]\n", "app/__init__.py": "",
                          "app/services.py": "def fetch():\n    return 1\n\n\ndef store():\n    return 2\n",
                          "app/main.py": EDGES_APP.format(body="pass")})
    state = ProjectState(tmp_path, ClientSettings(), use_cache=False)
    state.load()
    main = ProjectState.key(tmp_path / "app/main.py")
    state.check(state.update({main: Buffer(EDGES_APP.format(body="pass"), 0)}))
    first = weakref.ref(state.run.project)
    builds = []
    build = CallGraph._build
    gc.disable()
    try:
        CallGraph._build = lambda self: builds.append(1) or build(self)  # type: ignore[method-assign]
        # Moved only (nothing asks for the call graph), then one more edge.
        state.check(state.update({main: Buffer("\n" + EDGES_APP.format(body="pass"), 1)}))
        state.check(state.update({main: Buffer(EDGES_APP.format(body="store()"), 2)}))
        assert "callgraph" in state.run.project.__dict__ and not builds  # updated, not built
        assert first() is None  # freed when its last reference went, with no collection
    finally:
        CallGraph._build = build  # type: ignore[method-assign]
        gc.enable()
