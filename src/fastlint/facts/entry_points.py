"""Development entry points inside a module: the code a developer runs by hand.

`if __name__ == "__main__":` blocks are known to the collector (`in_main_guard`); this adds
the functions they call in the same module (`def main(): uvicorn.run(..., reload=True)`)
and click/typer commands (`@cli.command() def develop(): ...`), as row ranges of one file's
`ast` tree, for file rules about settings a developer switches on (FL403) or reads (FL404).
"""

from __future__ import annotations

import ast

_CLI = ("click", "typer")


def development_entry_points(tree: ast.Module) -> list[tuple[int, int]]:
    """The functions a developer runs by hand: click/typer commands, and those called under
    `if __name__ == "__main__":` in this module."""
    called_in_main: set[str] = set()
    for stmt in tree.body:
        if isinstance(stmt, ast.If) and is_main_guard(stmt.test):
            called_in_main.update(n.func.id for n in ast.walk(stmt)
                                  if isinstance(n, ast.Call) and isinstance(n.func, ast.Name))
    spans = []
    cli_module = _imports_cli_library(tree)
    for stmt in tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and (
                stmt.name in called_in_main or any(_is_cli_command(d, cli_module) for d in stmt.decorator_list)):
            spans.append((stmt.lineno, stmt.end_lineno or stmt.lineno))
    return spans


def is_main_guard(test: ast.expr) -> bool:
    """`__name__ == "__main__"`."""
    return isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) \
        and test.left.id == "__name__" and len(test.comparators) == 1 \
        and isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value == "__main__"


def _is_cli_command(decorator: ast.expr, cli_module: bool) -> bool:
    """`@cli.command()`, `@app.command("develop")`, `@click.command()`, `@group.command` in a
    module that imports click or typer."""
    func = decorator.func if isinstance(decorator, ast.Call) else decorator
    return cli_module and isinstance(func, ast.Attribute) and func.attr == "command"


def _imports_cli_library(tree: ast.Module) -> bool:
    for node in tree.body:
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] in _CLI for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in _CLI:
            return True
    return False
