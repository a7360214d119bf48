"""The change log: every create, update and delete, with a monotonic cursor and its source.

The API's `changes` feed and the workflows read it, one entry per changed record, through
`kf_changes_after(since)` (or the view `kf_changes`, every entry). It is stored in two forms
(schema version 5, `migrations.CHANGES_AFTER`):

- a single change (the app's record form, the API's row writes) is a row of `kf_change_rows`;
- a set operation (an import, a mass edit or delete, an undo, a workflow's update) is one row of
  `kf_change_sets` for all its records: ids id_low..id_high when they are contiguous, else those
  listed in `kf_change_set_ids`, each record's cursor `cursor + record_id - id_low`.

Why: one row of nine columns per record cost more than a mass edit's UPDATE itself (1.2 s for a
million records, 6x the bare UPDATE; now 5-10 ms for a contiguous set, one narrow column when
not). Readers expand only the sets past their cursor, in SQL.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import duckdb

from kafinea_tui.data.store.record_ids import reserve_cursors
from kafinea_tui.data.store.results import first_row

COLUMNS = "cursor, changed_at, module, record_id, op, source, batch_id, fields, actor"
SET_COLUMNS = (
    "cursor, last_cursor, id_low, id_high, listed, changed_at, module, op, source, batch_id,"
    " fields, actor"
)


def utc_now() -> datetime:
    """Timestamps are stored as naive UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


def top_cursor(cur: duckdb.DuckDBPyConnection) -> int:
    """The last cursor this transaction sees (0 for an empty log)."""
    row = first_row(
        cur.execute(
            "SELECT greatest((SELECT coalesce(max(cursor), 0) FROM kf_change_rows),"
            " (SELECT coalesce(max(last_cursor), 0) FROM kf_change_sets))"
        )
    )
    return int(row[0]) if row else 0


def batch_last_cursor(cur: duckdb.DuckDBPyConnection, batch_id: int) -> int:
    """The last cursor a batch logged (-1 when it logged nothing)."""
    row = first_row(
        cur.execute(
            "SELECT greatest((SELECT coalesce(max(cursor), -1) FROM kf_change_rows"
            " WHERE batch_id = $b), (SELECT coalesce(max(last_cursor), -1) FROM kf_change_sets"
            " WHERE batch_id = $b))",
            {"b": batch_id},
        )
    )
    return int(row[0]) if row else -1


# The batches that logged a change past a cursor (given twice, as two `?`), without expanding
# the sets: a set's last entry is at its `last_cursor`.
BATCHES_AFTER = (
    "SELECT batch_id FROM kf_change_rows WHERE cursor > ? AND batch_id IS NOT NULL"
    " UNION SELECT batch_id FROM kf_change_sets WHERE last_cursor > ? AND batch_id IS NOT NULL"
)


def modules_changed_after(cur: duckdb.DuckDBPyConnection, since: int) -> set[str]:
    """The modules with a change past a cursor, without expanding the sets."""
    rows = cur.execute(
        "SELECT module FROM kf_change_rows WHERE cursor > ?"
        " UNION SELECT module FROM kf_change_sets WHERE last_cursor > ?",
        [since, since],
    ).fetchall()
    return {str(row[0]) for row in rows}


def entries_after(cur: duckdb.DuckDBPyConnection, module: str, since: int) -> int:
    """How many log entries (single rows, and sets counted once) a module has past a cursor.
    One entry names each of its records once, so its changes need no grouping by record."""
    row = first_row(
        cur.execute(
            "SELECT (SELECT count(*) FROM kf_change_rows WHERE cursor > $s AND module = $m)"
            " + (SELECT count(*) FROM kf_change_sets WHERE last_cursor > $s AND module = $m)",
            {"s": since, "m": module},
        )
    )
    return int(row[0]) if row else 0


def set_actor(cur: duckdb.DuckDBPyConnection, batch_id: int, actor: str) -> None:
    """Name who made a batch's changes (the API token of an import posted through the API)."""
    for table in ("kf_change_rows", "kf_change_sets"):
        cur.execute(f"UPDATE {table} SET actor = ? WHERE batch_id = ?", [actor, batch_id])


def log_changes(
    cur: duckdb.DuckDBPyConnection,
    module: str,
    record_ids: list[int] | str,
    op: str,
    source: str,
    batch_id: int | None = None,
    fields: list[str] | None = None,
    actor: str | None = None,
) -> None:
    """Append to the change log. `record_ids` is a list (one row each), or a SQL query yielding
    one `id` column of distinct ids, logged as one set (`log_id_set`). `actor` names who made
    the change within its source (the API token's name)."""
    if isinstance(record_ids, str):
        log_id_set(cur, module, record_ids, op, source, batch_id, fields, actor)
    elif record_ids:
        # A few records (the app, the API's row path): rows, drawing cursors from the sequence
        # in list order; a set would re-create the sequence (a catalog write) for each.
        cur.execute(
            f"INSERT INTO kf_change_rows ({COLUMNS}) SELECT nextval('kf_changes_seq'), $at,"
            " $module, q.id, $op, $source, $batch, $fields, $actor"
            " FROM (SELECT unnest($ids) AS id, generate_subscripts($ids, 1) AS n) q ORDER BY q.n",
            {
                "at": utc_now(),
                "module": module,
                "op": op,
                "source": source,
                "batch": batch_id,
                "fields": fields,
                "actor": actor,
                "ids": [int(i) for i in record_ids],
            },
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
    params: dict[str, Any] | None = None,
    span: tuple[int, int, int] | None = None,
) -> int:
    """Log one change per id of `ids_sql` (a query yielding distinct ids in one `id` column,
    with named `params`) as one set, and return how many. `span` is the ids' count, lowest and
    highest when the caller knows them (then `ids_sql` is read only if they are not
    contiguous). The cursors are a range reserved in one step, each entry's cursor its id's
    offset in the range (cursors are only ordered, so the holes are invisible); the ids are
    copied to `kf_change_set_ids` only when they are not contiguous."""
    row = (
        span
        if span is not None
        else first_row(
            cur.execute(f"SELECT count(*), min(id), max(id) FROM ({ids_sql}) q", params or {})
        )
    )
    if not row or not row[0]:
        return 0
    count, low, high = int(row[0]), int(row[1]), int(row[2])
    first = reserve_cursors(cur, high - low + 1)
    listed = count != high - low + 1
    cur.execute(
        f"INSERT INTO kf_change_sets ({SET_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            first,
            first + high - low,
            low,
            high,
            listed,
            utc_now(),
            module,
            op,
            source,
            batch_id,
            fields,
            actor,
        ],
    )
    if listed:
        cur.execute(
            f"INSERT INTO kf_change_set_ids SELECT $kf_first, q.id FROM ({ids_sql}) q",
            {**(params or {}), "kf_first": first},
        )
    return count
