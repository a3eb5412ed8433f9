"""The per-file stage: one walk of a file's `ast` that records its facts (records.py),
with what fastlint knows of third-party libraries (catalog.py).

May import `fastlint.files` and `fastlint.diagnostics`; never the project model.
"""
