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
import re
from fnmatch import fnmatchcase
from typing import Any

from fastlint.facts.catalog import SETTINGS_BASES
from fastlint.facts.context import FileContext
from fastlint.facts.entry_points import development_entry_points
from fastlint.rules.base import FileRule, Option

# `Config.from_env()`: the one place a class is built from the environment.
_ENVIRONMENT_FACTORY = re.compile(r"^_?(from|load_from|load|read)_?env(iron(ment)?)?(_|$)")
_DECLARED_VARIABLE = re.compile(r"^ENV_|_ENV(_VAR|_VARIABLE)?$")
ENV_READS = frozenset({"os.getenv", "os.environ.get"})
ENVIRON = "os.environ"
# Variables the platform or another tool sets, read where they matter: not the app's settings.
# Names, matched whole (`LANG` is the locale; `LANGFUSE_SECRET_KEY` is the app's own).
RUNTIME_VARIABLES = frozenset({
    "HOME", "PATH", "USER", "TMPDIR", "TERM", "LANG", "TZ", "HOSTNAME", "VIRTUAL_ENV", "CI",
    "GITHUB_ACTIONS", "NO_COLOR", "FORCE_COLOR", "HF_TOKEN", "HF_HOME", "WEB_CONCURRENCY",
    "KUBECONFIG", "GOOGLE_APPLICATION_CREDENTIALS", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN",
    "COLORTERM", "DISPLAY", "WAYLAND_DISPLAY",
    # prometheus_client's multiprocess directory; the variables AKS workload identity injects
    # for azure-identity (as EKS does `AWS_ROLE_ARN`).
    "PROMETHEUS_MULTIPROC_DIR", "AZURE_CLIENT_ID", "AZURE_TENANT_ID",
    "AZURE_FEDERATED_TOKEN_FILE", "AZURE_AUTHORITY_HOST",
    # the user's session: browser, SSH, the terminal emulator that runs the process
    "BROWSER", "SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY", "ALACRITTY_SOCKET",
    "GNOME_TERMINAL_SCREEN", "KONSOLE_VERSION", "VTE_VERSION", "WT_SESSION",
    # the standard proxy and CA variables every HTTP library honours; the consoledonottrack
    # opt-out; pytest announcing itself
    "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE",
    "DO_NOT_TRACK", "PYTEST_VERSION", "PYTEST_CURRENT_TEST",
    # what a hosting platform injects: GitHub Actions' OIDC endpoint, the GCE metadata
    # server, Hugging Face Spaces; model caches of the libraries that own them
    "ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "GCE_METADATA_HOST",
    "SPACE_ID", "SPACE_HOST", "SPACE_AUTHOR_NAME", "SPACES_ZERO_GPU", "HF_HUB_CACHE",
    "SENTENCE_TRANSFORMERS_HOME",
})
# Families, matched by prefix: `PYTHONPATH`, `DD_AGENT_HOST`, `KUBERNETES_SERVICE_HOST`, the
# terminal's `TERM_PROGRAM`, CircleCI's `CIRCLE_OIDC_TOKEN`.
RUNTIME_PREFIXES = ("PYTHON", "DD_", "OTEL_", "KUBERNETES_SERVICE", "UVICORN_", "GUNICORN_",
                    "MODAL_", "CUDA_", "ITERM_", "WEZTERM_", "KITTY_", "VSCODE_", "LC_", "TERM_",
                    "CIRCLE_", "KAGGLE_")
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
        self._file_functions: tuple[FileContext | None, _Functions | None] = (None, None)

    def _functions(self, ctx: FileContext) -> "_Functions":
        checked, functions = self._file_functions
        if checked is not ctx or functions is None:
            functions = _Functions(ctx.tree, ctx.source.prefilter_text)
            self._file_functions = (ctx, functions)
        return functions

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if ctx.is_test:
            return
        if type(node) is ast.Call:
            if not _may_name(node.func, _READ_ATTRIBUTES) or ctx.symbol(node.func) not in ENV_READS:  # type: ignore[attr-defined]
                return
            first = node.args[0] if node.args else None  # type: ignore[attr-defined]
        else:
            if not isinstance(node.ctx, ast.Load) or not _may_name(node.value, _ENVIRON_ATTRIBUTE) \
                    or ctx.symbol(node.value) != ENVIRON:  # type: ignore[attr-defined]
                return
            first = node.slice  # type: ignore[attr-defined]
        if ctx.in_main_guard or self._is_settings_module(ctx):
            return
        if isinstance(first, ast.Constant) and isinstance(first.value, str) \
                and (first.value in RUNTIME_VARIABLES or first.value.startswith(RUNTIME_PREFIXES)):
            return
        if isinstance(first, ast.Name) and not first.id.isupper():
            return  # `os.environ[key]` in a loop or a helper: the caller names the variable
        if self._functions(ctx).not_configuration(node, first):
            return
        if first is not None and not isinstance(first, ast.Constant) and (
                _in_settings_module(ctx.symbol(first) or "", with_name=True)
                or _DECLARED_VARIABLE.search(getattr(first, "id", getattr(first, "attr", "")))):
            # `os.getenv(ENV_APP_PORT)`, `os.environ[B2_KEY_ENV_VAR]`: a variable the project
            # declares by name, in the config module or beside the code that owns it.
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
        answer = answer or _in_settings_module(ctx.module)
        if not answer:
            answer = any(_is_settings_class(stmt, ctx) or _builds_settings_loader(stmt, ctx)
                         for stmt in ctx.tree.body)
        self._settings_module = (ctx, answer)
        return answer


