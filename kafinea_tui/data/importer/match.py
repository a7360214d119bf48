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

A sales order is one record spread over several rows, so it is written whole or not at all:
when one of its rows fails, every other row of it fails too, naming the failed one by its place
among the order's rows ("row 2 of this order failed: ..."), so the failed rows' CSV holds the
whole order to fix and import again. A sales-order row whose order columns are all empty and
whose line item columns are not (how Odoo exports an order's other lines) continues the order
on the row above it: it is read as if it repeated that row's order cells (`kf_cont`).
Everything is a handful of set statements; nothing loops over rows.
"""

from __future__ import annotations

import re

import duckdb

from kafinea_tui.data.importer import rules
from kafinea_tui.data.importer.context import CONTINUED, FAIL, RECS, ROWS, TYPED, Context
from kafinea_tui.data.importer.group import build_grouped
from kafinea_tui.data.importer.mapping import Target
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
from kafinea_tui.data.store.order_totals import ORDERS
from kafinea_tui.data.store.results import first_row
from kafinea_tui.data.values import clean_sql

# The sentences of a sales order's rows, which only the file importer says (a posted order is one
# object: it fails as one, with its own reason). `row` is the failed row's place in the order.
ORDER_ROW_FAILED = "row {row} of this order failed: {reason}"
LINE_WITHOUT_ORDER = "this row holds only a line item, and no order is on a row above it"
LINE_OF_KEYLESS_ORDER = "this row holds only a line item, and the order above it has no {fields}"
_OWING = re.compile(
    "|".join(
        re.sub(r"\\\{\w+\\\}", ".*", re.escape(t))
        for t in (ORDER_ROW_FAILED, LINE_WITHOUT_ORDER, LINE_OF_KEYLESS_ORDER)
    ),
    re.DOTALL,
)


def owed_to_another_row(reason: str) -> bool:
    """Whether a failed row's reason is one of the sentences above, which a sales-order row
    gets because of another row of the file (the row path, whose order is one object, has
    that object's own reason to give instead)."""
    return _OWING.fullmatch(reason) is not None


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
    orders = ctx.module.name == ORDERS
    continued = orders and _continued_rows(ctx)
    select = ["t.rn"]
    joins: list[str] = []
    err_col = ["t.err_col"]
    err_reason = ["t.err_reason"]
    key = key_sql([_match_column(ctx, m) for m in match_fields(ctx)])
    if continued:
        # A line-only row needs an order above it, and one with a key to join it by.
        fields = match_fields(ctx)
        column = params.add(_column_label(ctx, fields[0]))
        labels = ", ".join(ctx.module.field(m).label for m in fields)
        keyless = rules.reason(LINE_OF_KEYLESS_ORDER, fields=labels)
        for condition, text in (
            ("t.kf_line AND t.kf_anchor IS NULL", params.add(LINE_WITHOUT_ORDER)),
            (f"t.kf_line AND t.kf_anchor IS NOT NULL AND {key} IS NULL", params.add(keyless)),
        ):
            err_col.append(f"CASE WHEN {condition} THEN {column} END")
            err_reason.append(f"CASE WHEN {condition} THEN {text} END")
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
        select.append(f"{key} AS mk")
    else:
        select.append("NULL::VARCHAR AS mk")
    if orders:
        select.append("coalesce(t.kf_anchor, t.rn) AS orn" if continued else "t.rn AS orn")
    select.append(f"coalesce({', '.join(err_col)}) AS err_col")
    select.append(f"coalesce({', '.join(err_reason)}) AS err_reason")
    # A view, not a copy of the file: the joins are to the small reference tables, and each
    # statement reading kf_rows streams it from the staged table.
    drop_temp(ctx.cur, ROWS)
    source = _continued_source(ctx) if continued else TYPED
    ctx.cur.execute(
        f"CREATE TEMP VIEW {ROWS} AS SELECT {', '.join(select)} FROM {source} t {' '.join(joins)}"
    )
    ctx.cur.execute(f"DROP TABLE IF EXISTS {FAIL}")
    ctx.cur.execute(
        f"CREATE TEMP TABLE {FAIL} AS SELECT rn, err_col AS col, err_reason AS reason"
        f" FROM {ROWS} WHERE err_reason IS NOT NULL"
    )


def _cell_empty(target: Target) -> str:
    """SQL: the file's cell of a mapped target (kf_typed `t`) holds nothing but spaces. A cell
    whose typed value is its text is NULL in `c<n>` (`validate.typed_query`), its value not; a
    reference's typed column holds its default where the cell is empty."""
    text = f"{clean_sql(f't.c{target.index}')} IS NULL"
    if target.is_reference and target.default is not None:
        return text
    return f"({text} AND t.{target.sql_name} IS NULL)"


def _continued_rows(ctx: Context) -> bool:
    """`kf_cont`: the line-only rows of a sales-order file (every mapped order cell empty, a line
    item cell not), each with the row that starts its order (the last other row above it; NULL
    when there is none) and that row's order values. False, and no table, when there are none:
    the common file pays one scan, an Odoo export one window over the rows."""
    cur = ctx.cur
    cur.execute(f"DROP TABLE IF EXISTS {CONTINUED}")
    cells = [t for t in ctx.record_targets if t.index is not None]
    items = [t for t in ctx.item_targets if t.index is not None]
    if not cells or not items:
        return False
    line = (
        f"{' AND '.join(_cell_empty(t) for t in cells)}"
        f" AND NOT ({' AND '.join(_cell_empty(t) for t in items)})"
    )
    if not cur.execute(f"SELECT 1 FROM {TYPED} t WHERE {line} LIMIT 1").fetchall():
        return False
    names = ["rn", *(t.sql_name for t in ctx.record_targets)]
    anchor = f"struct_pack({', '.join(f'{n} := {n}' for n in names)})"
    values = "".join(f", struct_extract(a, '{n}') AS {n}" for n in names[1:])
    cur.execute(
        f"CREATE TEMP TABLE {CONTINUED} AS SELECT rn, struct_extract(a, 'rn') AS anchor{values}"
        f" FROM (SELECT rn, line, last_value(CASE WHEN NOT line THEN {anchor} END IGNORE NULLS)"
        " OVER (ORDER BY rn ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS a"
        f" FROM (SELECT {', '.join('t.' + n for n in names)}, {line} AS line FROM {TYPED} t))"
        " WHERE line"
    )
    return True


def _continued_source(ctx: Context) -> str:
    """kf_typed with each line-only row's order values taken from the row that starts its order
    (`kf_line`, `kf_anchor` say which rows and which row), as if it repeated them."""
    names = [t.sql_name for t in ctx.record_targets]
    replaced = ", ".join(f"CASE WHEN k.rn IS NULL THEN t.{n} ELSE k.{n} END AS {n}" for n in names)
    return (
        f"(SELECT t.* REPLACE ({replaced}), k.rn IS NOT NULL AS kf_line, k.anchor AS kf_anchor"
        f" FROM {TYPED} t LEFT JOIN {CONTINUED} k ON k.rn = t.rn)"
    )


def _column_label(ctx: Context, name: str) -> str:
    for target in ctx.targets:
        if target.name == name and target.index is not None:
            return target.column or target.field.label
    return ctx.module.field(name).label


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
    if ctx.module.name == ORDERS:
        _check_items(ctx)
        _fail_whole_orders(ctx)


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


def _fail_whole_orders(ctx: Context) -> None:
    """A sales order is written whole or not at all: every row of an order with a failed row
    fails too, naming the first failed row by its place among the order's rows, and the
    order's record is dropped. An order is its rows' key (`mk`), or a keyless row and the
    line-only rows below it (`orn`)."""
    cur = ctx.cur
    row = first_row(cur.execute(f"SELECT count(*) FROM {FAIL}"))
    if not row or not row[0]:
        return
    cur.execute(
        "CREATE OR REPLACE TEMP TABLE kf_failed_orders AS SELECT r.mk,"
        " CASE WHEN r.mk IS NULL THEN r.orn END AS orn, min(f.rn) AS frn,"
        " arg_min(struct_pack(col := f.col, reason := f.reason), f.rn) AS why"
        f" FROM {FAIL} f JOIN {ROWS} r ON r.rn = f.rn GROUP BY ALL"
    )
    why = "CASE WHEN why.col IS NULL THEN why.reason ELSE concat(why.col, ': ', why.reason) END"
    text = reason_sql(ORDER_ROW_FAILED, row="place", reason=why)
    cur.execute(
        f"INSERT INTO {FAIL} SELECT rn, NULL, {text} FROM (SELECT r.rn, o.why,"
        " count(*) FILTER (WHERE r.rn <= o.frn) OVER (PARTITION BY o.mk, o.orn) AS place"
        f" FROM {ROWS} r JOIN kf_failed_orders o ON r.mk IS NOT DISTINCT FROM o.mk"
        " AND (CASE WHEN r.mk IS NULL THEN r.orn END) IS NOT DISTINCT FROM o.orn)"
        f" WHERE rn NOT IN (SELECT rn FROM {FAIL})"
    )
    cur.execute(f"DELETE FROM {RECS} c USING kf_failed_orders o WHERE c.mk = o.mk")
    cur.execute(
        f"DELETE FROM {RECS} c USING kf_failed_orders o"
        " WHERE c.mk IS NULL AND o.mk IS NULL AND c.first_rn = o.orn"
    )
    cur.execute("DROP TABLE kf_failed_orders")
