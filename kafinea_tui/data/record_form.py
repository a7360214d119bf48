"""What the record form needs from the data layer: a record as editable text, one value checked
by the import's rules as it is typed, and completion of a reference by the related module's key.

The form writes through the importer's row path (`importer.rows.run`), so a value typed in the
app is read exactly as the same text in a CSV file or an API call would be.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import duckdb

from kafinea_tui.data.schema import Field, FieldType, Module
from kafinea_tui.data.store.database import Store
from kafinea_tui.data.values import ValueOptions, read_value

# The form shows and reads dates as ISO and numbers with a decimal point, whatever the locale:
# one spelling a person can type and the import's rules read without ambiguity.
FORM_VALUES = ValueOptions(decimal="point", date_format="yyyy-mm-dd")
COMPLETIONS = 8


def editable_fields(module: Module) -> tuple[Field, ...]:
    """The fields the form edits: every column (a sales order's lines are not a column)."""
    return module.columns


def as_text(value: Any) -> str:
    """A stored value as the text the import's rules read back to the same value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def record_texts(store: Store, module_name: str, record_id: int) -> dict[str, str] | None:
    """The record's editable fields as text by field name (references as the related record's
    key), or None when the record no longer exists."""
    module = store.module(module_name)
    record = store.get(module.name, record_id)
    if record is None:
        return None
    texts: dict[str, str] = {}
    for field in editable_fields(module):
        value = record.get(field.name)
        if field.type is FieldType.REFERENCE and field.related and value is not None:
            related = store.get(field.related, int(value))
            value = related.get(store.module(field.related).key) if related else None
        texts[field.name] = as_text(value)
    return texts


def value_error(store: Store, module_name: str, field_name: str, text: str) -> str | None:
    """Why `text` cannot be a value of the field, as the import would say it; None when it can.
    References and picklists accept any text (a missing related record or picklist value is
    created when the form is saved, as an import does), so only their emptiness is checked."""
    return text_error(store.cursor(), store.module(module_name).field(field_name), text)


def text_error(cur: duckdb.DuckDBPyConnection, field: Field, text: str) -> str | None:
    """`value_error` for a field already found, read with `cur`: reading a value needs no
    table, so any DuckDB connection does (the app as a client checks with one of its own)."""
    if not text.strip():
        return f"{field.label} is mandatory." if field.mandatory else None
    if field.type in (FieldType.REFERENCE, FieldType.PICKLIST):
        return None
    _value, reason = read_value(cur, field, text, FORM_VALUES)
    return None if reason is None else f"{field.label}: {reason}."


def key_completions(store: Store, module_name: str, field_name: str, prefix: str) -> list[str]:
    """Keys of the related module that start with `prefix` (case-insensitive), shortest first."""
    field = store.module(module_name).field(field_name)
    if field.related is None or not prefix.strip():
        return []
    related = store.module(field.related)
    rows = (
        store.cursor()
        .execute(
            f"SELECT DISTINCT {related.key} AS k FROM {related.table}"
            f" WHERE starts_with(lower({related.key}), lower(?)) ORDER BY length(k), k LIMIT ?",
            [prefix.strip(), COMPLETIONS],
        )
        .fetchall()
    )
    return [str(row[0]) for row in rows]
