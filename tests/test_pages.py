"""Every rule has a page; its Bad examples are flagged by the rule and its Good ones are not."""

import pytest

from fastlint.rules.pages import examples, page_text, split_files
from fastlint.rules import all_rules
from fastlint.testing import lint

RULES = [pytest.param(rule, id=rule.code) for rule in all_rules()]


@pytest.mark.parametrize("rule", RULES)
def test_rule_has_a_page_with_every_section(rule):
    text = page_text(rule.code)
    assert text is not None, f"rules/{rule.code}.md is missing"
    assert text.startswith(f"# {rule.code} {rule.name}")
    for section in ("## Why", "## Bad", "## Good", "## Fix", "## Options"):
        assert section in text, f"{rule.code}.md has no {section}"


@pytest.mark.parametrize("rule", [r for r in RULES if r.values[0].code != "FL001"])
def test_bad_examples_are_flagged(rule):
    bad = examples(page_text(rule.code), "Bad")
    assert bad, f"{rule.code}.md has no python example under ## Bad"
    for example in bad:
        codes = {d.code for d in lint(split_files(example), rule.code)}
        assert rule.code in codes, f"{rule.code}.md Bad example is not flagged:\n{example}"


@pytest.mark.parametrize("rule", RULES)
def test_good_examples_are_not_flagged(rule):
    for example in examples(page_text(rule.code), "Good"):
        found = [d for d in lint(split_files(example), rule.code) if d.code == rule.code]
        assert not found, f"{rule.code}.md Good example is flagged: {found}"


def test_syntax_error_page_bad_example_is_flagged():
    (bad,) = examples(page_text("FL001"), "Bad")
    assert [d.code for d in lint(bad, "FL001")] == ["FL001"]
