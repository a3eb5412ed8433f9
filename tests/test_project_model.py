"""The project join: module names, imports and re-exports, constants, settings, the call graph."""

from pathlib import Path

import pytest

from fastlint.engine import module_info
from fastlint.testing import project


# ---------------------------------------------------------------------- module names
@pytest.mark.parametrize(
    ("files", "path", "module"),
    [
        pytest.param(["main.py"], "main.py", "main", id="flat-file"),
        pytest.param(["app/__init__.py", "app/api/__init__.py", "app/api/users.py"],
                     "app/api/users.py", "app.api.users", id="package"),
        pytest.param(["app/__init__.py"], "app/__init__.py", "app", id="package-init"),
        pytest.param(["src/pkg/__init__.py", "src/pkg/mod.py"], "src/pkg/mod.py", "pkg.mod",
                     id="src-layout"),
        pytest.param(["ns/mod.py"], "ns/mod.py", "ns.mod", id="namespace-package"),
        pytest.param(["webui/__init__.py", "webui/routers/chats.py"], "webui/routers/chats.py",
                     "webui.routers.chats", id="namespace-dir-inside-package"),
        pytest.param(["backend/app/__init__.py", "backend/app/main.py"], "backend/app/main.py",
                     "app.main", id="package-below-a-plain-directory"),
    ],
)
def test_module_name_from_path(tmp_path, files, path, module):
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    assert module_info(tmp_path / path, tmp_path).module == module


