"""The file an import reads, CSV or spreadsheet: one face for the importer and the wizard.

The file's extension chooses the reader (`csv_source` or `spreadsheet`); both give the same
`Resolved` columns and a `Staged` table of text cells c1..cN, so mapping, typing, matching and
writing never know which kind of file they read.
"""

from __future__ import annotations

import duckdb

from kafinea_tui.data.importer.file import csv_source, spreadsheet
from kafinea_tui.data.importer.file.csv_source import Preview
from kafinea_tui.data.importer.file.sniff import Resolved
from kafinea_tui.data.importer.file.spreadsheet import SUFFIXES, Sheet, is_spreadsheet, sheets
from kafinea_tui.data.importer.file.stage import Staged, Transform
from kafinea_tui.data.importer.plan import CsvOptions

__all__ = ["SUFFIXES", "Sheet", "is_spreadsheet", "preview", "resolve", "sheets", "stage"]


def resolve(options: CsvOptions) -> Resolved:
    """The file's columns and reading settings ('auto' resolved; a sheet loaded)."""
    if is_spreadsheet(options.path):
        return spreadsheet.resolve(options)
    return csv_source.resolve(options)


def stage(
    cur: duckdb.DuckDBPyConnection,
    options: CsvOptions,
    resolved: Resolved,
    transform: Transform,
    decimal: str,
) -> Staged:
    """The whole file as a TEMP table, typed by `transform` in the same scan."""
    if isinstance(resolved, spreadsheet.SheetResolved):
        return spreadsheet.stage(cur, resolved, transform, decimal)
    return csv_source.stage(cur, options, resolved=resolved, transform=transform)


def preview(options: CsvOptions, rows: int = 20) -> Preview:
    """The first rows as the import will read them; for a workbook, its sheets too."""
    if not is_spreadsheet(options.path):
        return csv_source.preview(options, rows)
    found = spreadsheet.resolve(options, rows=rows)
    return Preview(
        found.columns,
        spreadsheet.preview_rows(found),
        found.encoding,
        "",
        found.header,
        spreadsheet.preview_problems(found),
        sheet=found.sheet,
        sheets=[
            (s.name, s.rows)
            for s in sheets(options.path, {found.sheet: int(found.loaded.total_height)})
        ],
        start_line=csv_source.start_line(found),
    )
