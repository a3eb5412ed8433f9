"""Edits that change calls and nothing else: the analyses that do not read those calls are kept.

Typing a statement in a route adds a call; the project's definitions, imports and bindings
stay. The language server then keeps the FastAPI model (placed in the new facts), the
application scope, the layer detection and FL102's plan (its call indexes shifted) when the
calls it replaced are not ones they read, and computes them again when they are. Each case
here checks which happened, and that the findings are a fresh server's.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fastlint.facts.records import CallFact, FileFacts, FunctionFact, ImportFact, Span, Val
from fastlint.model.callgraph import CallGraph
from fastlint.model.fastapi_model import FastAPIModel
from fastlint.model.interface import CallsEdit, Run, calls_edit, positionless_facts
from fastlint.model.references import References, mentions_name
from fastlint.model.tables import Tables
from fastlint.rules.fl102_blocking_call_via_helper import BlockingCallViaHelper
from fastlint.server.project_state import Buffer, ProjectState
from fastlint.server.settings import ClientSettings

SERVICES = """\
import time

from fastapi import FastAPI


def clean():
    return 1


def slow():
    time.sleep(1)
    return 2


def other():
    return 3


def register(app: FastAPI):
    app.add_api_route("/registered", clean)
"""

MAIN = """\
import time

from fastapi import FastAPI

from app.services import clean, other, register, slow

app = FastAPI()
register(app)
{module_level}

def middle():
    {middle}
    return other()


@app.get("{path}")
async def index():
    {body}
    return {{"value": clean(), "middle": middle()}}


async def later():
    return slow()
{tail}"""


# Imports from app.main a name it does not bind (yet).
USES_MAIN = "from app.main import helper_x\n\n\ndef use():\n    return helper_x()\n"


def _write(root: Path, main: str, more: dict[str, str] | None = None) -> None:
    for path, text in {"pyproject.toml": "[tool.fastlint]\n", "app/__init__.py": "",
                       "app/services.py": SERVICES, "app/uses_main.py": USES_MAIN,
                       "app/main.py": main, **(more or {})}.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)


def _findings(checked) -> dict[str, list[tuple]]:
    return {path: [(d.row, d.col, d.code, d.message, d.fix) for d in found]
            for path, (_, found) in checked.findings.items()}


class Server:
    """A server with app/main.py and app/services.py open, counting what it builds again."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch, more: dict[str, str] | None = None) -> None:
        """`more`: other files of the project (path → text), never edited."""
        self.root = root
        self.more = more
        _write(root, MAIN.format(body="pass", module_level="", middle="pass", tail="", path="/"), more)
        self.state = ProjectState(root, ClientSettings(), use_cache=False)
        self.state.load()
        self.main = ProjectState.key(root / "app/main.py")
        self.state.update({ProjectState.key(root / "app/services.py"): Buffer(SERVICES, 0)})
        self.version = 0
        self.builds: list[str] = []
        build, reached, tables = FastAPIModel._build, BlockingCallViaHelper._reached, Tables._build_tables
        monkeypatch.setattr(FastAPIModel, "_build",
                            lambda model: self.builds.append("model") or build(model))
        monkeypatch.setattr(Tables, "_build_tables",
                            lambda project: self.builds.append("tables") or tables(project))
        graph = CallGraph._build
        monkeypatch.setattr(CallGraph, "_build", lambda self_: self.builds.append("graph") or graph(self_))
        monkeypatch.setattr(BlockingCallViaHelper, "_reached",
                            lambda rule, *args: self.builds.append("FL102") or reached(rule, *args))
        self.edit(body="pass")

    def edit(self, body: str, module_level: str = "", middle: str = "pass", tail: str = "",
             path: str = "/") -> list[tuple]:
        """Type in main.py; its findings and services.py's, which must be a fresh server's."""
        self.version += 1
        self.builds.clear()
        text = MAIN.format(body=body, module_level=module_level, middle=middle, tail=tail, path=path)
        found = _findings(self.state.check(self.state.update({self.main: Buffer(text, self.version)})))
        built = list(self.builds)
        cold_root = self.root / "cold"
        _write(cold_root, text, self.more)
        cold = ProjectState(cold_root, ClientSettings(), use_cache=False)
        cold.load()
        expected = _findings(cold.check(cold.update({
            ProjectState.key(cold_root / path): Buffer((cold_root / path).read_text(), 0)
            for path in ("app/main.py", "app/services.py")})))
        assert sorted(found.values()) == sorted(expected.values()) and len(found) == 2
        self.builds[:] = built  # not the fresh server's
        return [finding for findings in found.values() for finding in findings]

    @property
    def project(self):  # type: ignore[no-untyped-def]
        return self.state.run.project

    def scope_table(self) -> object:
        return self.project.scope.by_path


