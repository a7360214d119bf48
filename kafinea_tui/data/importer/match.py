"""Matching, the import's step after typing: rows -> records, duplicates matched, rules checked.

- `kf_rows`: a view, one row per staged row, references replaced by ids, `mk` the match key
  (match fields lower-cased and trimmed, NULL when one is empty), the value errors so far.
- `kf_recs`: one row per record to write: `action` create / update / merge, `id` (the matched
  record; a new record's id is given when writing), `mk`, `first_rn` and the record's values.
  Rows of one file with the same key are one record, applied in file order: the last row's
  values under overwrite, the first row's under ignore, each field's last non-empty value under
  merge and for a new sales order's lines; match fields keep the first row's spelling (a matched
  record's are not rewritten). Grouping and matching are in `group`; when the file names each
  record once, `kf_recs` is a view of the narrow `kf_ids` (`Context.ids_table`) and leaves out
  the rows of `kf_fail`.
- `kf_fail(rn, col, reason)`: every row that fails, with the first reason.
Everything is a handful of set statements; nothing loops over rows.
"""

from __future__ import annotations

import duckdb

from kafinea_tui.data.importer import rules
from kafinea_tui.data.importer.context import FAIL, RECS, ROWS, TYPED, Context
from kafinea_tui.data.importer.group import build_grouped
from kafinea_tui.data.importer.rules import (
    ITEM_NEEDS_PRODUCT,
    MANDATORY_ABSENT,
    MANDATORY_EMPTY,
    REF_AMBIGUOUS,
    REF_MISSING,
    REF_UNFIT,
    UNIQUE_REPEATED,
    UNIQUE_TAKEN,
    reason_sql,
)
from kafinea_tui.data.importer.sql import drop_temp, key_sql, lit
from kafinea_tui.data.store.results import first_row


class Texts:
    """Texts for a view (which cannot take parameters): kept in a temp table, read back by an
    uncorrelated subquery, so a header from the file never becomes SQL text."""

    def __init__(self, cur: duckdb.DuckDBPyConnection) -> None:
        self.cur = cur
        self.values: dict[str, object] = {}
        cur.execute("CREATE OR REPLACE TEMP TABLE kf_texts (name VARCHAR, text VARCHAR)")

    def add(self, text: str) -> str:
        name = f"t{len(self.values)}"
        self.values[name] = text
        self.cur.execute("INSERT INTO kf_texts VALUES (?, ?)", [name, text])
        return f"(SELECT text FROM kf_texts WHERE name = '{name}')"


