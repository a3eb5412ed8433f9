"""Writes stay inside the project: `fix`, `--add-noqa` and `--prune-baseline` never change a
file outside the project root they were asked to work on.

A path found under the root can still lead out of it: a symlink to a vendored file or a
shared config, or a file under a symlinked directory. Such a file is read and checked like
any other, but never written; the writer reports it instead.
"""

from __future__ import annotations

import os
from pathlib import Path


def outside_root(path: str | Path, root: Path) -> Path | None:
    """The real file `path` leads to when that lies outside `root` (symlinks followed in
    both), else None."""
    real = Path(os.path.realpath(path))
    real_root = Path(os.path.realpath(root))
    return None if real == real_root or real_root in real.parents else real


def left_alone(path: str | Path, target: Path, what: str) -> str:
    """The message for a file not written because it leads outside the project root."""
    return f"{path}: {what}: it leads outside the project root (to {target}); left alone"
