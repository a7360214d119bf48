"""Import plan -> dry run or run -> report; the one entry point of every CSV import.

The whole import is one transaction: the file is staged into DuckDB, typed, matched and written
with set statements (validate, match, write), and a crash or Ctrl-C at any point leaves the
workspace as it was. A dry run executes the same statements up to the writes and rolls back, so
its counts and errors are the real ones.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

import duckdb

from kafinea_tui.data.cancel import Cancellation, ticking
from kafinea_tui.data.errors import KafineaError, UsageError
from kafinea_tui.data.importer.context import FAIL, MATCHES, RECS, ROWS, TEMP_TABLES, Context
from kafinea_tui.data.importer.duckdb_settings import insertion_order, memory_bound
from kafinea_tui.data.importer.file import source
from kafinea_tui.data.importer.file.csv_source import Staged
from kafinea_tui.data.importer.file.sniff import Resolved
from kafinea_tui.data.importer.file.spreadsheet import SheetResolved, typed_columns
from kafinea_tui.data.importer.mapping import (
    Target,
    check_reference_keys,
    resolve_targets,
    with_suggestions,
)
from kafinea_tui.data.importer.match import build_records, build_rows, check_records
from kafinea_tui.data.importer.plan import Duplicates, ImportPlan, ImportReport, RowError
from kafinea_tui.data.importer.related import create_related
from kafinea_tui.data.importer.rules import match_fields, picklist_warning
from kafinea_tui.data.importer.sql import drop_temp
from kafinea_tui.data.importer.suggest import suggest, suggest_mapping
from kafinea_tui.data.importer.validate import (
    new_picklist_values,
    resolve_references,
    typed_query,
    typed_view,
)
from kafinea_tui.data.importer.write import write_records
from kafinea_tui.data.schema import Module
from kafinea_tui.data.special_files import is_special
from kafinea_tui.data.store.change_log import set_actor
from kafinea_tui.data.store.database import Store, utc_now
from kafinea_tui.data.store.results import first_row
from kafinea_tui.data.values import ValueOptions, check_value

# suggest / suggest_mapping: the mapping `run_import` uses when the plan names none, which the
# wizard (with where each suggestion came from, and the product the file looks like) and the
# CLI show before running.
__all__ = ["failed_rows_csv", "run_import", "suggest", "suggest_mapping"]

MAX_LISTED_ERRORS = 100_000
# The permissions of the files we write (read once: setting the umask to read it is not
# thread-safe).
_UMASK = os.umask(0o022)
os.umask(_UMASK)
_CANCELLED = "The import was cancelled: nothing was imported (the workspace is as it was)."
Progress = Callable[[float], None]


def cancelled_sentence(dry_run: bool) -> str:
    """What a stopped import or test run says, wherever it ran (here, or on a server)."""
    return "The test run was cancelled." if dry_run else _CANCELLED


def plan_targets(
    module: Module,
    plan: ImportPlan,
    columns: list[str],
    report: ImportReport | None = None,
    modules: list[Module] | None = None,
) -> list[Target]:
    """The plan's mapping (or a suggested one) checked against the file and the module; the
    report, when given, learns the columns that go nowhere and the product the file is from."""
    mapping = plan.mapping
    if not mapping or plan.suggest_rest:
        suggested = suggest(columns, module, modules)
        mapping = with_suggestions(module, columns, mapping, suggested.mapping, plan.csv.header)
        if report is not None and suggested.detected is not None:
            report.looks_like = suggested.detected.sentence(module.label)
    found = resolve_targets(module, columns, mapping, plan.defaults, plan.csv.header)
    if report is not None:
        used = {t.index for t in found if t.index is not None}
        report.unmapped = [c for i, c in enumerate(columns, start=1) if i not in used]
    if not any(t.index is not None for t in found):
        raise UsageError(
            f"No column of the file is mapped to a field of {module.label}; map at least one."
        )
    return found


def _check_match(module: Module, plan: ImportPlan, found: list[Target]) -> list[str]:
    mapped = {t.field.name for t in found if t.index is not None and not t.is_item}
    duplicates = Duplicates(plan.duplicates) if plan.duplicates is not None else None
    return match_fields(module, plan.match, duplicates, mapped)


def run_import(
    store: Store,
    plan: ImportPlan,
    dry_run: bool = False,
    progress: Progress | None = None,
    shared: bool = False,
    cancellation: Cancellation | None = None,
) -> ImportReport:
    """Run (or dry-run) one import; KafineaError/UsageError when nothing can be imported.

    `shared`: other threads run statements on this database at the same time (the API server),
    so the import leaves the database-wide memory limit as it is: changing it under a running
    export can fail, or starve that export.

    `cancellation` stops the import from another thread (a dialog's Cancel, Ctrl-C): the
    statement running is interrupted, the transaction rolls back, and `Cancelled` is raised;
    so does a progress callback that raises. Once committed, the import is no longer stopped."""
    cancel = cancellation or Cancellation()
    tick = ticking(progress, cancel)
    module = store.module(plan.module)
    options = ValueOptions(plan.decimal, plan.date_format)
    duplicates = Duplicates(plan.duplicates) if plan.duplicates is not None else None
    resolved = source.resolve(plan.csv)
    report = ImportReport(batch=None, dry_run=dry_run, columns=list(resolved.columns))
    modules = list(store.schema.modules.values())
    found = plan_targets(module, plan, resolved.columns, report, modules)
    check_reference_keys(module, store.schema, plan.reference_keys)
    match = _check_match(module, plan, found)
    defaults = {
        t.field.name: check_value(store.cursor(), t.field, t.default, options)
        for t in found
        if t.default is not None and not t.is_reference and not t.is_item
    }
    now = utc_now()
    stopped = cancelled_sentence(dry_run)
    with (
        insertion_order(store.cursor()),
        memory_bound(store.cursor(), None if shared else resolved.path, _in_memory(resolved)),
        # Inside the settings' restoring, around the transaction alone: an interruption after
        # the commit cannot turn a finished import into a cancelled one.
        cancel.watching(store.cursor(), stopped),
        store.transaction(dry_run) as cur,
    ):
        tick(0.05)
        batch: int | None = None
        if not dry_run:
            row = first_row(cur.execute("SELECT nextval('kf_batches_seq')"))
            batch = int(row[0]) if row else None
            cur.execute(
                "INSERT INTO kf_batches (id, module, source, file, started_at)"
                " VALUES (?, ?, ?, ?, ?)",
                [batch, module.name, plan.source, plan.description or str(resolved.path), now],
            )
        # A workbook's cells are values (its export writes no guard); a CSV's may be guarded.
        guarded = plan.formula_guard and not source.is_spreadsheet(resolved.path)
        transform = typed_query(found, options, guarded, typed_columns(resolved))
        staged = source.stage(cur, plan.csv, resolved, transform, plan.decimal)
        report.warnings.extend(staged.notes)
        typed_view(cur, staged.table, staged.base_rowid)
        # File order is kept in `rn` from here on: let DuckDB write in parallel, in less memory.
        cur.execute("SET SESSION preserve_insertion_order = false")
        tick(0.55)
        ctx = Context(
            cur, module, found, duplicates, match, plan.create_related, dry_run, defaults=defaults
        )
        ctx.rows = staged.rows
        ctx.refs = resolve_references(cur, store.schema, found, plan.reference_keys)
        tick(0.65)
        build_rows(ctx)
        build_records(ctx)
        check_records(ctx)
        # Once the records to write are known: a failed or skipped row leaves no trace.
        report.related_created = create_related(ctx, batch, now, plan.source)
        _extend_picklists(store, ctx, report)
        tick(0.75)
        if not dry_run:
            write_records(ctx, batch, now, plan.source)
        tick(0.9)
        _count(ctx, report, staged)
        _collect_errors(cur, report, staged)
        report.batch = batch
        if not dry_run and plan.actor is not None and batch is not None:
            set_actor(cur, batch, plan.actor)
        if not dry_run:
            cur.execute(
                "UPDATE kf_batches SET finished_at = ?, report = ? WHERE id = ?",
                [utc_now(), json.dumps(_summary(report)), batch],
            )
        for name in (*TEMP_TABLES, staged.table):
            drop_temp(cur, name)
        cancel.seal()  # past here, the import commits whatever is pressed
    if report.warnings and not dry_run:
        store.refresh_schema()
    if progress is not None:
        progress(1.0)  # committed: a cancellation now comes too late to undo anything
    return report


def _in_memory(resolved: Resolved) -> int:
    """What a spreadsheet's text takes once loaded (its file is compressed), else 0."""
    if isinstance(resolved, SheetResolved):
        return int(resolved.loaded.total_height) * len(resolved.columns) * 24
    return 0


def _extend_picklists(store: Store, ctx: Context, report: ImportReport) -> None:
    fresh = new_picklist_values(ctx.cur, ctx.targets, RECS)
    for name, values in fresh.items():
        if not ctx.dry_run:
            store.add_picklist_values(ctx.cur, ctx.module.name, name, values)
        report.warnings.append(picklist_warning(ctx.module.field(name).label, values, ctx.dry_run))


def _count(ctx: Context, report: ImportReport, staged: Staged) -> None:
    cur = ctx.cur
    report.total = staged.rows + len(staged.rejects)
    row = first_row(cur.execute(f"SELECT count(DISTINCT rn) FROM {FAIL}"))
    report.failed = (int(row[0]) if row else 0) + len(staged.rejects)
    words = {"update": "updated", "merge": "merged", "skip": "skipped"}
    if ctx.module.name == "salesorders":
        for action, n in cur.execute(
            f"SELECT action, count(*) FROM {RECS} GROUP BY action"
        ).fetchall():
            setattr(report, {"create": "created", **words}[action], int(n))
        if ctx.duplicates is Duplicates.IGNORE:
            row = first_row(
                cur.execute(
                    f"SELECT count(DISTINCT r.mk) FROM {ROWS} r JOIN {MATCHES} x ON x.mk = r.mk"
                    f" WHERE x.n = 1 AND r.rn NOT IN (SELECT rn FROM {FAIL})"
                )
            )
            report.skipped = int(row[0]) if row else 0
        return
    if not ctx.grouped:
        row = first_row(cur.execute(f"SELECT count(*) FROM {RECS}"))
        report.created = int(row[0]) if row else 0
        return
    # Each record made from the file is one 'created' row (its first); every other row that
    # did not fail was matched: updated, merged or skipped as the mode says.
    mode = {"overwrite": "updated", "merge": "merged", "ignore": "skipped"}[
        ctx.duplicates.value if ctx.duplicates else "ignore"
    ]
    row = first_row(cur.execute(f"SELECT count(*) FROM {RECS} WHERE action = 'create'"))
    report.created = int(row[0]) if row else 0
    setattr(report, mode, staged.rows - (report.failed - len(staged.rejects)) - report.created)


def _collect_errors(cur: duckdb.DuckDBPyConnection, report: ImportReport, staged: Staged) -> None:
    width = len(staged.resolved.columns)
    cols = ", ".join(staged.cell_sql(i, "s") for i in range(1, width + 1))
    failed = cur.execute(
        f"SELECT f.rn, f.col, f.reason, {cols} FROM (SELECT rn, col, reason FROM {FAIL}"
        f" QUALIFY row_number() OVER (PARTITION BY rn ORDER BY rn) = 1) f"
        f" JOIN {staged.table} s ON s.rowid = f.rn + {int(staged.base_rowid)} ORDER BY f.rn LIMIT {MAX_LISTED_ERRORS}"
    ).fetchall()
    lines = staged.lines(cur, [int(r[0]) for r in failed])
    errors = [
        RowError(
            lines[int(r[0])],
            None if r[1] is None else str(r[1]),
            str(r[2]),
            ["" if v is None else str(v) for v in r[3:]],
        )
        for r in failed
    ]
    for reject in staged.rejects:
        cells = next(
            csv.reader(io.StringIO(reject.text, newline=""), delimiter=staged.resolved.delimiter),
            [],
        )
        errors.append(RowError(reject.line, reject.column, reject.reason, list(cells)))
    errors.sort(key=lambda e: e.line)
    if report.failed > len(errors):
        report.warnings.append(
            f"Only the first {len(errors):,} of {report.failed:,} failed rows are listed."
        )
    report.errors = errors


def _summary(report: ImportReport) -> dict[str, object]:
    data = report.as_dict()
    data["errors"] = len(report.errors)
    return data


def failed_rows_csv(
    report: ImportReport, path: Path, delimiter: str = ",", encoding: str = "utf-8"
) -> int:
    """Write the failed rows (the file's columns, then a Reason column) to fix and import again.
    Returns how many rows were written. Written under a temporary name beside `path` and renamed
    at the end, so a failure never leaves half a file, nor spoils a file it was to replace; a
    device or a pipe (`special_files`) is written into."""
    target = Path(path)
    try:
        if is_special(target):
            with target.open("w", encoding=encoding, newline="") as stream:
                _write_failed(stream, report, delimiter)
        else:
            _write_whole(target, report, delimiter, encoding)
    except OSError as error:
        raise KafineaError(
            f"Cannot write the failed rows to {path}: {error.strerror or error}."
        ) from None
    return len(report.errors)


def _write_whole(target: Path, report: ImportReport, delimiter: str, encoding: str) -> None:
    handle, name = tempfile.mkstemp(prefix=".kafinea-failed-", suffix=".part", dir=target.parent)
    temporary = Path(name)
    try:
        with open(handle, "w", encoding=encoding, newline="") as stream:
            _write_failed(stream, report, delimiter)
        temporary.chmod(0o666 & ~_UMASK)  # mkstemp makes it private
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _write_failed(stream: TextIO, report: ImportReport, delimiter: str) -> None:
    writer = csv.writer(stream, delimiter=delimiter)
    writer.writerow([*report.columns, "Reason"])
    width = len(report.columns)
    for error in report.errors:
        reason = f"{error.column}: {error.reason}" if error.column else error.reason
        cells = list(error.values or [])
        if error.values is not None and len(cells) != width:
            # A ragged row fits the columns, so that Reason stays the last one and the fixed
            # file imports; the cells past the last column are kept in the reason.
            extra = cells[width:]
            cells = (cells + [""] * width)[:width]
            if extra:
                reason += f"; the cells past the last column: {delimiter.join(extra)}"
        writer.writerow([*cells, reason])
