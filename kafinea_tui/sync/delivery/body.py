"""A payload (stored as JSON) as the bytes an endpoint asked for: JSON, or CSV.

Deliveries to a csv endpoint are queued with their CSV text already built in DuckDB (a JSON
string), sent as it is. The conversion below is for the others: a JSON payload queued before
the endpoint became csv, or the panel's test delivery.
CSV has one line per record, or per line item for a sales order with items (the order's fields
repeated, then `items.product`, `items.quantity`, `items.list_price`), the columns as the
import reads them back.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

ITEM_KEYS = ("product", "quantity", "list_price")


def encode(payload: str, fmt: str) -> tuple[bytes, str]:
    """The body and its content type."""
    if fmt != "csv":
        return payload.encode(), "application/json"
    data: Any = json.loads(payload)
    if isinstance(data, str):  # the CSV text itself, built in DuckDB (data/automation/csv_payload)
        return data.encode(), "text/csv; charset=utf-8"
    records = data.get("data", data) if isinstance(data, dict) else data
    if isinstance(records, dict):
        records = [records]
    return to_csv(records).encode(), "text/csv; charset=utf-8"


def to_csv(records: list[dict[str, Any]]) -> str:
    columns: list[str] = []
    has_items = False
    for record in records:
        for key in record:
            if key == "items":
                has_items = True
            elif key not in columns:
                columns.append(key)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*columns, *(f"items.{k}" for k in ITEM_KEYS if has_items)])
    for record in records:
        cells = [_cell(record.get(c)) for c in columns]
        items = record.get("items") or [] if has_items else []
        if not items:
            writer.writerow(cells + ([""] * len(ITEM_KEYS) if has_items else []))
        for item in items:
            writer.writerow(cells + [_cell(item.get(k)) for k in ITEM_KEYS])
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
