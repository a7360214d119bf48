"""Reading a query's first row and closing its result: what `fetchone()` does, but closed.

A DuckDB result is streamed: until it is read to its end or another statement runs on its
cursor, its query stays open, and so does its transaction. The store's cursors live as long as
their thread (the app's workers, the server's threads, the engine), so a `fetchone()` read
from them could hold a transaction open for as long as the thread idled, and while any
transaction is open DuckDB checkpoints nothing: the write-ahead log of a long session or of a
server grew without end (hundreds of MB after a few mass edits), every scan read through the
updates it held, and the next open replayed it all. Every first row is read here instead.
"""

from __future__ import annotations

from typing import Any

import duckdb


def first_row(result: duckdb.DuckDBPyConnection) -> tuple[Any, ...] | None:
    """The first row of the cursor's last result (None when it has none), the result closed."""
    rows = result.fetchall()
    return rows[0] if rows else None
