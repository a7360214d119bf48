"""Step 2 of running an import: rows -> records, with duplicates matched and rules checked.

Public names: `Context`, `build_rows`, `build_records`, `check_records`, `FAIL`, `ROWS`, `RECS`.

- `kf_rows`: one row per staged row, references replaced by ids, `mk` the match key (match fields
  lower-cased and trimmed, NULL when one is empty), the value errors so far.
- `kf_recs`: one row per record to write: `action` create / update / merge, `id` (the matched
  record, or the new id), `mk`, `first_rn` and the record's values. Rows of one file with the same
  key are one record: the last row's values under overwrite, the first non-empty value of each
  field otherwise (merge fills gaps; sales-order lines repeat their order's fields).
- `kf_fail(rn, col, reason)`: every row that fails, with the first reason.
Everything is a handful of set statements; nothing loops over rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from kafinea_tui.data.import_mapping import Target
from kafinea_tui.data.import_plan import Duplicates
from kafinea_tui.data.import_validate import TYPED, RefTable
from kafinea_tui.data.schema import FieldType, Module

ROWS = "kf_rows"
RECS = "kf_recs"
FAIL = "kf_fail"
GROUPS = "kf_groups"


@dataclass
class Context:
    """What the steps of one import share."""

    cur: duckdb.DuckDBPyConnection
    module: Module
    targets: list[Target]
    duplicates: Duplicates | None
    match: list[str]
    create_related: bool
    dry_run: bool
    refs: list[RefTable] = field(default_factory=list)
    defaults: dict[str, object] = field(default_factory=dict)  # field name -> typed default

    @property
    def grouped(self) -> bool:
        """Rows are grouped by key when duplicates are matched, and always for sales orders."""
        return self.duplicates is not None or self.module.name == "salesorders"

    @property
    def record_targets(self) -> list[Target]:
        """Targets that are columns of kf_rows (mapped, or references fed by a default)."""
        return [
            t for t in self.targets if not t.is_item and (t.index is not None or t.is_reference)
        ]

    @property
    def item_targets(self) -> list[Target]:
        return [t for t in self.targets if t.is_item]


def _key_sql(columns: list[str]) -> str:
    parts = [f"lower(trim(CAST({c} AS VARCHAR)))" for c in columns]
    if len(parts) == 1:
        return parts[0]
    nulls = " OR ".join(f"{p} IS NULL" for p in parts)
    return f"CASE WHEN {nulls} THEN NULL ELSE concat_ws(chr(31), {', '.join(parts)}) END"


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
            err_reason.append(
                f"CASE WHEN {ambiguous} THEN concat('several ', {related}, ' have ', {key_label},"
                f" ' ''', t.{col}, ''' (ids ', r{i}.ids, '): which one is meant is not known') END"
            )
            if not ctx.create_related:
                missing = f"t.{col} IS NOT NULL AND r{i}.n = 0"
                err_col.append(f"CASE WHEN {missing} THEN {label} END")
                err_reason.append(
                    f"CASE WHEN {missing} THEN concat('no ', {related}, ' record has ',"
                    f" {key_label}, ' ''', t.{col}, '''') END"
                )
        elif target.index is not None:
            select.append(f"t.{col}")
    if ctx.grouped:
        select.append(f"{_key_sql([_match_column(ctx, m) for m in _match_fields(ctx)])} AS mk")
    else:
        select.append("NULL::VARCHAR AS mk")
    select.append(f"coalesce({', '.join(err_col)}) AS err_col")
    select.append(f"coalesce({', '.join(err_reason)}) AS err_reason")
    # Without grouping every row is its own record: a view saves a copy of the whole file.
    kind = "TABLE" if ctx.grouped else "VIEW"
    drop_temp(ctx.cur, ROWS)
    ctx.cur.execute(
        f"CREATE TEMP {kind} {ROWS} AS SELECT {', '.join(select)} FROM {TYPED} t {' '.join(joins)}"
    )
    ctx.cur.execute(f"DROP TABLE IF EXISTS {FAIL}")
    ctx.cur.execute(
        f"CREATE TEMP TABLE {FAIL} AS SELECT rn, err_col AS col, err_reason AS reason"
        f" FROM {ROWS} WHERE err_reason IS NOT NULL"
    )


def drop_temp(cur: duckdb.DuckDBPyConnection, name: str) -> None:
    """Drop a temporary table or view of a previous run on this cursor, whichever it is."""
    row = cur.execute(
        "SELECT count(*) FROM duckdb_views() WHERE view_name = ? AND temporary", [name]
    ).fetchone()
    cur.execute(f"DROP {'VIEW' if row and row[0] else 'TABLE'} IF EXISTS {name}")


def _match_fields(ctx: Context) -> list[str]:
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
    cur, module = ctx.cur, ctx.module
    fields = [t.sql_name for t in ctx.record_targets]
    value_cols = "".join(f", {c}" for c in fields)
    drop_temp(cur, RECS)
    if not ctx.grouped:
        # Ids are drawn when writing (nextval in the INSERT), failed rows drop out by kf_fail.
        cur.execute(
            f"CREATE TEMP VIEW {RECS} AS SELECT 'create' AS action, NULL::BIGINT AS id, mk,"
            f" rn AS first_rn{value_cols} FROM {ROWS}"
            f" WHERE err_reason IS NULL AND rn NOT IN (SELECT rn FROM {FAIL})"
        )
        return
    cur.execute(f"DROP TABLE IF EXISTS {GROUPS}")
    cur.execute(
        f"CREATE TEMP TABLE {GROUPS} AS SELECT mk, min(rn) AS first_rn, max(rn) AS last_rn,"
        f" count(*) AS n FROM {ROWS} WHERE err_reason IS NULL AND mk IS NOT NULL GROUP BY mk"
    )
    db_key = _key_sql([m for m in _match_fields(ctx)])
    if ctx.duplicates is not None:
        cur.execute(
            f"CREATE OR REPLACE TEMP TABLE kf_matches AS SELECT g.mk, min(m.id) AS id,"
            f" count(*) AS n, string_agg(CAST(m.id AS VARCHAR), ', ' ORDER BY m.id) AS ids"
            f" FROM {module.table} m JOIN {GROUPS} g ON {db_key} = g.mk GROUP BY g.mk"
        )
    else:
        cur.execute(
            "CREATE OR REPLACE TEMP TABLE kf_matches AS SELECT NULL::VARCHAR AS mk,"
            " NULL::BIGINT AS id, 0 AS n, NULL::VARCHAR AS ids WHERE false"
        )
    label = ", ".join(ctx.module.field(m).label for m in _match_fields(ctx))
    cur.execute(
        f"INSERT INTO {FAIL} SELECT r.rn, ?, concat('matches several {module.label} records"
        f" by ', ?, ' (ids ', x.ids, '); nothing was changed') FROM {ROWS} r"
        f" JOIN kf_matches x ON x.mk = r.mk WHERE x.n > 1 AND r.err_reason IS NULL",
        [label, label],
    )
    mode = ctx.duplicates.value if ctx.duplicates is not None else "create"
    action = {"overwrite": "update", "merge": "merge", "ignore": "skip", "create": "create"}[mode]
    # Values of each group: one row's for overwrite (the last) and ignore (the first); the first
    # non-empty value of each field otherwise. Single-row groups skip the aggregation.
    if mode in ("overwrite", "ignore"):
        pick = "last_rn" if mode == "overwrite" else "first_rn"
        grouped_values = (
            f"SELECT g.mk, g.first_rn{''.join(f', r.{c}' for c in fields)} FROM {GROUPS} g"
            f" JOIN {ROWS} r ON r.rn = g.{pick}"
        )
    else:
        aggregated = "".join(f", arg_min(r.{c}, r.rn) AS {c}" for c in fields)
        grouped_values = (
            f"SELECT g.mk, g.first_rn{''.join(f', r.{c}' for c in fields)} FROM {GROUPS} g"
            f" JOIN {ROWS} r ON r.rn = g.first_rn WHERE g.n = 1"
            f" UNION ALL SELECT r.mk, min(r.rn) AS first_rn{aggregated} FROM {ROWS} r"
            f" WHERE r.err_reason IS NULL AND r.mk IN (SELECT mk FROM {GROUPS} WHERE n > 1)"
            " GROUP BY r.mk"
        )
    new_id = "NULL::BIGINT" if ctx.dry_run else f"nextval('{module.table}_id_seq')"
    cur.execute(
        f"CREATE TEMP TABLE {RECS} AS SELECT CASE WHEN x.n = 1 THEN ? ELSE 'create' END"
        f" AS action, x.id AS id, v.mk, v.first_rn{''.join(f', v.{c}' for c in fields)}"
        f" FROM ({grouped_values}) v LEFT JOIN kf_matches x ON x.mk = v.mk"
        " WHERE x.n IS NULL OR x.n = 1"
        f" UNION ALL SELECT 'create', NULL, NULL, rn{value_cols} FROM {ROWS}"
        " WHERE err_reason IS NULL AND mk IS NULL",
        [action],
    )
    cur.execute(f"DELETE FROM {RECS} WHERE action = 'skip'")
    cur.execute(f"DROP TABLE IF EXISTS {GROUPS}")  # no longer needed: free its memory
    if not ctx.dry_run:
        # New ids follow the file's order (drawn in that order, so the setting must hold here).
        cur.execute("SET preserve_insertion_order = true")
        cur.execute(
            f"UPDATE {RECS} SET id = x.id FROM (SELECT first_rn, {new_id} AS id FROM"
            f" (SELECT first_rn FROM {RECS} WHERE action = 'create' ORDER BY first_rn)) x"
            f" WHERE {RECS}.first_rn = x.first_rn AND {RECS}.action = 'create'"
        )
        cur.execute("SET preserve_insertion_order = false")


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
            reason = f"{f.label} is mandatory and {'empty' if target else 'not in the file'}"
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
            cur.execute(
                f"CREATE OR REPLACE TEMP TABLE kf_bad AS SELECT c.mk, c.first_rn,"
                f" concat({_lit(f.label)}, ' ''', c.{col}, ''' already belongs to {module.label} ',"
                f" min(m.id)) AS reason FROM {RECS} c JOIN {module.table} m ON {db_key} = {key}"
                f" AND m.id IS DISTINCT FROM c.id WHERE c.{col} IS NOT NULL"
                " GROUP BY c.mk, c.first_rn, c."
                + col
                + " UNION ALL SELECT mk, first_rn, concat("
                + _lit(f.label)
                + f", ' ''', {col}, ''' is in the file more than once') FROM (SELECT mk, first_rn,"
                f" {col}, row_number() OVER (PARTITION BY {key} ORDER BY first_rn) AS k"
                f" FROM {RECS} WHERE {col} IS NOT NULL) WHERE k > 1"
            )
            _fail_bad(ctx, target.column or f.label, rows_of)
    if ctx.module.name == "salesorders":
        _check_items(ctx)


def _lit(text: str) -> str:
    """A schema label as SQL text (labels come from the schema, never from the file)."""
    return "'" + text.replace("'", "''") + "'"


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
    row = cur.execute("SELECT count(*) FROM kf_bad").fetchone()
    if not row or not row[0]:
        return
    cur.execute(f"INSERT INTO {FAIL} SELECT rn, ?, reason FROM ({rows_of})", [column])
    if not ctx.grouped:
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
        f"INSERT INTO {FAIL} SELECT r.rn, ?, 'a line item needs a product' FROM {ROWS} r"
        f" WHERE r.err_reason IS NULL AND r.{product.sql_name} IS NULL AND ({has_other})"
        f" AND r.rn NOT IN (SELECT rn FROM {FAIL})",
        [product.column or "items.product"],
    )


def references_of(ctx: Context) -> list[Target]:
    return [t for t in ctx.targets if t.field.type is FieldType.REFERENCE]
