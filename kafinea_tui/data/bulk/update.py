"""Mass edit: set some fields to one value on every selected record, set-based, as one batch.

Values are text read by the import's rules (`edit_values`). The edit is a handful of statements
over the whole selection in one transaction: the records that would fail (a unique key taken, an
order's total fixed by its lines) go to `kf_bulk_fail`; the ones whose values actually change
are counted with their distinct previous values (one scan), saved for undo as codes into those
values (`saved_values`), rewritten by one UPDATE over the same condition, and logged as one
change-log set.
A record that already has the values is left alone (no `modified_at` bump, no change-log
entry), as `Store.update` does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import duckdb

from kafinea_tui.data.bulk.batch import count, edit_table, finish_batch, open_batch
from kafinea_tui.data.bulk.edit_values import EditValues, display, read_values
from kafinea_tui.data.bulk.failures import FAIL, collect_errors, find_failures
from kafinea_tui.data.bulk.related_key import create_related
from kafinea_tui.data.bulk.report import BulkReport, RecordChange, UpdatePreview
from kafinea_tui.data.bulk.saved_values import (
    Changing,
    count_changing,
    drop_counted,
    save_values,
)
from kafinea_tui.data.bulk.selection import BULK_IDS, Selection, select_into
from kafinea_tui.data.errors import UsageError
from kafinea_tui.data.query import display_select
from kafinea_tui.data.schema import Module
from kafinea_tui.data.store.change_log import log_id_set
from kafinea_tui.data.store.database import Store, utc_now
from kafinea_tui.data.values import Params, ValueOptions

Progress = Callable[[float], None]
NEW_RELATED = -1  # stands for a related record not created yet (a dry run never creates it)


def preview_update(
    store: Store,
    module: str,
    selection: Selection,
    values: dict[str, str],
    limit: int = 5,
    options: ValueOptions | None = None,
) -> UpdatePreview:
    """The count, the first `limit` records before and after, and the values' errors; writes
    nothing. UsageError for an unknown field; a bad filter raises FilterError."""
    mod = store.module(module)
    edit = read_values(store, mod, values, options)
    with store.transaction(dry_run=True) as cur:
        selected = select_into(store, cur, mod, selection)
        preview = UpdatePreview(selected.count, errors=list(edit.errors))
        preview.warnings = [*selected.warnings(mod), *edit.warnings(dry_run=True)]
        fields = edit.fields(mod)
        key = mod.field(mod.key)
        shown = [key, *(f for f in fields if f.name != key.name)]
        select, joins = display_select(mod, store.schema, shown)
        rows = cur.execute(
            f"SELECT r.id, {select} FROM (SELECT * FROM {mod.table} WHERE id IN"
            f" (SELECT id FROM {BULK_IDS}) ORDER BY id LIMIT ?) r {joins} ORDER BY r.id",
            [max(0, limit)],
        ).fetchall()
        for row in rows:
            by_name = dict(zip((f.name for f in shown), row[1:], strict=True))
            title = by_name[key.name]
            preview.records.append(
                RecordChange(
                    id=int(row[0]),
                    title=str(title) if title not in (None, "") else f"#{row[0]}",
                    before={f.label: display(by_name[f.name]) for f in fields},
                    after={f.label: edit.texts[f.name] for f in fields},
                )
            )
    return preview


def mass_update(
    store: Store,
    module: str,
    selection: Selection,
    values: dict[str, str],
    *,
    dry_run: bool = False,
    source: str = "app",
    progress: Progress | None = None,
    options: ValueOptions | None = None,
    actor: str | None = None,
) -> BulkReport:
    """Set `values` on the selected records in one transaction; one batch that undo restores.

    UsageError (nothing written) for an unknown field or a value that cannot be read."""
    tick = progress or (lambda _f: None)
    mod = store.module(module)
    edit = read_values(store, mod, values, options)
    if edit.errors:
        raise UsageError(" ".join(edit.errors))
    report = BulkReport("update", mod.name, dry_run=dry_run)
    tick(0.05)
    with store.transaction(dry_run) as cur:
        selected = select_into(store, cur, mod, selection, live=True)
        report.matched = selected.count
        report.warnings = [*selected.warnings(mod), *edit.warnings(dry_run)]
        typed = {n: NEW_RELATED if n in edit.new_related else v for n, v in edit.values.items()}
        checked = find_failures(cur, mod, typed, selected.count)
        report.failed = count(cur, f"SELECT DISTINCT id FROM {FAIL}") if checked else 0
        params = Params()
        changing = _changing(mod, typed, params, selection, report.failed > 0)
        # The records that change, counted with their distinct previous values in one scan.
        fields = list(typed)
        bounds = (selected.low, selected.high)
        found = count_changing(cur, mod.table, fields, changing, params.values, bounds)
        report.updated = found.span.count
        tick(0.3)
        report.unchanged = report.matched - report.updated - report.failed
        report.errors = collect_errors(cur) if checked else []
        report.related_created = len(edit.new_related)
        if not dry_run and report.updated:
            # Every selected record changes: the condition is the selection alone (a bare
            # UPDATE of the whole table when everything is selected, no field compared).
            every = report.updated == report.matched
            written = _write(store, cur, mod, edit, selection, source, found, every, report.failed)
            report.batch = written
            log_id_set(
                cur,
                mod.name,
                f"SELECT id FROM {edit_table(written)}",
                "update",
                source,
                written,
                list(edit.values),
                actor,
                span=(found.span.count, found.span.low, found.span.high),
            )
            finish_batch(cur, report.batch, report.as_dict() | {"fields": list(edit.values)})
        elif not report.updated:
            report.related_created = 0
            report.warnings = selected.warnings(mod)  # nothing is created nor added
        if checked:
            cur.execute(f"DROP TABLE IF EXISTS {FAIL}")
        if report.batch is None:  # a dry run, or no change: nothing saved nor dropped the tables
            drop_counted(cur, found)
        selected.drop(cur)
    if edit.new_picklist and report.batch is not None:
        store.refresh_schema()
    tick(1.0)
    return report


def _changing(
    mod: Module,
    values: dict[str, Any],
    params: Params,
    selection: Selection,
    failures: bool,
    every: bool = False,
) -> str:
    """The condition on `m` (a record of the module) of the records the edit changes: selected,
    not failing, and holding another value in one of the fields (`every`: known to hold
    another value, not compared). Evaluated twice in the transaction (saving, then
    rewriting), on the same records: a predicate over the table is cheaper than a join on a
    million saved ids."""
    differs = (
        "true"
        if every
        else " OR ".join(
            f"m.{n} IS DISTINCT FROM {_cast(mod, n, v, params)}" for n, v in values.items()
        )
    )
    chosen = "" if selection.everything else f" AND m.id IN (SELECT id FROM {BULK_IDS})"
    failing = f" AND m.id NOT IN (SELECT id FROM {FAIL})" if failures else ""
    return f"({differs}){chosen}{failing}"


def _write(
    store: Store,
    cur: duckdb.DuckDBPyConnection,
    mod: Module,
    edit: EditValues,
    selection: Selection,
    source: str,
    found: Changing,
    every: bool,
    failures: int,
) -> int:
    """Open the batch, save the previous values for undo and rewrite the records. A new
    related record takes its id only now: the records are then matched by the saved ids, as the
    condition compared them with a placeholder."""
    now = utc_now()
    labels = ", ".join(mod.field(n).label for n in edit.values)
    batch = open_batch(cur, mod, source, f"mass edit of {labels} ({selection.describe()})", now)
    table = edit_table(batch)
    typed = {n: NEW_RELATED if n in edit.new_related else v for n, v in edit.values.items()}
    saving = Params()
    where = _changing(mod, typed, saving, selection, failures > 0, every)
    save_values(cur, mod.table, list(typed), where, saving.values, batch, found)
    typed = dict(edit.values)
    for name, key in edit.new_related.items():
        typed[name] = create_related(cur, store, mod.field(name), key, batch, now, source)
    for name, value in edit.new_picklist.items():
        store.add_picklist_values(cur, mod.name, name, [value])
    params = Params()
    sets = ", ".join(f"{n} = {_cast(mod, n, v, params)}" for n, v in typed.items())
    if edit.new_related:
        where = f"m.id IN (SELECT id FROM {table})"
    else:
        where = _changing(mod, dict(edit.values), params, selection, failures > 0, every)
    cur.execute(
        f"UPDATE {mod.table} AS m SET {sets}, modified_at = {params.add(now)} WHERE {where}",
        params.values,
    )
    return batch


def _cast(mod: Module, name: str, value: Any, params: Params) -> str:
    return f"CAST({params.add(value)} AS {mod.field(name).sql_type})"
