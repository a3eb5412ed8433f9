"""Reading the project from disk: discovery, decoding, parsing (any Python), atomic writes.

Imports nothing else of fastlint's but `fastlint.diagnostics`.
"""
