"""Typing, the import's first step: staged text -> typed rows, references resolved, picklists
checked.

`kf_typed` has one row per staged row: `rn` (its 0-based position in the file), a `v_<field>` /
`i_<item>` column per target with the typed value (NULL for an empty cell), and `err_col` /
`err_reason` naming the first cell that could not be read. The typing is done by `typed_query`
in the same scan that stages the file; `kf_typed` is a view over the staged table.
References are resolved per distinct key (a small table per reference field), so a million rows
naming a thousand organizations cost a thousand lookups, not a million.
"""

from __future__ import annotations

import re

import duckdb

from kafinea_tui.data.importer.context import TYPED, RefTable
from kafinea_tui.data.importer.file.spreadsheet import BOOL, DATE, NUMBER
from kafinea_tui.data.importer.file.stage import Transform
from kafinea_tui.data.importer.mapping import Target
from kafinea_tui.data.schema import FieldType, Schema
from kafinea_tui.data.values import Params, ValueOptions, clean_cell_sql, parse_sql, unguard_sql
from kafinea_tui.data.values import quoted_sql as _quote


def _label(target: Target) -> str:
    return target.column or target.field.label


def typed_query(
    targets: list[Target],
    options: ValueOptions,
    formula_guard: bool = True,
    typed: dict[int, str] | None = None,
) -> Transform:
    """The SELECT (over `__SOURCE__`, the file's cells c1..cN) that keeps the cells and adds a
    typed `v_`/`i_` column per target and the first unreadable cell's `err_col`/`err_reason`;
    `csv_source.stage` runs it in the same scan that reads the file.

    A cell whose typed value is text equal to the cell (most names, emails, phones) is kept as
    NULL and read back from its typed column (`Transform.cells`): the staged table then holds
    the file's text once instead of twice, which is most of an import's memory and of the time
    the staging takes to copy strings.

    With `formula_guard`, a cell the export guarded (`'=...`) is read without its apostrophe.

    `typed`: a spreadsheet's typed columns (number -> kind, `spreadsheet.typed_columns`), which
    `__SOURCE__` also gives as themselves (`a<n>`): a date column fills a date field, a yes/no
    column a yes/no field, a number column a number field by a cast (`typed_value`) instead of
    the text parsers. The text `c<n>` stays what a failed row's report and CSV show."""
    params = Params()
    inner: list[str] = ["*"]
    cells: dict[int, str] = {}
    checks: list[tuple[str, str, str, str]] = []  # (label param, text col, value col, prefix)
    outer: list[str] = ["*"]  # the cells, less the cleaned texts (see `exclude`)
    hidden: list[str] = []
    for target in targets:
        if target.index is None and not target.is_reference:
            continue  # default-only fields are applied when writing
        cell = (
            clean_cell_sql(target.field, f"c{target.index}")
            if target.index is not None
            else "NULL::VARCHAR"
        )
        if formula_guard and target.index is not None:
            cell = unguard_sql(cell)
        if target.part is not None:
            cell = _name_part(cell, target.part)
        if target.is_reference and target.default is not None:
            cell = f"coalesce({cell}, {params.add(target.default)})"
        text_col = "t_" + target.sql_name
        inner.append(f"{cell} AS {text_col}")
        hidden.append(text_col)
        parsed = parse_sql(target.field, text_col, options, params)
        kind = (typed or {}).get(target.index or 0) if target.part is None else None
        value = typed_value(target, kind) if kind else None
        inner.append(f"{value or parsed.value} AS {target.sql_name}")
        if target.index is not None and _keeps_text(target):
            cells[target.index] = target.sql_name
        if parsed.reason is not None:
            checks.append((params.add(_label(target)), text_col, target.sql_name, parsed.reason))
    if checks:
        col_case = " ".join(
            f"WHEN {text} IS NOT NULL AND {value} IS NULL THEN {label}"
            for label, text, value, _ in checks
        )
        reason_case = " ".join(
            f"WHEN {text} IS NOT NULL AND {value} IS NULL THEN concat({prefix}, {_quote(text)})"
            for _, text, value, prefix in checks
        )
        outer.append(f"CASE {col_case} END AS err_col")
        outer.append(f"CASE {reason_case} END AS err_reason")
    else:
        outer.append("NULL::VARCHAR AS err_col")
        outer.append("NULL::VARCHAR AS err_reason")
    hidden.extend(f"c{i}" for i in cells)
    hidden.extend(f"a{i}" for i in sorted(typed or {}))
    outer[0] = f"* EXCLUDE ({', '.join(hidden)})"
    # NULLIF: the cell is stored only where it differs from its typed text (spaces, case, a
    # value that failed); `coalesce(c<i>, v_<field>)` gives the cell back exactly.
    outer[1:1] = [f"NULLIF(c{i}, {name}) AS c{i}" for i, name in cells.items()]
    query = f"SELECT {', '.join(outer)} FROM (SELECT {', '.join(inner)} FROM __SOURCE__)"
    # A typed value leaves its parser's parameters (a date format) unused: DuckDB refuses those.
    used = {k: v for k, v in params.values.items() if re.search(rf"\${k}\b", query)}
    return Transform(query, used, cells)


