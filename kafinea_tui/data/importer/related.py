"""Related records an import creates: the missing keys that the records it writes name.

Each reference target has a table of its distinct keys (`validate.resolve_references`),
where a key no record carries (`n = 0`) has a negative stand-in id. This step runs once the
records to write are known (after matching and the checks), so a row that fails, is skipped, or
loses to a later row of its record creates nothing: the keys created are the stand-ins found in
the records to write (and, for sales orders, in the line items written with them). They get ids
from a range reserved in one step (`record_ids`), in the order the file first names them, and
are appended in id order (the exporter relies on the table's order being the id order). The
stand-ins are then replaced by those ids, in the reference table (which `kf_rows` reads) and in
`kf_recs` when it is a table of its own.
"""

from __future__ import annotations

from datetime import datetime

from kafinea_tui.data.importer.context import FAIL, RECS, ROWS, TYPED, Context, RefTable
from kafinea_tui.data.importer.duckdb_settings import ordered
from kafinea_tui.data.importer.rules import related_fill
from kafinea_tui.data.store.database import log_changes
from kafinea_tui.data.store.record_ids import reserve_ids
from kafinea_tui.data.store.results import first_row

NEW = "kf_new"


def create_related(ctx: Context, batch: int | None, now: datetime, source: str) -> int:
    """Create the missing records the written records name (with their key, and the same text
    in the related module's other mandatory text fields so they are never empty). Returns how
    many were (or, in a dry run, would be) created: none when the import does not create
    related records (its rows then fail instead)."""
    if not ctx.create_related:
        return 0
    cur = ctx.cur
    total = 0
    for ref in ctx.refs:
        row = first_row(cur.execute(f"SELECT count(*) FROM {ref.table} WHERE n = 0"))
        if not row or not row[0]:
            continue
        cur.execute(f"DROP TABLE IF EXISTS {NEW}")
        cur.execute(f"CREATE TEMP TABLE {NEW} AS {_used_stand_ins(ctx, ref)}")
        row = first_row(cur.execute(f"SELECT count(*) FROM {NEW}"))
        used = int(row[0]) if row else 0
        total += used
        if used and not ctx.dry_run:
            _insert(ctx, ref, used, batch, now, source)
        cur.execute(f"DROP TABLE IF EXISTS {NEW}")
    return total


def _used_stand_ins(ctx: Context, ref: RefTable) -> str:
    """SQL of the stand-in ids (`ph`) that the records to write name."""
    col = ref.target.sql_name
    if ref.target.is_item:
        # Line items are written from the rows of the written orders (`import_write`).
        return (
            f"SELECT DISTINCT r.{col} AS ph FROM {ROWS} r WHERE r.{col} < 0"
            f" AND r.mk IN (SELECT mk FROM {RECS}) AND r.rn NOT IN (SELECT rn FROM {FAIL})"
        )
    if ctx.grouped:
        return f"SELECT DISTINCT {col} AS ph FROM {RECS} WHERE {col} < 0"
    # Without matching every row that does not fail is written: when none failed, every
    # missing key is used, with no scan of the rows.
    row = first_row(ctx.cur.execute(f"SELECT count(*) FROM {FAIL}"))
    if not row or not row[0]:
        return f"SELECT id AS ph FROM {ref.table} WHERE n = 0"
    return (
        f"SELECT id AS ph FROM {ref.table} WHERE n = 0 AND lk IN (SELECT lower({col})"
        f" FROM {TYPED} WHERE err_reason IS NULL AND rn NOT IN (SELECT rn FROM {FAIL}))"
    )


def _insert(
    ctx: Context, ref: RefTable, count: int, batch: int | None, now: datetime, source: str
) -> None:
    """Give the used stand-ins their ids, insert and log those records, and put the ids where
    the stand-ins were."""
    cur = ctx.cur
    related = ref.related
    key_field = related.field(ref.key)
    names = related_fill(related, key_field)
    value = f"TRY_CAST(r.k AS {key_field.sql_type})"
    first = reserve_ids(cur, related.table, count)
    # Stand-ins count down from -1 in the order the file first names their keys.
    cur.execute(
        f"CREATE OR REPLACE TEMP TABLE {NEW} AS SELECT ph,"
        f" {first} - 1 + row_number() OVER (ORDER BY ph DESC) AS id FROM {NEW}"
    )
    with ordered(cur):
        cur.execute(
            f"INSERT INTO {related.table} (id, created_at, modified_at, batch_id,"
            f" {', '.join(names)}) SELECT n.id, ?, ?, ?, {', '.join(value for _ in names)}"
            f" FROM {NEW} n JOIN {ref.table} r ON r.id = n.ph ORDER BY n.id",
            [now, now, batch],
        )
    new_ids = f"SELECT id FROM {NEW} ORDER BY id"
    log_changes(cur, related.name, new_ids, "create", source, batch, names)
    cur.execute(
        f"INSERT INTO kf_batch_rows SELECT ?, ?, id, 'related' FROM ({new_ids})",
        [batch, related.name],
    )
    col = ref.target.sql_name
    if ctx.grouped and ctx.ids_table == RECS and not ref.target.is_item:
        # kf_recs holds copies of the rows' values: its stand-ins are replaced too.
        cur.execute(f"UPDATE {RECS} SET {col} = n.id FROM {NEW} n WHERE {RECS}.{col} = n.ph")
    cur.execute(f"UPDATE {ref.table} SET id = n.id, n = 1 FROM {NEW} n WHERE {ref.table}.id = n.ph")
