"""The API's JSON back into the data layer's types, so a remote page looks like a local one.

The API sends dates and times as ISO text and decimals as numbers; the screens show the data
layer's values (`date`, `Decimal` with the column's two places), so each value is typed again
by its field. References arrive as the related record's key, which is what a list shows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from kafinea_tui.data.bulk.report import (
    BulkReport,
    DeleteImpact,
    RecordChange,
    RecordError,
    ReferenceImpact,
    UpdatePreview,
)
from kafinea_tui.data.importer.undo import BatchInfo, UndoReport
from kafinea_tui.data.query import Page
from kafinea_tui.data.record_view import RecordView
from kafinea_tui.data.schema import LINE_ITEM_FIELDS, Field, FieldType, Module, Schema

CENTS = Decimal("0.01")


def schema_of(modules: Sequence[Mapping[str, Any]]) -> Schema:
    """The schema from `GET /modules` (the shape of `schema.module_as_dict`)."""
    found: dict[str, Module] = {}
    for m in modules:
        fields = tuple(
            Field(
                name=str(f["name"]),
                label=str(f["label"]),
                type=FieldType(f["type"]),
                mandatory=bool(f.get("mandatory")),
                unique=bool(f.get("unique")),
                related=f.get("related"),
                values=tuple(f.get("values") or ()),
                custom=bool(f.get("custom")),
            )
            for f in m["fields"]
        )
        found[str(m["name"])] = Module(str(m["name"]), str(m["label"]), fields, str(m["key"]))
    return Schema(modules=found)


def typed(field_type: FieldType, value: Any) -> Any:
    """One JSON value as the data layer holds it (a value that does not read stays as sent)."""
    if value is None:
        return None
    try:
        if field_type is FieldType.DATE and isinstance(value, str):
            return date.fromisoformat(value)
        if field_type is FieldType.DECIMAL and isinstance(value, int | float | str):
            return Decimal(str(value)).quantize(CENTS)
    except (ValueError, InvalidOperation):
        return value
    return value


def timestamp(value: Any) -> Any:
    """`created_at` and `modified_at` as datetimes."""
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return value
    return value


def page_of(
    module: Module, fields: Sequence[Field], data: Mapping[str, Any], offset: int, limit: int
) -> Page:
    """`{"total", "records"}` as the list's Page showing `fields` (the list's columns): a
    sales order's items as their count."""
    rows: list[tuple[Any, ...]] = []
    ids: list[int] = []
    for record in data["records"]:
        ids.append(int(record["id"]))
        row = []
        for field in fields:
            value = record.get(field.name)
            if field.type is FieldType.LINE_ITEMS:
                row.append(len(value or ()))
            else:
                row.append(typed(field.type, value))
        rows.append(tuple(row))
    return Page(tuple(fields), rows, ids, int(data["total"]), offset, limit)


def update_preview(data: Mapping[str, Any]) -> UpdatePreview:
    records = [
        RecordChange(int(r["id"]), str(r["title"]), dict(r["before"]), dict(r["after"]))
        for r in data["records"]
    ]
    return UpdatePreview(int(data["count"]), records, list(data["errors"]), list(data["warnings"]))


def delete_impact(data: Mapping[str, Any]) -> DeleteImpact:
    references = [
        ReferenceImpact(str(r["module"]), str(r["field"]), int(r["count"]), str(r["sentence"]))
        for r in data["references"]
    ]
    return DeleteImpact(int(data["count"]), references, list(data["warnings"]))


def bulk_report(data: Mapping[str, Any]) -> BulkReport:
    """The report of `update --json` / `delete --json` (`BulkReport.as_dict`) read back."""
    errors = [RecordError(int(e["id"]), e.get("field"), str(e["reason"])) for e in data["errors"]]
    return BulkReport(
        operation=str(data["operation"]),
        module=str(data["module"]),
        matched=int(data.get("matched", 0)),
        updated=int(data.get("updated", 0)),
        unchanged=int(data.get("unchanged", 0)),
        deleted=int(data.get("deleted", 0)),
        failed=int(data.get("failed", 0)),
        related_created=int(data.get("related_created", 0)),
        cleared=list(data.get("cleared") or []),
        errors=errors,
        warnings=list(data.get("warnings") or []),
        batch=data.get("batch"),
        dry_run=bool(data.get("dry_run")),
    )


def batch_info(data: Mapping[str, Any]) -> BatchInfo:
    """One past import as `imports --json` shows it (`BatchInfo.as_dict`) read back."""
    return BatchInfo(
        id=int(data["batch"]),
        module=str(data["module"]),
        source=str(data["source"]),
        file=data.get("file"),
        started_at=timestamp(data.get("started_at")),
        finished_at=timestamp(data.get("finished_at")),
        undone_at=timestamp(data.get("undone_at")),
        report=dict(data.get("report") or {}),
    )


def undo_report(data: Mapping[str, Any]) -> UndoReport:
    """What an undo did or would do (`UndoReport.as_dict`) read back."""
    return UndoReport(
        batch=int(data["batch"]),
        deleted=int(data.get("deleted", 0)),
        restored=int(data.get("restored", 0)),
        recreated=int(data.get("recreated", 0)),
        kept=[str(k) for k in data.get("kept") or ()],
    )


def record_view(
    module: Module,
    record: Mapping[str, Any],
    record_id: int,
    id_of: Callable[[str, str], int | None],
) -> RecordView:
    """A record of `GET .../records/{id}` as the detail screen shows it; `id_of(module, key)`
    finds the related record a reference names, which the detail links to."""
    values: list[tuple[str, Any]] = []
    links: dict[str, tuple[str, int]] = {}
    for column in module.columns:
        value = typed(column.type, record.get(column.name))
        if column.type is FieldType.REFERENCE and column.related and value is not None:
            related_id = id_of(column.related, str(value))
            if related_id is not None:
                links[column.label] = (column.related, related_id)
        values.append((column.label, value))
    values += [("Id", record["id"]), ("Created", timestamp(record.get("created_at")))]
    values.append(("Modified", timestamp(record.get("modified_at"))))
    items = tuple(
        (
            item.get("product"),
            typed(FieldType.DECIMAL, item.get("quantity")),
            typed(FieldType.DECIMAL, item.get("list_price")),
        )
        for item in record.get("items") or ()
    )
    return RecordView(
        module_label=module.label,
        record_id=record_id,
        title=str(record.get(module.key) or f"#{record_id}"),
        values=tuple(values),
        item_labels=tuple(f.label for f in LINE_ITEM_FIELDS) if "items" in record else (),
        items=items,
        links=links,
    )
