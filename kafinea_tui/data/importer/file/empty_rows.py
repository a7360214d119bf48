"""Rows with nothing in them at the end of a CSV file, which are no rows.

Excel writes a row it holds formatted but empty as delimiters alone (`;;;;`), so a sheet saved
as CSV often ends with dozens of them; each would fail as a record with no last name. The
staged rows after the last one with a value are dropped: they are the file's tail, so the rows
left keep their numbers `0..rows-1` (file order, and the line map, rest on it). An empty row
between filled ones stays a row and fails with its reason: it may be a record's lost values.
A line of spaces alone, which the reader keeps aside as one short cell, is no row anywhere.
"""

from __future__ import annotations

import duckdb

from kafinea_tui.data.store.results import first_row


def drop_empty_tail(
    cur: duckdb.DuckDBPyConnection, table: str, cells: list[str], first: int, rows: int
) -> int:
    """Delete the staged rows of `table` after its last row with a value in one of `cells`
    (SQL of each cell's text); `first` is the first row's rowid, `rows` how many there are.
    Return the rows left."""
    empty = " AND ".join(f"nullif(trim({cell}), '') IS NULL" for cell in cells)
    last = first_row(
        cur.execute(f"SELECT {empty} FROM {table} WHERE rowid = (SELECT max(rowid) FROM {table})")
    )
    if not last or not last[0]:  # the common file: its last row has a value
        return rows
    kept = first_row(cur.execute(f"SELECT max(rowid) FROM {table} WHERE NOT ({empty})"))
    end = int(kept[0]) if kept and kept[0] is not None else first - 1
    cur.execute(f"DELETE FROM {table} WHERE rowid > ?", [end])
    return end - first + 1


def blank_text(text: str, delimiter: str) -> bool:
    """Whether a line the reader kept aside holds nothing but spaces and delimiters."""
    return not text.strip(" \t\r\n" + delimiter)
