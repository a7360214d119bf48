"""An export's options checked and turned into the SQL that DuckDB writes.

The order of the file: the list's sort when one is chosen, else the id order. In id order, over
every record or a filter, references are looked up (`lookup`) and the SELECT has no ORDER BY
when DuckDB confirms the plan keeps the table's order; otherwise references are LEFT JOINs and
the SELECT ends with ORDER BY (docs/architecture.md says why).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from kafinea_tui.data.csv_dialect import delimiter_char
from kafinea_tui.data.errors import UsageError
from kafinea_tui.data.exporter.lookup import keeps_table_order
from kafinea_tui.data.exporter.options import (
    DECIMALS,
    EXPORT_ENCODINGS,
    HEADERS,
    ExportOptions,
)
from kafinea_tui.data.exporter.sql import (
    Column,
    Source,
    build_columns,
    choose_fields,
    export_query,
    scope_where,
)
from kafinea_tui.data.query import ListQuery, order_by
from kafinea_tui.data.store.database import Store

BOM = "\ufeff"
# The scopes whose order can be the table's; ids and page select with an IN-subquery.
_TABLE_ORDER_SCOPES = ("all", "filter")
_ID_ORDERS = ("r.id ASC", "r.id ASC NULLS LAST")  # no sort, or a sort by id


@dataclass
class ExportPlan:
    options: ExportOptions
    columns: list[Column]
    sql: str  # the SELECT for COPY, columns aliased by their header
    params: list[Any]
    where: tuple[str, list[Any]]  # the scope as a SQL boolean over `r` and its parameters
    locate_sql: str  # the same rows as `rid, c0, c1, ...` (finding an unencodable value)
    delimiter: str
    codec: str
    module_label: str
    header_bom: bool  # the UTF-8 BOM is written as part of the first header cell
    table_order: bool  # written in the table's order, without ORDER BY


def list_query(options: ExportOptions) -> ListQuery:
    return ListQuery(
        module=options.module,
        filter=options.filter,
        search=options.search,
        sort=tuple((name, bool(desc)) for name, desc in options.sort),
    )


def plan_export(store: Store, options: ExportOptions) -> ExportPlan:
    """Check the options (one sentence per problem) and build the export's SQL."""
    module = store.module(options.module)
    codec = _check_options(options)
    delimiter = delimiter_char(options.delimiter)
    try:
        delimiter.encode(codec)
    except UnicodeEncodeError:
        raise UsageError(
            f"The delimiter {delimiter!r} cannot be written in {options.encoding}; choose another"
            " delimiter or encoding."
        ) from None
    schema = store.schema
    chosen = choose_fields(module, options.fields)
    if not chosen:
        raise UsageError("Choose at least one field to export.")
    query = list_query(options)
    where = scope_where(
        store, module, options.scope, query, options.ids, options.page, options.page_size
    )
    order = order_by(module, schema, query.sort, store.collation)

    typed = options.format == "xlsx"
    guard = options.formula_guard and not typed
    joined = build_columns(
        module, schema, chosen, options.header, options.decimal, guard, typed=typed
    )
    header_bom = (
        not typed
        and codec == "utf-8-sig"
        and not _needs_quotes(joined.columns[0].header, delimiter)
    )
    chosen_source, table_order = (_with_bom(joined) if header_bom else joined), False
    if order in _ID_ORDERS and options.scope in _TABLE_ORDER_SCOPES and not joined.per_item:
        candidate = build_columns(
            module, schema, chosen, options.header, options.decimal, guard, True, typed
        )
        candidate = _with_bom(candidate) if header_bom else candidate
        sql, params = export_query(module, candidate, where, None, headers=True)
        if keeps_table_order(store, sql, params, module):
            chosen_source, table_order = candidate, True
    sorted_by = None if table_order else order
    sql, params = export_query(module, chosen_source, where, sorted_by, headers=True)
    locate_sql, _ = export_query(module, chosen_source, where, sorted_by, headers=False)
    return ExportPlan(
        options=options,
        columns=chosen_source.columns,
        sql=sql,
        params=params,
        where=where,
        locate_sql=locate_sql,
        delimiter=delimiter,
        codec=codec,
        module_label=module.label,
        header_bom=header_bom,
        table_order=table_order,
    )


def _with_bom(source: Source) -> Source:
    """The UTF-8 BOM as part of the first header cell, so DuckDB writes the file in one pass."""
    first = source.columns[0]
    bom_first = Column(BOM + first.header, first.label, first.expression)
    return replace(source, columns=[bom_first, *source.columns[1:]])


def _check_options(options: ExportOptions) -> str:
    """The Python codec of the options' encoding, after checking header and decimal."""
    if options.header not in HEADERS:
        raise UsageError(f"The header is 'labels' or 'names', not {options.header!r}.")
    if options.decimal not in DECIMALS:
        raise UsageError(f"The decimal separator is 'point' or 'comma', not {options.decimal!r}.")
    codec = EXPORT_ENCODINGS.get(options.encoding.strip().lower())
    if codec is None:
        known = ", ".join(EXPORT_ENCODINGS)
        raise UsageError(f"Cannot export in {options.encoding!r}; choose one of {known}.")
    return codec


def _needs_quotes(text: str, delimiter: str) -> bool:
    return any(c in text for c in (delimiter, '"', "\n", "\r")) or text == ""
