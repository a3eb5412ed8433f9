"""Stage 3, the project model: every file's facts joined (project.py) — modules, bindings and
names resolved across modules, the FastAPI model (apps, routers, includes, routes,
dependencies), the call graph, application scope, layers, per-request reachability, ORM
models and session types.

May import `fastlint.facts`, `fastlint.files` and `fastlint.options`; never rules or fixes.
"""
