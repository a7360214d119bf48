"""DuckDB settings an import holds while it runs, each put back afterwards.

`preserve_insertion_order` is set for the import's own connection (SET SESSION): another
thread's statement (an export, whose row order relies on it) never sees it turned off.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import duckdb

from kafinea_tui.data.store.results import first_row

# The memory DuckDB may fill during an import, as a multiple of the file's size (at least
# MEMORY_FLOOR), never above the limit already set: past it DuckDB spills to disk instead of
# growing. The measurements behind 2.5: docs/architecture.md, "Measured choices".
MEMORY_PER_FILE_BYTE = 2.5
MEMORY_FLOOR = 256 * 1024 * 1024


@contextmanager
def memory_bound(
    cur: duckdb.DuckDBPyConnection, path: Path | None, size: int = 0
) -> Iterator[None]:
    """Bound DuckDB's memory for the import relative to the file's size (or `size`, when
    larger: a spreadsheet's compressed file is smaller than its text); put the limit back
    (RESET when it was DuckDB's default, so repeated imports never drift it). No bound when
    `path` is None: the limit is database-wide, and a server shares it with other requests."""
    if path is None:
        yield
        return
    before = _memory_limit(cur)
    cur.execute("RESET memory_limit")
    is_default = _memory_limit(cur) == before
    cur.execute("SET memory_limit = ?", [before])
    with suppress(OSError):
        size = max(size, path.stat().st_size)
    wanted = max(MEMORY_FLOOR, int(size * MEMORY_PER_FILE_BYTE))
    if wanted >= _limit_bytes(before):
        yield
        return
    cur.execute(f"SET memory_limit = '{wanted // 2**20}MiB'")
    try:
        yield
    finally:
        if is_default:
            cur.execute("RESET memory_limit")
        else:
            cur.execute("SET memory_limit = ?", [before])


def _memory_limit(cur: duckdb.DuckDBPyConnection) -> str:
    row = first_row(cur.execute("SELECT current_setting('memory_limit')"))
    return str(row[0]) if row else ""


def _limit_bytes(text: str) -> int:
    """'18.8 GiB' -> bytes (as DuckDB shows the limit); unreadable -> no bound."""
    number, _, unit = text.partition(" ")
    scale = {"bytes": 1, "B": 1, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40}
    try:
        return int(float(number) * scale.get(unit, 1))
    except ValueError:
        return 0


@contextmanager
def insertion_order(cur: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Staging needs rows in file order (their rowid is their line); put the setting back."""
    cur.execute("SET SESSION preserve_insertion_order = true")
    try:
        yield
    finally:
        cur.execute("RESET SESSION preserve_insertion_order")


@contextmanager
def ordered(cur: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """One statement that must write rows in the order its SELECT gives them: created records
    are appended in id order (the table's order is the id order the exporter relies on), while
    the rest of an import runs with `preserve_insertion_order = false` (less memory)."""
    cur.execute("SET SESSION preserve_insertion_order = true")
    try:
        yield
    finally:
        # After a failed statement the transaction is aborted and refuses even a SET: the
        # failure itself is what the caller must see, and the next import sets this again.
        with suppress(duckdb.Error):
            cur.execute("SET SESSION preserve_insertion_order = false")
