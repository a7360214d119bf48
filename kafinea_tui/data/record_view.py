"""Records as a person or a client reads them: references as the related record's key.

`record_view`: one record with labelled values, for the detail screen (a record is small, so its
few references are resolved one by one). `shown_records`: the records of a list of ids by field
name, for the API (two statements, references joined set-based as in query.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from kafinea_tui.data.query import ListQuery, display_select, page_rows
from kafinea_tui.data.schema import LINE_ITEM_FIELDS, LINE_ITEMS_TABLE, Field, FieldType, Module
from kafinea_tui.data.store.database import Store


@dataclass(frozen=True)
class RecordView:
    module_label: str
    record_id: int
    title: str  # the record's key value, or its id when the key is empty
    values: tuple[tuple[str, Any], ...]  # (label, value) in schema order, then system fields
    item_labels: tuple[str, ...] = ()
    items: tuple[tuple[Any, ...], ...] = ()  # sales order lines, the product as its key
    # label of a reference field -> (related module, related id), for following the reference
    links: dict[str, tuple[str, int]] = field(default_factory=dict)


def record_view(store: Store, module_name: str, record_id: int) -> RecordView | None:
    """The record's fields with labels, or None when there is no such record (deleted)."""
    module = store.module(module_name)
    record = store.get(module.name, record_id)
    if record is None:
        return None
    keys: dict[tuple[str, int], Any] = {}
    missing: set[tuple[str, int]] = set()

    def key_of(related: str, related_id: Any) -> Any:
        if related_id is None:
            return None
        if (related, related_id) not in keys:
            other = store.get(related, int(related_id))
            key = store.module(related).key
            keys[(related, related_id)] = other.get(key) if other else f"#{related_id} (deleted)"
            if other is None:
                missing.add((related, related_id))
        return keys[(related, related_id)]

    values: list[tuple[str, Any]] = []
    links: dict[str, tuple[str, int]] = {}
    for column in module.columns:
        value = record.get(column.name)
        if column.type is FieldType.REFERENCE and column.related:
            shown = key_of(column.related, value)
            if value is not None and (column.related, value) not in missing:
                links[column.label] = (column.related, int(value))
            value = shown
        values.append((column.label, value))
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
        links=links,
    )


def shown_records(store: Store, module: Module, ids: Sequence[int]) -> list[dict[str, Any]]:
    """The records with these ids, in the order given (missing ones left out): `id`, each
    column field by name (references as the related record's key), `created_at`,
    `modified_at`, and a sales order's `items` as `[{product (its key), quantity, list_price}]`."""
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
    found = {int(row[0]): _named(columns, row) for row in result.fetchall()}
    _add_items(store, module, found)
    return [found[i] for i in ids if i in found]


def page_records(
    store: Store, query: ListQuery, offset: int, limit: int
) -> tuple[int, list[dict[str, Any]]]:
    """The count of every match and one page of records shaped as `shown_records` makes
    them, read by the list's own page query (`query.page_rows`): no second pass over the
    table to find the page's ids again."""
    module = store.module(query.module)
    columns = [f for f in module.fields if f.is_column]
    total, rows = page_rows(store, query, offset, limit, columns, ("created_at", "modified_at"))
    found = {int(row[0]): _named(columns, row) for row in rows}
    _add_items(store, module, found)
    return total, list(found.values())


def _named(columns: Sequence[Field], row: tuple[Any, ...]) -> dict[str, Any]:
    names = ["id", *(f.name for f in columns), "created_at", "modified_at"]
    return dict(zip(names, row, strict=True))


def _add_items(store: Store, module: Module, found: dict[int, dict[str, Any]]) -> None:
    """A sales order's lines, the product as its key, onto each of `found` (by id)."""
    if module.name != "salesorders" or not found:
        return
    for record in found.values():
        record["items"] = []
    product_key = store.schema.module("products").key
    lines = (
        store.cursor()
        .execute(
            f"SELECT i.salesorder_id, p.{product_key}, i.quantity, i.list_price"
            f" FROM {LINE_ITEMS_TABLE} i LEFT JOIN products p ON p.id = i.product"
            " WHERE i.salesorder_id IN (SELECT unnest(?::BIGINT[]))"
            " ORDER BY i.salesorder_id, i.position",
            [list(found)],
        )
        .fetchall()
    )
    for order_id, product, quantity, price in lines:
        found[int(order_id)]["items"].append(
            {"product": product, "quantity": quantity, "list_price": price}
        )
