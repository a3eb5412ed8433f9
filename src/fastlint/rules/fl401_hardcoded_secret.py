"""FL401 hardcoded-secret: a secret written into the code instead of read from the environment.

Bad:
    SECRET_KEY = "sk_live_4f9a8b7c6d5e"
    engine = create_engine("postgresql://app:s3cr3t@db/app")

Good:
    class Settings(BaseSettings):
        secret_key: SecretStr
        database_url: PostgresDsn

The message and the text report never show the secret itself, only `"sk_l…"`.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from fastlint.facts.context import FileContext
from fastlint.rules.base import FileRule
from fastlint.facts.secret_text import (
    is_label,
    is_placeholder,
    is_public_key,
    is_secret_name,
    is_signing_key,
    is_word_sentinel,
    mask,
    mask_url,
    name_words,
    names_its_kind,
    url_password,
)

# Wrappers whose first argument (or `default=`) is the field's value.
_FIELD_WRAPPERS = ("Field", "SecretStr", "SecretBytes")
_ENUM_BASES = frozenset({"Enum", "StrEnum", "IntEnum", "Flag", "IntFlag"})
_ADVICE = "read it from the environment through a settings field without a default"


def _target_name(target: ast.expr) -> str | None:
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):
        return target.attr
    if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant) \
            and isinstance(target.slice.value, str):
        return target.slice.value
    return None


def _literal(value: ast.expr | None, ctx: FileContext) -> ast.Constant | None:
    """The string literal a value is, directly or as `Field("…")` / `SecretStr("…")`."""
    if isinstance(value, ast.Call):
        symbol = ctx.symbol(value.func) or ""
        if not symbol.endswith(_FIELD_WRAPPERS):
            return None
        inner = value.args[0] if value.args else None
        for keyword in value.keywords:
            if keyword.arg == "default":
                inner = keyword.value
        value = inner
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return value
    return None


def _enum_members(siblings: ast.Call | ast.Dict | None) -> frozenset[str]:
    """`AuthMethod.LDAP` among the keyword (or dict) values of `siblings`: a `"LDAP"` next to
    it is a marker, not a secret."""
    if siblings is None:
        return frozenset()
    values = [k.value for k in siblings.keywords] if isinstance(siblings, ast.Call) else siblings.values
    return frozenset(v.attr for v in values if isinstance(v, ast.Attribute))


_Range = tuple[tuple[int, int], tuple[int, int]]  # (row, col) of the start and the end
_EXAMPLE_KEYS = frozenset({"example", "examples", "openapi_examples", "json_schema_extra"})
# A function named for a stand-in (`mock_completion()`) returns values that are not real.
_STAND_IN_WORDS = frozenset({"mock", "fake", "dummy", "stub"})


def _example_spans(tree: ast.Module) -> list[_Range]:
    """Where a file's examples start and end (see `HardcodedSecret._in_example`)."""
    held: list[ast.AST] = []
    for node in ast.walk(tree):
        kind = type(node)
        if kind is ast.keyword and node.arg in _EXAMPLE_KEYS:  # type: ignore[attr-defined]
            held.append(node.value)  # type: ignore[attr-defined]
        elif kind is ast.Dict:
            held.extend(value for key, value in zip(node.keys, node.values)  # type: ignore[attr-defined]
                        if isinstance(key, ast.Constant) and key.value in _EXAMPLE_KEYS)
        elif kind in (ast.FunctionDef, ast.AsyncFunctionDef) and (
                "example" in node.name.lower()  # type: ignore[attr-defined]
                or _STAND_IN_WORDS.intersection(name_words(node.name))):  # type: ignore[attr-defined]
            held.append(node)
    return [((node.lineno, node.col_offset),  # type: ignore[attr-defined]
             (node.end_lineno or node.lineno, node.end_col_offset or 0))  # type: ignore[attr-defined]
            for node in held]


@dataclass(frozen=True)
class _ClassSpan:
    start: int
    end: int
    name: str
    is_enum: bool


