"""Related records an import creates: the missing keys named by its reference columns.

Each reference target has a table of its distinct keys (`validate.resolve_references`);
the keys no record carries (`n = 0`) become new records of the related module, with ids from a
range reserved in one step (`record_ids`), numbered in key order and appended in id order (the
table's order stays the id order, which the exporter relies on). The reference table then holds
their ids, so the rows point at them without looking the keys up again.
"""

from __future__ import annotations

from datetime import datetime

from kafinea_tui.data.importer.context import Context
from kafinea_tui.data.importer.duckdb_settings import ordered
from kafinea_tui.data.importer.rules import related_fill
from kafinea_tui.data.store.database import log_changes
from kafinea_tui.data.store.record_ids import reserve_ids


def create_related(ctx: Context, batch: int | None, now: datetime, source: str) -> int:
    """Create the missing records named by reference columns (with their key, and the same text
    in the related module's other mandatory text fields so they are never empty), and point the
    reference tables at them. Returns how many were (or, in a dry run, would be) created: none
    when the import does not create related records (its rows then fail instead)."""
    if not ctx.create_related:
        return 0
    cur = ctx.cur
    total = 0
    for ref in ctx.refs:
        row = cur.execute(f"SELECT count(*) FROM {ref.table} WHERE n = 0").fetchone()
        missing = int(row[0]) if row else 0
        total += missing
        if not missing or ctx.dry_run:
            continue
        related = ref.related
        key_field = related.field(ref.key)
        names = related_fill(related, key_field)
        value = f"TRY_CAST(k AS {key_field.sql_type})"
        first = reserve_ids(cur, related.table, missing)
        cur.execute(
            f"UPDATE {ref.table} SET id = {first} - 1 + x.i FROM (SELECT lk,"
            f" row_number() OVER (ORDER BY lk) AS i FROM {ref.table} WHERE n = 0) x"
            f" WHERE {ref.table}.lk = x.lk AND {ref.table}.n = 0"
        )
        with ordered(cur):
            cur.execute(
                f"INSERT INTO {related.table} (id, created_at, modified_at, batch_id,"
                f" {', '.join(names)}) SELECT id, ?, ?, ?,"
                f" {', '.join(value for _ in names)} FROM {ref.table} WHERE n = 0 ORDER BY id",
                [now, now, batch],
            )
        new_ids = f"SELECT id FROM {ref.table} WHERE n = 0 ORDER BY id"
        log_changes(cur, related.name, new_ids, "create", source, batch, names)
        cur.execute(
            f"INSERT INTO kf_batch_rows SELECT ?, ?, id, 'related' FROM ({new_ids})",
            [batch, related.name],
        )
        cur.execute(f"UPDATE {ref.table} SET n = 1 WHERE n = 0")
    return total
