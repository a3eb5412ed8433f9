"""`python -m fastlint` runs the command-line interface."""

import os
import sys

# `python -m` puts the current directory first on sys.path: a checked project's own
# `typer.py` or `pathlib.py` would then be imported (and run) in place of the real module.
if sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from fastlint.cli import console  # noqa: E402

if __name__ == "__main__":
    console()
