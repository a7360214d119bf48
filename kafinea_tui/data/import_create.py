"""Writing an import's new records: ids in file order, appended in id order, logged as creates.

Public names: `insert_created(ctx, batch, now, source)`, `value_sql(ctx, module, params, mode)`,
`KEEP`.

Why it is written this way:

- Ids come from a range reserved in one step (`record_ids`), not from `nextval()` per row, which
  was the largest single cost of a first import. Without duplicates a record's id is
  `first + rn` (its row's position in the file; a failed row leaves its id unused); with
  duplicates the new records are numbered densely by their first row.
- The table's physical order must be the id order: the exporter writes a whole table without
  `ORDER BY id` when DuckDB scans it in order (`export_lookup`). A hash join (references, the
  failed rows) does not keep order, so the plain path first builds `kf_keep`, one narrow row
  per staged row in `rn` order (reference ids and whether the row is written; the only sort is
  of these few columns), and inserts from the staged rows `POSITIONAL JOIN kf_keep`: two scans
  read side by side by one thread, in file order. The grouped path inserts its new records
  `ORDER BY id` (a sort of the created records only, usually few of them on a re-import).
- The change log of the creates takes cursors from a reserved range too, computed from the ids,
  without reading the module's table back.
"""

from __future__ import annotations

from datetime import datetime

from kafinea_tui.data.import_match import FAIL, RECS, ROWS, Context
from kafinea_tui.data.import_settings import ordered
from kafinea_tui.data.import_validate import TYPED
from kafinea_tui.data.record_ids import reserve_cursors, reserve_ids
from kafinea_tui.data.schema import Module
from kafinea_tui.data.store import utc_now
from kafinea_tui.data.values import Params

KEEP = "kf_keep"


def value_sql(ctx: Context, module: Module, params: Params, mode: str) -> dict[str, str]:
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
    refs = [t.sql_name for t in ctx.record_targets if t.is_reference]
    cur.execute(f"DROP TABLE IF EXISTS {KEEP}")
    with ordered(cur):
        cur.execute(
            f"CREATE TEMP TABLE {KEEP} AS SELECT rn{''.join(', ' + r for r in refs)},"
            f" err_reason IS NULL AND rn NOT IN (SELECT rn FROM {FAIL}) AS ok"
            f" FROM {ROWS} ORDER BY rn"
        )
    row = cur.execute(f"SELECT count(*) FILTER (ok), count(*), max(rn) FROM {KEEP}").fetchone()
    created, rows, last = (int(v or 0) for v in row) if row else (0, 0, 0)
    if not created:
        return
    if rows != last + 1:  # the POSITIONAL JOIN pairs row i of the file with row i of kf_keep
        raise RuntimeError(f"staged rows are numbered 0..{last}, not 0..{rows - 1}")
    first = reserve_ids(cur, ctx.module.table, rows)
    cells = "".join(
        f", k.{t.sql_name}" if t.is_reference else f", t.{t.sql_name}" for t in ctx.record_targets
    )
    params = Params()
    sql = _insert_sql(ctx, params, batch, now, f"{first} + c.rn")
    with ordered(cur):
        cur.execute(
            f"{sql} FROM (SELECT t.rn{cells} FROM {TYPED} t POSITIONAL JOIN {KEEP} k WHERE k.ok) c",
            params.values,
        )
    _log_creates(
        ctx, f"SELECT rn AS k, {first} + rn AS id FROM {KEEP} WHERE ok", rows, batch, source
    )


def _insert_grouped(ctx: Context, batch: int | None, now: datetime, source: str) -> None:
    cur = ctx.cur
    row = cur.execute(f"SELECT count(*) FROM {RECS} WHERE action = 'create'").fetchone()
    created = int(row[0]) if row else 0
    if not created:
        return
    first = reserve_ids(cur, ctx.module.table, created)
    # Dense ids in the order of each record's first row (a sort of one column).
    cur.execute(
        f"UPDATE {RECS} SET id = {first} - 1 + x.k FROM (SELECT first_rn,"
        f" row_number() OVER (ORDER BY first_rn) AS k FROM {RECS} WHERE action = 'create') x"
        f" WHERE {RECS}.first_rn = x.first_rn AND {RECS}.action = 'create'"
    )
    params = Params()
    sql = _insert_sql(ctx, params, batch, now, "c.id")
    with ordered(cur):
        cur.execute(f"{sql} FROM {RECS} c WHERE c.action = 'create' ORDER BY c.id", params.values)
    ids = f"SELECT id - {first} AS k, id FROM {RECS} WHERE action = 'create'"
    _log_creates(ctx, ids, created, batch, source)


def _log_creates(ctx: Context, ids_sql: str, count: int, batch: int | None, source: str) -> None:
    """Log the creates named by `ids_sql` (columns `k`, 0 <= k < count, and `id`), cursor
    `first cursor + k`. Creates carry no field list (NULL: every field of a new record is new);
    a list per row would cost more than the insert itself on a million rows."""
    cursor = reserve_cursors(ctx.cur, count)
    ctx.cur.execute(
        "INSERT INTO kf_changes (cursor, changed_at, module, record_id, op, source, batch_id,"
        f" fields) SELECT {cursor} + q.k, ?, ?, q.id, 'create', ?, ?, NULL FROM ({ids_sql}) q",
        [utc_now(), ctx.module.name, source, batch],
    )
