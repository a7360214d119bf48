"""The rules a single record write obeys: known fields, mandatory values, unique keys, line items.

The importer checks the same rules set-based over a whole batch; these are for one record at a
time (the app, the API), where a sentence naming the field is the whole answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import duckdb

from kafinea_tui.data.errors import KafineaError, UsageError
from kafinea_tui.data.schema import LINE_ITEMS_TABLE, FieldType, Module


@dataclass(frozen=True)
class LineItem:
    product: int | None
    quantity: Any = None
    list_price: Any = None


def split_values(
    module: Module, values: Mapping[str, Any]
) -> tuple[dict[str, Any], list[Any] | None]:
    """Column values by field name, and the line items when `items` is given (else None)."""
    columns: dict[str, Any] = {}
    items: list[Any] | None = None
    for key, value in values.items():
        field = module.find_field(key)
        if field is None:
            raise UsageError(f"{module.label} has no field {key!r}.")
        if field.type is FieldType.LINE_ITEMS:
            items = list(value or [])
        else:
            columns[field.name] = value
    return columns, items


def check_mandatory(module: Module, values: Mapping[str, Any]) -> None:
    missing = [
        f.label
        for f in module.columns
        if f.mandatory and (values.get(f.name) is None or str(values.get(f.name)).strip() == "")
    ]
    if missing:
        raise KafineaError(f"{module.label} needs a value for {', '.join(missing)}.")


def check_unique(
    cur: duckdb.DuckDBPyConnection,
    module: Module,
    columns: Mapping[str, Any],
    record_id: int | None,
) -> None:
    """Unique fields compare trimmed and case-insensitively, as import matching does."""
    for field in module.columns:
        if field.unique and columns.get(field.name) is not None:
            rows = cur.execute(
                f"SELECT id FROM {module.table} WHERE lower(trim({field.name}))"
                " = lower(trim(?)) AND id IS DISTINCT FROM ? LIMIT 1",
                [str(columns[field.name]), record_id],
            ).fetchall()
            if rows:
                raise KafineaError(
                    f"{module.label} {rows[0][0]} already has {field.label} "
                    f"{columns[field.name]!r}; it must be unique."
                )


def write_items(cur: duckdb.DuckDBPyConnection, record_id: int, items: list[Any]) -> None:
    rows = [
        [record_id, position, *item_tuple(item)] for position, item in enumerate(items, start=1)
    ]
    if rows:
        cur.executemany(f"INSERT INTO {LINE_ITEMS_TABLE} VALUES (?, ?, ?, ?, ?)", rows)


def item_tuple(item: Any) -> tuple[Any, Any, Any]:
    if isinstance(item, LineItem):
        return item.product, item.quantity, item.list_price
    return item.get("product"), item.get("quantity"), item.get("list_price")
