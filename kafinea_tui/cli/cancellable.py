"""Ctrl-C during a long command (`import`, `export`): the work stops and leaves nothing behind.

The work runs in a thread of its own while the main thread, the one Python delivers SIGINT to,
waits for it. Ctrl-C there sets the work's `Cancellation`: the DuckDB statement running is
interrupted (which a signal alone would not do: DuckDB checks for Ctrl-C in some statements
only, and reports it as an error of its own), the import's transaction rolls back or the
export's temporary file goes, and the work's `Cancelled` (exit status 130, one sentence) is
what the command ends with. Work that finished before it saw the cancellation returns as usual.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from kafinea_tui.data.cancel import Cancellation

T = TypeVar("T")
POLL = 0.1  # seconds between two looks at the work (a wait Ctrl-C interrupts at once)


def run_cancellable(work: Callable[[Cancellation], T]) -> T:
    """`work(cancellation)` in a worker thread; Ctrl-C cancels it and waits for it to stop."""
    cancellation = Cancellation()
    results: list[T] = []
    errors: list[BaseException] = []

    finished = threading.Event()

    def target() -> None:
        try:
            results.append(work(cancellation))
        except BaseException as error:  # handed to the main thread, which raises it
            errors.append(error)
        finally:
            finished.set()

    # Waited for on an Event, not by `join`: a join that Ctrl-C interrupts can leave the
    # thread looking finished while it still runs (CPython before 3.13). Joined once done, so
    # the thread's DuckDB cursor is gone before the store closes and the interpreter exits.
    thread = threading.Thread(target=target, name="kafinea-work")
    thread.start()
    while True:
        try:
            if finished.wait(POLL):
                break
        except KeyboardInterrupt:  # again while it stops: it is stopping already
            cancellation.cancel()
    thread.join()
    if errors:
        raise errors[0]
    return results[0]
