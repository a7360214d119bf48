"""A named pipe read by another thread, as a program reading a FIFO would: the tests of targets
that must be written into, not replaced (data/special_files.py)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def fifo_read(path: Path) -> Iterator[list[bytes]]:
    """Make a named pipe at `path` and read it whole on a thread; once the block ends, the list
    holds what was read (empty if the writer never opened the pipe)."""
    os.mkfifo(path)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(path.read_bytes()), daemon=True)
    reader.start()
    yield received
    reader.join(timeout=30)
