"""Undo of a mass delete: the deleted records (and a sales order's lines) inserted back.

The records come back from `<module>_prev` with their ids, dates and batch. A table's physical
order must stay its id order (the exporter writes a table without ORDER BY when a scan keeps
that order, `exporter.lookup`), and the restored ids lie below ids added since: so the rows from
the first restored id onwards are taken out and written back, with the restored ones, in id
order. That rewrites the table's tail only, usually the restored records and what came after.
"""

from __future__ import annotations

import duckdb

from kafinea_tui.data.importer.duckdb_settings import insertion_order
from kafinea_tui.data.schema import LINE_ITEMS_TABLE, Module
from kafinea_tui.data.store.change_log import log_id_set

DELETED = "SELECT id FROM kf_undo_rows WHERE NOT changed_since AND action = 'deleted'"


def recreate_deleted(cur: duckdb.DuckDBPyConnection, module: Module, batch_id: int) -> int:
    """Insert back the records the batch deleted (listed in `kf_undo_rows`); returns how many."""
    table = module.table
    rows = cur.execute(
        f"SELECT count(*), min(id) FROM ({DELETED}) d WHERE d.id NOT IN (SELECT id FROM {table})"
    ).fetchall()
    count, first = int(rows[0][0]), rows[0][1]
    if not count:
        return 0
    columns = ", ".join(
        ["id", "created_at", "modified_at", "batch_id", *(f.name for f in module.columns)]
    )
    cur.execute(
        f"CREATE OR REPLACE TEMP TABLE kf_undo_tail AS SELECT {columns} FROM {table}"
        f" WHERE id > ? UNION ALL SELECT {columns} FROM {table}_prev WHERE prev_batch_id = ?"
        f" AND id IN ({DELETED}) AND id NOT IN (SELECT id FROM {table})",
        [first, batch_id],
    )
    cur.execute(f"DELETE FROM {table} WHERE id > ?", [first])
    with insertion_order(cur):
        cur.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM kf_undo_tail ORDER BY id"
        )
    cur.execute("DROP TABLE kf_undo_tail")
    if module.name == "salesorders":
        cur.execute(
            f"INSERT INTO {LINE_ITEMS_TABLE} SELECT salesorder_id, position, product, quantity,"
            f" list_price FROM {LINE_ITEMS_TABLE}_prev WHERE prev_batch_id = ?"
            f" AND salesorder_id IN ({DELETED}) ORDER BY salesorder_id, position",
            [batch_id],
        )
    log_id_set(cur, module.name, DELETED, "create", "undo")
    return count
