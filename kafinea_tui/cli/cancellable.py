"""Ctrl-C during a long command (`import`, `export`): the work stops and leaves nothing behind.

The work runs in a thread of its own while the main thread, the one Python delivers SIGINT to,
waits for it. Ctrl-C there sets the work's `Cancellation`: the DuckDB statement running is
interrupted (which a signal alone would not do: DuckDB checks for Ctrl-C in some statements
only, and reports it as an error of its own), the import's transaction rolls back or the
export's temporary file goes, and the work's `Cancelled` (exit status 130, one sentence) is
what the command ends with. Work that finished before it saw the cancellation returns as usual.

Ctrl-C is caught by a handler of SIGINT that only cancels, not as a KeyboardInterrupt: one raised
inside `Event.wait` at the wrong moment leaves its lock released twice, the RuntimeError that
follows escapes the wait, and the process then hangs on the held work thread at exit.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from kafinea_tui.data.cancel import Cancellation

T = TypeVar("T")


def run_cancellable(work: Callable[[Cancellation], T]) -> T:
    """`work(cancellation)` in a worker thread; Ctrl-C cancels it and waits for it to stop."""
    cancellation = Cancellation()
    results: list[T] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            results.append(work(cancellation))
        except BaseException as error:  # handed to the main thread, which raises it
            errors.append(error)

    # Joined, so the thread's DuckDB cursor is gone before the store closes and the interpreter
    # exits. The handler runs while the join waits, and the join goes on waiting after it.
    thread = threading.Thread(target=target, name="kafinea-work")
    with _cancelled_by_ctrl_c(cancellation):
        thread.start()
        thread.join()
    if errors:
        raise errors[0]
    return results[0]


@contextmanager
def _cancelled_by_ctrl_c(cancellation: Cancellation) -> Iterator[None]:
    """Ctrl-C (again and again, while the work stops) cancels; the previous handler returns
    after. Off the main thread, where no handler can be set, Ctrl-C stays Python's."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, lambda _signal, _frame: cancellation.cancel())
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
