"""Sharing the analysis of many files between the main process and worker processes.

The main process analyses files too, between taking in the workers' results: on N cores it
runs beside N-1 workers, and the files it analyses itself are neither pickled nor unpickled
(a fifth of a file's cost when it travels). Files go largest first, in batches of about equal
size, so the batches left at the end are small and no process waits long for the last one.

May import `fastlint.facts` (plain data) and nothing else of fastlint: the per-file work is
a function given by the caller.
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

# Batches per process: enough that the last ones are small, few enough that sending each
# costs nothing next to analysing it.
BATCHES_PER_PROCESS = 24


def size_batches(items: Sequence[tuple[str, Item]], processes: int) -> list[list[tuple[str, Item]]]:
    """The (path, item) pairs largest file first, cut into batches of about equal bytes
    (a file larger than a batch is a batch of its own)."""
    sized = sorted(((_size(path), index) for index, (path, _) in enumerate(items)), reverse=True)
    target = max(1, sum(size for size, _ in sized) // (processes * BATCHES_PER_PROCESS))
    batches: list[list[tuple[str, Item]]] = []
    current: list[tuple[str, Item]] = []
    filled = 0
    for size, index in sized:
        current.append(items[index])
        filled += size
        if filled >= target:
            batches.append(current)
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
            if queue:
                yield in_main(queue.popleft())
            elif pending:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    yield future.result()
