"""The SELECT behind an export: which columns, written how, for which records, in which order.

Every value is formatted to text inside DuckDB, so the CSV writer (`COPY ... TO`) streams the
whole set without Python touching a row. The formats are the ones the importer reads back:

* references as the related record's key (organization name, contact email, product code);
* dates ISO `YYYY-MM-DD`, the timestamps `created_at`/`modified_at` as `YYYY-MM-DD HH:MM:SS`;
* numbers without thousands separators, with a point or a comma as decimal separator;
* yes/no fields as `yes` / `no`;
* an empty text is written like a missing one (an empty cell), so NULL and '' round-trip alike;
* sales orders one line per item (`Product`, `Quantity`, `List Price`), an order without items
  on one line with those cells empty.

The spreadsheet formula guard prefixes `'` to a text cell starting with `=`, `+`, `-`, `@`, tab
or carriage return (and to one starting with `'` and one of those, which the import reads back
with one `'` less). It applies to text-typed values only (text, email, phone, url, picklist,
textarea and reference keys): a negative number such as `-5` is a number, not a formula, and
stays readable as one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kafinea_tui.data.errors import UsageError
from kafinea_tui.data.exporter.lookup import lookup_ctes, lookup_value
from kafinea_tui.data.exporter.options import SCOPES
from kafinea_tui.data.filter.compiler import SYSTEM_FIELDS, resolve_field
from kafinea_tui.data.query import ListQuery, display_select, order_by, where_clause
from kafinea_tui.data.schema import (
    LINE_ITEM_FIELDS,
    LINE_ITEMS_TABLE,
    TEXT_TYPES,
    Field,
    FieldType,
    Module,
    Schema,
    normalize_label,
)
from kafinea_tui.data.store.database import Store
from kafinea_tui.data.values import GUARDED_SQL

# The formula guard's first characters, by code point. A CASE over `ascii()` rather than
# `substr(v, 1, 1) IN (...)`: DuckDB rewrites an IN list into a hash join (duckdb issue #24398),
# fifteen of them for the contacts' text columns, and a join loses the table order.
_GUARD_CODES = (ord("="), ord("+"), ord("-"), ord("@"), ord("\t"), ord("\r"))


@dataclass(frozen=True)
class Column:
    header: str  # the header cell: a label or a name
    label: str  # how error messages name it
    expression: str  # SQL yielding VARCHAR or NULL


def choose_fields(module: Module, names: Sequence[str] | None) -> list[tuple[Field, str | None]]:
    """The fields to export as (field, item part): the module's fields in schema order by
    default, else the named ones in the given order. `items` stands for its three columns,
    `items.product` (or a label such as `Product`) for one of them."""
    if names is None:
        return [(f, None) for f in module.fields]
    chosen: list[tuple[Field, str | None]] = []
    for name in names:
        item = _item_part(module, name)
        if item is not None:
            chosen.append((module.field("items"), item))
            continue
        field = resolve_field(module, name)
        if field is None:
            known = ", ".join([*SYSTEM_FIELDS, *(f.name for f in module.fields)])
            raise UsageError(f"{module.label} has no field {name!r}; the fields are {known}.")
        chosen.append((field, None))
    seen: set[tuple[str, str | None]] = set()
    for field, item in chosen:
        if (field.name, item) in seen:
            raise UsageError(f"The field {field.label} is named twice in the export's fields.")
        seen.add((field.name, item))
    return chosen


def _item_part(module: Module, name: str) -> str | None:
    if module.name != "salesorders":
        return None
    if name.startswith("items."):
        wanted = normalize_label(name.removeprefix("items."))
        for item in LINE_ITEM_FIELDS:
            if wanted in (normalize_label(item.name), normalize_label(item.label)):
                return item.name
        raise UsageError(
            f"A line item has no column {name!r}; use items.product, items.quantity "
            "or items.list_price."
        )
    wanted = normalize_label(name)
    return next((i.name for i in LINE_ITEM_FIELDS if normalize_label(i.label) == wanted), None)


@dataclass(frozen=True)
class Source:
    """The formatted columns and what the FROM clause needs for them."""

    columns: list[Column]
    with_clause: str  # "WITH k_... AS (...) " for lookups, else ""
    joins: str  # LEFT JOINs, or ", k_..." naming the lookups
    per_item: bool  # one line per sales order item (joins the items)


def build_columns(
    module: Module,
    schema: Schema,
    chosen: Sequence[tuple[Field, str | None]],
    header: str,
    decimal: str,
    guard: bool,
    lookups: bool = False,
    typed: bool = False,
) -> Source:
    """The formatted columns and how references reach their keys: LEFT JOINs, or with `lookups`
    the id-indexed key lists of `lookup` (no join, so the table order survives). With
    `typed` (a spreadsheet), numbers, dates and timestamps keep their SQL type (`_typed`)."""
    columns: list[Column] = []
    references = list(dict.fromkeys(f for f, _ in chosen if f.type is FieldType.REFERENCE))
    if lookups:
        with_clause, names = lookup_ctes(schema, references, lambda key: _text(key, guard))
        joins = "".join(f", {name}" for name in names)
    else:
        with_clause, (_select, joins) = "", display_select(module, schema, references)
    per_item = False
    for field, item in chosen:
        if field.type is FieldType.LINE_ITEMS:
            per_item = True
            parts = [p for p in LINE_ITEM_FIELDS if item is None or p.name == item]
            for part in parts:
                columns.append(_item_column(part, schema, header, decimal, guard, typed))
            continue
        if lookups and field.type is FieldType.REFERENCE:
            expression = lookup_value(field)  # the key is formatted inside the list
        elif typed:
            expression = _typed(_value(field, schema), field)
        else:
            expression = _format(_value(field, schema), field, decimal, guard)
        columns.append(
            Column(
                header=field.name if header == "names" else field.label,
                label=field.label,
                expression=expression,
            )
        )
    if per_item:
        products = schema.module("products")
        joins += (
            f" LEFT JOIN {LINE_ITEMS_TABLE} it ON it.salesorder_id = r.id"
            f" LEFT JOIN {products.table} ip ON ip.id = it.product"
        )
    return Source(columns, with_clause, joins, per_item)


def _item_column(
    part: Field, schema: Schema, header: str, decimal: str, guard: bool, typed: bool
) -> Column:
    if part.type is FieldType.REFERENCE:
        key = schema.module("products").key
        expression = _text(f"ip.{key}", guard)
    elif typed:
        expression = _typed(f"it.{part.name}", part)
    else:
        expression = _format(f"it.{part.name}", part, decimal, guard)
    return Column(
        header=f"items.{part.name}" if header == "names" else part.label,
        label=part.label,
        expression=expression,
    )


def _value(field: Field, schema: Schema) -> str:
    if field.type is FieldType.REFERENCE:
        related = schema.module(field.related or "")
        return f"j_{field.name}.{related.key}"
    return f"r.{field.name}"


def _format(value: str, field: Field, decimal: str, guard: bool) -> str:
    if field.name in ("created_at", "modified_at") and field in SYSTEM_FIELDS.values():
        return f"strftime({value}, '%Y-%m-%d %H:%M:%S')"
    if field.type in TEXT_TYPES or field.type is FieldType.REFERENCE:
        return _text(value, guard)
    if field.type is FieldType.DATE:
        return f"strftime({value}, '%Y-%m-%d')"
    if field.type is FieldType.BOOLEAN:
        return f"CASE WHEN {value} THEN 'yes' WHEN NOT {value} THEN 'no' END"
    if field.type is FieldType.DECIMAL and decimal == "comma":
        return f"replace(CAST({value} AS VARCHAR), '.', ',')"
    return f"CAST({value} AS VARCHAR)"


def _typed(value: str, field: Field) -> str:
    """A value for a spreadsheet cell: numbers as DOUBLE or BIGINT, dates as DATE, timestamps
    as TIMESTAMP; yes/no as the words `yes`/`no` (they read back in any locale, where a TRUE
    cell shows as VRAI or WAHR), text as text (a cell is never a formula, so no guard)."""
    if field.name in ("created_at", "modified_at") and field in SYSTEM_FIELDS.values():
        return f"CAST({value} AS TIMESTAMP)"
    if field.type is FieldType.DATE:
        return value
    if field.type is FieldType.DECIMAL:
        return f"CAST({value} AS DOUBLE)"
    if field.type is FieldType.INTEGER or field.name == "id":
        return f"CAST({value} AS BIGINT)"
    return _format(value, field, "point", guard=False)


def _text(value: str, guard: bool) -> str:
    text = f"nullif(CAST({value} AS VARCHAR), '')"
    if not guard:
        return text
    guarded = f"'''' || {value}"
    cases = " ".join(f"WHEN {code} THEN {guarded}" for code in _GUARD_CODES)
    # A value starting with `'` and a guard character is guarded too, so the import's reading
    # one `'` off gives it back (`values.GUARDED_SQL`).
    quoted = f"CASE WHEN regexp_matches({value}, {GUARDED_SQL}) THEN {guarded} ELSE {text} END"
    return f"CASE ascii({value}) {cases} WHEN 39 THEN {quoted} ELSE {text} END"


def scope_where(
    store: Store,
    module: Module,
    scope: str,
    query: ListQuery,
    ids: Sequence[int],
    page: int,
    page_size: int,
) -> tuple[str, list[Any]]:
    """Which records a scope covers, as a SQL boolean over `r`."""
    if scope == "all":
        return "TRUE", []
    if scope == "filter":
        return where_clause(store, query)
    if scope == "ids":
        if not ids:
            raise UsageError("No records are selected; select some or choose another scope.")
        return "r.id IN (SELECT unnest(CAST(? AS BIGINT[])))", [[int(i) for i in ids]]
    if scope == "page":
        if page < 1 or page_size < 1:
            raise UsageError("The page number and the page size start at 1.")
        where, params = where_clause(store, query)
        order = order_by(module, store.schema, query.sort, store.collation)
        inner = f"SELECT r.id FROM {module.table} r WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?"
        return f"r.id IN ({inner})", [*params, page_size, (page - 1) * page_size]
    raise UsageError(f"Unknown export scope {scope!r}; the scopes are {', '.join(SCOPES)}.")


def export_query(
    module: Module,
    source: Source,
    where: tuple[str, list[Any]],
    order: str | None,
    headers: bool,
) -> tuple[str, list[Any]]:
    """The export's SELECT, sorted by `order` (items by position within an order) or, with None,
    in the table's order (see `lookup`). With `headers`, columns are aliased by their
    header text for COPY's header line; otherwise `rid, c0, c1, ...` for locating a value."""
    columns = source.columns
    if headers:
        select = ", ".join(f"{c.expression} AS {quote_identifier(c.header)}" for c in columns)
    else:
        select = "r.id AS rid, " + ", ".join(
            f"{c.expression} AS c{i}" for i, c in enumerate(columns)
        )
    sql = (
        f"{source.with_clause}SELECT {select} FROM {module.table} r {source.joins} WHERE {where[0]}"
    )
    if order is not None:
        sql += f" ORDER BY {order}, it.position" if source.per_item else f" ORDER BY {order}"
    return sql, list(where[1])


def quote_identifier(text: str) -> str:
    """A header as a SQL identifier: double quotes, inner quotes doubled (labels may hold any text)."""
    return '"' + text.replace('"', '""') + '"'
