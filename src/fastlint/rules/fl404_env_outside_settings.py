"""FL404 env-outside-settings: the environment read outside the settings module(s).

Bad:
    # app/services/mail.py
    SMTP_HOST = os.environ["SMTP_HOST"]

Good:
    # app/core/config.py
    class Settings(BaseSettings):
        smtp_host: str
"""

from __future__ import annotations

import ast
from fnmatch import fnmatchcase
from typing import Any

from fastlint.catalog import SETTINGS_BASES
from fastlint.collect import FileContext
from fastlint.rules.base import FileRule, Option

ENV_READS = frozenset({"os.getenv", "os.environ.get"})
ENVIRON = "os.environ"
# Modules named like this are where a project keeps its configuration.
SETTINGS_MODULE_NAMES = frozenset({"config", "settings", "conf", "configuration", "constants",
                                   "env", "environment"})
# Settings mechanisms other than pydantic-settings: a module that builds one is a settings
# module (starlette's `Config(".env")`, environs, python-decouple, dynaconf).
SETTINGS_LOADERS = frozenset({"starlette.config.Config", "environs.Env", "decouple.config",
                              "decouple.AutoConfig", "dynaconf.Dynaconf", "dynaconf.LazySettings"})


class EnvOutsideSettings(FileRule):
    code = "FL404"
    name = "env-outside-settings"
    summary = "The environment is read outside the settings module"
    application_code_only = True
    node_types = (ast.Call, ast.Subscript)
    options = (
        Option("settings-modules", [], "list[str]",
               "Modules allowed to read the environment, besides those that define a "
               "`BaseSettings` subclass (`app.core.config`, `*.settings`)."),
    )

    def __init__(self, settings: dict[str, Any] | None = None) -> None:
        super().__init__(settings)
        self._settings_module: tuple[FileContext | None, bool] = (None, False)

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if ctx.is_test:
            return
        if type(node) is ast.Call:
            if ctx.symbol(node.func) not in ENV_READS:  # type: ignore[attr-defined]
                return
            first = node.args[0] if node.args else None  # type: ignore[attr-defined]
        else:
            if not isinstance(node.ctx, ast.Load) or ctx.symbol(node.value) != ENVIRON:  # type: ignore[attr-defined]
                return
            first = node.slice  # type: ignore[attr-defined]
        if self._is_settings_module(ctx):
            return
        variable = f' "{first.value}"' if isinstance(first, ast.Constant) else ""
        ctx.report(self.code, node,
                   f"Environment variable{variable} read outside the settings module: declare "
                   "it with the project's settings (a `BaseSettings` field, or the config "
                   "module) and pass the settings in")

    def _is_settings_module(self, ctx: FileContext) -> bool:
        """Whether the file defines a settings class or is listed in `settings-modules`."""
        checked, answer = self._settings_module
        if checked is ctx:
            return answer
        answer = any(fnmatchcase(ctx.module, pattern) for pattern in self.option("settings-modules"))
        answer = answer or ctx.module.rsplit(".", 1)[-1] in SETTINGS_MODULE_NAMES
        if not answer:
            answer = any(_is_settings_class(stmt, ctx) or _builds_settings_loader(stmt, ctx)
                         for stmt in ctx.tree.body)
        self._settings_module = (ctx, answer)
        return answer


def _builds_settings_loader(stmt: ast.stmt, ctx: FileContext) -> bool:
    """`config = Config(".env")` (starlette), `env = Env()` (environs) at module level."""
    value = getattr(stmt, "value", None)
    return isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.Expr)) and isinstance(value, ast.Call) \
        and ctx.symbol(value.func) in SETTINGS_LOADERS


def _is_settings_class(stmt: ast.stmt, ctx: FileContext) -> bool:
    """A `BaseSettings` subclass, a subclass of a project base named `…Settings`, or a piece
    of pydantic-settings machinery (a custom settings source)."""
    if not isinstance(stmt, ast.ClassDef):
        return False
    for base in stmt.bases:
        symbol = ctx.symbol(base) or ""
        if symbol in SETTINGS_BASES or symbol.startswith("pydantic_settings.") \
                or symbol.rsplit(".", 1)[-1].endswith("Settings"):
            return True
    return False