def _codes(found: list[tuple]) -> list[str]:
    return [finding[2] for finding in found]


def test_a_new_call_edge_off_every_chain_keeps_the_model_the_scope_and_fl102s_plan(tmp_path, monkeypatch):
    server = Server(tmp_path, monkeypatch)
    scope = server.scope_table()
    before = server.edit(body="_ = other()")
    assert server.builds == [] and server.project.model_placed()
    assert server.scope_table() is scope
    reached = [row for row, _, code, *_ in before if code == "FL102"]
    assert len(reached) == 1  # `later()` reaches `time.sleep`
    # The calls below moved one call and one line down: the plan's indexes were shifted.
    shifted = server.edit(body="_ = other()\n    _ = other()")
    assert server.builds == []
    assert [row for row, _, code, *_ in shifted if code == "FL102"] == [reached[0] + 1]


def test_a_new_call_edge_into_a_chain_finds_it_again(tmp_path, monkeypatch):
    server = Server(tmp_path, monkeypatch)
    found = server.edit(body="_ = slow()")
    assert server.builds == ["FL102"] and server.project.model_placed()
    assert "2 coroutines reach it" in found[0][3]  # one finding, at the blocking call
    server.edit(body="pass")  # and taken out again
    assert server.builds == ["FL102"]


def test_a_new_call_edge_that_makes_a_chain_finds_the_chains_again(tmp_path, monkeypatch):
    server = Server(tmp_path, monkeypatch)
    found = server.edit(body="pass", middle="_ = slow()")  # the route calls `middle()`
    assert server.builds == ["FL102"]
    # `index` → `middle` → `time.sleep`, beside `later` → `slow`: one finding at the sleep.
    assert [message for _, _, code, message, _ in found if code == "FL102" and "2 coroutines" in message]


def test_a_blocking_call_typed_in_a_route_finds_the_chains_again(tmp_path, monkeypatch):
    server = Server(tmp_path, monkeypatch)
    found = server.edit(body="time.sleep(1)")
    assert server.builds == ["FL102"] and "FL101" in _codes(found)


def test_a_call_the_scope_reads_classifies_it_again(tmp_path, monkeypatch):
    server = Server(tmp_path, monkeypatch)
    scope = server.scope_table()
    server.edit(body="pass", module_level="other()")  # not a factory of the app
    assert server.project.model_placed() and server.scope_table() is scope
    server.edit(body="pass", module_level="if __name__ == '__main__':\n    other()")  # a script's
    assert server.project.model_placed() and server.scope_table() is not scope


def test_a_call_the_model_reads_builds_it_again(tmp_path, monkeypatch):
    server = Server(tmp_path, monkeypatch)
    server.edit(body="app.add_api_route('/more', clean)")  # wires a route
    assert "model" in server.builds and not server.project.model_placed()
    server.edit(body="pass")
    server.edit(body="register(app)")  # its call sites tell which app `register` is given
    assert "model" in server.builds


# ---------------------------------------------------------------------- calls_edit
def _call(name: str, function: int = 0) -> CallFact:
    return CallFact(Val("call", name), name, None, (0, 0), function, False, False, False, False, 0)  # type: ignore[arg-type]


def _facts(*calls: CallFact, module: str = "app.main") -> FileFacts:
    return FileFacts("app/main.py", module, False, calls=calls)


@pytest.mark.parametrize(("old", "new", "edit"), [
    (["a", "b"], ["a", "b"], CallsEdit(2, 2, 2, 0)),
    (["a", "b"], ["a", "x", "b"], CallsEdit(2, 3, 1, 1)),
    (["a", "b"], ["x", "a", "b"], CallsEdit(2, 3, 0, 2)),
    (["a", "b"], ["a", "b", "x"], CallsEdit(2, 3, 2, 0)),
    (["a", "b", "c"], ["a", "c"], CallsEdit(3, 2, 1, 1)),
    (["a", "b", "c"], ["a", "x", "y", "c"], CallsEdit(3, 4, 1, 1)),
    (["a", "a"], ["a", "a", "a"], CallsEdit(2, 3, 2, 0)),  # what is kept is never counted twice
])
def test_calls_edit_keeps_the_calls_before_and_after_the_replaced_ones(old, new, edit):
    found = calls_edit(positionless_facts(_facts(*map(_call, old))),
                       positionless_facts(_facts(*map(_call, new))))
    assert found == edit
    assert found.kept_before + found.kept_after <= min(len(old), len(new))