def build_rows(ctx: Context) -> None:
    """kf_typed joined to the resolved references: ids in place of keys, match key, failures."""
    params = Texts(ctx.cur)
    select = ["t.rn"]
    joins: list[str] = []
    err_col = ["t.err_col"]
    err_reason = ["t.err_reason"]
    by_target = {r.target.name: (i, r) for i, r in enumerate(ctx.refs)}
    for target in ctx.targets:
        col = target.sql_name
        if target.name in by_target:
            i, ref = by_target[target.name]
            joins.append(f"LEFT JOIN {ref.table} r{i} ON r{i}.lk = lower(t.{col})")
            select.append(f"r{i}.id AS {col}")
            label = params.add(target.column or target.field.label)
            related = params.add(ref.related.label)
            key_label = params.add(ref.related.field(ref.key).label)
            ambiguous = f"t.{col} IS NOT NULL AND r{i}.n > 1"
            err_col.append(f"CASE WHEN {ambiguous} THEN {label} END")
            text = reason_sql(
                REF_AMBIGUOUS, related=related, key=key_label, value=f"t.{col}", ids=f"r{i}.ids"
            )
            err_reason.append(f"CASE WHEN {ambiguous} THEN {text} END")
            if not ctx.create_related:
                missing = f"t.{col} IS NOT NULL AND r{i}.n = 0"
                err_col.append(f"CASE WHEN {missing} THEN {label} END")
                text = reason_sql(REF_MISSING, related=related, key=key_label, value=f"t.{col}")
                err_reason.append(f"CASE WHEN {missing} THEN {text} END")
            else:
                unfit = f"t.{col} IS NOT NULL AND r{i}.unfit IS NOT NULL"
                err_col.append(f"CASE WHEN {unfit} THEN {label} END")
                text = reason_sql(
                    REF_UNFIT, related=related, key=key_label, value=f"t.{col}", why=f"r{i}.unfit"
                )
                err_reason.append(f"CASE WHEN {unfit} THEN {text} END")
        elif target.index is not None:
            select.append(f"t.{col}")
    if ctx.grouped:
        select.append(f"{key_sql([_match_column(ctx, m) for m in match_fields(ctx)])} AS mk")
    else:
        select.append("NULL::VARCHAR AS mk")
    select.append(f"coalesce({', '.join(err_col)}) AS err_col")
    select.append(f"coalesce({', '.join(err_reason)}) AS err_reason")
    # A view, not a copy of the file: the joins are to the small reference tables, and each
    # statement reading kf_rows streams it from the staged table.
    drop_temp(ctx.cur, ROWS)
    ctx.cur.execute(
        f"CREATE TEMP VIEW {ROWS} AS SELECT {', '.join(select)} FROM {TYPED} t {' '.join(joins)}"
    )
    ctx.cur.execute(f"DROP TABLE IF EXISTS {FAIL}")
    ctx.cur.execute(
        f"CREATE TEMP TABLE {FAIL} AS SELECT rn, err_col AS col, err_reason AS reason"
        f" FROM {ROWS} WHERE err_reason IS NOT NULL"
    )


def match_fields(ctx: Context) -> list[str]:
    """The fields rows are matched on: the plan's, else the module's key."""
    if ctx.match:
        return ctx.match
    return [ctx.module.key]


def _match_column(ctx: Context, name: str) -> str:
    for target in ctx.targets:
        if target.name == name and target.index is not None:
            return target.sql_name
    return "NULL"


def build_records(ctx: Context) -> None:
    """kf_recs: the records this import writes, one per group (or per row without matching)."""
    cur = ctx.cur
    value_cols = "".join(f", {t.sql_name}" for t in ctx.record_targets)
    drop_temp(cur, RECS)
    if not ctx.grouped:
        # Ids are given when writing (from `rn`), failed rows drop out by kf_fail.
        cur.execute(
            f"CREATE TEMP VIEW {RECS} AS SELECT 'create' AS action, NULL::BIGINT AS id, mk,"
            f" rn AS first_rn{value_cols} FROM {ROWS}"
            f" WHERE err_reason IS NULL AND rn NOT IN (SELECT rn FROM {FAIL})"
        )
        return
    # New records get their ids when writing (`create`), once the checks are done.
    build_grouped(ctx, ROWS, RECS, FAIL, match_fields(ctx))


