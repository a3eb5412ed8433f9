"""The README's rules table lists every rule as the registry describes it."""

from pathlib import Path

from fastlint.rules import all_rules

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_rule_is_in_the_readme_table():
    for rule in all_rules():
        default = "on" if rule.default_on else "opt-in"
        row = f"| {rule.code} | {rule.name} | {default} |"
        assert row in README, f"README.md rules table lacks: {row}"


def test_the_configuration_example_is_a_valid_configuration(tmp_path):
    from fastlint.config import load_config

    start = README.index("```toml\n[tool.fastlint]") + len("```toml\n")
    (tmp_path / "pyproject.toml").write_text(README[start:README.index("```", start)])
    config = load_config(tmp_path / "pyproject.toml")
    assert config.rule_url_template == "https://docs.example.com/fastlint/{code}.html"
    assert config.ignore == ("FL601",)
