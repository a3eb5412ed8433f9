"""Sharing the analysis of many files between the main process and worker processes.

The main process analyses files too, between taking in the workers' results: on N cores it
runs beside N-1 workers, and the files it analyses itself are neither pickled nor unpickled
(a fifth of a file's cost when it travels). Files go largest first, in batches that shrink
as the work left does, so the last ones are small and no process waits long for another's.

Imports nothing of fastlint's: the per-file work is a function given by the caller.
"""

from __future__ import annotations

import gc
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

# Each batch holds this share of the bytes left to analyse per process (guided
# self-scheduling): large batches first, the last ones small, so that no process waits long for
# another's last batch; but none smaller than a share of the whole, which costs nothing to send.
SHARE_OF_WHAT_IS_LEFT = 6
SMALLEST_SHARE = 96


def size_batches(items: Sequence[tuple[str, Item]], processes: int) -> list[list[tuple[str, Item]]]:
    """The (path, item) pairs largest file first, cut into batches that shrink with the
    bytes left (a file larger than a batch is a batch of its own)."""
    sized = sorted(((_size(path), index) for index, (path, _) in enumerate(items)), reverse=True)
    left = sum(size for size, _ in sized)
    smallest = max(1, left // (processes * SMALLEST_SHARE))
    batches: list[list[tuple[str, Item]]] = []
    current: list[tuple[str, Item]] = []
    filled = 0
    for size, index in sized:
        current.append(items[index])
        filled += size
        if filled >= max(smallest, left // (processes * SHARE_OF_WHAT_IS_LEFT)):
            batches.append(current)
            left -= filled
            current, filled = [], 0
    if current:
        batches.append(current)
    return batches


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def shared_map(batches: Sequence[Result], in_main: Callable[[Result], list],
               in_worker: Callable[[Result], list], workers: int) -> Iterator[list]:
    """Each batch's results, in the order they are done: `in_worker(batch)` in one of
    `workers` processes (forked, the cyclic GC off: the facts are acyclic), or
    `in_main(batch)` here when no worker has one waiting."""
    queue = deque(batches)
    with ProcessPoolExecutor(max_workers=workers, initializer=gc.disable) as pool:
        pending: set[Future] = set()
        while queue or pending:
            # One batch running and one waiting per worker: a worker never idles, and the
            # main process is left the rest.
            while queue and len(pending) < 2 * workers:
                pending.add(pool.submit(in_worker, queue.popleft()))
            done = {future for future in pending if future.done()}
            for future in done:
                yield future.result()
            pending -= done
            if done:
                continue  # the workers first: their results taken in, their queue topped up
            if queue:
                yield in_main(queue.popleft())
            elif pending:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    yield future.result()
