"""The row path's entry points: `write_rows` (a POST of one record or a short list),
`update_record` (PATCH), `delete_record` (DELETE).

Each request is one transaction. Records are applied in the order given, each seeing the ones
before it (so two rows naming one record apply in order: the last wins under overwrite, each
later non-empty value under merge). A record is checked completely before anything of it is
written: a failed record leaves no trace, not even the related record it named.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from kafinea_tui.data.errors import KafineaError, NotFound, UsageError
from kafinea_tui.data.importer.plan import ImportReport, RowError
from kafinea_tui.data.importer.rows.apply import Apply, Failed
from kafinea_tui.data.importer.rows.lookups import Lookups
from kafinea_tui.data.importer.rows.parse import parse
from kafinea_tui.data.importer.rows.plan import ROW_PATH_LIMIT, RowPlan
from kafinea_tui.data.importer.rows.via_file import import_objects
from kafinea_tui.data.importer.rows.write import Writer
from kafinea_tui.data.importer.rules import picklist_warning
from kafinea_tui.data.store.database import Store
from kafinea_tui.data.values import ValueOptions


def write_rows(
    store: Store,
    plan: RowPlan,
    objects: Sequence[Any],
    dry_run: bool = False,
    row_limit: int = ROW_PATH_LIMIT,
) -> ImportReport:
    """Create or match-and-update each object; the import report (`line` = object's index).
    More than `row_limit` objects go through the file importer (`via_file`)."""
    module = store.module(plan.module)
    if not objects:
        raise UsageError("The body holds no records; send an object or a list of objects.")
    if len(objects) > row_limit:
        return import_objects(store, plan, objects, dry_run)
    options = ValueOptions(plan.decimal, plan.date_format)
    report = ImportReport(batch=None, dry_run=dry_run, total=len(objects))
    with store.transaction(dry_run) as cur:
        parsed = parse(cur, module, objects, options, plan.duplicates, plan.match)
        report.columns = list(parsed.columns)
        writer = Writer(cur, plan.source, plan.actor)
        if plan.description is not None and not dry_run:
            report.batch = writer.open_batch(module, plan.description)
        apply = Apply(store, module, parsed, Lookups(cur, store.schema), writer, plan)
        for index, lines in enumerate(parsed.lines, start=1):
            try:
                outcome = apply.record(lines)
            except Failed as failure:
                report.errors.append(RowError(index, failure.column, failure.reason))
                continue
            setattr(report, outcome, getattr(report, outcome) + 1)
        report.failed = len(report.errors)
        report.related_created = apply.related_created
        # A dry run writes no record: a created one's id would be one no record ever has.
        report.record_ids = [] if dry_run else list(apply.written)
        report.warnings = [
            picklist_warning(module.field(name).label, values, dry_run)
            for name, values in apply.added.items()
        ]
        summary = {**report.as_dict(), "errors": len(report.errors)}
        writer.close_batch(json.dumps(summary))
    if apply.added and not dry_run:
        store.refresh_schema()
    return report


def update_record(
    store: Store, plan: RowPlan, record_id: int, values: Mapping[str, Any]
) -> list[str]:
    """Set the given fields of one record (a PATCH): the names of the fields that changed.
    A value that fails the import's rules is a KafineaError naming the field."""
    module = store.module(plan.module)
    if not values:
        return []
    options = ValueOptions(plan.decimal, plan.date_format)
    with store.transaction() as cur:
        parsed = parse(cur, module, [dict(values)], options, matching=False)
        lookups = Lookups(cur, store.schema)
        if lookups.stored(module, record_id, []) is None:
            raise NotFound(f"{module.label} has no record {record_id}.")
        apply = Apply(store, module, parsed, lookups, Writer(cur, plan.source, plan.actor), plan)
        try:
            changed = apply.patch(parsed.lines[0], record_id, "items" in values)
        except Failed as failure:
            raise KafineaError(f"{failure.column}: {failure.reason}.") from None
    if apply.added:
        store.refresh_schema()
    return changed


def delete_record(
    store: Store, module_name: str, record_id: int, source: str = "api", actor: str | None = None
) -> None:
    """Delete one record (and an order's lines), clearing the references to it; NotFound when
    there is none."""
    module = store.module(module_name)
    with store.transaction() as cur:
        if Lookups(cur, store.schema).stored(module, record_id, []) is None:
            raise NotFound(f"{module.label} has no record {record_id}.")
        Writer(cur, source, actor).delete(module, store.schema, record_id)