class _Functions:
    """Where in one file an environment read is not configuration: development entry points
    (CLI defaults, `main()`), functions that also write the environment (save and restore),
    helpers that read a variable named by their caller (`def env_flag(name)`, `PREFIX + key`), factories
    that build an object from the environment (`from_env()`), and the stand-in for a value
    the caller did not pass (`api_key or os.getenv("API_KEY")`, `overrides.get("region") or
    ...`, `Params(**kwargs).api_base or ...`: the value is passed in, the environment only stands
    in for it, as SDK clients do).

    Only the functions around a read are looked at (found by descending through the
    statements whose rows hold it), each walked for writes at most once."""

    def __init__(self, tree: ast.Module, text: str) -> None:
        self._tree = tree
        self._may_write = _may_write_environ(text)
        self.entry_points = development_entry_points(tree)
        self._writes: dict[int, bool] = {}  # id of a function's node → whether it writes
        self._fallbacks: dict[int, frozenset[tuple[int, int]]] = {}  # id → positions

    def not_configuration(self, read: ast.expr, key: ast.expr | None) -> bool:
        row = read.lineno
        if any(start <= row <= end for start, end in self.entry_points):
            return True
        around = self._functions_around(row)
        if not around:
            return False
        if any(_ENVIRONMENT_FACTORY.match(function.name) for function in around):
            return True
        if self._may_write and any(self._function_writes(function) for function in around):
            return True
        if key is not None and any(_names_parameter(key, _parameter_names(function))
                                   for function in around):
            return True
        position = (row, read.col_offset)
        return any(position in self._parameter_fallbacks(function) for function in around)

    def _parameter_fallbacks(self, function: ast.FunctionDef | ast.AsyncFunctionDef,
                             ) -> frozenset[tuple[int, int]]:
        known = self._fallbacks.get(id(function))
        if known is None:
            known = self._fallbacks[id(function)] = _parameter_fallbacks(function)
        return known

    def _functions_around(self, row: int) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
        """The functions, nested ones too, whose rows (from `def` to the end) hold `row`."""
        found = []
        todo: list[ast.AST] = list(self._tree.body)
        while todo:
            node = todo.pop()
            start = getattr(node, "lineno", None)  # a match case has no position
            if start is not None and not start <= row <= (node.end_lineno or start):  # type: ignore[attr-defined]
                continue
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found.append(node)
            for block in ("body", "orelse", "finalbody", "handlers", "cases"):
                todo.extend(getattr(node, block, ()))
        return found

    def _function_writes(self, function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
        """Whether the function's rows write the environment."""
        known = self._writes.get(id(function))
        if known is None:
            start, end = function.lineno, function.end_lineno or function.lineno
            known = any(_writes_environ(node) and start <= node.lineno <= end  # type: ignore[attr-defined]
                        for node in ast.walk(function))
            self._writes[id(function)] = known
        return known


def _parameter_fallbacks(function: ast.FunctionDef | ast.AsyncFunctionDef,
                         ) -> frozenset[tuple[int, int]]:
    """The positions of the expressions that stand in for a parameter the caller left out:
    `api_key or <here>`, `<here> if api_key is None else api_key`, and
    `if api_key is None: api_key = <here>` (also `if not api_key:`)."""
    names = _parameter_names(function) | _built_from_parameters(function)
    stand_ins: list[ast.expr] = []
    for node in ast.walk(function):
        kind = type(node)
        if kind is ast.BoolOp and isinstance(node.op, ast.Or) \
                and _passed_in(node.values[0], names):  # type: ignore[attr-defined]
            stand_ins.extend(node.values[1:])  # type: ignore[attr-defined]
        elif kind is ast.IfExp and _tests_parameter(node.test, names):  # type: ignore[attr-defined]
            stand_ins.extend((node.body, node.orelse))  # type: ignore[attr-defined]
        elif kind is ast.If and _tests_parameter(node.test, names):  # type: ignore[attr-defined]
            tested = _tested_name(node.test)  # type: ignore[attr-defined]
            stand_ins.extend(stmt.value for stmt in node.body  # type: ignore[attr-defined]
                             if isinstance(stmt, ast.Assign)
                             and any(_is_parameter(target, names) or _attribute_named(target, tested)
                                     for target in stmt.targets))
    return frozenset((inner.lineno, inner.col_offset) for expr in stand_ins
                     for inner in ast.walk(expr) if isinstance(inner, (ast.Call, ast.Subscript)))


def _built_from_parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """Locals that hold what the caller passed: a value taken out of a parameter
    (`api_key = ctx.api_key`, `region = options.get("region")`), and locals built from the
    options passed in bulk (`params = Params(**kwargs)`, `Params.model_validate(kwargs)`).
    `api_key or os.getenv(...)` then stands in for a value passed in. A local computed from a
    named parameter (`issuer = self.lookup(token)`) is the function's own work."""
    args = function.args
    names = {a.arg for a in (args.vararg, args.kwarg) if a is not None}
    parameters = _parameter_names(function)
    built: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None \
                and not isinstance(node.value, ast.BoolOp) and _passed_in(node.value, parameters):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            built.update(target.id for target in targets if isinstance(target, ast.Name))
        elif names and isinstance(node, (ast.Assign, ast.AnnAssign)) \
                and isinstance(node.value, ast.Call):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            arguments = [argument.value if isinstance(argument, ast.Starred) else argument
                         for argument in node.value.args]  # `*args` too
            arguments += [keyword.value for keyword in node.value.keywords]  # `**kwargs` too
            if any(_passed_in(argument, names) for argument in arguments):
                built.update(target.id for target in targets if isinstance(target, ast.Name))
    return built


def _names_parameter(key: ast.expr, names: set[str]) -> bool:
    """`os.environ[key]`, `os.getenv(PREFIX + key.upper())`: the caller names the variable."""
    return any(isinstance(node, ast.Name) and node.id in names and node.id not in ("self", "cls")
               for node in ast.walk(key))


def _passed_in(node: ast.expr, names: set[str]) -> bool:
    """A parameter, or a value the caller passed inside one (`overrides.get("api_key")`,
    `options["region"]`, `config.api_key`): not the object's own state (`self.x`)."""
    while True:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr == "get":
            node = node.func.value
        elif isinstance(node, (ast.Attribute, ast.Subscript)):
            node = node.value
        else:
            break
    return _is_parameter(node, names) and node.id not in ("self", "cls")  # type: ignore[attr-defined]


def _is_parameter(node: ast.expr, names: set[str]) -> bool:
    return isinstance(node, ast.Name) and node.id in names


def _tested_name(test: ast.expr) -> str | None:
    """The name `p is None`, `p is not None` or `not p` tests."""
    node = test.operand if isinstance(test, ast.UnaryOp) else getattr(test, "left", None)
    return node.id if isinstance(node, ast.Name) else None


def _attribute_named(target: ast.expr, name: str | None) -> bool:
    """`self.root_path` for the parameter `root_path`: where the object keeps what was passed."""
    return isinstance(target, ast.Attribute) and target.attr == name


def _tests_parameter(test: ast.expr, names: set[str]) -> bool:
    """`p is None`, `p is not None`, `not p`."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _is_parameter(test.operand, names)
    return isinstance(test, ast.Compare) and len(test.ops) == 1 \
        and isinstance(test.ops[0], (ast.Is, ast.IsNot)) and _is_parameter(test.left, names) \
        and isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None


def _parameter_names(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    args = function.args
    rest = [a.arg for a in (args.vararg, args.kwarg) if a is not None]  # `*args`, `**kwargs`
    return {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)} | set(rest)


def _may_name(node: ast.expr, attributes: frozenset[str]) -> bool:
    """Whether `node` can resolve to a symbol ending in one of `attributes`, before resolving
    it: a name can be an alias of anything, an attribute ends in its own name."""
    kind = type(node)
    return kind is ast.Name or (kind is ast.Attribute and node.attr in attributes)  # type: ignore[attr-defined]


_READ_ATTRIBUTES = frozenset(read.rsplit(".", 1)[1] for read in ENV_READS)
_ENVIRON_ATTRIBUTE = frozenset({ENVIRON.rsplit(".", 1)[1]})

# A cheap test of the text before walking: `environ[k] = v`, `environ.pop/update/setdefault/
# clear(...)`, `del ...environ[k]`. Each pattern starts with a literal, which `re` finds fast
# (a leading `\b` made the search ten times slower); `del` is checked for a word boundary after.
_WRITE_TO_ENVIRON = re.compile(
    r"environ(?:\s*\[[^\]\n]*\]\s*=(?!=)|\s*\.\s*(?:pop|update|setdefault|clear)\b)")
_DEL_FROM_ENVIRON = re.compile(r"del\s+[\w.]*environ\b")
_WORD_CHARACTER = re.compile(r"\w")


def _may_write_environ(text: str) -> bool:
    if _WRITE_TO_ENVIRON.search(text):
        return True
    return any(match.start() == 0 or not _WORD_CHARACTER.match(text, match.start() - 1)
               for match in _DEL_FROM_ENVIRON.finditer(text))


def _writes_environ(node: ast.AST) -> bool:
    """`os.environ[k] = v`, `del os.environ[k]`, `os.environ.pop/update/setdefault(...)`."""
    if isinstance(node, ast.Subscript) and isinstance(node.ctx, (ast.Store, ast.Del)):
        return _is_environ(node.value)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr in ("pop", "update", "setdefault", "clear") \
            and _is_environ(node.func.value)
    return False


def _is_environ(node: ast.expr) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "environ") or \
        (isinstance(node, ast.Name) and node.id == "environ")


def _in_settings_module(symbol: str, with_name: bool = False) -> bool:
    """A module (or a name defined in one) named or inside `config`, `settings`...
    (`app.core.config`, `zenml.config.global_config`, `zenml.constants.ENV_X`)."""
    parts = symbol.split(".")[:-1] if with_name else symbol.split(".")
    return bool(SETTINGS_MODULE_NAMES.intersection(parts))


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