def test_root_inside_a_package_keeps_the_full_module_name(tmp_path):
    for name in ("airflow/__init__.py", "airflow/api/__init__.py", "airflow/api/app.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    info = module_info(tmp_path / "airflow/api/app.py", tmp_path / "airflow/api")
    assert info.module == "airflow.api.app"
    assert info.alt_module == "app"


def test_display_path_with_dotdot_is_found_under_the_root(tmp_path, monkeypatch):
    (tmp_path / "proj/pkg").mkdir(parents=True)
    (tmp_path / "proj/pkg/__init__.py").write_text("")
    (tmp_path / "proj/pkg/mod.py").write_text("X = 1\n")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    from fastlint.engine import RunOptions, run_check

    result = run_check([Path("../proj")], RunOptions(select=("FL001",), jobs=1))
    modules = {f.module for f in result.projects[0].project.files}
    assert "pkg.mod" in modules


# ---------------------------------------------------------------------- imports
RELATIVE = {
    "app/__init__.py": "",
    "app/core/__init__.py": "",
    "app/core/config.py": "PREFIX = '/api'\n",
    "app/api/__init__.py": "from .routes import router\n",
    "app/api/routes.py": "from ..core.config import PREFIX\nfrom . import helpers\nrouter = 1\n",
    "app/api/helpers.py": "",
}


def test_relative_imports_resolve_to_modules():
    built = project(RELATIVE)
    assert built.canonical_binding("app.api.routes.PREFIX") == "app.core.config.PREFIX"
    assert built.import_graph["app.api.routes"] == {"app.core.config", "app.api.helpers"}


def test_reexport_from_package_init_reaches_the_binding():
    built = project(RELATIVE)
    assert built.canonical_binding("app.api.router") == "app.api.routes.router"


def test_import_graph_has_no_third_party_modules():
    built = project({"a.py": "import os\nimport requests\nfrom b import x\n", "b.py": "x = 1\n"})
    assert built.import_graph["a"] == {"b"}
    assert built.import_graph["b"] == frozenset()


# ---------------------------------------------------------------------- constants and settings
CONSTANTS = {
    "app/__init__.py": "",
    "app/consts.py": """
        BASE = "/api"
        VERSION = "v1"
        PREFIX = f"{BASE}/{VERSION}"
        JOINED = BASE + "/items"
        DYNAMIC = f"{BASE}/{unknown()}"
    """,
    "app/config.py": """
        from functools import lru_cache
        from pydantic import Field
        from pydantic_settings import BaseSettings

        class Base(BaseSettings):
            ROOT: str = "/root"

        class Settings(Base):
            API_V1_STR: str = "/api/v1"
            DOCS: str = Field("/docs")
            NO_DEFAULT: str

        settings = Settings()

        @lru_cache
        def get_settings() -> Settings:
            return Settings()
    """,
}


@pytest.mark.parametrize(
    ("symbol", "expected"),
    [
        pytest.param("app.consts.BASE", "/api", id="string-constant"),
        pytest.param("app.consts.PREFIX", "/api/v1", id="f-string-of-constants"),
        pytest.param("app.consts.JOINED", "/api/items", id="concatenation"),
        pytest.param("app.config.settings.API_V1_STR", "/api/v1", id="settings-default"),
        pytest.param("app.config.settings.ROOT", "/root", id="inherited-settings-default"),
        pytest.param("app.config.get_settings().API_V1_STR", "/api/v1", id="cached-settings-factory"),
        pytest.param("app.config.settings.DOCS", "/docs", id="field-default"),
        pytest.param("app.consts.DYNAMIC", None, id="not-static-f-string"),
        pytest.param("app.config.settings.NO_DEFAULT", None, id="field-without-default"),
        pytest.param("app.consts.MISSING", None, id="unknown-name"),
    ],
)
def test_string_values(symbol, expected):
    from fastlint.facts.records import Val

    assert project(CONSTANTS).string_value(Val("ref", symbol)) == expected


# ---------------------------------------------------------------------- call graph
CALLS = {
    "app/__init__.py": "",
    "app/store.py": """
        from typing import Annotated
        from fastapi import Depends

        class EntryStore:
            def __init__(self, db=None):
                self.db = db
            def get(self):
                return 1
            def via_self(self):
                return self.get()
            @classmethod
            def make(cls):
                return cls.build()
            @classmethod
            def build(cls):
                return cls()

        def get_store():
            return EntryStore()

        StoreDep = Annotated[EntryStore, Depends(get_store)]
        store = EntryStore()

        def helper():
            return 1
    """,
    "app/svc.py": """
        from app.store import EntryStore, StoreDep, store, helper
        from app import store as store_module

        class Service:
            def __init__(self):
                self.store = EntryStore()
            def run(self):
                return self.store.get()

        def module_function(): helper()
        def module_attribute(): store_module.helper()
        def module_instance(): store.get()
        def annotated_parameter(s: EntryStore): s.get()
        def annotated_alias_parameter(s: StoreDep): s.get()
        def bound_by_construction():
            s = EntryStore(1)
            s.get()
        def construction_chained(): EntryStore(1).get()
        def class_method(): EntryStore.make()
        def attribute_set_in_init(): Service().run()
        def unknown_receiver(s): s.get()
        def shadowed_helper(helper): helper()
        def in_lambda(): return lambda: helper()
    """,
}


@pytest.mark.parametrize(
    ("caller", "callee"),
    [
        pytest.param("app.svc.module_function", "app.store.helper", id="module-function"),
        pytest.param("app.svc.module_attribute", "app.store.helper", id="module-attribute"),
        pytest.param("app.svc.module_instance", "app.store.EntryStore.get", id="module-level-instance"),
        pytest.param("app.svc.annotated_parameter", "app.store.EntryStore.get", id="annotated-parameter"),
        pytest.param("app.svc.annotated_alias_parameter", "app.store.EntryStore.get",
                     id="annotated-depends-alias"),
        pytest.param("app.svc.bound_by_construction", "app.store.EntryStore.get", id="bound-by-construction"),
        pytest.param("app.svc.construction_chained", "app.store.EntryStore.get", id="construction-chained"),
        pytest.param("app.svc.construction_chained", "app.store.EntryStore.__init__", id="class-call-runs-init"),
        pytest.param("app.svc.class_method", "app.store.EntryStore.make", id="class-method"),
        pytest.param("app.store.EntryStore.make", "app.store.EntryStore.build", id="cls-method"),
        pytest.param("app.store.EntryStore.via_self", "app.store.EntryStore.get", id="self-method"),
        pytest.param("app.svc.Service.run", "app.store.EntryStore.get", id="attribute-assigned-in-init"),
    ],
)
def test_call_graph_edge(caller, callee):
    graph = project(CALLS).callgraph
    assert callee in {edge.callee.qualname for edge in graph.edges[caller]}


@pytest.mark.parametrize(
    "caller",
    [
        pytest.param("app.svc.unknown_receiver", id="unannotated-parameter"),
        pytest.param("app.svc.shadowed_helper", id="parameter-shadows-helper"),
        pytest.param("app.svc.in_lambda", id="call-inside-lambda"),
    ],
)
def test_call_graph_no_edge(caller):
    graph = project(CALLS).callgraph
    assert graph.edges.get(caller, []) == []


def test_call_sites_include_module_level_calls():
    built = project({"a.py": "def f(x): pass\nf(1)\ndef g(): f(2)\n"})
    rows = sorted(call.span.row for _, call in built.callgraph.call_sites["a.f"])
    assert rows == [2, 3]
