"""Records as the API shows them, and JSON values turned into the store's typed values.

A record goes out as `{"id": .., <field>: .., "created_at": .., "modified_at": ..}` with
references as the related record's key (what a client sent in, and what survives a move between
workspaces, unlike ids) and a sales order's `items` as `[{"product": "P-100", "quantity": 2.0,
"list_price": 10.0}]`. A page costs the list query (query.fetch_page, shared with the list
screen and the exporter) plus one statement for its rows and one for their line items.

Coming in (PATCH), each value is parsed by the importer's own SQL (`values.parse_sql`), so
`"2026-11-26"`, `"yes"` or `12.5` mean over HTTP exactly what they mean in a CSV file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from kafinea_tui.data.errors import KafineaError, UsageError
from kafinea_tui.data.query import ListQuery, display_select, fetch_page
from kafinea_tui.data.schema import LINE_ITEM_FIELDS, LINE_ITEMS_TABLE, Field, FieldType, Module
from kafinea_tui.data.store.database import LineItem, Store
from kafinea_tui.data.values import Params, ValueOptions, clean_sql, parse_sql

READ_ONLY_FIELDS = ("id", "created_at", "modified_at", "batch_id")
ITEM_KEYS = tuple(f.name for f in LINE_ITEM_FIELDS)  # a line item's keys: product, quantity, ...


def json_value(value: Any) -> Any:
    """Decimals as numbers, dates and times as ISO 8601 text."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def list_records(store: Store, query: ListQuery, offset: int, limit: int) -> dict[str, Any]:
    """`{"total": n, "records": [...]}` for one page, read in one snapshot."""
    module = store.module(query.module)
    with store.transaction():
        page = fetch_page(store, query, offset, limit)
        records = records_by_ids(store, module, page.ids)
    return {"total": page.total, "records": records}


def get_record(store: Store, module: Module, record_id: int) -> dict[str, Any] | None:
    found = records_by_ids(store, module, [record_id])
    return found[0] if found else None


def records_by_ids(store: Store, module: Module, ids: Sequence[int]) -> list[dict[str, Any]]:
    """The records with these ids, in the order given, as the API shows them."""
    if not ids:
        return []
    schema = store.schema
    columns = [f for f in module.fields if f.is_column]
    select, joins = display_select(module, schema, columns)
    cur = store.cursor()
    result = cur.execute(
        f"SELECT r.id, {select}, r.created_at, r.modified_at FROM {module.table} r {joins}"
        " WHERE r.id IN (SELECT unnest(?::BIGINT[]))",
        [list(ids)],
    )
    names = ["id", *(f.name for f in columns), "created_at", "modified_at"]
    found = {
        int(row[0]): dict(zip(names, map(json_value, row), strict=True))
        for row in result.fetchall()
    }
    if module.name == "salesorders":
        for record in found.values():
            record["items"] = []
        product_key = schema.module("products").key
        lines = cur.execute(
            f"SELECT i.salesorder_id, p.{product_key}, i.quantity, i.list_price"
            f" FROM {LINE_ITEMS_TABLE} i LEFT JOIN products p ON p.id = i.product"
            " WHERE i.salesorder_id IN (SELECT unnest(?::BIGINT[]))"
            " ORDER BY i.salesorder_id, i.position",
            [list(found)],
        ).fetchall()
        for order_id, product, quantity, price in lines:
            found[int(order_id)]["items"].append(
                {
                    "product": product,
                    "quantity": json_value(quantity),
                    "list_price": json_value(price),
                }
            )
    return [found[i] for i in ids if i in found]


def typed_values(
    store: Store, module: Module, body: Mapping[str, Any], options: ValueOptions
) -> dict[str, Any]:
    """A PATCH body as the store's typed values; a sentence naming the field for a bad one."""
    values: dict[str, Any] = {}
    for key, value in body.items():
        if key in READ_ONLY_FIELDS:
            raise UsageError(f"{key} is kept by the workspace and cannot be set.")
        field = module.find_field(key)
        if field is None:
            raise UsageError(f"{module.label} has no field {key!r}.")
        if field.type is FieldType.LINE_ITEMS:
            values[field.name] = _line_items(store, value, options)
        else:
            values[field.name] = typed_value(store, field, value, options)
    return values


def typed_value(store: Store, field: Field, value: Any, options: ValueOptions) -> Any:
    """One JSON value -> the stored value: references by the related key, the rest by the
    importer's parsers (null clears the field)."""
    text = json_text(value, field.label)
    if text is None or text.strip() == "":
        return None
    if field.type is FieldType.REFERENCE:
        return _reference(store, field, text)
    params = Params()
    cell = clean_sql(f"{params.add(text)}::VARCHAR")
    parsed = parse_sql(field, cell, options, params)
    row = (
        store.cursor()
        .execute(f"SELECT {parsed.value}, {parsed.error_sql(cell)}", params.values)
        .fetchall()
    )
    if row[0][1] is not None:
        raise KafineaError(f"{field.label}: {row[0][1]}.")
    return row[0][0]


def json_text(value: Any, what: str) -> str | None:
    """A JSON scalar as the text of a CSV cell (booleans as true/false, null as None); anything
    else is refused in a sentence about `what` (a field's label, or "Record 3: email")."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return str(value)
    raise UsageError(f"{what} takes a single value, not a {type(value).__name__}.")


def _reference(store: Store, field: Field, key: str) -> int:
    related = store.module(field.related or "")
    ids = store.find_by_key(related.name, key)
    if not ids:
        key_label = related.field(related.key).label
        raise KafineaError(f"{related.label} has no record with {key_label} {key!r}.")
    if len(ids) > 1:
        listed = ", ".join(str(i) for i in ids[:10])
        raise KafineaError(f"{field.label} {key!r} is ambiguous: {related.label} {listed}.")
    return ids[0]


def _line_items(store: Store, value: Any, options: ValueOptions) -> list[LineItem]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise UsageError('items is a list of {"product": ..., "quantity": ..., "list_price": ...}.')
    product, quantity, price = LINE_ITEM_FIELDS
    lines: list[LineItem] = []
    for item in value:
        unknown = set(item) - set(ITEM_KEYS)
        if unknown:
            raise UsageError(f"A line item has no field {sorted(unknown)[0]!r}.")
        if item.get("product") in (None, ""):
            raise KafineaError("A line item needs a product.")
        lines.append(
            LineItem(
                typed_value(store, product, item.get("product"), options),
                typed_value(store, quantity, item.get("quantity"), options),
                typed_value(store, price, item.get("list_price"), options),
            )
        )
    return lines