def test_calls_edit_tells_where_each_kept_call_went():
    edit = CallsEdit(old_count=4, new_count=5, kept_before=1, kept_after=2)
    assert [edit.new_index(index) for index in range(4)] == [0, None, 3, 4]
    old, new = _facts(*map(_call, "abcd")), _facts(*map(_call, "axycd"))
    assert [c.text for c in edit.removed(old)] == ["b"]
    assert [c.text for c in edit.added(new)] == ["x", "y"]


def test_calls_edit_is_none_when_more_than_calls_changed():
    assert calls_edit(positionless_facts(_facts(_call("a"))),
                      positionless_facts(_facts(_call("a"), module="app.other"))) is None
    # A call moved to another function is a changed call, not a kept one.
    assert calls_edit(positionless_facts(_facts(_call("a", 0))),
                      positionless_facts(_facts(_call("a", 1)))) == CallsEdit(1, 1, 0, 0)


def test_an_import_inside_a_function_keeps_the_name_resolution_and_the_model(tmp_path, monkeypatch):
    server = Server(tmp_path, monkeypatch)
    names = server.project._canonical
    scope = server.scope_table()
    server.edit(body="import json\n    _ = json.dumps(other())")
    assert server.project._canonical is names  # the tables hold no import made in a function
    assert server.builds == [] and server.project.model_placed()
    assert server.scope_table() is scope  # a library's: the import graph is the same
    # A project module's: the import graph, which the scope follows, changes.
    server.edit(body="from app import uses_main\n    _ = uses_main.use()")
    assert server.project._canonical is names and server.builds == []
    assert server.scope_table() is not scope


def test_an_import_at_module_level_that_nothing_else_reads_patches_the_name_resolution(tmp_path, monkeypatch):
    server = Server(tmp_path, monkeypatch)
    names = server.project._canonical
    server.edit(body="_ = j.dumps(other())", module_level="import json as j")
    project = server.project
    assert project._canonical is names and project.aliases["app.main.j"] == "json"
    assert server.builds == [] and project.model_placed()
    server.edit(body="pass")  # and taken out again
    assert server.project._canonical is names and "app.main.j" not in server.project.aliases
    # The tables are what a fresh build makes of the same files.
    fresh = Server(tmp_path / "fresh", monkeypatch).project
    assert server.project.aliases == fresh.aliases
    assert server.project._every_alias == fresh._every_alias


def test_an_import_of_a_name_another_module_imports_builds_the_name_resolution_again(tmp_path, monkeypatch):
    server = Server(tmp_path, monkeypatch)
    names = server.project._canonical
    # app/uses_main.py imports `helper_x` from app.main: what it calls changes.
    server.edit(body="pass", module_level="from app.services import slow as helper_x")
    assert server.project._canonical is not names and "model" in server.builds
    assert server.project.function_target("app.uses_main.helper_x").qualname == "app.services.slow"


def _import(module: str, in_function: bool) -> ImportFact:
    return ImportFact(module, None, module, None, False, in_function)  # type: ignore[arg-type]


def test_calls_edit_tells_when_imports_inside_functions_changed_too():
    calls = (_call("a"),)
    plain = FileFacts("app/main.py", "app.main", False, calls=calls)
    local = FileFacts("app/main.py", "app.main", False, calls=calls, imports=(_import("json", True),))
    module = FileFacts("app/main.py", "app.main", False, calls=calls, imports=(_import("json", False),))
    edit = calls_edit(positionless_facts(plain), positionless_facts(local))
    assert edit == CallsEdit(1, 1, 1, 0, imports_changed=True)
    assert calls_edit(positionless_facts(plain), positionless_facts(module)) is None


# ---------------------------------------------------------------------- references
def test_references_count_what_the_files_mention_as_they_change():
    first = _facts(_call("app.main.j.dumps"), _call("json.loads"))
    other = FileFacts("app/other.py", "app.other", False, calls=(_call("app.main.jx"),))
    references = References([first, other])
    assert references.mention(["app.main.j"])  # `app.main.j.dumps`
    assert not references.mention(["app.main.json", "app.mai"])  # no name starts so
    second = _facts(_call("json.loads"))
    references.sync([second, other])
    assert "app.main.j.dumps" in references.strings(first)  # the facts it replaces
    assert not references.mention(["app.main.j"]) and references.mention(["app.main.jx"])
    references.sync([second])  # app/other.py deleted
    assert not references.mention(["app.main.jx"])


