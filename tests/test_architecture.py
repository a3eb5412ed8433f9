"""The shape of fastlint's own code: the pipeline's stages import only downward, no import
cycles, small modules and classes, and every part says what it owns.

Like import-linter's layer and independence contracts, read from the source with `ast`
(imports under `if TYPE_CHECKING:` are annotations, not dependencies). What is not yet true
is listed in the DEBTS below; a debt that is paid must leave the list, so it only shrinks.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "fastlint"

# The pipeline, bottom first: discover → per-file facts → project model → rules → the map and
# the config → fixes → the engine → what is shown. A module imports its own stage or lower.
STAGES: tuple[tuple[str, ...], ...] = (
    ("fastlint", "fastlint.diagnostics", "fastlint.options", "fastlint.files"),
    ("fastlint.facts",),
    ("fastlint.model",),
    ("fastlint.rules",),
    ("fastlint.analysis", "fastlint.not_analysed", "fastlint.noqa", "fastlint.cache",
     "fastlint.config"),
    ("fastlint.fix", "fastlint.unused_noqa"),
    ("fastlint.engine", "fastlint.pipeline"),
    ("fastlint.reporters", "fastlint.testing"),
    ("fastlint.cli", "fastlint.cli_app", "fastlint.cli_listings", "fastlint.server",
     "fastlint.__main__"),
)
MAX_MODULE_LINES = 400
MAX_CLASS_LINES = 300

# Known and being paid this session; each entry must still be true (or the test says so).
DEBT_UPWARD_IMPORTS: set[tuple[str, str]] = set()
DEBT_CYCLES: set[frozenset[str]] = set()
DEBT_LONG_MODULES: set[str] = set()
DEBT_LONG_CLASSES: set[str] = set()


@cache
def modules() -> dict[str, ast.Module]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = ast.parse(path.read_text(encoding="utf-8"))
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST) -> set[str]:
    """The fastlint modules a module imports at run time, anywhere in it."""
    found: set[str] = set()
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            # The `else:` of `if TYPE_CHECKING:` runs.
            found |= _imports(ast.Module(body=node.orelse, type_ignores=[]))
            continue
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] == "fastlint":
                submodules = {f"{node.module}.{alias.name}" for alias in node.names}
                found |= {name for name in submodules if name in modules()} or {node.module}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == "fastlint"}
        found |= _imports(node)
    return found


@cache
def import_graph() -> dict[str, frozenset[str]]:
    return {name: frozenset(_imports(tree) & set(modules()) - {name}) for name, tree in modules().items()}


def stage(module: str) -> int:
    best = None
    for index, prefixes in enumerate(STAGES):
        for prefix in prefixes:
            if module == prefix or (prefix != "fastlint" and module.startswith(prefix + ".")):
                if best is None or len(prefix) > best[1]:
                    best = (index, len(prefix))
    assert best is not None, f"{module} is in no stage of STAGES: place it"
    return best[0]


def upward_imports() -> set[tuple[str, str]]:
    return {(module, imported) for module, imported_set in import_graph().items()
            for imported in imported_set if stage(imported) > stage(module)}


def cycles() -> set[frozenset[str]]:
    """Pairs of modules that reach each other through imports (each cycle's every link)."""
    graph = import_graph()
    reach: dict[str, set[str]] = {}
    for start in graph:
        seen: set[str] = set()
        todo = list(graph[start])
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                todo.extend(graph.get(node, ()))
        reach[start] = seen
    return {frozenset({a, b}) for a in graph for b in graph[a] if a in reach.get(b, set())}


def long_modules() -> set[str]:
    return {name for name, tree in modules().items()
            if (tree.body[-1].end_lineno if tree.body else 0) > MAX_MODULE_LINES}


def long_classes() -> set[str]:
    return {f"{name}.{node.name}" for name, tree in modules().items() for node in ast.walk(tree)
            if isinstance(node, ast.ClassDef) and node.end_lineno - node.lineno + 1 > MAX_CLASS_LINES}


@pytest.mark.parametrize("found, debts, what", [
    (upward_imports, DEBT_UPWARD_IMPORTS, "imports from a later stage of the pipeline"),
    (cycles, DEBT_CYCLES, "import cycles"),
    (long_modules, DEBT_LONG_MODULES, f"modules over {MAX_MODULE_LINES} lines"),
    (long_classes, DEBT_LONG_CLASSES, f"classes over {MAX_CLASS_LINES} lines"),
], ids=["stages", "cycles", "module-size", "class-size"])
def test_the_code_keeps_its_shape(found, debts, what) -> None:
    actual = found()
    assert actual - debts == set(), f"new {what}: {sorted(map(sorted, actual - debts)) if what == 'import cycles' else sorted(actual - debts)}"
    assert debts - actual == set(), f"paid debts to remove from the list ({what}): {debts - actual}"


def test_every_module_and_package_says_what_it_owns() -> None:
    missing = sorted(name for name, tree in modules().items() if not ast.get_docstring(tree))
    assert missing == []


def test_the_stage_check_sees_a_real_upward_import() -> None:
    # The contract is only worth having if it can fail: the model must not reach the rules.
    assert stage("fastlint.model.project") < stage("fastlint.rules.base")
    assert stage("fastlint.facts.collect") < stage("fastlint.model.project") < stage("fastlint.engine")
    tree = ast.parse("from fastlint.rules.base import Rule\nif TYPE_CHECKING:\n    import fastlint.engine\n")
    assert _imports(tree) == {"fastlint.rules.base"}