def check_records(ctx: Context) -> None:
    """Mandatory fields after defaults, and unique fields, per record; failures to kf_fail."""
    cur, module = ctx.cur, ctx.module
    by_field = {t.field.name: t for t in ctx.record_targets}
    rows_of = _rows_of_record_sql(ctx)
    for f in module.columns:
        if f.mandatory and f.name not in ctx.defaults:
            target = by_field.get(f.name)
            value = target.sql_name if target else "NULL"
            applies = "action = 'create'" if target is None else "action IN ('create', 'update')"
            reason = rules.reason(MANDATORY_EMPTY if target else MANDATORY_ABSENT, field=f.label)
            _fail_records(
                ctx,
                f"{applies} AND {value} IS NULL",
                (target.column or f.label) if target else f.label,
                reason,
                rows_of,
            )
        if f.unique and f.name in by_field:
            target = by_field[f.name]
            col = target.sql_name
            key = f"lower(trim(CAST({col} AS VARCHAR)))"
            db_key = f"lower(trim(CAST(m.{f.name} AS VARCHAR)))"
            taken = reason_sql(
                UNIQUE_TAKEN,
                field=lit(f.label),
                value=f"c.{col}",
                module=lit(module.label),
                id="min(m.id)",
            )
            repeated = reason_sql(UNIQUE_REPEATED, field=lit(f.label), value=col)
            cur.execute(
                f"CREATE OR REPLACE TEMP TABLE kf_bad AS SELECT c.mk, c.first_rn, {taken}"
                f" AS reason FROM {RECS} c JOIN {module.table} m ON {db_key} = {key}"
                f" AND m.id IS DISTINCT FROM c.id WHERE c.{col} IS NOT NULL"
                " GROUP BY c.mk, c.first_rn, c."
                + col
                + f" UNION ALL SELECT mk, first_rn, {repeated} FROM (SELECT mk, first_rn,"
                f" {col}, row_number() OVER (PARTITION BY {key} ORDER BY first_rn) AS k"
                f" FROM {RECS} WHERE {col} IS NOT NULL) WHERE k > 1"
            )
            _fail_bad(ctx, target.column or f.label, rows_of)
    if ctx.module.name == "salesorders":
        _check_items(ctx)


def _rows_of_record_sql(ctx: Context) -> str:
    """SQL joining kf_bad(mk, first_rn, reason) to the rows of those records."""
    return (
        f"SELECT r.rn, b.reason FROM kf_bad b JOIN {ROWS} r ON r.mk = b.mk"
        f" WHERE r.err_reason IS NULL AND r.rn NOT IN (SELECT rn FROM {FAIL})"
        f" UNION ALL SELECT r.rn, b.reason FROM kf_bad b JOIN {ROWS} r ON r.rn = b.first_rn"
        f" WHERE b.mk IS NULL AND r.err_reason IS NULL AND r.rn NOT IN (SELECT rn FROM {FAIL})"
    )


def _fail_records(ctx: Context, condition: str, column: str, reason: str, rows_of: str) -> None:
    ctx.cur.execute(
        f"CREATE OR REPLACE TEMP TABLE kf_bad AS SELECT mk, first_rn, ? AS reason FROM {RECS}"
        f" WHERE {condition}",
        [reason],
    )
    _fail_bad(ctx, column, rows_of)


def _fail_bad(ctx: Context, column: str, rows_of: str) -> None:
    cur = ctx.cur
    row = first_row(cur.execute("SELECT count(*) FROM kf_bad"))
    if not row or not row[0]:
        return
    cur.execute(f"INSERT INTO {FAIL} SELECT rn, ?, reason FROM ({rows_of})", [column])
    if ctx.ids_table != RECS or not ctx.grouped:
        return  # kf_recs is a view that leaves out the rows of kf_fail
    cur.execute(f"DELETE FROM {RECS} c USING kf_bad b WHERE c.mk = b.mk")
    cur.execute(
        f"DELETE FROM {RECS} c USING kf_bad b WHERE b.mk IS NULL AND c.first_rn = b.first_rn"
    )


def _check_items(ctx: Context) -> None:
    """A line item needs a product; quantity and price are optional."""
    product = next((t for t in ctx.item_targets if t.field.name == "product"), None)
    others = [t for t in ctx.item_targets if t.field.name != "product"]
    if product is None or not others:
        return
    has_other = " OR ".join(f"r.{t.sql_name} IS NOT NULL" for t in others)
    ctx.cur.execute(
        f"INSERT INTO {FAIL} SELECT r.rn, ?, {lit(ITEM_NEEDS_PRODUCT)} FROM {ROWS} r"
        # The product's key as read (kf_typed), not its id: a product a dry run would create
        # has no id yet, and the dry run must report what the run does.
        f" WHERE r.err_reason IS NULL AND ({has_other}) AND r.rn IN"
        f" (SELECT rn FROM {TYPED} WHERE {product.sql_name} IS NULL)"
        f" AND r.rn NOT IN (SELECT rn FROM {FAIL})",
        [product.column or "items.product"],
    )
