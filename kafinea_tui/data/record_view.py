"""One record as a person reads it: labelled values, references as the related record's key.

The detail screen shows this; it lives in the data layer so the screen stays free of SQL and the
same view can serve other front ends. A record is small, so resolving its few references one by
one is fine here (lists resolve theirs set-based in query.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kafinea_tui.data.schema import LINE_ITEM_FIELDS, FieldType
from kafinea_tui.data.store.database import Store


@dataclass(frozen=True)
class RecordView:
    module_label: str
    record_id: int
    title: str  # the record's key value, or its id when the key is empty
    values: tuple[tuple[str, Any], ...]  # (label, value) in schema order, then system fields
    item_labels: tuple[str, ...] = ()
    items: tuple[tuple[Any, ...], ...] = ()  # sales order lines, the product as its key


def record_view(store: Store, module_name: str, record_id: int) -> RecordView | None:
    """The record's fields with labels, or None when there is no such record (deleted)."""
    module = store.module(module_name)
    record = store.get(module.name, record_id)
    if record is None:
        return None
    keys: dict[tuple[str, int], Any] = {}

    def key_of(related: str, related_id: Any) -> Any:
        if related_id is None:
            return None
        if (related, related_id) not in keys:
            other = store.get(related, int(related_id))
            key = store.module(related).key
            keys[(related, related_id)] = other.get(key) if other else f"#{related_id} (deleted)"
        return keys[(related, related_id)]

    values: list[tuple[str, Any]] = []
    for field in module.columns:
        value = record.get(field.name)
        if field.type is FieldType.REFERENCE and field.related:
            value = key_of(field.related, value)
        values.append((field.label, value))
    values += [("Id", record["id"]), ("Created", record["created_at"])]
    values.append(("Modified", record["modified_at"]))
    items: list[tuple[Any, ...]] = []
    for item in record.get("items", []):
        items.append((key_of("products", item["product"]), item["quantity"], item["list_price"]))
    title = record.get(module.key) or f"#{record_id}"
    return RecordView(
        module_label=module.label,
        record_id=record_id,
        title=str(title),
        values=tuple(values),
        item_labels=tuple(f.label for f in LINE_ITEM_FIELDS)
        if module.name == "salesorders"
        else (),
        items=tuple(items),
    )
