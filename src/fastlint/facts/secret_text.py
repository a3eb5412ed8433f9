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
# A `*_KEY` anywhere after these words holds key material (`ENCRYPTION_LOCAL_KEY`).
_KEY_MATERIAL = frozenset({"private", "signing", "encryption", "jwt", "hmac", "fernet"})
# Keys that sign or encrypt: leaked, every session or stored secret is forged or read.
SIGNING_WORDS = frozenset({"signing", "encryption", "jwt", "hmac", "fernet", "private"})
# `hashed_password` holds a hash; `COOKIE_NAME_TOKEN`, `TOKEN_HEADER_KEY` name something.
_NOT_SECRET_WORDS = frozenset({"hash", "hashed", "name", "header", "field", "param", "cookie",
                               "env", "var", "path", "file", "prefix", "type", "url",
                               # `PLACEHOLDER_API_KEY`, `RESOURCE_PASSWORD` (a permission's
                               # resource), `EXAMPLE_TOKEN`: not the secret itself.
                               "placeholder", "resource", "permission", "example", "examples",
                               "sample", "fake", "mock", "dummy"})
# Words that say a value is not a real one: `"fake-api-key"`, `"mock-oauth-token"`.
_PLACEHOLDER_WORDS = frozenset({"fake", "mock", "dummy", "placeholder", "redacted"})
# A value spelled as a phrase of this many words or more is a sentinel or a message
# (`"failed-to-connect-to-db"`), not a secret, unless it has a secret tell (`my`, `super`).
_PHRASE_WORDS = 4
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
    return last == "key" and len(words) > 1 and (
        words[-2] in _KEY_QUALIFIERS or bool(_KEY_MATERIAL.intersection(words[:-1])))


def is_signing_key(name: str) -> bool:
    """A key that signs or encrypts (`SECRET_KEY`, `JWT_SECRET`, `ENCRYPTION_KEY`)."""
    words = name_words(name)
    return bool(SIGNING_WORDS.intersection(words)) or words[-2:] == ["secret", "key"] \
        or (words[-1:] == ["secret"] and (len(words) == 1 or words[-2] in ("jwt", "app", "session")))


def is_placeholder(value: str) -> bool:
    """A value that refers to the environment or a template instead of holding a secret."""
    return bool(_PLACEHOLDER.search(value.strip()))


# Values that name or refer to something rather than hold a secret.
_LABEL_SHAPES = re.compile(
    r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$"  # the name of an environment variable
    r"|^[a-z0-9_]+(?:\.[a-z0-9_-]+)+$"  # a dotted config key: `ldap.server.app_password`
    r"|^[xX]-[A-Za-z0-9-]+$"  # a header name: `x-api-key`
    r"|^/|^urn:"  # a path or a URN
    r"|^\[[^\]]*\]$"  # `[REDACTED]`
    r"|^__\w+__$"  # a sentinel: `__team_scope_auth_check__`
)
# An identifier-shaped value: a key, a cookie or field name (`access_token`, `ui-token`).
_KEY_SHAPED = re.compile(r"^_?[a-z]+(?:[_-][a-z]+)*$")
# Words that make a value a (weak) secret, not a name: `super-secret`, `my_password`.
_SECRET_TELLS = frozenset({"super", "my", "change", "changeme", "default", "admin", "top",
                           "very", "dev", "local", "test", "demo", "example", "sample"})
_NOT_SECRETS = frozenset({"true", "false", "none", "null", "asc", "desc", "yes", "no", "on", "off",
                          "dummy", "placeholder", "empty"})
MIN_SECRET_LENGTH = 4


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


def _is_message(text: str) -> bool:
    """Prose a user reads (`"Your session has expired."`), not a passphrase (`"change me"`,
    `"super secret jwt secret"`)."""
    return text[-1:] in ".!?:" or len(text.split()) >= 5


