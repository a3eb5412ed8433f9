"""Replacing a file in one step: a temp file beside it, then a rename.

Ctrl-C (and SIGTERM) are held for the few milliseconds of a write, so an interrupt lands after
it: the file is then old or new, never partial, and no temp file is left behind.
"""

from __future__ import annotations

import os
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def interrupts_deferred() -> Iterator[None]:
    block = getattr(signal, "pthread_sigmask", None)
    if block is None or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = block(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        block(signal.SIG_SETMASK, previous)


def replace_file(
    target: str,
    data: bytes,
    *,
    prefix: str,
    mode: int | None = None,
    owner: tuple[int, int] | None = None,
    durable: bool = False,
    before_replace: Callable[[], None] | None = None,
) -> None:
    """Write `data` to a temp file beside `target`, then rename it over `target`.

    `before_replace` runs last, just before the rename, and may raise to cancel the write.
    """
    directory = os.path.dirname(target) or "."
    with interrupts_deferred():
        descriptor, temporary = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=directory)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
                if durable:
                    handle.flush()
                    os.fsync(handle.fileno())
            if mode is not None:
                os.chmod(temporary, mode)
            if owner is not None:
                try:
                    os.chown(temporary, *owner)
                except OSError:
                    pass
            if before_replace is not None:
                before_replace()
            os.replace(temporary, target)
        except BaseException:
            try:
                os.unlink(temporary)
            except OSError:
                pass
            raise
