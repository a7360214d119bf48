"""The API's writes, one at a time, on one thread of their own, small ones committed together.

Why: DuckDB lets one transaction at a time write without conflicts, and the change log's
cursors must become visible in order for the changes feed never to skip an entry, so writes are
serialised. They used to wait for a lock on the server's worker threads: a burst of writers then
held every thread of the pool while it waited, and reads (pages, exports, the changes feed)
queued behind them. Here a waiting write is a future in a queue, holding no thread; reads keep
the pool to themselves and never wait for a write, since DuckDB reads a committed snapshot.

Group commit: while one write runs, others queue; the small ones (`run(..., group=True)`: a
record or a short list through the row path, a PATCH, a DELETE) found waiting are then run in
one transaction and committed once, in the order they came. A commit (a write to the disk)
is most of a small write's time, so twenty clients at once get more done than one client
alone. If any of them fails, the whole group is rolled back and each is run again alone, in
order: a write's answer is always what it would have been on its own.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, TypeVar

from kafinea_tui.data.store.database import Store

T = TypeVar("T")
MAX_GROUP = 64  # writes committed together at most


@dataclass
class _Job:
    work: Callable[[], Any]
    group: bool
    future: Future[Any] = field(default_factory=Future)


class WriteQueue:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._loop, name="kafinea-writer", daemon=True)
        self._thread.start()
        self.groups = 0  # transactions that committed more than one write (for tests, benches)

    async def run(self, work: Callable[[], T], group: bool = False) -> T:
        """Run `work` on the writer thread once the writes queued before it are done; `group`:
        it may share a transaction with other small writes (it opens `store.transaction()`,
        which joins an open one, and does nothing outside it that a rollback would not undo)."""
        job = _Job(work, group)
        self._jobs.put(job)
        result: T = await asyncio.wrap_future(job.future)
        return result

    def close(self) -> None:
        """Finish the writes queued, then stop the thread."""
        self._jobs.put(None)
        self._thread.join()

    def _loop(self) -> None:
        waiting: list[_Job | None] = []
        while True:
            job = waiting.pop(0) if waiting else self._jobs.get()
            if job is None:
                return
            batch = [job]
            while job.group and len(batch) < MAX_GROUP and not waiting:
                try:
                    more = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if more is None or not more.group:
                    waiting.append(more)
                    break
                batch.append(more)
            # A write whose client went away (its future cancelled) is not run.
            batch = [j for j in batch if j.future.set_running_or_notify_cancel()]
            if len(batch) > 1:
                self._together(batch)
            elif batch:
                _settle(batch[0])

    def _together(self, batch: list[_Job]) -> None:
        results: list[Any] = []
        try:
            with self.store.transaction():
                for job in batch:
                    results.append(job.work())
        except BaseException:
            for job in batch:  # rolled back: each again, alone, for its own answer
                _settle(job)
            return
        self.groups += 1
        for job, result in zip(batch, results, strict=True):
            job.future.set_result(result)


def _settle(job: _Job) -> None:
    try:
        job.future.set_result(job.work())
    except BaseException as error:
        job.future.set_exception(error)