def is_label(name: str, value: str, assigned: bool = False) -> bool:
    """A value that is not a secret but a name, a reference or a word: `"_token"` for a cookie
    name, `"audio.stt.openai.api_key"`, `"AZURE_CLIENT_SECRET"`, `"ui-token"`, `"desc"`.

    `assigned`: the value is assigned to the secret-named target itself (a constant, a
    settings default), where prose and name-like values are exempt only when they are
    plainly a message or the name itself (`PASSWORD = "password"`).
    """
    text = value.strip()
    if len(text) < MIN_SECRET_LENGTH or text.lower() in _NOT_SECRETS or _LABEL_SHAPES.search(text):
        return True
    if len(set(text)) <= 2:  # `"xxxxxxxx"`, `"AAAAAAAAAAAA"`: a filler
        return True
    named_last = name_words(name)[-1:]
    if text.isupper() and text.isalnum() and named_last and named_last[0] in text.lower():
        return True  # `"PGPASSWORD"`: the name of an environment variable
    spelled = name_words(text)
    if _PLACEHOLDER_WORDS.intersection(spelled):
        return True
    if any(space in text for space in " \t\n"):
        return _is_message(text)
    if not _KEY_SHAPED.match(text):
        return False  # `MyPassword`, `password123`, `Password1!`: a value, not a name
    value_words = {_singular(word) for word in spelled}
    named = [_singular(word) for word in name_words(name)]
    if not value_words or value_words & _SECRET_TELLS:
        return False
    if len(spelled) >= _PHRASE_WORDS or value_words & _NOT_SECRET_WORDS:
        return True  # `"failed-to-connect-to-db"`, `"byok_session_cookie"`
    if assigned:
        # `PASSWORD = "password"`, `ACCESS_TOKEN = "access_token"`: the constant names a key.
        return value_words == set(named) or (len(value_words) > 1 and value_words <= set(named))
    # `token="azure_ad_token"`, `{"password": "password"}`.
    return value_words <= set(named) or named[-1] in value_words


# The last words of a key or token an outside service issues: a random string, never a word.
_ISSUED_LAST_WORDS = frozenset({"key", "apikey", "token"})
# Client-side analytics keys, public by design (sent from every user's browser or CLI); their
# vendors' secret keys are named `*_SECRET*` and stay secrets.
_PUBLIC_KEY_VENDORS = frozenset({"amplitude", "mixpanel"})
# Stripe's publishable keys and PostHog's project keys: public by design.
_PUBLIC_KEY_PREFIXES = ("pk_live_", "pk_test_", "phc_")
# Words that may spell the kind of a key without being one: `"My API Key"`, `"your-api-key"`.
_KIND_WORDS = frozenset({"my", "your", "the", "a", "an", "api", "key", "secret", "token"})


def is_issued_key(name: str) -> bool:
    """An API key or token an outside service issues (`api_key`, `UNATTRIBUTED_API_KEY`,
    `MIXPANEL_TOKEN`): not a password a person picks, nor a key that signs or encrypts."""
    words = name_words(name)
    return bool(words) and words[-1] in _ISSUED_LAST_WORDS and "secret" not in words \
        and not is_signing_key(name)


def is_public_key(name: str, value: str) -> bool:
    """A key that is public by design: an analytics vendor's client key (`AMPLITUDE_API_KEY`),
    a Stripe publishable key (`pk_live_…`), a PostHog project key (`phc_…`)."""
    if value.startswith(_PUBLIC_KEY_PREFIXES):
        return True
    words = name_words(name)
    return is_issued_key(name) and bool(_PUBLIC_KEY_VENDORS.intersection(words)) \
        and "private" not in words and "personal" not in words


def is_word_sentinel(name: str, value: str, owner: str = "") -> bool:
    """An issued key whose value is one lowercase word of its own name or of the class that
    holds it (`UNATTRIBUTED_API_KEY = "unattributed"`; `_DEFAULT_API_KEY = "lemonade"` in
    `LemonadeChatConfig`): a marker, or the stand-in a keyless local server accepts. A word
    that tells a weak secret (`"default"`, `"admin"`) is not one."""
    if not (value.isalpha() and value.islower()) or value in _SECRET_TELLS \
            or not is_issued_key(name):
        return False
    return value in set(name_words(name)[:-1]) - _KIND_WORDS or value in name_words(owner)


def names_its_kind(name: str, value: str) -> bool:
    """An issued key whose value only spells what it is (`api_key="My API Key"`,
    `"your-api-key"`): a placeholder, no service issues such a key."""
    spelled = set(name_words(value))
    return is_issued_key(name) and len(spelled) > 1 and spelled <= _KIND_WORDS | set(name_words(name)) \
        and bool(spelled & {"key", "token"})


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
