"""Applying fixes, after the rules have run: non-overlapping edits written atomically and
verified to parse (fixer.py), and `--add-noqa`. The edits themselves are built by the rules
(`fastlint.rules.fixes`).

May import the per-file analysis, files and diagnostics; the engine calls the fixer and
hands it what it needs.
"""