def test_a_name_is_mentioned_by_itself_its_attributes_and_its_calls():
    assert mentions_name("app.main.j", "app.main.j")
    assert mentions_name("app.main.j.dumps", "app.main.j")
    assert mentions_name("app.main.j().x", "app.main.j")
    assert not mentions_name("app.main.json", "app.main.j")


@pytest.mark.parametrize("typed", [
    "def fresh_helper():\n    return 1",
    "LIMIT = 5",
    "@app.get('/fresh')\nasync def fresh():\n    return slow()",  # a new route, a new chain
    # A factory of the app class: what it builds is an app, with its own route.
    "def app_class():\n    return FastAPI\n\n\nsecond = app_class()()\n\n\n"
    "@second.get('/second')\nasync def on_second():\n    return slow()",
])
def test_a_definition_nothing_else_reads_patches_the_name_resolution(tmp_path, monkeypatch, typed):
    server = Server(tmp_path, monkeypatch)
    server.edit(body="pass", module_level=typed)
    assert "tables" not in server.builds
    server.edit(body="pass")  # and taken out again
    assert "tables" not in server.builds
    fresh = Server(tmp_path / "fresh", monkeypatch).project
    assert server.project.functions.keys() == fresh.functions.keys()
    assert server.project.bindings.keys() == fresh.bindings.keys()
    assert server.project._every_alias == fresh._every_alias


@pytest.mark.parametrize("typed", [
    "def helper_x():\n    return slow()",  # app/uses_main.py imports and calls it
    "class helper_x:\n    def method(self):\n        return 1",  # a class by that name
])
def test_a_definition_another_module_reads_builds_the_name_resolution_again(tmp_path, monkeypatch, typed):
    server = Server(tmp_path, monkeypatch)
    server.edit(body="pass", module_level=typed)
    assert "tables" in server.builds


def test_what_was_looked_up_for_a_changed_name_is_looked_up_again(tmp_path, monkeypatch):
    """`client().get` is `requests.Session.get` (it blocks) while `client` says it returns a
    Session; once it does not, the answer remembered for `client().get` is stale."""
    server = Server(tmp_path, monkeypatch)
    session = "import requests\n\n\ndef client() -> requests.Session:\n    return None"
    found = server.edit(body="client().get('x')", module_level=session)
    assert "FL101" in _codes(found)
    found = server.edit(body="client().get('x')", module_level=session.replace("requests.Session:", "object:"))
    assert "tables" not in server.builds and "FL101" not in _codes(found)


@pytest.mark.parametrize(("body", "module_level"), [
    ("pass", "def fresh_helper():\n    return other()"),  # a new caller, after the others
    ("pass", "def aaa_first():\n    return slow()"),  # one before them in the file
    ("_ = clean()", ""),  # `index` calls one more; `middle` (below) calls nothing yet
])
def test_new_callers_update_the_call_graph_in_the_order_of_a_fresh_build(tmp_path, monkeypatch, body, module_level):
    server = Server(tmp_path, monkeypatch)
    server.edit(body=body, module_level=module_level, middle="pass")
    server.edit(body=body, module_level=module_level, middle="_ = other()")
    graph = server.project.callgraph
    assert "graph" not in server.builds
    fresh = CallGraph(server.project)
    assert list(graph.calls_by_function) == list(fresh.calls_by_function)
    assert list(graph.edges) == list(fresh.edges)
    assert dict(graph.calls_by_function) == dict(fresh.calls_by_function)


def test_keys_a_reader_made_without_entries_stay_at_the_end_of_the_reordered_table():
    from collections import defaultdict

    from fastlint.model.callgraph import _in_file_order

    def entry(path: str) -> tuple:
        return (FileFacts(path, "m", False), None)

    table = defaultdict(list, {"a.f": [entry("a.py")], "c.h": [entry("c.py")]})
    table["asked"]  # a reader's `graph.edges[name]`: an empty list
    table["b.new"] = [entry("b.py")]  # a caller the edited file b.py now has
    ordered = _in_file_order(table, "b.py", {"b.new": None})
    assert list(ordered) == ["a.f", "b.new", "c.h", "asked"]