class HardcodedSecret(FileRule):
    code = "FL401"
    name = "hardcoded-secret"
    summary = "A secret (password, token, API key, DSN password) is written in the code"
    severity = "error"
    redacts_source = True
    quiet_in = frozenset({"docs"})

    def __init__(self, settings: dict | None = None) -> None:
        super().__init__(settings)
        self._class_spans: tuple[FileContext | None, list[_ClassSpan]] = (None, [])
        self._example_spans: tuple[FileContext | None, list[_Range]] = (None, [])
    node_types = (ast.Assign, ast.AnnAssign, ast.Call, ast.Dict, ast.Constant)

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if ctx.is_test:
            return
        kind = type(node)
        # The cheap tests first, here: this runs for every constant and every call.
        if kind is ast.Constant:
            if type(node.value) is str and "://" in node.value:  # type: ignore[attr-defined]
                self._url(node, ctx)  # type: ignore[arg-type]
        elif kind is ast.Assign:
            for target in node.targets:  # type: ignore[attr-defined]
                self._named(_target_name(target), node.value, ctx, assigned=node)  # type: ignore[attr-defined]
        elif kind is ast.AnnAssign:
            self._named(_target_name(node.target), node.value, ctx, assigned=node)  # type: ignore[attr-defined]
        elif kind is ast.Call:
            for keyword in node.keywords:  # type: ignore[attr-defined]
                if keyword.arg is not None and is_secret_name(keyword.arg):
                    self._named(keyword.arg, keyword.value, ctx, siblings=node)  # type: ignore[arg-type]
        else:
            for key, value in zip(node.keys, node.values):  # type: ignore[attr-defined]
                if isinstance(key, ast.Constant) and isinstance(key.value, str) and is_secret_name(key.value):
                    self._named(key.value, value, ctx, siblings=node)  # type: ignore[arg-type]

    def _named(self, name: str | None, value: ast.expr | None, ctx: FileContext,
               assigned: ast.stmt | None = None, siblings: ast.Call | ast.Dict | None = None) -> None:
        """`assigned` is the assignment statement when the value is assigned to the name;
        `siblings` the call or dict whose keyword or entry it is."""
        if name is None or value is None or not is_secret_name(name):
            return
        literal = _literal(value, ctx)
        if literal is None:
            return
        secret: str = literal.value
        if is_placeholder(secret) or is_label(name, secret, assigned is not None) \
                or secret in _enum_members(siblings) or url_password(secret) is not None:  # a URL is reported as a URL
            return
        owner = self._class_around(assigned, ctx) if assigned is not None else None
        if owner is not None and owner.is_enum:
            return  # an enum member's value is a label (`OAUTH_PASSWORD = "password"`)
        if is_public_key(name, secret) or is_word_sentinel(name, secret, owner.name if owner else "") \
                or (assigned is None and names_its_kind(name, secret)):
            return  # a key public by design, a one-word marker, `api_key="My API Key"`
        if self._in_example(literal, ctx):
            return
        what = "signing key" if is_signing_key(name) else "secret"
        ctx.report(self.code, literal,
                   f'Hardcoded {what} in `{name}` ("{mask(secret)}"): {_ADVICE}')

    def _in_example(self, node: ast.AST, ctx: FileContext) -> bool:
        """Inside an example: the value of an `example`/`examples` keyword or key (OpenAPI
        examples, `Field(examples=[...])`), or a function named for one (`example_payload`)."""
        checked, spans = self._example_spans
        if checked is not ctx:
            spans = _example_spans(ctx.tree)
            self._example_spans = (ctx, spans)
        where = (getattr(node, "lineno", 0), getattr(node, "col_offset", 0))
        return any(start <= where <= end for start, end in spans)

    def _class_around(self, node: ast.AST, ctx: FileContext) -> _ClassSpan | None:
        """The innermost class whose rows hold `node`."""
        checked, spans = self._class_spans
        if checked is not ctx:
            spans = [_ClassSpan(c.lineno, c.end_lineno or c.lineno, c.name, any(
                         (ctx.symbol(b) or "").rsplit(".", 1)[-1] in _ENUM_BASES for b in c.bases))
                     for c in ast.walk(ctx.tree) if isinstance(c, ast.ClassDef)]
            self._class_spans = (ctx, spans)
        row = getattr(node, "lineno", 0)
        holding = [span for span in spans if span.start <= row <= span.end]
        return max(holding, key=lambda span: span.start, default=None)

    @classmethod
    def severity_of(cls, message: str) -> str:
        """Signing and encryption keys forge sessions and read stored data: errors; service
        passwords, tokens and DSN passwords: warnings."""
        return "error" if message.startswith("Hardcoded signing key") else "warning"

    def _url(self, node: ast.Constant, ctx: FileContext) -> None:
        text = node.value
        if type(text) is not str or "://" not in text or "@" not in text:
            return
        if any(space in text for space in " \n\t"):
            return  # prose (a docstring, a help text) that shows an example URL
        match = url_password(text)
        if match is not None:
            ctx.report(self.code, node,
                       f'URL "{mask_url(match)}" has a password in it: {_ADVICE}')
