"""Where a rule's documentation lives: the link machine reports give each finding and rule
(SARIF `helpUri`, which GitHub code scanning shows as "learn more"; JSON `url`).

By default, the rule's page in fastlint's repository: `rules/FLNNN.md` on the default branch
(`HEAD`) of the repository named in the installed distribution's `[project.urls]`, read at
run time, so a fork that publishes its own package links its own pages. A team that hosts
the docs sets `rule-url-template` ("https://docs.example.com/fastlint/{code}.html").
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from fastlint.engine import RunResult

# [project.urls] labels that name the source repository, most specific first.
REPOSITORY_LABELS = ("repository", "source", "source code")
PAGE_IN_REPOSITORY = "blob/HEAD/rules/{code}.md"


@lru_cache(maxsize=1)
def repository_url() -> str | None:
    """fastlint's repository, from the installed distribution's metadata (None if not installed)."""
    from importlib.metadata import PackageNotFoundError, metadata  # slow to import; rarely used

    try:
        entries = metadata("fastlint").get_all("Project-URL") or []
    except PackageNotFoundError:
        return None
    urls: dict[str, str] = {}
    for entry in entries:
        label, _, url = entry.partition(",")
        urls.setdefault(label.strip().lower(), url.strip())
    return next((urls[label] for label in REPOSITORY_LABELS if urls.get(label)), None)


def default_template() -> str | None:
    repository = repository_url()
    return f"{repository.rstrip('/')}/{PAGE_IN_REPOSITORY}" if repository else None


def configured_template(result: "RunResult") -> str | None:
    """The `rule-url-template` of the run's projects (the first one that sets it)."""
    return next((run.config.rule_url_template for run in result.projects
                 if run.config.rule_url_template), None)


def rule_url(code: str, template: str | None = None) -> str | None:
    """The link to a rule's documentation: `template` (from the config) or the default."""
    template = template or default_template()
    return template.format(code=code) if template else None


def template_problem(value: object) -> str | None:
    """Why a `rule-url-template` value cannot be used, or None when it can."""
    if not isinstance(value, str):
        return f"expected a string, got {value!r}"
    if "{code}" not in value:
        return f"expected a URL with `{{code}}` where the rule code goes, got {value!r}"
    try:
        example = value.format(code="FL101")
    except (KeyError, IndexError, ValueError):
        return (f"expected a URL whose only placeholder is `{{code}}` (write a literal brace as "
                f"`{{{{` or `}}}}`), got {value!r}")
    parts = urlsplit(example)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in example):
        return f"expected an http(s) URL such as 'https://docs.example.com/fastlint/{{code}}.html', got {value!r}"
    return None