def test_a_module_that_becomes_a_command_line_stops_starting_chains(tmp_path, monkeypatch):
    """FL102's plan is kept across an edit only while the application scope is the same: a
    coroutine in a module that starts importing a CLI library no longer counts."""
    _write(tmp_path, MAIN.format(body="pass", module_level="", middle="pass", tail="", path="/"))
    cli = "from app.services import slow\n\n\nasync def login():\n    return slow()\n"
    (tmp_path / "app/cli.py").write_text(cli)
    state = ProjectState(tmp_path, ClientSettings(), use_cache=False)
    state.load()
    paths = {name: ProjectState.key(tmp_path / f"app/{name}.py") for name in ("main", "services", "cli")}
    buffers = {path: Buffer((tmp_path / f"app/{name}.py").read_text(), 0) for name, path in paths.items()}

    def fl102(version: int, cli_text: str) -> list[tuple]:
        buffers[paths["cli"]] = Buffer(cli_text, version)
        checked = state.check(state.update(dict(buffers)))
        return sorted((path, d.row) for path, (_, found) in checked.findings.items()
                      for d in found if d.code == "FL102")

    assert fl102(1, cli) == [(paths["services"], 11)]  # `later` and `login`: at the sleep
    assert fl102(2, "import typer\n" + cli) == [(paths["main"], 23)]  # `later` alone
    assert fl102(3, cli) == [(paths["services"], 11)]


# ---------------------------------------------------------------------- definitions at the end
NOT_READ = ["\n\ndef fresh_helper():\n    return other()\n",
            "\n\nasync def fresh_route_like():\n    return clean()\n",
            "\nLIMIT = 5\n"]


@pytest.mark.parametrize("typed", NOT_READ)
@pytest.mark.parametrize("where", ["at the end", "above the others"])
def test_a_definition_that_nothing_reads_keeps_the_model_the_scope_and_fl102s_plan(
        tmp_path, monkeypatch, typed, where):
    server = Server(tmp_path, monkeypatch)
    scope = server.scope_table()
    before = server.edit(body="_ = other()")
    placed = {"tail": typed} if where == "at the end" else {"module_level": typed}
    found = server.edit(body="_ = other()", **placed)
    assert server.builds == [] and server.project.model_placed()
    assert server.scope_table() is scope
    # `later`'s finding moved with the lines typed above it (the plan's indexes shifted).
    moved = typed.count("\n") if where == "above the others" else 0
    assert "FL102" in _codes(before)
    assert [(row, code) for row, _, code, *_ in found if code == "FL102"] \
        == [(row + moved, code) for row, _, code, *_ in before if code == "FL102"]
    server.edit(body="_ = other()")  # and taken out again
    assert server.builds == [] and server.scope_table() is scope


def test_a_coroutine_typed_at_the_end_that_reaches_a_blocking_call_finds_the_chains_again(tmp_path, monkeypatch):
    server = Server(tmp_path, monkeypatch)
    found = server.edit(body="pass", tail="\n\nasync def fresh():\n    return slow()\n")
    assert server.builds == ["FL102"] and server.project.model_placed()
    assert "2 coroutines reach it" in found[0][3]


@pytest.mark.parametrize("tail", [
    "\n\n@app.middleware('http')\nasync def fresh(request, call_next):\n    return await call_next(request)\n",
    "\n\nfrom fastapi import Depends\n\n\ndef fresh(x=Depends(clean)):\n    return x\n",  # a dependency
    "\napi = FastAPI()\n",  # another app, where a server may be pointed
])
def test_a_definition_typed_at_the_end_that_the_model_reads_builds_it_again(tmp_path, monkeypatch, tail):
    server = Server(tmp_path, monkeypatch)
    server.edit(body="pass", tail=tail)
    assert "tables" not in server.builds
    assert "model" in server.builds and not server.project.model_placed()


@pytest.mark.parametrize("where", ["at the end", "above the others"])
def test_a_route_typed_in_a_module_that_declares_others_is_added_to_the_placed_model(tmp_path, monkeypatch, where):
    server = Server(tmp_path, monkeypatch)
    scope = server.scope_table()
    route = "\n\n@app.get('/fresh')\nasync def fresh():\n    return clean()\n"
    server.edit(body="pass", **({"tail": route} if where == "at the end" else {"module_level": route}))
    model = server.project.fastapi
    assert "model" not in server.builds and model.routes_changed and not server.project.model_placed()
    assert server.scope_table() is scope
    # Where a build puts it: the routes of decorators in the order they are written.
    fresh = FastAPIModel(server.project)
    assert [(r.handler, r.span) for r in model.routes] == [(r.handler, r.span) for r in fresh.routes]
    assert "app.main.fresh" in model.route_handlers
    server.edit(body="pass")  # and taken out again
    assert "model" not in server.builds and "app.main.fresh" not in server.project.fastapi.route_handlers
    assert server.scope_table() is scope


