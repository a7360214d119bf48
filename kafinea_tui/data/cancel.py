"""Stopping long work (an import, an export) from outside it: a `Cancellation` and `Cancelled`.

The work checks the cancellation at each step it reports progress for (`ticking`), and the
DuckDB statement running when someone cancels is interrupted (`Cancellation.watching` registers
the cursor that runs it; `interrupt()` is safe from another thread). Whatever the statement or
the step raises then, the work ends with `Cancelled`, after its transaction has rolled back and
its temporary files are gone: cancelled work leaves nothing behind. A progress callback that
raises (`Cancelled` or any other error) stops the work the same way.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from kafinea_tui.data.errors import KafineaError

Progress = Callable[[float], None]


class Cancelled(KafineaError):
    """The work was cancelled and left nothing behind; the CLI exits with 130, as for Ctrl-C."""

    exit_code = 130


class Interruptible(Protocol):
    """What `watching` needs of a cursor: DuckDB's `interrupt()`, safe from another thread."""

    def interrupt(self) -> None: ...


class Cancellation:
    """Set once by whoever stops the work (a dialog's Cancel, the CLI's Ctrl-C), read by it."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._cursors: list[Interruptible] = []
        self._sealed = False

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def cancel(self) -> None:
        """Ask the work to stop: its next step raises, and its running statement is interrupted.
        Once the work is sealed (committing), too late: nothing happens."""
        with self._lock:
            if self._sealed:
                return
            self._event.set()
            cursors = list(self._cursors)
        for cursor in cursors:
            cursor.interrupt()

    def wait(self, timeout: float) -> bool:
        """Wait until cancelled, at most `timeout` seconds; whether it was."""
        return self._event.wait(timeout)

    def seal(self) -> None:
        """The work's last step before its COMMIT: cancelled already, it raises `Cancelled`
        (and rolls back); else no later cancellation interrupts it. DuckDB can be interrupted
        in the checkpoint that follows a COMMIT it has already made durable, which reported a
        committed import as cancelled."""
        with self._lock:
            self.check()
            self._sealed = True

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled("Cancelled.")

    @contextmanager
    def watching(self, cursor: Interruptible, what: str) -> Iterator[None]:
        """Interrupt `cursor` when cancelled while the block runs; any error the block ends with
        once cancelled (DuckDB's interruption, or an error it caused), and a `Cancelled` raised
        by a progress callback, become `Cancelled` with the sentence `what`."""
        with self._lock:
            self._cursors.append(cursor)
        try:
            self.check()
            yield
        except Exception as error:
            if self._event.is_set() or isinstance(error, Cancelled):
                raise Cancelled(what) from error
            raise
        finally:
            with self._lock:
                self._cursors.remove(cursor)


def ticking(progress: Progress | None, cancellation: Cancellation | None) -> Progress:
    """The progress callback the work calls: checks the cancellation before and after the
    caller's own callback (which may take a while, or raise to stop the work itself)."""

    def tick(fraction: float) -> None:
        if cancellation is not None:
            cancellation.check()
        if progress is not None:
            progress(fraction)
        if cancellation is not None:
            cancellation.check()

    return tick


def hold_for_tests(cancellation: Cancellation | None = None) -> Progress | None:
    """`KAFINEA_TEST_HOLD_AT=0.9:FILE` in the environment of the process doing the work (the
    CLI alone, or the workspace's owner serving it) makes the work touch FILE and wait once its
    progress reaches that fraction (an import's 0.9: written, not committed; an export's: the
    file written under its temporary name), until it is cancelled or killed: a test can stop it
    there for certain and check that nothing was committed. None (no callback) without it."""
    setting = os.environ.get("KAFINEA_TEST_HOLD_AT")
    if not setting:
        return None
    fraction, _, marker = setting.partition(":")
    waiting = cancellation or Cancellation()

    def hold(done: float) -> None:
        if float(fraction) <= done < 1.0:
            Path(marker).touch()
            while not waiting.wait(0.05):
                pass

    return hold
