"""Long lists of posted records, run through the file importer.

A list longer than `importer.rows.ROW_PATH_LIMIT` is not written record by record: the JSON
objects become a CSV file (one row an object, one row a line item for sales orders, field names
as headers) that `run_import` reads, set-based, so a thousand objects cost what a thousand-row
file costs. The rules are the row path's (both follow `importer.rules`), the request is one
batch that `undo` can take back, and the report's `line` is the 1-based index of the object.

A field absent from one object but present in another is an empty cell for the first: with
`duplicates=overwrite` that clears the field, as an empty cell does in a file. Send objects of
one shape, or use `merge`, when that matters.

A sales order is one object here: its report is the object's own reason, not the sentences the
file importer gives the other rows of a failed order. The file importer reads a row with empty
order cells and line item cells as another line of the order above it (an Odoo export's lines);
an order object with lines and no order value gets an empty row of its own before its lines,
so that they are never added to the object before it and it fails as the row path fails it.
"""

from __future__ import annotations

import bisect
import csv
import io
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kafinea_tui.data.errors import UsageError
from kafinea_tui.data.importer.match import owed_to_another_row
from kafinea_tui.data.importer.plan import CsvOptions, ImportPlan, ImportReport, RowError
from kafinea_tui.data.importer.rows.parse import ITEM_COLUMNS, cell_text, columns_of
from kafinea_tui.data.importer.rows.plan import RowPlan
from kafinea_tui.data.importer.run import run_import
from kafinea_tui.data.schema import Module
from kafinea_tui.data.store.database import Store
from kafinea_tui.data.values import clean_text

ITEM_KEYS = tuple(column.split(".", 1)[1] for column in ITEM_COLUMNS)


def import_objects(
    store: Store, rows: RowPlan, objects: Sequence[Any], dry_run: bool = False
) -> ImportReport:
    """Import a list of JSON objects with the options of `rows`, through a temporary CSV file.
    The store is taken to be shared with other threads (see `run_import`)."""
    module = store.module(rows.module)
    if not objects:
        raise UsageError("The body holds no records; send an object or a list of objects.")
    with tempfile.TemporaryDirectory(prefix="kafinea-rows-") as folder:
        path = Path(folder) / f"{module.name}.csv"
        return _import(store, module, rows, objects, path, dry_run)


def _import(
    store: Store,
    module: Module,
    rows: RowPlan,
    objects: Sequence[Any],
    path: Path,
    dry_run: bool,
) -> ImportReport:
    starts = write_objects(module, objects, path)
    plan = ImportPlan(
        module=module.name,
        csv=CsvOptions(path=path, encoding="utf-8", delimiter="comma", header=True),
        duplicates=rows.duplicates,
        match=list(rows.match),
        mapping={column: column for column in columns_of(module, objects)},
        date_format=rows.date_format,
        decimal=rows.decimal,
        create_related=rows.create_related,
        source=rows.source,
        actor=rows.actor,
        description=rows.description,
        # JSON values are the values themselves: a leading apostrophe is never a guard.
        formula_guard=False,
    )
    report = run_import(store, plan, dry_run=dry_run, shared=True)
    return _by_object(report, starts, len(objects))


def write_objects(module: Module, objects: Sequence[Any], path: Path) -> list[int]:
    """Write the objects as CSV; returns the file line on which each object's first row starts."""
    columns = columns_of(module, objects)
    plain = [c for c in columns if c not in ITEM_COLUMNS]
    starts: list[int] = []
    line = 1
    with path.open("w", encoding="utf-8", newline="") as handle:
        line += _write_row(handle, columns)
        for index, obj in enumerate(objects, start=1):
            cells = [_cell(index, name, obj.get(name)) for name in plain]
            items = (obj.get("items") if module.name == "salesorders" else None) or []
            if not isinstance(items, list):
                raise UsageError(f"Record {index}: items is a list of line items.")
            rows = [cells + _item_cells(index, item) for item in items] or [
                cells + [""] * (len(columns) - len(plain))
            ]
            starts.append(line)
            if items and _lines_only(cells, rows):
                line += _write_row(handle, [""] * len(columns))
            for row in rows:
                line += _write_row(handle, row)
    return starts


def _lines_only(cells: list[str], rows: list[list[str]]) -> bool:
    """Whether an order's rows would read as lines of the order above them: no order cell has a
    value, and a line item cell has (`match`'s test, with the same cleaning)."""
    plain = len(cells)
    if any(clean_text(cell) is not None for cell in cells):
        return False
    return any(clean_text(cell) is not None for row in rows for cell in row[plain:])


def _item_cells(index: int, item: Any) -> list[str]:
    if not isinstance(item, dict):
        raise UsageError(
            f"Record {index}: a line item is an object with product, quantity, list_price."
        )
    unknown = set(item) - set(ITEM_KEYS)
    if unknown:
        raise UsageError(f"Record {index}: a line item has no field {sorted(unknown)[0]!r}.")
    return [_cell(index, name, item.get(name)) for name in ITEM_KEYS]


def _cell(index: int, name: str, value: Any) -> str:
    return cell_text(value, f"Record {index}: {name}") or ""


def _write_row(handle: io.TextIOBase | Any, row: list[str]) -> int:
    """Write one CSV row; returns how many file lines it took (cells may hold line breaks)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(row)
    text = buffer.getvalue()
    handle.write(text)
    return text.count("\n")


def _by_object(report: ImportReport, starts: list[int], count: int) -> ImportReport:
    """File lines -> object indexes; for sales orders, counts by order rather than by line."""
    errors: dict[tuple[int, str | None, str], RowError] = {}
    indexed = [(max(1, bisect.bisect_right(starts, e.line)), e) for e in report.errors]
    # An order's rows that failed because another row of it did say nothing of their own.
    own = {index for index, e in indexed if not owed_to_another_row(e.reason)}
    for index, error in indexed:
        if index in own and owed_to_another_row(error.reason):
            continue
        key = (index, error.column, error.reason)
        errors.setdefault(key, RowError(index, error.column, error.reason, error.values))
    report.errors = list(errors.values())
    report.total = count
    report.failed = len({e.line for e in report.errors}) if report.errors else report.failed
    return report