def test_a_route_renamed_is_changed_in_the_placed_model(tmp_path, monkeypatch):
    """Typing a new route's name is a rename at each key."""
    server = Server(tmp_path, monkeypatch)
    scope = server.scope_table()
    route = "\n\n@app.get('/fresh')\nasync def {name}():\n    return clean()\n"
    server.edit(body="pass", tail=route.format(name="fr"))
    server.edit(body="pass", tail=route.format(name="fresh"))
    model = server.project.fastapi
    assert "tables" not in server.builds and "model" not in server.builds and model.routes_changed
    assert server.scope_table() is scope
    assert "app.main.fresh" in model.route_handlers and "app.main.fr" not in model.route_handlers


@pytest.mark.parametrize("name", ["aaa_first", "zzz_last"])
def test_a_coroutine_on_a_chain_renamed_finds_the_chains_again(tmp_path, monkeypatch, name):
    """Its call of `sleeper()` is the same call: the plan names the coroutine it is in."""
    server = Server(tmp_path, monkeypatch)
    coroutine = "\n\ndef sleeper():\n    time.sleep(1)\n\n\nasync def {name}():\n    return sleeper()\n"
    server.edit(body="pass", tail=coroutine.format(name="typed"))
    found = server.edit(body="pass", tail=coroutine.format(name=name))
    assert "tables" not in server.builds and "FL102" in server.builds
    assert any(name in message for _, _, code, message, _ in found if code == "FL102")


def test_a_route_path_typed_changes_the_route_in_the_placed_model(tmp_path, monkeypatch):
    server = Server(tmp_path, monkeypatch)
    scope = server.scope_table()
    server.edit(body="pass", path="/items")
    model = server.project.fastapi
    assert "model" not in server.builds and model.routes_changed and server.scope_table() is scope
    assert "FL102" not in server.builds  # the chains are the same
    assert [route.effective_paths for route in model.resolved_routes if route.handler == "app.main.index"] \
        == [("/items",)]
    server.edit(body="pass", path="/v1/items")
    assert "model" not in server.builds
    assert [route.path for route in server.project.fastapi.routes if route.handler == "app.main.index"] == ["/v1/items"]


def test_names_typed_at_the_end_that_make_an_alembic_revision_classify_the_scope_again(tmp_path, monkeypatch):
    server = Server(tmp_path, monkeypatch)
    scope = server.scope_table()
    server.edit(body="pass", tail="\nrevision = 'a1'\ndown_revision = None\n")
    assert server.project.model_placed() and server.scope_table() is not scope
    assert server.project.scope.by_path[server.main].kind == "migration"


def test_a_definition_the_file_itself_already_mentions_builds_the_model_again(tmp_path, monkeypatch):
    """`index` calls `fresh_helper` before it is defined: once it is, that call resolves to it."""
    server = Server(tmp_path, monkeypatch)
    server.edit(body="_ = fresh_helper()")
    found = server.edit(body="_ = fresh_helper()", tail="\n\ndef fresh_helper():\n    time.sleep(1)\n")
    assert "tables" not in server.builds and "model" in server.builds
    assert "FL102" in _codes(found)  # `index` → `fresh_helper` → `time.sleep`
    # A route whose handler is defined after it is wired: the model reads the definition.
    wired = "app.add_api_route('/late', late_handler)"
    server.edit(body="pass", module_level=wired)
    assert "app.main.late_handler" not in server.project.fastapi.route_handlers
    server.edit(body="pass", module_level=wired, tail="\n\ndef late_handler():\n    return 1\n")
    assert "app.main.late_handler" in server.project.fastapi.route_handlers


def _function(name: str) -> FunctionFact:
    span = Span(1, 0, 2, 0)
    return FunctionFact(f"app.main.{name}", name, None, False, span, span, (), (), None, False, False, False, 1, 0)


def _defining(*names: str, calls: tuple = ()) -> tuple:
    return positionless_facts(FileFacts("app/main.py", "app.main", False, calls=calls,
                                        functions=tuple(map(_function, names))))


