"""The server is an extra: `fastlint check` never imports it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_check_does_not_import_the_server(project: Path):
    code = (
        "import sys\n"
        "from fastlint.cli import main\n"
        f"sys.argv = ['fastlint', 'check', '--no-cache', {str(project)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pygls', 'lsprotocol')"
        " or m.startswith('fastlint.server')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "FL101" in out.stdout  # it did check
    assert out.stdout.strip().splitlines()[-1] == "[]"
