"""Writing, the import's last step: the records, the batch, undo data and the change log (new
records in `create`, related ones in `related`).

All writes are INSERT ... SELECT and UPDATE ... FROM over the temporary tables of `match`
(named in `context`), inside the import's one transaction. Before a record is changed its row is
copied to `<module>_prev` (and a sales order's lines to `salesorder_items_prev`) so that `undo`
can put it back. Created records carry the batch in their `batch_id` column, which is how undo
finds them (a million creates need no second list); `kf_batch_rows` names the records the batch
updated or merged, and the related records it created. A matched record whose values would not
change is not rewritten nor logged, like `Store.update`.
"""

from __future__ import annotations

from datetime import datetime

from kafinea_tui.data.importer.context import FAIL, RECS, ROWS, Context
from kafinea_tui.data.importer.create import insert_created, value_sql
from kafinea_tui.data.importer.plan import Duplicates
from kafinea_tui.data.schema import LINE_ITEMS_TABLE
from kafinea_tui.data.store.database import log_changes
from kafinea_tui.data.store.order_totals import ORDERS, sum_totals
from kafinea_tui.data.store.results import first_row
from kafinea_tui.data.values import Params

UPD = "kf_upd"


def write_records(ctx: Context, batch: int | None, now: datetime, source: str) -> None:
    """Insert the new records (`create`), then update the matched ones, write the
    sales orders' lines and sum their totals (`order_totals`)."""
    insert_created(ctx, batch, now, source)
    mapped_fields = [t.field.name for t in ctx.targets if not t.is_item] + (
        ["items"] if ctx.item_targets else []
    )
    if ctx.item_targets and "total" not in mapped_fields:
        mapped_fields.append("total")
    ctx.cur.execute(f"DROP TABLE IF EXISTS {UPD}")
    _update_matched(ctx, batch, now, source, mapped_fields)
    if ctx.item_targets:
        _write_items(ctx, batch)
    if ctx.module.name == ORDERS:
        sum_totals(ctx.cur, f"SELECT id FROM {RECS}")


def _update_matched(
    ctx: Context, batch: int | None, now: datetime, source: str, fields: list[str]
) -> None:
    cur, module = ctx.cur, ctx.module
    row = first_row(cur.execute(f"SELECT count(*) FROM {RECS} WHERE action <> 'create'"))
    if not row or not row[0]:
        return
    params = Params()
    # One import matches in one mode: its records are all merged or all overwritten.
    mode = "merge" if ctx.duplicates is Duplicates.MERGE else "overwrite"
    chosen = value_sql(ctx, module, params, mode)
    names = list(chosen)
    new_values = [f"{chosen[n]} AS n_{n}" for n in names]
    changed = [f"n_{n} IS DISTINCT FROM o_{n}" for n in names]
    if ctx.item_targets:
        changed.append("id IN (SELECT mk_id FROM kf_item_orders)")
        _item_orders(ctx)
    cur.execute(f"DROP TABLE IF EXISTS {UPD}")
    cur.execute(
        # Only the records whose values change are kept (and rewritten, saved and logged).
        f"CREATE TEMP TABLE {UPD} AS SELECT * EXCLUDE ({', '.join(['o_' + n for n in names] + ['x_changed'])}),"
        " x_changed AS changed FROM (SELECT *, "
        f"({' OR '.join(changed) or 'false'}) AS x_changed"
        f" FROM (SELECT c.id, c.action{''.join(', ' + v for v in new_values)}"
        f"{''.join(f', m.{n} AS o_{n}' for n in names)}"
        f" FROM {RECS} c JOIN {module.table} m ON m.id = c.id WHERE c.action <> 'create'))"
        " WHERE x_changed",
        params.values,
    )
    all_cols = ["id", "created_at", "modified_at", "batch_id", *(f.name for f in module.columns)]
    cur.execute(
        f"INSERT INTO {module.table}_prev (prev_batch_id, {', '.join(all_cols)})"
        f" SELECT ?, {', '.join('m.' + c for c in all_cols)} FROM {module.table} m"
        f" WHERE m.id IN (SELECT id FROM {UPD} WHERE changed)",
        [batch],
    )
    if names:
        sets = ", ".join(f"{n} = u.n_{n}" for n in names)
        cur.execute(
            f"UPDATE {module.table} SET {sets}, modified_at = ? FROM {UPD} u"
            f" WHERE {module.table}.id = u.id AND u.changed",
            [now],
        )
    else:
        cur.execute(
            f"UPDATE {module.table} SET modified_at = ? WHERE id IN"
            f" (SELECT id FROM {UPD} WHERE changed)",
            [now],
        )
    cur.execute(
        f"INSERT INTO kf_batch_rows SELECT ?, ?, id, CASE action WHEN 'merge' THEN 'merged'"
        f" ELSE 'updated' END FROM {UPD} WHERE changed",
        [batch, module.name],
    )
    log_changes(
        cur, module.name, f"SELECT id FROM {UPD} WHERE changed", "update", source, batch, fields
    )


def _has_upd(ctx: Context) -> bool:
    row = first_row(
        ctx.cur.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND temporary", [UPD]
        )
    )
    return bool(row and row[0])


def _item_orders(ctx: Context) -> None:
    """Orders of this import that get line items from the file (their lines are replaced)."""
    product = next(t for t in ctx.item_targets if t.field.name == "product")
    ctx.cur.execute(
        f"CREATE OR REPLACE TEMP TABLE kf_item_orders AS SELECT DISTINCT c.id AS mk_id"
        f" FROM {RECS} c JOIN {ROWS} r ON r.mk = c.mk"
        f" WHERE r.{product.sql_name} IS NOT NULL AND r.rn NOT IN (SELECT rn FROM {FAIL})"
    )


def _write_items(ctx: Context, batch: int | None) -> None:
    cur = ctx.cur
    _item_orders(ctx)
    items = {t.field.name: t.sql_name for t in ctx.item_targets}
    # Every changed order keeps its previous lines, so undo can put back exactly those.
    changed = (
        f" OR i.salesorder_id IN (SELECT id FROM {UPD} WHERE changed)" if _has_upd(ctx) else ""
    )
    cur.execute(
        f"INSERT INTO {LINE_ITEMS_TABLE}_prev SELECT ?, i.* FROM {LINE_ITEMS_TABLE} i"
        f" WHERE i.salesorder_id IN (SELECT mk_id FROM kf_item_orders){changed}",
        [batch],
    )
    cur.execute(
        f"DELETE FROM {LINE_ITEMS_TABLE} WHERE salesorder_id IN (SELECT mk_id FROM kf_item_orders)"
    )
    cols = ", ".join(
        f"r.{items[n]}" if n in items else "NULL" for n in ("product", "quantity", "list_price")
    )
    cur.execute(
        f"INSERT INTO {LINE_ITEMS_TABLE} SELECT c.id, row_number() OVER (PARTITION BY c.id"
        f" ORDER BY r.rn), {cols} FROM {RECS} c JOIN {ROWS} r ON r.mk = c.mk"
        f" WHERE r.{items['product']} IS NOT NULL AND r.rn NOT IN (SELECT rn FROM {FAIL})"
    )