def typed_value(target: Target, kind: str) -> str | None:
    """SQL for the value of a target read from its typed column `a<n>` (see `typed_query`), or
    None when the kind does not fill the field directly (it is then read from its text).

    A number goes through its shortest text (`CAST AS VARCHAR`), then a cast to the field's
    type: a double cast straight to DECIMAL rounds 1.005 down where its text rounds up, and a
    whole-number field accepts what its text rounds to within six places, as a CSV cell."""
    column = f"a{target.index}"
    field_type = target.field.type
    if kind == DATE and field_type is FieldType.DATE:
        return f"CAST({column} AS DATE)"
    if kind == BOOL and field_type is FieldType.BOOLEAN:
        return column
    if kind == NUMBER and field_type is FieldType.DECIMAL:
        return f"TRY_CAST(CAST({column} AS VARCHAR) AS {target.field.sql_type})"
    if kind == NUMBER and field_type is FieldType.INTEGER:
        wide = f"TRY_CAST(CAST({column} AS VARCHAR) AS DECIMAL(38,6))"
        return f"TRY_CAST(CASE WHEN {wide} = trunc({wide}) THEN {wide} END AS BIGINT)"
    return None


def _name_part(cell: str, part: str) -> str:
    """One side of a whole name split on its first space; a single word is the last name."""
    cut = f"strpos({cell}, ' ')"
    if part == "first":
        return f"CASE WHEN {cut} > 0 THEN NULLIF(trim(left({cell}, {cut} - 1)), '') END"
    return f"CASE WHEN {cut} > 0 THEN NULLIF(trim(substr({cell}, {cut} + 1)), '') ELSE {cell} END"


def _keeps_text(target: Target) -> bool:
    """Whether the typed column of a target is the cell's text whenever the cell is readable
    (text, email, phone, picklist, a reference's key), so the cell can be rebuilt from it."""
    if target.part is not None:
        return False  # half of the cell
    if target.is_reference:
        return target.default is None
    return target.field.sql_type == "VARCHAR"


def typed_view(cur: duckdb.DuckDBPyConnection, stage_table: str, base_rowid: int) -> None:
    """kf_typed: the staged rows with `rn`, their 0-based position in the file."""
    cur.execute(
        f"CREATE TEMP VIEW {TYPED} AS SELECT rowid - {int(base_rowid)} AS rn, * FROM {stage_table}"
    )


def resolve_references(
    cur: duckdb.DuckDBPyConnection,
    schema: Schema,
    targets: list[Target],
    reference_keys: dict[str, str],
) -> list[RefTable]:
    """Look up each distinct key of each reference target among the related records.

    `n` is how many related records carry the key: 0 (missing), 1 (`id` is it), or more
    (ambiguous: `ids` names them); `unfit`, for a missing key, why no record can be created
    with it (its field's rules), else NULL. A missing key's `id` is a negative stand-in, numbered in
    the order the file first names the keys (`first_rn`), until `import_related` creates the
    ones that written rows name. Keys of rows that already failed are left out.
    """
    tables: list[RefTable] = []
    for number, target in enumerate(t for t in targets if t.is_reference):
        related = schema.module(target.field.related or "")
        key_name = reference_keys.get(target.name) or reference_keys.get(target.field.name)
        key = related.field(key_name).name if key_name else related.key
        table = f"kf_ref_{number}"
        col = target.sql_name
        # Why a missing key cannot make a record (a name where the key is an e-mail address):
        # the row then fails rather than create a record holding a value its field refuses.
        params = Params()
        unfit = parse_sql(related.field(key), "keys.k", ValueOptions(), params).error_sql("keys.k")
        cur.execute(f"DROP TABLE IF EXISTS {table}")
        cur.execute(
            f"CREATE TEMP TABLE {table} AS"
            f" WITH keys AS (SELECT lower({col}) AS lk, arg_min({col}, rn) AS k,"
            f"  min(rn) AS first_rn FROM {TYPED}"
            f"  WHERE {col} IS NOT NULL AND err_reason IS NULL GROUP BY lower({col})),"
            f" found AS (SELECT lower(trim(CAST({key} AS VARCHAR))) AS lk, id"
            f"  FROM {related.table} WHERE lower(trim(CAST({key} AS VARCHAR))) IN"
            f"  (SELECT lk FROM keys))"
            " SELECT keys.lk, keys.k, keys.first_rn, coalesce(min(found.id),"
            " -row_number() OVER (ORDER BY keys.first_rn)) AS id, count(found.id) AS n,"
            " string_agg(CAST(found.id AS VARCHAR), ', ' ORDER BY found.id) AS ids,"
            f" CASE WHEN count(found.id) = 0 THEN {unfit} END AS unfit"
            " FROM keys LEFT JOIN found USING (lk) GROUP BY keys.lk, keys.k, keys.first_rn",
            params.values,
        )
        tables.append(RefTable(target, table, related, key))
    return tables


def new_picklist_values(
    cur: duckdb.DuckDBPyConnection, targets: list[Target], records: str
) -> dict[str, list[str]]:
    """Values of picklist targets that are not in their list yet (field name -> values), read
    from `records` (the records an import writes, `first_rn` their first row), so that a
    failed or skipped row adds no value."""
    found: dict[str, list[str]] = {}
    for target in targets:
        f = target.field
        if f.type is not FieldType.PICKLIST or target.is_item:
            continue
        params = Params()
        known = params.add([v.lower() for v in f.values] or [""])
        values: list[str] = []
        if target.index is not None:
            rows = cur.execute(
                f"SELECT {target.sql_name} FROM {records} WHERE {target.sql_name} IS NOT NULL"
                f" AND NOT list_contains({known}::VARCHAR[], lower({target.sql_name}))"
                f" GROUP BY {target.sql_name} ORDER BY min(first_rn)",
                params.values,
            ).fetchall()
            values = [str(r[0]) for r in rows]
        if target.default and target.default.lower() not in {v.lower() for v in f.values}:
            values.append(target.default)
        if values:
            found[f.name] = list(dict.fromkeys(values))
    return found
