"""The batch a mass edit or delete is: one transaction, one entry in past imports, undo data.

A mass edit is recorded as an import is (DESIGN.md: "mass edits and mass deletes are batches
too, with the same undo"): a `kf_batches` row whose report says which operation it was
(`report.operation` = 'update' or 'delete', `file` a few words saying what was done),
`kf_batch_rows` naming each record a delete changed ('updated') or deleted ('deleted'), and the
records' previous rows in `<module>_prev`, so that `undo` puts them back. A mass edit keeps
only the changed records' `modified_at` and edited fields as they were, in tables of the
batch's own (`kf_edit_<batch>`, see `saved_values`), its report naming the fields. Why not
`<module>_prev`: its other columns, NULL here, cost as much to write as the values (on a
million records, 0.6 s for the narrow table against 2.7 s for the wide one, measured). Undo
reads them and drops them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb

from kafinea_tui.data.schema import LINE_ITEMS_TABLE, Module
from kafinea_tui.data.store.database import utc_now
from kafinea_tui.data.store.results import first_row

# A mass edit's previous values: `kf_edit_<batch>` and `kf_edit_<batch>_values`
# (bulk.saved_values), which undo (importer.undo_edit) reads back.
EDIT_TABLE = "kf_edit_{}"


@dataclass(frozen=True)
class Span:
    """How many records a mass edit saved, and their lowest and highest ids."""

    count: int
    low: int
    high: int


def open_batch(
    cur: duckdb.DuckDBPyConnection, module: Module, source: str, what: str, now: datetime
) -> int:
    row = first_row(cur.execute("SELECT nextval('kf_batches_seq')"))
    batch = int(row[0]) if row else 0
    cur.execute(
        "INSERT INTO kf_batches (id, module, source, file, started_at) VALUES (?, ?, ?, ?, ?)",
        [batch, module.name, source, what, now],
    )
    return batch


def finish_batch(cur: duckdb.DuckDBPyConnection, batch: int, report: dict[str, Any]) -> None:
    summary = dict(report)
    summary["errors"] = len(summary.get("errors", []))
    cur.execute(
        "UPDATE kf_batches SET finished_at = ?, report = ? WHERE id = ?",
        [utc_now(), json.dumps(summary), batch],
    )


def save_previous(
    cur: duckdb.DuckDBPyConnection, module: Module, ids_sql: str, batch: int, action: str
) -> None:
    """Copy the records named by `ids_sql` (one `id` column) to `<module>_prev` and list them
    in `kf_batch_rows` with `action`; a sales order's lines go to the lines' `_prev` too."""
    columns = ["id", "created_at", "modified_at", "batch_id", *(f.name for f in module.columns)]
    cur.execute(
        f"INSERT INTO {module.table}_prev (prev_batch_id, {', '.join(columns)})"
        f" SELECT ?, {', '.join('m.' + c for c in columns)} FROM {module.table} m"
        f" WHERE m.id IN ({ids_sql})",
        [batch],
    )
    cur.execute(
        f"INSERT INTO kf_batch_rows SELECT ?, ?, id, ? FROM ({ids_sql})",
        [batch, module.name, action],
    )
    if module.name == "salesorders":
        cur.execute(
            f"INSERT INTO {LINE_ITEMS_TABLE}_prev SELECT ?, i.* FROM {LINE_ITEMS_TABLE} i"
            f" WHERE i.salesorder_id IN ({ids_sql})",
            [batch],
        )


def edit_table(batch: int) -> str:
    """The table holding a mass edit's previous values (see `saved_values`)."""
    return EDIT_TABLE.format(int(batch))


def runs_view(cur: duckdb.DuckDBPyConnection, saved: str) -> None:
    """`kf_edit_<batch>(id, code)` as a view of the runs in `<saved>_values` (`id_low`,
    `id_high`, `code`): each id of each run, no row written per record."""
    cur.execute(
        f"CREATE VIEW {saved} AS SELECT unnest(range(v.id_low, v.id_high + 1)) AS id,"
        f" v.code FROM {saved}_values v"
    )


def count(cur: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> int:
    rows = cur.execute(f"SELECT count(*) FROM ({sql})", params or []).fetchall()
    return int(rows[0][0]) if rows else 0
