"""Secrets in source text: which names hold one, which URLs carry one, and how to show one.

Shared by FL401 (which finds them) and the text reporter (which must not print them: CI
logs are often public, so a finding shows `"sk_l…"`, never the value).
"""

from __future__ import annotations

import re
from functools import lru_cache

_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")
_SECRET_LAST_WORDS = frozenset({"password", "passwd", "pwd", "secret", "token", "apikey",
                                "credentials"})
_KEY_QUALIFIERS = frozenset({"secret", "api", "access", "private", "signing", "encryption"})
# `hashed_password` holds a hash: not the secret itself.
_NOT_SECRET_WORDS = frozenset({"hash", "hashed"})
# `eos_token`, `pad_token`: a tokenizer's special text tokens.
_TEXT_TOKENS = frozenset({"eos", "bos", "pad", "unk", "sep", "cls", "mask"})

# `scheme://user:password@host` — the password is group 2.
URL_WITH_PASSWORD = re.compile(
    r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<user>[^:/@\s'\"]*):(?P<password>[^@/\s'\"]+)@"
    r"(?P<host>[^/?#\s'\"]*)"
)
# Values that stand for something read elsewhere: `${DB_PASSWORD}`, `$TOKEN`, litellm's
# `os.environ/OPENAI_API_KEY`, a `{{ template }}`, `%(password)s`, `{password}`, `<password>`.
_PLACEHOLDER = re.compile(
    r"^\$\{?\w+\}?$|\$\{|^os\.environ/|\{\{.*\}\}|%\(\w+\)s|^%s$|^\{\w*\}$|^<[^<>]+>$|^\*+$"
)
_QUOTED = re.compile(
    r"(?P<prefix>[rRbBuUfF]{0,2})(?P<quote>'''|\"\"\"|'|\")(?P<body>.*?)(?P<close>(?P=quote)|$)"
)


def name_words(name: str) -> list[str]:
    """`apiToken` → ['api', 'token'], `SECRET_KEY` → ['secret', 'key'], `x-api-key` too."""
    return [word.lower() for word in _WORDS.findall(name)]


@lru_cache(maxsize=4096)
def is_secret_name(name: str) -> bool:
    """Whether a name, split into words, ends like a secret (`client_secret`, `api_key`)."""
    words = name_words(name)
    if not words or _NOT_SECRET_WORDS.intersection(words):
        return False
    last = words[-1]
    if last == "token" and len(words) > 1 and words[-2] in _TEXT_TOKENS:
        return False
    if last in _SECRET_LAST_WORDS:
        return True
    return last == "key" and len(words) > 1 and words[-2] in _KEY_QUALIFIERS


def is_placeholder(value: str) -> bool:
    """A value that refers to the environment or a template instead of holding a secret."""
    return bool(_PLACEHOLDER.search(value.strip()))


# Values that name or describe something rather than hold a secret.
_LABEL_SHAPES = re.compile(
    r"\s"  # prose: a message, a help text, a label
    r"|^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$"  # the name of an environment variable
    r"|^[a-z0-9_]+(?:\.[a-z0-9_-]+)+$"  # a dotted config key: `ldap.server.app_password`
    r"|^[xX]-[A-Za-z0-9-]+$"  # a header name: `x-api-key`
    r"|^/|^urn:"  # a path or a URN
    r"|^\[[^\]]*\]$"  # `[REDACTED]`
    r"|^__\w+__$"  # a sentinel: `__team_scope_auth_check__`
)
_NOT_SECRETS = frozenset({"true", "false", "none", "null", "asc", "desc", "yes", "no", "on", "off",
                          "dummy", "placeholder"})
MIN_SECRET_LENGTH = 4


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


def is_label(name: str, value: str) -> bool:
    """A value that is not a secret but a name, a reference or a word: `"_token"` for a cookie
    name, `"audio.stt.openai.api_key"`, `"AZURE_CLIENT_SECRET"`, `"ui-token"`, `"desc"`."""
    text = value.strip()
    if len(text) < MIN_SECRET_LENGTH or text.lower() in _NOT_SECRETS or _LABEL_SHAPES.search(text):
        return True
    if len(set(text)) <= 2:  # `"xxxxxxxx"`, `"AAAAAAAAAAAA"`: a filler
        return True
    value_words = {_singular(word) for word in name_words(text)}
    named = [_singular(word) for word in name_words(name)]
    # `PASSWORD = "password"`, `COOKIE_NAME_JWT_TOKEN = "_token"`, `token="azure_ad_token"`.
    return bool(value_words) and (value_words <= set(named) or named[-1] in value_words)


def url_password(value: str) -> re.Match[str] | None:
    """The `scheme://user:password@host` in a value, when its password is a real one."""
    match = URL_WITH_PASSWORD.search(value)
    if match is None or is_placeholder(match.group("password")):
        return None
    return match


def mask(secret: str) -> str:
    """At most a quarter of a secret (and at most 4 characters), then `…`."""
    shown = min(4, len(secret) // 4)
    return secret[:shown] + "…"


def mask_url(match: re.Match[str]) -> str:
    """`postgresql://app:s3cr3t-pw@db:5432/x?sslkey=…` → `postgresql://app:s3…@db:5432`."""
    return (f"{match.group('scheme')}://{match.group('user')}:"
            f"{mask(match.group('password'))}@{match.group('host')}")


def mask_line(line: str) -> str:
    """A source line with the text of its string literals masked (dict keys are kept)."""
    def masked(match: re.Match[str]) -> str:
        prefix, quote, body, close = match.group("prefix", "quote", "body", "close")
        if match.string[match.end():].lstrip().startswith(":"):
            return match.group(0)
        return f"{prefix}{quote}{mask(body)}{close}"

    return _QUOTED.sub(masked, line)
