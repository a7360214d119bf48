"""The API's writes, one at a time, on one thread of their own.

Why: DuckDB lets one transaction at a time write without conflicts, and the change log's
cursors must become visible in order for the changes feed never to skip an entry, so writes are
serialised. They used to wait for a lock on the server's worker threads: a burst of writers then
held every thread of the pool while it waited, and reads (pages, exports, the changes feed)
queued behind them. Here a waiting write is a future in a queue, holding no thread; reads keep
the pool to themselves and never wait for a write, since DuckDB reads a committed snapshot.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


class WriteQueue:
    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kafinea-writer")

    async def run(self, work: Callable[[], T]) -> T:
        """Run `work` on the writer thread once the writes queued before it are done."""
        return await asyncio.wrap_future(self._executor.submit(work))

    def close(self) -> None:
        self._executor.shutdown(wait=True)
