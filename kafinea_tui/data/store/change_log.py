"""The change log: every create, update and delete, with a monotonic cursor and its source.

The API's `changes` feed and the workflows read it; an import writes a million entries in one
statement by passing a SQL query of ids instead of a list.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import duckdb


def utc_now() -> datetime:
    """Timestamps are stored as naive UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


def top_cursor(cur: duckdb.DuckDBPyConnection) -> int:
    """The last cursor this transaction sees (0 for an empty log)."""
    row = cur.execute("SELECT coalesce(max(cursor), 0) FROM kf_changes").fetchone()
    return int(row[0]) if row else 0


def log_changes(
    cur: duckdb.DuckDBPyConnection,
    module: str,
    record_ids: list[int] | str,
    op: str,
    source: str,
    batch_id: int | None = None,
    fields: list[str] | None = None,
    params: list[Any] | None = None,
) -> None:
    """Append to the change log. `record_ids` is a list, or a SQL query yielding one `id` column
    (with `params`) so that an import logs a million changes in one statement."""
    now = utc_now()
    if isinstance(record_ids, str):
        cur.execute(
            "INSERT INTO kf_changes SELECT nextval('kf_changes_seq'), ?, ?, q.id, ?, ?, ?, ?"
            f" FROM ({record_ids}) q",
            [now, module, op, source, batch_id, fields, *(params or [])],
        )
    elif record_ids:
        cur.executemany(
            "INSERT INTO kf_changes VALUES (nextval('kf_changes_seq'), ?, ?, ?, ?, ?, ?, ?)",
            [[now, module, rid, op, source, batch_id, fields] for rid in record_ids],
        )
