"""Stage 1, the files: discovery (excludes, .gitignore), decoding as the interpreter would,
parsing any Python 3 (libcst for syntax the running `ast` rejects), what non-Python files
say about the project (layout), the rows each rule read, atomic writes and write
containment.

Imports nothing of fastlint's but its own modules.
"""
