"""The JSON schemas of the OpenAPI document: records of this workspace's modules (custom fields
included), what goes in and what comes out, reports, changes, errors.

Records going out are typed by field (a decimal is a number, a date an ISO text, a reference
the related record's key). Records coming in take any JSON scalar for a field, because the
import's rules read text as a CSV cell is read (`"1 234,50"` is a decimal, `"oui"` a boolean,
`"31/12/2026"` a date with `date_format`): a value those rules cannot read fails its record in
the report, it is not a malformed request. Unknown properties are refused (400), so the schemas
say `additionalProperties: false`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kafinea_tui.data.schema import LINE_ITEM_FIELDS, FieldType, Module, Schema

SCALAR = {"type": ["string", "number", "integer", "boolean", "null"]}
# Times are UTC, written without an offset (2026-11-26T09:30:00.123456): not RFC 3339's
# date-time, which requires one, so the format is given as a pattern.
TIMESTAMP = {
    "type": "string",
    "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$",
    "description": "UTC, ISO 8601 without an offset",
}
REPORT_COUNTS = (
    "total",
    "created",
    "updated",
    "merged",
    "skipped",
    "failed",
    "related_created",
)


def ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def error_answers(codes: Iterable[int], words: Mapping[int, str] | str) -> dict[str, Any]:
    """An operation's error answers: each code an `Error` sentence, described by `words` (one
    description a code, or one for all), as every group of routes documents them."""
    return {
        str(code): {
            "description": words if isinstance(words, str) else words[code],
            "content": {"application/json": {"schema": ref("Error")}},
        }
        for code in codes
    }


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    kind = schema["type"]
    return {**schema, "type": [*(kind if isinstance(kind, list) else [kind]), "null"]}


def _out(type_: FieldType) -> dict[str, Any]:
    """A stored value as the API shows it."""
    if type_ is FieldType.INTEGER:
        return {"type": "integer"}
    if type_ is FieldType.DECIMAL:
        return {"type": "number"}
    if type_ is FieldType.BOOLEAN:
        return {"type": "boolean"}
    if type_ is FieldType.DATE:
        return {"type": "string", "format": "date"}
    return {"type": "string"}


def _name(module: Module, suffix: str) -> str:
    return "".join(part.title() for part in module.name.split("_")) + suffix


def _items(out: bool) -> dict[str, Any]:
    fields = {
        f.name: nullable(_out(FieldType.TEXT if f.related else f.type)) if out else SCALAR
        for f in LINE_ITEM_FIELDS
    }
    item: dict[str, Any] = {"type": "object", "properties": fields, "additionalProperties": False}
    if out:
        item["required"] = list(fields)
    return {"type": "array", "items": item}


def _record_out(module: Module) -> dict[str, Any]:
    properties: dict[str, Any] = {"id": {"type": "integer"}}
    for f in module.fields:
        if f.type is FieldType.LINE_ITEMS:
            properties[f.name] = _items(out=True)
        else:
            properties[f.name] = nullable(_out(FieldType.TEXT if f.related else f.type))
    properties["created_at"] = TIMESTAMP
    properties["modified_at"] = TIMESTAMP
    return {
        "type": "object",
        "description": f"A record of {module.label}: references as the related record's key.",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def _record_in(module: Module) -> dict[str, Any]:
    properties = {
        f.name: _items(out=False) if f.type is FieldType.LINE_ITEMS else SCALAR
        for f in module.fields
    }
    return {
        "type": "object",
        "description": f"Fields of {module.label} by name; values as a CSV cell would hold them.",
        "properties": properties,
        "additionalProperties": False,
    }


def components(schema: Schema) -> dict[str, Any]:
    """Every schema the paths refer to."""
    found: dict[str, Any] = {}
    for module in schema.modules.values():
        found[_name(module, "Record")] = _record_out(module)
        found[_name(module, "Input")] = _record_in(module)
    records = [ref(_name(m, "Record")) for m in schema.modules.values()]
    inputs = [ref(_name(m, "Input")) for m in schema.modules.values()]
    found["Record"] = {"anyOf": records}
    found["RecordInput"] = {"anyOf": inputs}
    found["RecordsInput"] = {
        "anyOf": [ref("RecordInput"), {"type": "array", "items": ref("RecordInput"), "minItems": 1}]
    }
    found["Page"] = _object(
        total={"type": "integer"}, records={"type": "array", "items": ref("Record")}
    )
    found["RowError"] = _object(
        line={"type": "integer"}, column={"type": ["string", "null"]}, reason={"type": "string"}
    )
    found["Report"] = _object(
        batch={"type": ["integer", "null"]},
        **{name: {"type": "integer"} for name in REPORT_COUNTS},
        errors={"type": "array", "items": ref("RowError")},
        warnings={"type": "array", "items": {"type": "string"}},
        dry_run={"type": "boolean"},
        unmapped={"type": "array", "items": {"type": "string"}},
        looks_like={"type": ["string", "null"]},
    )
    # Records posted as JSON also get the ids written, in the body's order (not required: a
    # CSV import's report has none).
    found["Report"]["properties"]["ids"] = {"type": "array", "items": {"type": "integer"}}
    found["Change"] = _object(
        cursor={"type": "string"},
        op={"type": "string", "enum": ["create", "update", "delete"]},
        id={"type": "integer"},
        source={"type": "string"},
        fields={"type": "array", "items": {"type": "string"}},
        at=TIMESTAMP,
        batch={"type": ["integer", "null"]},
        token={"type": ["string", "null"]},
    )
    found["Changes"] = _object(
        changes={"type": "array", "items": ref("Change")},
        cursor={"type": "string"},
        more={"type": "boolean"},
    )
    found["Field"] = _object(
        name={"type": "string"},
        label={"type": "string"},
        type={"type": "string", "enum": [t.value for t in FieldType]},
        mandatory={"type": "boolean"},
        unique={"type": "boolean"},
        related={"type": ["string", "null"]},
        values={"type": "array", "items": {"type": "string"}},
        custom={"type": "boolean"},
    )
    found["Module"] = _object(
        name={"type": "string", "enum": list(schema.modules)},
        label={"type": "string"},
        key={"type": "string"},
        fields={"type": "array", "items": ref("Field")},
    )
    found["Health"] = _object(status={"type": "string", "const": "ok"}, version={"type": "string"})
    found["Deleted"] = _object(id={"type": "integer"}, deleted={"type": "boolean", "const": True})
    found["Error"] = {
        "type": "object",
        "properties": {
            "error": {"type": "string", "description": "one sentence"},
            "position": {"type": "integer", "description": "where a filter went wrong, 0-based"},
            "expression": {"type": "string", "description": "the filter expression"},
        },
        "required": ["error"],
        "additionalProperties": False,
    }
    return found


def _object(**properties: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def json_body(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    """A required JSON request body: an object of these properties and no other."""
    schema = {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }
    return {"required": True, "content": {"application/json": {"schema": schema}}}
