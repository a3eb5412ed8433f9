"""Layers: configuration, detection, the full-stack template fixture, and `fastlint layers`."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from fastlint.config import ConfigError, parse_table
from fastlint.engine import joined_project
from fastlint.model.layers import LayerConfig, LayerSpec, layering
from fastlint.testing import lint, run

REPO = Path(__file__).resolve().parent.parent
TEMPLATE = REPO / "fixtures" / "fullstack_template"

CONFIGURED = """
[tool.fastlint.layers]
order = [
    { name = "web", modules = ["shop.http.*"] },
    { name = "domain", modules = ["shop.domain"] },
    { name = "storage", modules = ["shop.storage"] },
]
"""
SHOP = {
    "shop/http/orders.py": "from shop.domain import place_order\nUSED = place_order\n",
    "shop/http/deps.py": "from shop.storage import db\nUSED = db\n",
    "shop/domain.py": "from shop.storage import db\nUSED = db\n",
    "shop/storage.py": "from shop.http.orders import x\nUSED = x\n",
}


def parse(toml_table: dict) -> LayerConfig:
    return parse_table({"layers": toml_table}, Path("pyproject.toml")).options["layers"]


# ---------------------------------------------------------------------- configuration
def test_config_is_parsed_into_layers():
    config = parse({
        "order": [{"name": "routers", "modules": ["app.api.*"]}, {"name": "core", "modules": ["app.core"]}],
        "allow": ["core -> routers"],
        "ignore-imports": ["app.api.deps -> app.crud"],
    })
    assert config.order == (LayerSpec("routers", ("app.api.*",)), LayerSpec("core", ("app.core",)))
    assert config.allow == (("core", "routers"),)
    assert config.ignore_imports == (("app.api.deps", "app.crud"),)
    assert config.check_type_checking_imports is False


BAD_CONFIG = [
    pytest.param({"orders": []}, "layers.orders", id="unknown-key"),
    pytest.param({"order": "routers"}, "layers.order", id="order-not-a-list"),
    pytest.param({"order": [{"name": "web"}]}, "layers.order[0].modules", id="layer-without-modules"),
    pytest.param({"order": [{"name": "web", "modules": ["a"], "color": "red"}]},
                 "layers.order[0].color", id="unknown-layer-key"),
    pytest.param({"order": [{"name": "a", "modules": ["x"]}, {"name": "a", "modules": ["y"]}]},
                 "layers.order[1].name", id="duplicate-layer"),
    pytest.param({"allow": ["routers => services"]}, "layers.allow[0]", id="arrow-syntax"),
    pytest.param({"forbid": ["routers -> domain"]}, "layers.forbid[0]", id="unknown-layer-name"),
    pytest.param({"allow": ["routers -> core"], "forbid": ["routers -> core"]}, "layers.forbid",
                 id="allowed-and-forbidden"),
    pytest.param({"check-type-checking-imports": "yes"}, "layers.check-type-checking-imports",
                 id="not-a-bool"),
    pytest.param({"check-annotation-imports": 1}, "layers.check-annotation-imports",
                 id="annotation-imports-not-a-bool"),
]


@pytest.mark.parametrize(("table", "key"), BAD_CONFIG)
def test_bad_layer_config_is_an_error_naming_the_key(table, key):
    with pytest.raises(ConfigError, match=re.escape(f"key '{key}'")):
        parse(table)


def test_bad_layer_config_exits_2(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.fastlint.layers]\nallow = ["a -> b"]\n')
    (tmp_path / "app.py").write_text("x = 1\n")
    completed = subprocess.run(
        [sys.executable, "-m", "fastlint", "check", str(tmp_path)],
        capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO / "src")},
    )
    assert completed.returncode == 2
    assert "key 'layers.allow[0]': unknown layer 'a'" in completed.stderr


# ---------------------------------------------------------------------- configured layers
def test_configured_layers_follow_their_order():
    found = [(d.path, d.row) for d in lint(SHOP, "FL303", pyproject=CONFIGURED)]
    assert found == [("shop/storage.py", 1)]


def test_most_specific_pattern_wins():
    config = parse({"order": [{"name": "web", "modules": ["shop.http.*"]},
                              {"name": "deps", "modules": ["shop.http.deps"]}]})
    result, _ = run(SHOP, ("FL303",))
    layers = layering(joined_project(result.projects[0]), config)
    assert layers.layer_of("shop.http.deps") == "deps"
    assert layers.layer_of("shop.http.orders") == "web"


@pytest.mark.parametrize(("extra", "expected"), [
    pytest.param('allow = ["storage -> web"]\n', [], id="allow"),
    pytest.param('ignore-imports = ["shop.storage -> shop.http.*"]\n', [], id="ignore-imports"),
    pytest.param('forbid = ["web -> storage"]\n', [("shop/http/deps.py", 1), ("shop/storage.py", 1)],
                 id="forbid"),
])
def test_exceptions_between_layers(extra, expected):
    found = [(d.path, d.row) for d in lint(SHOP, "FL303", pyproject=CONFIGURED + extra)]
    assert found == expected


def test_exceptions_apply_to_detected_layers_too():
    files = {
        "app/routers/users.py": "from app.repositories.users import R\nfrom app.services.users import S\nUSED = R, S\n",
        "app/services/users.py": "",
        "app/repositories/users.py": "",
    }
    assert lint(files, "FL303")
    assert not lint(files, "FL303", pyproject='[tool.fastlint.layers]\nallow = ["routers -> repositories"]\n')


# ---------------------------------------------------------------------- the template
@pytest.fixture(scope="module")
def template():
    from fastlint.engine import RunOptions, run_check

    return run_check([TEMPLATE], RunOptions(select=("FL301", "FL302", "FL303", "FL304"), jobs=1))


def test_fullstack_template_layers_are_detected(template):
    layers = layering(joined_project(template.projects[0]), None)
    assert layers.parents == ("app",)
    assert layers.members() == {
        "routers": ["app.api", "app.api.main", "app.api.routes", "app.api.routes.items",
                    "app.api.routes.login", "app.api.routes.users", "app.api.routes.utils"],
        "repositories": ["app.crud"],
        "models": ["app.models"],
        "core": ["app.core", "app.core.config", "app.core.db", "app.core.security"],
    }
    # deps.py holds the dependency providers and declares no routes: a composition root;
    # initial_data.py is a script (application scope), in no layer and not listed.
    assert layers.outside() == ["app", "app.api.deps", "app.main", "app.utils"]


def test_fullstack_template_has_no_false_layer_finding(template):
    layer_findings = sorted(
        (Path(d.path).relative_to(os.path.relpath(TEMPLATE)).as_posix(), d.row, d.code)
        for d in template.diagnostics if d.code in ("FL303", "FL304")
    )
    # Routes may use crud.py (there is no services layer to go through), deps.py is part of
    # the API, SQLModel tables live in models.py and Settings in core/config.py. The two
    # findings are true: core/db.py's init_db seeds the first superuser through crud and the
    # models, which ties core to the layers above it (crud imports core.security back); the
    # seeding belongs in initial_data.py, a composition root.
    assert layer_findings == [
        ("backend/app/core/db.py", 3, "FL303"),
        ("backend/app/core/db.py", 5, "FL303"),
    ]


def test_fullstack_template_routes_are_thin_but_use_the_session(template):
    codes = sorted({d.code for d in template.diagnostics})
    assert codes == ["FL302", "FL303"]  # no route is fat; seven query the session themselves
    assert sum(d.code == "FL302" for d in template.diagnostics) == 7


# ---------------------------------------------------------------------- the command
def layers_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "fastlint", "layers", *args],
        capture_output=True, text=True, cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
    )


def test_layers_command_shows_members_edges_and_violations():
    completed = layers_cli("fixtures/fullstack_template")
    assert completed.returncode == 0, completed.stderr
    out = completed.stdout
    assert "layers detected under app" in out
    assert "repositories  1 module: app.crud" in out
    assert "outside every layer (composition roots): 4 modules: app, app.api.deps, app.main, app.utils" in out
    assert "routers -> repositories: 2\n" in out
    assert "core -> repositories: 1  ✗ 1 violating" in out
    assert "Violations: 2" in out


def test_layers_command_json_gives_the_evidence_of_each_module():
    import json

    completed = layers_cli("fixtures/guide_nested", "--output-format", "json")
    (report,) = json.loads(completed.stdout)
    assert report["evidence"]["app.api.routes.users"] == "name routes/, declares routes"
    assert report["evidence"]["app.db.models.user"] == "name models/, defines ORM models"
    assert report["rejected"] == {"app.api.deps": "named routers, declares no routes"}


def test_layers_command_mermaid_marks_violating_edges():
    completed = layers_cli("fixtures/fullstack_template", "--output-format", "mermaid")
    lines = completed.stdout.splitlines()
    assert "flowchart TD" in lines
    edges = [line.strip() for line in lines if "-->" in line]
    violating = [index for index, line in enumerate(edges) if "violating" in line]
    assert edges[violating[0]] == 'core -->|"1, 1 violating"| repositories'
    assert lines[-1].strip() == f"linkStyle {','.join(map(str, violating))} stroke:#d00,stroke-width:3px"


def test_layers_command_dot():
    completed = layers_cli("fixtures/fullstack_template", "--output-format", "dot")
    assert completed.stdout.splitlines()[1] == "digraph layers {"
    assert '"core" -> "models" [label="1 (1 violating)", color="red"' in completed.stdout
    assert '"routers" -> "models" [label="4"];' in completed.stdout


def test_layers_command_without_layers(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.fastlint]\n")
    (tmp_path / "main.py").write_text("x = 1\n")
    completed = layers_cli(str(tmp_path))
    assert completed.returncode == 0
    assert "layers none detected" in completed.stdout


# ---------------------------------------------------------------------- module names
def test_module_names_do_not_depend_on_the_working_directory():
    # The project lives in a temporary directory outside the cwd: its display paths
    # start with `../`, and the module names must still come from the project root.
    result, _ = run({"pkg/sub/mod.py": "x = 1\n"}, ("FL303",))
    assert [f.module for f in joined_project(result.projects[0]).files] == ["pkg.sub.mod"]
