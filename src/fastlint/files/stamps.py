"""When a file's or a directory's stat can be trusted to say it is unchanged.

A file written within a tick of the clock that stamps it may change again without its
mtime moving (coarse kernel clocks, 1 s or 2 s filesystems). Like git's "racily clean"
entries, anything stat-ed this close to its last change is looked at again next time.
"""

from __future__ import annotations

import time

RACY_NS = 2 * 10**9


def now_ns() -> int:
    return time.time_ns()


def is_racy(mtime_ns: int, seen_at_ns: int) -> bool:
    """Whether a stat taken at `seen_at_ns` may miss a later change with the same mtime."""
    return mtime_ns >= seen_at_ns - RACY_NS
