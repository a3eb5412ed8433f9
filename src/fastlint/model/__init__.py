"""The project model: every file's facts joined — modules and bindings, the FastAPI model,
the call graph, application scope, layers, per-request reachability.

May import `fastlint.facts`, `fastlint.files`, `fastlint.diagnostics`; never rules or fixes.
"""
