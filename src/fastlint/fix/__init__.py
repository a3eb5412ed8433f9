"""Fixes: edits built from facts, applied atomically and verified; `--add-noqa`.

May import the model, facts and files; the engine hands the fixer what it needs.
"""
