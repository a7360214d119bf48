"""Step 3 of running an import: write the records, the batch, undo data and the change log.

Public names: `create_related(ctx, batch, now, source) -> int`, `write_records(ctx, batch, now,
source)`.

All writes are INSERT ... SELECT and UPDATE ... FROM over the temporary tables of
`import_match`, inside the import's one transaction. Before a record is changed its row is
copied to `<module>_prev` (and a sales order's lines to `salesorder_items_prev`) so that `undo`
can put it back. Created records carry the batch in their `batch_id` column, which is how undo
finds them (a million creates need no second list); `kf_batch_rows` names the records the batch
updated or merged, and the related records it created. A matched record whose values would not change is not rewritten nor logged, like
`Store.update`.
"""

from __future__ import annotations

from datetime import datetime

from kafinea_tui.data.import_match import RECS, ROWS, Context
from kafinea_tui.data.schema import LINE_ITEMS_TABLE, FieldType, Module
from kafinea_tui.data.store import log_changes
from kafinea_tui.data.values import Params

UPD = "kf_upd"


def create_related(ctx: Context, batch: int | None, now: datetime, source: str) -> int:
    """Create the missing records named by reference columns (with their key, and the same text
    in the related module's other mandatory text fields so they are never empty), and point the
    reference tables at them. Returns how many were (or, in a dry run, would be) created."""
    cur = ctx.cur
    total = 0
    for ref in ctx.refs:
        row = cur.execute(f"SELECT count(*) FROM {ref.table} WHERE n = 0").fetchone()
        missing = int(row[0]) if row else 0
        total += missing
        if not missing or ctx.dry_run or not ctx.create_related:
            continue
        related = ref.related
        key_field = related.field(ref.key)
        fill = [
            f.name
            for f in related.columns
            if f.name != key_field.name
            and f.mandatory
            and f.type in (FieldType.TEXT, FieldType.TEXTAREA)
        ]
        names = [key_field.name, *fill]
        value = f"TRY_CAST(k AS {key_field.sql_type})"
        cur.execute(
            f"INSERT INTO {related.table} (id, created_at, modified_at, batch_id,"
            f" {', '.join(names)}) SELECT nextval('{related.table}_id_seq'), ?, ?, ?,"
            f" {', '.join(value for _ in names)} FROM {ref.table} WHERE n = 0",
            [now, now, batch],
        )
        new_ids = (
            f"SELECT id FROM {related.table} WHERE batch_id = ? AND id NOT IN"
            " (SELECT record_id FROM kf_batch_rows WHERE batch_id = ? AND module = ?)"
        )
        params = [batch, batch, related.name]
        log_changes(cur, related.name, new_ids, "create", source, batch, names, params)
        cur.execute(
            f"INSERT INTO kf_batch_rows SELECT ?, ?, id, 'related' FROM ({new_ids})",
            [batch, related.name, *params],
        )
        cur.execute(
            f"UPDATE {ref.table} SET id = r.id, n = 1 FROM {related.table} r"
            f" WHERE {ref.table}.n = 0 AND r.batch_id = ?"
            f" AND lower(trim(CAST(r.{key_field.name} AS VARCHAR))) = {ref.table}.lk",
            [batch],
        )
    return total


def _value_sql(ctx: Context, module: Module, params: Params, mode: str) -> dict[str, str]:
    """Column -> SQL of its new value, for the columns this import sets (`c` = kf_recs row,
    `m` = the matched record). Unmapped fields are absent, so they are never touched."""
    result: dict[str, str] = {}
    mapped = {t.field.name: t for t in ctx.record_targets}
    for f in module.columns:
        default = params.add(ctx.defaults[f.name]) if f.name in ctx.defaults else None
        typed_default = f"CAST({default} AS {f.sql_type})" if default else None
        if f.name in mapped:
            value = f"c.{mapped[f.name].sql_name}"
            if mode == "merge":
                parts = [value, f"m.{f.name}"] + ([typed_default] if typed_default else [])
                result[f.name] = f"coalesce({', '.join(parts)})"
            else:
                result[f.name] = f"coalesce({value}, {typed_default})" if typed_default else value
        elif typed_default:
            result[f.name] = (
                typed_default if mode == "create" else (f"coalesce(m.{f.name}, {typed_default})")
            )
    return result


def write_records(ctx: Context, batch: int | None, now: datetime, source: str) -> None:
    cur, module = ctx.cur, ctx.module
    params = Params()
    created = _value_sql(ctx, module, params, "create")
    names = list(created)
    batch_p, now_p = params.add(batch), params.add(now)
    new_id = "c.id" if ctx.grouped else f"nextval('{module.table}_id_seq')"
    cur.execute(
        f"INSERT INTO {module.table} (id, created_at, modified_at, batch_id"
        f"{''.join(', ' + n for n in names)}) SELECT {new_id}, {now_p}, {now_p}, {batch_p}"
        f"{''.join(', ' + created[n] for n in names)} FROM {RECS} c WHERE c.action = 'create'",
        params.values,
    )
    mapped_fields = [t.field.name for t in ctx.targets if not t.is_item] + (
        ["items"] if ctx.item_targets else []
    )
    # Every record of the module with this batch id was created by this import.
    created_ids = f"SELECT id FROM {module.table} WHERE batch_id = ?"
    # Creates are logged without a field list (NULL: every field of a new record is new); a
    # list per row would cost more than the insert itself on a million rows.
    log_changes(cur, module.name, created_ids, "create", source, batch, None, [batch])
    ctx.cur.execute(f"DROP TABLE IF EXISTS {UPD}")
    _update_matched(ctx, batch, now, source, mapped_fields)
    if ctx.item_targets:
        _write_items(ctx, batch)


def _update_matched(
    ctx: Context, batch: int | None, now: datetime, source: str, fields: list[str]
) -> None:
    cur, module = ctx.cur, ctx.module
    row = cur.execute(f"SELECT count(*) FROM {RECS} WHERE action <> 'create'").fetchone()
    if not row or not row[0]:
        return
    params = Params()
    overwrite = _value_sql(ctx, module, params, "overwrite")
    merge = _value_sql(ctx, module, params, "merge")
    names = list(overwrite)
    new_values = [
        f"CASE WHEN c.action = 'merge' THEN {merge[n]} ELSE {overwrite[n]} END AS n_{n}"
        for n in names
    ]
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
    row = ctx.cur.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND temporary", [UPD]
    ).fetchone()
    return bool(row and row[0])


def _item_orders(ctx: Context) -> None:
    """Orders of this import that get line items from the file (their lines are replaced)."""
    product = next(t for t in ctx.item_targets if t.field.name == "product")
    ctx.cur.execute(
        f"CREATE OR REPLACE TEMP TABLE kf_item_orders AS SELECT DISTINCT c.id AS mk_id"
        f" FROM {RECS} c JOIN {ROWS} r ON r.mk = c.mk"
        f" WHERE r.{product.sql_name} IS NOT NULL AND r.rn NOT IN (SELECT rn FROM kf_fail)"
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
        f" WHERE r.{items['product']} IS NOT NULL AND r.rn NOT IN (SELECT rn FROM kf_fail)"
    )
