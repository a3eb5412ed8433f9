"""The rule catalogue (read without importing the rules) says what the rule classes say."""

import subprocess
import sys

from fastlint.rules import all_rules
from fastlint.rules.base import Rule
from fastlint.rules.catalogue import CATALOGUE, option, severity_of


def test_every_rule_class_has_its_row_and_no_row_is_left_over():
    assert [entry.code for entry in CATALOGUE] == [rule.code for rule in all_rules()]


def test_each_row_describes_its_rule_class():
    for entry, rule in zip(CATALOGUE, all_rules()):
        assert (entry.name, entry.default_on, entry.application_code_only, entry.quiet_in,
                entry.options, entry.module, entry.severity, entry.redacts_source,
                entry.severity_by_message) == \
            (rule.name, rule.default_on, rule.application_code_only, frozenset(rule.quiet_in),
             tuple(o.name for o in rule.options), rule.__module__, rule.severity,
             rule.redacts_source, rule.severity_of.__func__ is not Rule.severity_of.__func__), \
            entry.code


def test_a_severity_that_depends_on_the_finding_is_the_rule_s():
    for rule in all_rules():
        for message in ("Hardcoded signing key `SECRET_KEY`", "Hardcoded password", ""):
            assert severity_of(rule.code, message) == rule.severity_of(message)


def test_an_option_is_found_in_the_rule_that_defines_it():
    for rule in all_rules():
        for defined in rule.options:
            assert option(defined.name) == defined


def test_reading_a_config_imports_no_rule_and_not_the_project_model():
    code = ("import sys, pathlib; from fastlint.config import load_config; "
            "c = load_config(None, pathlib.Path('.')); c.enabled_codes(); c.ignored_for('a.py'); "
            "print(sorted(m for m in sys.modules if m.startswith(('fastlint.rules.fl', "
            "'fastlint.model.project', 'fastlint.model.fastapi', 'fastlint.facts.collect'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