def test_calls_edit_tells_where_definitions_were_typed_or_taken_out():
    in_f = (_call("a", 0),)
    edit = calls_edit(_defining("f", calls=in_f), _defining("f", "g", calls=in_f), module_names=True)
    assert edit == CallsEdit(1, 1, 1, 0, definitions_changed=True, functions=Run(1, 0, 1))
    assert calls_edit(_defining("f", "g", calls=in_f), _defining("f", calls=in_f),
                      module_names=True).functions == Run(1, 1, 0)
    assert calls_edit(_defining("f"), _defining("f", "g")) is None  # the tables were not patched
    # Typed above: `f` is the second function now, and its call is the same call.
    edit = calls_edit(_defining("f", calls=in_f), _defining("g", "f", calls=(_call("a", 1),)),
                      module_names=True)
    assert edit == CallsEdit(1, 1, 1, 0, definitions_changed=True, functions=Run(0, 0, 1))
    assert [edit.functions.new_index(i) for i in range(1)] == [1]
    # A call of a function taken out is a replaced call.
    assert calls_edit(_defining("g", "f", calls=(_call("a", 0), _call("b", 1))),
                      _defining("f", calls=(_call("b", 0),)), module_names=True) \
        == CallsEdit(2, 1, 0, 1, definitions_changed=True, functions=Run(0, 1, 0))
    # One renamed: replaced by another in the same place.
    assert calls_edit(_defining("f", "g"), _defining("f", "h"), module_names=True).functions == Run(1, 1, 1)
    # Two changed apart: one run, the function between them replaced too.
    assert calls_edit(_defining("f", "g", "h"), _defining("x", "g", "y"), module_names=True).functions \
        == Run(0, 3, 3)


# ---------------------------------------------------------------------- class members
STORE = "\n\nclass Store:\n    def load(self):\n        return 1\n"
TYPED_METHOD = "\n    def typed_more(self):\n        time.sleep(1)\n        return self.load()\n"


def test_a_method_whose_name_nothing_writes_patches_the_name_resolution(tmp_path, monkeypatch):
    server = Server(tmp_path, monkeypatch)
    server.edit(body="pass", tail=STORE)
    server.edit(body="pass", tail=STORE + TYPED_METHOD)
    assert "tables" not in server.builds and server.project.model_placed()
    assert "app.main.Store.typed_more" in server.project.functions
    server.edit(body="pass", tail=STORE)  # and taken out again
    assert "tables" not in server.builds and "app.main.Store.typed_more" not in server.project.functions


@pytest.mark.parametrize(("body", "tail"), [
    ("_ = Store().typed_more()", STORE + TYPED_METHOD),  # called through an instance
    ("_ = Sub().typed_more()", STORE + TYPED_METHOD + "\n\nclass Sub(Store):\n    pass\n"),  # on a subclass
    ("pass", STORE + "\n    def __call__(self):\n        return 2\n"),  # looked up by its name alone
    ("pass", STORE + "\n    async def dispatch(self, request, call_next):\n        return 2\n"),
])
def test_a_method_named_elsewhere_or_looked_up_by_name_builds_the_name_resolution_again(
        tmp_path, monkeypatch, body, tail):
    server = Server(tmp_path, monkeypatch)
    server.edit(body=body, tail=tail.replace(TYPED_METHOD, "").split("\n    def __call__")[0].split("\n    async def dispatch")[0])
    found = server.edit(body=body, tail=tail)
    assert "tables" in server.builds
    if "typed_more()" in body:  # `index` calls it
        assert _callers(server, "app.main.Store.typed_more") == ["app.main.index"]


def test_a_method_another_module_calls_through_an_instance_builds_the_name_resolution_again(tmp_path, monkeypatch):
    caller = "from app.main import Store\n\n\nasync def call():\n    return Store().typed_more()\n"
    server = Server(tmp_path, monkeypatch, more={"app/caller.py": caller})
    server.edit(body="pass", tail=STORE)
    server.edit(body="pass", tail=STORE + TYPED_METHOD)
    assert "tables" in server.builds
    assert _callers(server, "app.main.Store.typed_more") == ["app.caller.call"]


def _callers(server: Server, qualname: str) -> list[str]:
    return [edge.caller for edge in server.project.callgraph.callers.get(qualname, [])]


