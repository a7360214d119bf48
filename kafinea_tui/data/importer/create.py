"""Writing an import's new records: ids in file order, appended in id order, logged as creates.

Why it is written this way:

- Ids come from a range reserved in one step (`record_ids`), not from `nextval()` per row, which
  was the largest single cost of a first import. Without duplicates a record's id is
  `first + rn` (its row's position in the file; a failed row leaves its id unused); with
  duplicates the new records are numbered densely by their first row.
- The table's physical order must be the id order: the exporter writes a whole table without
  `ORDER BY id` when DuckDB scans it in order (`exporter.lookup`). The plain path inserts from a
  SELECT that keeps the file's order without a join (`ordered_rows`), with
  `preserve_insertion_order` on for that statement. The grouped path inserts its new records
  `ORDER BY id` (a sort of the created records only, usually few of them on a re-import).
- The change log of the creates is one set entry (`change_log.log_id_set`): one row when the ids
  are contiguous, without reading the module's table back.
"""

from __future__ import annotations

from datetime import datetime

from kafinea_tui.data.importer.context import FAIL, RECS, TYPED, Context
from kafinea_tui.data.importer.duckdb_settings import ordered
from kafinea_tui.data.importer.match import match_fields
from kafinea_tui.data.importer.ordered_rows import drop_ordered_rows, ordered_rows
from kafinea_tui.data.schema import Module
from kafinea_tui.data.store.change_log import log_id_set
from kafinea_tui.data.store.record_ids import reserve_ids
from kafinea_tui.data.store.results import first_row
from kafinea_tui.data.values import Params


def value_sql(ctx: Context, module: Module, params: Params, mode: str) -> dict[str, str]:
    """Column -> SQL of its new value, for the columns this import sets (`c` = kf_recs row,
    `m` = the matched record). Unmapped fields are absent, so they are never touched, and so
    are a matched record's match fields."""
    result: dict[str, str] = {}
    mapped = {t.field.name: t for t in ctx.record_targets}
    # A matched record keeps its match fields: the file's value equals it but for case and
    # surrounding spaces, which are the stored record's to keep.
    kept = set(match_fields(ctx)) if mode != "create" else set()
    for f in module.columns:
        if f.name in kept:
            continue
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


def insert_created(ctx: Context, batch: int | None, now: datetime, source: str) -> None:
    """Insert the records this import creates (in id order) and log them as creates."""
    if ctx.grouped:
        _insert_grouped(ctx, batch, now, source)
    else:
        _insert_plain(ctx, batch, now, source)


def _insert_sql(ctx: Context, params: Params, batch: int | None, now: datetime, new_id: str) -> str:
    """`INSERT INTO <table> (...) SELECT <new_id>, ...` over a source the caller appends,
    aliased `c`."""
    created = value_sql(ctx, ctx.module, params, "create")
    batch_p, now_p = params.add(batch), params.add(now)
    names = "".join(", " + n for n in created)
    values = "".join(", " + v for v in created.values())
    return (
        f"INSERT INTO {ctx.module.table} (id, created_at, modified_at, batch_id{names})"
        f" SELECT {new_id}, {now_p}, {now_p}, {batch_p}{values}"
    )


def _insert_plain(ctx: Context, batch: int | None, now: datetime, source: str) -> None:
    cur = ctx.cur
    row = first_row(
        cur.execute(
            f"SELECT count(*), max(rn), (SELECT count(DISTINCT rn) FROM {FAIL}) FROM {TYPED}"
        )
    )
    rows, last, failed = (int(v or 0) for v in row) if row else (0, 0, 0)
    if failed >= rows:
        return
    if rows != last + 1:  # ids are first + rn: rn must stay within the reserved range
        raise RuntimeError(f"staged rows are numbered 0..{last}, not 0..{rows - 1}")
    rows_sql, rows_params = ordered_rows(ctx)
    first = reserve_ids(cur, ctx.module.table, rows)
    params = Params()
    sql = _insert_sql(ctx, params, batch, now, f"{first} + c.rn")
    with ordered(cur):
        cur.execute(f"{sql} FROM ({rows_sql}) c", {**params.values, **rows_params})
    ids = f"SELECT rn AS k, {first} + rn AS id FROM ({rows_sql})"
    _log_creates(ctx, ids, batch, source, rows_params)
    drop_ordered_rows(cur, ctx)


def _insert_grouped(ctx: Context, batch: int | None, now: datetime, source: str) -> None:
    cur = ctx.cur
    row = first_row(cur.execute(f"SELECT count(*) FROM {RECS} WHERE action = 'create'"))
    created = int(row[0]) if row else 0
    if not created:
        return
    first = reserve_ids(cur, ctx.module.table, created)
    # Dense ids in the order of each record's first row (a sort of one column).
    table = ctx.ids_table  # kf_recs, or the table kf_recs is a view of
    cur.execute(
        f"UPDATE {table} SET id = {first} - 1 + x.k FROM (SELECT first_rn,"
        f" row_number() OVER (ORDER BY first_rn) AS k FROM {RECS} WHERE action = 'create') x"
        f" WHERE {table}.first_rn = x.first_rn AND {table}.action = 'create'"
    )
    params = Params()
    sql = _insert_sql(ctx, params, batch, now, "c.id")
    with ordered(cur):
        cur.execute(f"{sql} FROM {RECS} c WHERE c.action = 'create' ORDER BY c.id", params.values)
    ids = f"SELECT id - {first} AS k, id FROM {RECS} WHERE action = 'create'"
    _log_creates(ctx, ids, batch, source)


def _log_creates(
    ctx: Context,
    ids_sql: str,
    batch: int | None,
    source: str,
    params: dict[str, object] | None = None,
) -> None:
    """Log the creates named by `ids_sql` (columns `k` and `id`) as one set of
    the change log (contiguous ids: one row). Creates carry no field list (NULL: every field of
    a new record is new)."""
    log_id_set(
        ctx.cur,
        ctx.module.name,
        f"SELECT id FROM ({ids_sql})",
        "create",
        source,
        batch,
        params=dict(params or {}),
    )
