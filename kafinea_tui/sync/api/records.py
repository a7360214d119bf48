"""Records as the API shows them: one page, or one record, with references as keys.

A record goes out as `{"id": .., <field>: .., "created_at": .., "modified_at": ..}` with
references as the related record's key (what a client sent in, and what survives a move between
workspaces, unlike ids) and a sales order's `items` as `[{"product": "P-100", "quantity": 2.0,
"list_price": 10.0}]`. A page costs the list query (query.fetch_page, shared with the list
screen and the exporter) plus one statement for its rows and one for their line items.

Coming in, records are written by the importer's row path (`importer.rows`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from kafinea_tui.data.query import ListQuery, display_select, fetch_page
from kafinea_tui.data.schema import LINE_ITEMS_TABLE, Module
from kafinea_tui.data.store.database import Store


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
