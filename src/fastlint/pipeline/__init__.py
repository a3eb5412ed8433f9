"""The stages `fastlint.engine` runs, one module each: plan the projects (projects.py), analyse
each file (file_map.py, in parallel, from the cache where it can), join the project and run
the project rules (join.py), choose the findings reported (reported.py), or answer all of it
from the index when nothing changed (index.py).

May import `fastlint.files`, `fastlint.facts`, `fastlint.cache`, `fastlint.config` and
`fastlint.noqa`; the walk (`fastlint.analysis`), the model and the rules only inside the
functions that need them, so a run answered from the index never imports them. Never imports
`fastlint.engine` or `fastlint.fix`.
"""
