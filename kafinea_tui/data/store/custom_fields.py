"""Custom fields and picklist values: the parts of the schema a workspace adds at run time.

Both are rows in `kf_custom_fields` / `kf_picklist_values` (plus a `cf_` column on the module
table and its `_prev` twin, so undo can restore it); the store rebuilds its `Schema` from them.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb

from kafinea_tui.data.errors import UsageError
from kafinea_tui.data.schema import (
    CUSTOM_FIELD_TYPES,
    Field,
    FieldType,
    Module,
    Schema,
    build_schema,
    builtin_picklist_values,
    name_for_label,
    normalize_label,
)

_SYSTEM_LABELS = frozenset({"id", "createdat", "modifiedat", "batchid"})


def load_schema(cur: duckdb.DuckDBPyConnection) -> Schema:
    """The built-in modules with this workspace's custom fields and picklist values."""
    custom = [
        (module, Field(name=name, label=label, type=FieldType(type_), custom=True))
        for module, name, label, type_ in cur.execute(
            "SELECT module, name, label, type FROM kf_custom_fields ORDER BY module, position"
        ).fetchall()
    ]
    values: dict[tuple[str, str], list[str]] = {}
    for module, field_name, value in cur.execute(
        "SELECT module, field, value FROM kf_picklist_values ORDER BY module, field, position"
    ).fetchall():
        values.setdefault((module, field_name), []).append(value)
    picklists = builtin_picklist_values()
    for key, stored in values.items():
        known = list(picklists.get(key, ()))
        picklists[key] = tuple(known + [v for v in stored if v not in known])
    return build_schema(custom, picklists)


def new_custom_field(module: Module, label: str, type_: str, values: Iterable[str]) -> Field:
    """The field a label and type describe, or a UsageError saying why it cannot be added."""
    label = label.strip()
    if not label:
        raise UsageError("A custom field needs a label.")
    try:
        field_type: FieldType | None = FieldType(type_.strip().lower())
    except ValueError:
        field_type = None
    if field_type is None or field_type not in CUSTOM_FIELD_TYPES:
        allowed = ", ".join(t.value for t in CUSTOM_FIELD_TYPES)
        raise UsageError(f"Unknown field type {type_!r}; a custom field is one of {allowed}.")
    name = name_for_label(label)
    if not name:
        raise UsageError(f"The label {label!r} has no letters or digits to name a field by.")
    clash = module.find_field(label) or module.find_field(name)
    if clash is not None or normalize_label(label) in _SYSTEM_LABELS:
        existing = clash.label if clash else label
        raise UsageError(f"{module.label} already has a field {existing!r}; choose another label.")
    picklist = tuple(dict.fromkeys(v.strip() for v in values if v.strip()))
    if picklist and field_type is not FieldType.PICKLIST:
        raise UsageError("Only a picklist field takes values.")
    return Field(name=name, label=label, type=field_type, values=picklist, custom=True)


def write_custom_field(cur: duckdb.DuckDBPyConnection, module: Module, field: Field) -> None:
    """Record the field and add its column (inside the caller's transaction)."""
    position = cur.execute(
        "SELECT count(*) FROM kf_custom_fields WHERE module = ?", [module.name]
    ).fetchall()
    cur.execute(
        "INSERT INTO kf_custom_fields VALUES (?, ?, ?, ?, ?)",
        [module.name, field.name, field.label, field.type.value, position[0][0]],
    )
    cur.execute(f"ALTER TABLE {module.table} ADD COLUMN {field.name} {field.sql_type}")
    cur.execute(f"ALTER TABLE {module.table}_prev ADD COLUMN {field.name} {field.sql_type}")
    insert_picklist_values(cur, module.name, field.name, list(field.values), start=0)


def append_picklist_values(
    cur: duckdb.DuckDBPyConnection, field: Field, module_name: str, values: list[str]
) -> list[str]:
    """Append the values a picklist does not hold yet; returns those new ones."""
    known = set(field.values)
    fresh = list(dict.fromkeys(v for v in values if v and v not in known))
    if fresh:
        row = cur.execute(
            "SELECT count(*) FROM kf_picklist_values WHERE module = ? AND field = ?",
            [module_name, field.name],
        ).fetchall()
        insert_picklist_values(cur, module_name, field.name, fresh, start=row[0][0])
    return fresh


def insert_picklist_values(
    cur: duckdb.DuckDBPyConnection, module: str, field_name: str, values: list[str], start: int
) -> None:
    if values:
        cur.executemany(
            "INSERT INTO kf_picklist_values VALUES (?, ?, ?, ?)",
            [[module, field_name, v, start + i] for i, v in enumerate(values)],
        )