@pytest.mark.parametrize("typed", [
    "class Fresh:\n    def __init__(self):\n        self.name = 'x'\n\n    def method(self):\n        return slow()",
    "class FreshSchema(BaseModel):\n    name: str\n\n    class Config:\n        extra = 'forbid'",
    "class FreshRouter(APIRouter):\n    pass",  # a router class: what builds routers changes
    "class FreshMiddleware(BaseHTTPMiddleware):\n    async def dispatch(self, request, call_next):\n"
    "        return await call_next(request)",  # its `dispatch` runs on every request
])
def test_a_class_nothing_names_patches_the_name_resolution(tmp_path, monkeypatch, typed):
    imports = ("from pydantic import BaseModel\nfrom fastapi import APIRouter\n"
               "from starlette.middleware.base import BaseHTTPMiddleware\n")
    server = Server(tmp_path, monkeypatch)
    server.edit(body="pass", module_level=imports)
    server.edit(body="pass", module_level=imports, tail=f"\n\n{typed}\n")
    assert "tables" not in server.builds
    name = typed.split("(")[0].split(":")[0].removeprefix("class ")
    assert f"app.main.{name}" in server.project.classes
    fresh = _cold_project(server)
    assert server.project.fastapi.router_classes == fresh.fastapi.router_classes
    assert server.project.fastapi.middleware == fresh.fastapi.middleware
    server.edit(body="pass", module_level=imports)  # and taken out again
    assert "tables" not in server.builds and f"app.main.{name}" not in server.project.classes
    assert server.project.fastapi.router_classes == _cold_project(server).fastapi.router_classes


def _cold_project(server: Server):  # type: ignore[no-untyped-def]
    """The project a fresh server makes of the files of the last edit (see `Server.edit`)."""
    root = server.root / "cold"
    cold = ProjectState(root, ClientSettings(), use_cache=False)
    cold.load()
    main = ProjectState.key(root / "app/main.py")
    cold.check(cold.update({main: Buffer((root / "app/main.py").read_text(), 0)}))
    return cold.run.project


def test_what_was_looked_up_for_a_method_taken_out_is_looked_up_again(tmp_path, monkeypatch):
    """The method and its only call taken out in one edit (the tables patched), then the call
    typed again: it calls nothing of the project now."""
    server = Server(tmp_path, monkeypatch)
    server.edit(body="pass", tail=STORE)
    assert "FL102" in _codes(server.edit(body="_ = Store().typed_more()", tail=STORE + TYPED_METHOD))
    server.edit(body="pass", tail=STORE)
    assert "tables" not in server.builds
    server.edit(body="_ = Store().typed_more()", tail=STORE)
    assert "tables" not in server.builds
    assert server.project.function_target("app.main.Store().typed_more") is None


@pytest.mark.parametrize("seed", range(30))
def test_the_reordered_table_is_the_one_sorting_every_key_by_file_gives(seed):
    """`_in_file_order` bisects the keys already in file order; sorting them all says where."""
    import random
    from collections import defaultdict

    from fastlint.model.callgraph import _in_file_order, _sorted_by_file

    rng = random.Random(seed)
    paths = sorted({f"{rng.choice('abcdefgh')}.py" for _ in range(6)})
    table: dict = defaultdict(list)
    for path in paths:  # a fresh build: each file's keys, files in order
        for index in range(rng.randrange(0, 4)):
            table[f"{path}:{index}"] = [(FileFacts(path, "m", False), None)]
    edited = rng.choice(paths)
    for key in [key for key in table if key.startswith(edited) and rng.random() < 0.5]:
        del table[key]  # functions of the edited file taken out or renamed
    for _ in range(rng.randrange(0, 3)):
        table[f"asked{rng.randrange(100)}"]  # a reader's `graph.edges[name]`
    new = [f"{edited}:new{index}" for index in range(rng.randrange(0, 3))]
    for key in new:
        table[key] = [(FileFacts(edited, "m", False), None)]  # new ones at the end
    kept = [key for key in table if key.startswith(edited)]
    rng.shuffle(kept)
    keys = dict.fromkeys(kept)  # the edited file's keys, in its new order
    assert list(_in_file_order(table, edited, keys)) == list(_sorted_by_file(table, edited, keys))


def test_a_table_memo_nobody_asked_for_is_patched_by_every_patch_since(tmp_path, monkeypatch):
    """The owner class names (read every definition) are patched, not built in full, after
    edits that patched the tables without asking for them."""
    from fastlint.model.fastapi_owners import OwnerResolution

    server = Server(tmp_path, monkeypatch)
    built = []
    full = OwnerResolution._owner_class_names
    monkeypatch.setattr(OwnerResolution, "_owner_class_names",  # not the fresh server's (see `edit`)
                        lambda self: built.append(self.project is server.project) or full(self))
    for name in ("first", "second"):  # no call: nothing asks for the names
        server.edit(body="pass", tail=f"\n\ndef {name}_helper():\n    return 1\n")
    server.edit(body="pass", tail="\n\n@app.get('/typed')\nasync def typed():\n    return clean()\n")
    assert "tables" not in server.builds and "app.main.typed" in server.project.fastapi.route_handlers
    assert True not in built
