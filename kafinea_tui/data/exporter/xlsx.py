"""Spreadsheet export: a scope of records -> one .xlsx workbook, typed cells, atomically.

The rows come from the same plan as the CSV export (scope, fields, order), with the values
typed (`sql._typed`): numbers are number cells, dates date cells (shown yyyy-mm-dd),
`created_at`/`modified_at` date-time cells, yes/no the words yes/no, text string cells. A
string cell is never a formula whatever it starts with, so no guard apostrophe is written.
XlsxWriter in constant-memory mode streams each row to the file, so memory does not grow
with the export; Python writes the cells (the baseline of `bench_xlsx` is the same loop bare).
One sheet named after the module, its header row frozen. More rows than a sheet holds is
refused in one sentence before anything is written. A `Cancellation` (or a progress callback
that raises) stops it between batches of rows, the workbook's temporary file removed.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

import pyarrow as pa
import xlsxwriter

from kafinea_tui.data.errors import KafineaError
from kafinea_tui.data.exporter.options import ExportOptions
from kafinea_tui.data.exporter.plan import ExportPlan, plan_export
from kafinea_tui.data.exporter.target import (
    CHUNK,
    ExportResult,
    check_target,
    os_error,
    temp_file,
)
from kafinea_tui.data.query import count_where
from kafinea_tui.data.store.database import Store
from kafinea_tui.data.store.results import first_row

MAX_ROWS = 1_048_576  # rows of a sheet, the header's included
BATCH = 65_536
MAX_TEXT = 32_767  # characters of a cell
Progress = Callable[[float], None]
Write = Callable[[int, int, Any], int]


def sheet_name(label: str) -> str:
    """A module's label as a sheet name: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", " ", label)[:31].strip() or "Export"


def write_xlsx(
    store: Store, options: ExportOptions, target: Path | BinaryIO, report: Progress
) -> ExportResult:
    """Write the scope as a workbook to a path (atomically) or a binary stream; `export_file`
    watches it for a cancellation."""
    plan = plan_export(store, options)
    report(0.0)
    count = count_where(store, store.module(options.module).table, *plan.where)
    lines = _lines(store, plan, count, store.module(options.module).name)
    if lines + 1 > MAX_ROWS:
        raise KafineaError(
            f"{lines:,} rows do not fit in a spreadsheet, whose sheets hold {MAX_ROWS - 1:,} "
            "below the header: export them as CSV, or fewer at a time (a filter or a selection)."
        )
    final = check_target(target) if isinstance(target, Path) else None
    directory = target.expanduser().parent if isinstance(target, Path) else None
    temporary: list[Path] = []
    try:
        path = temp_file(directory or Path(tempfile.gettempdir()), temporary)
        _write(store, plan, path, max(lines, 1), report)
        if final is not None:
            os.replace(path, final)
        else:
            assert not isinstance(target, Path)
            with path.open("rb") as source:
                shutil.copyfileobj(source, target, CHUNK)
            target.flush()
    except OSError as error:
        raise os_error(error, final) from None
    finally:
        for path in temporary:
            with contextlib.suppress(OSError):
                path.unlink()
    return ExportResult(path=final, count=count)


def _lines(store: Store, plan: ExportPlan, records: int, module: str) -> int:
    """Rows the sheet needs: one per record, or one per item line for sales orders."""
    if module != "salesorders":
        return records
    row = first_row(store.cursor().execute(f"SELECT count(*) FROM ({plan.sql})", plan.params))
    return int(row[0]) if row else 0


def _write(store: Store, plan: ExportPlan, path: Path, lines: int, report: Progress) -> None:
    cursor = store.cursor()
    cursor.execute("SELECT 1").fetchall()  # finish any half-read result on this cursor
    reader = cursor.sql(plan.sql, params=plan.params).to_arrow_reader(BATCH)
    book = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    try:
        sheet = book.add_worksheet(sheet_name(plan.module_label))
        bold = book.add_format({"bold": True})
        for column, item in enumerate(plan.columns):
            sheet.write_string(0, column, item.header, bold)
        sheet.freeze_panes(1, 0)
        writers = [_writer(book, sheet, f.type) for f in reader.schema]
        row = 1
        for batch in reader:
            values = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
            for cells in zip(*values, strict=True):
                for column, value in enumerate(cells):
                    if value is not None and writers[column](row, column, value) == -2:
                        raise KafineaError(
                            f"Row {row + 1}, {plan.columns[column].label}: a text of "
                            f"{len(value):,} characters does not fit in a spreadsheet cell "
                            f"({MAX_TEXT:,} at most); export as CSV."
                        )
                row += 1
            report(min(0.95, 0.95 * row / lines))
    finally:
        book.close()


def _writer(book: Any, sheet: Any, kind: pa.DataType) -> Write:
    """The cell writer of one column, chosen once from its Arrow type."""
    if pa.types.is_timestamp(kind):
        stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        return lambda r, c, v: int(sheet.write_datetime(r, c, v, stamp))
    if pa.types.is_date(kind):
        day = book.add_format({"num_format": "yyyy-mm-dd"})
        return lambda r, c, v: int(sheet.write_datetime(r, c, v, day))
    if pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind):
        return lambda r, c, v: int(sheet.write_number(r, c, v))
    if pa.types.is_boolean(kind):
        return lambda r, c, v: int(sheet.write_boolean(r, c, v))
    return lambda r, c, v: int(sheet.write_string(r, c, str(v)))
