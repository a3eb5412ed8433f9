"""Stage 2, the per-file facts: one walk of a file's `ast` (collect.py) that resolves names
and records the small picklable facts later stages read (records.py), with what fastlint
knows of third-party libraries (catalog.py), argument guards, route logic size, entry
points and secret-looking text.

May import `fastlint.files`; never the project model, rules or the engine.
"""
