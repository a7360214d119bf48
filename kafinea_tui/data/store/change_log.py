"""The change log: every create, update and delete, with a monotonic cursor and its source.

The API's `changes` feed and the workflows read it; an import writes a million entries in one
statement by passing a SQL query of ids instead of a list.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import duckdb

from kafinea_tui.data.store.record_ids import reserve_cursors

COLUMNS = "cursor, changed_at, module, record_id, op, source, batch_id, fields, actor"


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
    actor: str | None = None,
) -> None:
    """Append to the change log. `record_ids` is a list, or a SQL query yielding one `id` column
    (with `params`) so that an import logs a million changes in one statement. `actor` names
    who made the change within its source (the API token's name)."""
    now = utc_now()
    if isinstance(record_ids, str):
        cur.execute(
            f"INSERT INTO kf_changes ({COLUMNS}) SELECT nextval('kf_changes_seq'), ?, ?, q.id,"
            f" ?, ?, ?, ?, ? FROM ({record_ids}) q",
            [now, module, op, source, batch_id, fields, actor, *(params or [])],
        )
    elif len(record_ids) == 1:
        cur.execute(
            f"INSERT INTO kf_changes ({COLUMNS}) VALUES (nextval('kf_changes_seq'),"
            " ?, ?, ?, ?, ?, ?, ?, ?)",
            [now, module, record_ids[0], op, source, batch_id, fields, actor],
        )
    elif record_ids:
        cur.executemany(
            f"INSERT INTO kf_changes ({COLUMNS}) VALUES (nextval('kf_changes_seq'),"
            " ?, ?, ?, ?, ?, ?, ?, ?)",
            [[now, module, rid, op, source, batch_id, fields, actor] for rid in record_ids],
        )


def log_id_set(
    cur: duckdb.DuckDBPyConnection,
    module: str,
    ids_sql: str,
    op: str,
    source: str,
    batch_id: int | None = None,
    fields: list[str] | None = None,
    actor: str | None = None,
) -> int:
    """Log one change per id of `ids_sql` (a query yielding distinct ids in one `id` column)
    and return how many. The cursors come from a range reserved in one step, each entry's cursor
    its id's offset in the range (cursors are only ordered, so the holes are invisible): no
    `nextval` and no numbering sort per row, which on a million records cost more than the
    mass edit's UPDATE itself."""
    row = cur.execute(f"SELECT count(*), min(id), max(id) FROM ({ids_sql})").fetchone()
    if not row or not row[0]:
        return 0
    count, low, high = int(row[0]), int(row[1]), int(row[2])
    first = reserve_cursors(cur, high - low + 1)
    cur.execute(
        f"INSERT INTO kf_changes ({COLUMNS}) SELECT {int(first) - low} + q.id, ?, ?, q.id, ?, ?,"
        f" ?, ?, ? FROM ({ids_sql}) q",
        [utc_now(), module, op, source, batch_id, fields, actor],
    )
    return count
