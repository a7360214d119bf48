"""Records as the API shows them: one page, or one record, with references as keys.

A record goes out as `{"id": .., <field>: .., "created_at": .., "modified_at": ..}` with
references as the related record's key (what a client sent in, and what survives a move between
workspaces, unlike ids) and a sales order's `items` as `[{"product": "P-100", "quantity": 2.0,
"list_price": 10.0}]`. A page is the list's own page query (query.page_rows, shared with the list
screen) with the system columns, plus a sales order's lines: `record_view.page_records`.

Coming in, records are written by the importer's row path (`importer.rows`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from kafinea_tui.data.query import ListQuery
from kafinea_tui.data.record_view import page_records, shown_records
from kafinea_tui.data.schema import Module
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
    with store.snapshot():
        total, records = page_records(store, query, offset, limit)
    return {"total": total, "records": [_json_record(record) for record in records]}


def get_record(store: Store, module: Module, record_id: int) -> dict[str, Any] | None:
    found = records_by_ids(store, module, [record_id])
    return found[0] if found else None


def records_by_ids(store: Store, module: Module, ids: Sequence[int]) -> list[dict[str, Any]]:
    """The records with these ids, in the order given, as the API shows them."""
    return [_json_record(record) for record in shown_records(store, module, ids)]


def _json_record(record: dict[str, Any]) -> dict[str, Any]:
    shown = {name: json_value(value) for name, value in record.items() if name != "items"}
    if "items" in record:
        shown["items"] = [
            {name: json_value(value) for name, value in item.items()} for item in record["items"]
        ]
    return shown
