"""Staging a spreadsheet (.xlsx .xlsm .xls .ods) into DuckDB, as `stage` does a CSV file.

Why fastexcel: it reads with Rust's calamine and hands the sheet over as Arrow, which DuckDB
scans in place, so a million rows go in without a Python loop. Its types are kept: each cell
becomes the text the importer's parsers read without doubt, whatever the sheet's display
format: a date cell ISO `2026-11-26` (a date-time `2026-11-26 08:30:00`), a number cell with
the import's decimal separator and no thousands, a yes/no cell `true`/`false`, a text cell as
it is (`01234` stays `01234`). Formulas are read as the values the spreadsheet cached.
Every row's type is inferred from every row (not a sample), so a text cell under a thousand
numbers makes its column text instead of being lost. Wholly empty rows are skipped; a failed
row is named by its row number in the sheet.

A time of day (a time cell of an .xlsx or .xls sheet, a fraction of a day that fastexcel gives
as a date-time on 1899-12-31, the day before the 1900 calendar's first) is its time,
`10:30:00`, as an .ods time cell is; it is no date. A cell holding an error (`#N/A`, a
formula's cached error) fails its row naming the cell, when its column is imported
(`sheet_errors`): read as empty, it would clear the field it fills.

A typed column also reaches the importer as itself (`a<n>` beside its text `c<n>`, see
`typed_columns`): a date column fills a date field by a cast, without the text round trip
through the date format's parser, which was most of a million-row import's typing.

fastexcel and pyarrow are imported when a workbook is read, not with this module: a CSV
import, through the same `source`, loads neither (25-30 ms of each `import` command's start).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from kafinea_tui.data.errors import KafineaError, UsageError
from kafinea_tui.data.importer.file import sheet_errors
from kafinea_tui.data.importer.file.lines import LineMap
from kafinea_tui.data.importer.file.rejects import Reject
from kafinea_tui.data.importer.file.sheet_errors import Fault
from kafinea_tui.data.importer.file.sheet_offset import first_filled_row
from kafinea_tui.data.importer.file.sniff import MAX_TITLE_ROWS, Resolved, filled, title_rows
from kafinea_tui.data.importer.file.stage import Staged, Transform
from kafinea_tui.data.importer.plan import CsvOptions
from kafinea_tui.data.store.results import first_row

if TYPE_CHECKING:
    import fastexcel
    import pyarrow as pa

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
ROW = "kf_sheet_row"  # the staged row's number in the sheet
# The kinds of typed column `typed_columns` names (see `validate.typed_query`).
DATE, BOOL, NUMBER = "date", "bool", "number"
_ARROW = "kf_sheet_arrow"
# A time of day in an .xlsx or .xls sheet: fastexcel dates a day's fraction on 1899-12-31.
_CLOCK_DAY = "TIMESTAMP '1899-12-31'"
_CLOCK_END = datetime(1900, 1, 1)
_CLOCK_TEXT = "1899-12-31 "
# Rows looked at below a header for a title above it (`sniff.title_rows`).
_TITLE_SAMPLE = 50


# What a reader failure never hides: a body posted to the API is anyone's bytes, and a panic
# in the Rust reader is a BaseException, yet Ctrl-C and exit must go through.
_STOPS = (KeyboardInterrupt, SystemExit, GeneratorExit)


def is_spreadsheet(path: Path) -> bool:
    return Path(path).suffix.lower() in SUFFIXES


@dataclass(frozen=True)
class Sheet:
    name: str
    rows: int  # rows below the header


@dataclass(frozen=True)
class SheetResolved(Resolved):
    """A sheet's columns, and the sheet as loaded (one parse serves the columns and the rows)."""

    sheet: str = ""
    loaded: Any = field(default=None, compare=False, repr=False)  # fastexcel.ExcelSheet
    table: Any = field(default=None, compare=False, repr=False)  # the sheet as pa.Table
    faults: tuple[Fault, ...] = field(default=(), compare=False)  # its cells holding an error
    clocks: frozenset[int] = field(default=frozenset(), compare=False)  # columns with times


def _reader(path: Path) -> fastexcel.ExcelReader:
    import logging

    import fastexcel

    # fastexcel logs (through Python's logging) each column whose type it cannot guess.
    logging.getLogger("fastexcel").setLevel(logging.ERROR)
    path = Path(path).expanduser()
    if path.is_dir():
        raise KafineaError(f"{path} is a folder, not a spreadsheet.")
    if not path.exists():
        raise KafineaError(f"The file {path} does not exist.")
    try:
        return fastexcel.read_excel(str(path))
    except _STOPS:
        raise
    except BaseException as error:  # its own classes, OSError, a Rust panic (BaseException)
        raise KafineaError(f"Cannot read {path.name} as a spreadsheet: {_first(error)}") from None


def sheets(path: Path, known: dict[str, int] | None = None) -> list[Sheet]:
    """The workbook's sheets in order, with their row counts below a header row (`known`:
    counts already read, so a sheet just loaded is not parsed again)."""
    reader = _reader(path)
    found: list[Sheet] = []
    for name in reader.sheet_names:
        if known and name in known:
            found.append(Sheet(name, known[name]))
            continue
        try:
            loaded = reader.load_sheet(name, n_rows=0)
            found.append(Sheet(name, int(loaded.total_height)))
        except Exception:
            found.append(Sheet(name, 0))
    return found


def _sheet_index(reader: fastexcel.ExcelReader, wanted: str | None, path: Path) -> str:
    names = list(reader.sheet_names)
    if not names:
        raise KafineaError(f"{path.name} has no sheets: there is nothing to import.")
    if wanted is None or not str(wanted).strip():
        return str(names[0])
    text = str(wanted).strip()
    if text in names:
        return text
    folded = {n.casefold(): n for n in names}
    if text.casefold() in folded:
        return folded[text.casefold()]
    if text.isdigit() and 1 <= int(text) <= len(names):
        return str(names[int(text) - 1])
    known = ", ".join(repr(n) for n in names)
    raise UsageError(
        f"{path.name} has no sheet {text!r}; its sheets are {known} (or 1-{len(names)})."
    )


def resolve(options: CsvOptions, rows: int | None = None) -> SheetResolved:
    """The sheet's columns (header row or numbers), the sheet loaded once for staging (twice
    when a title stands above its header)."""
    path = Path(options.path).expanduser()
    reader = _reader(path)
    name = _sheet_index(reader, options.sheet, path)
    loaded, table, errors = _load(reader, name, 0 if options.header else None, rows, path)
    # The sheet rows above its first filled row, which fastexcel skipped.
    offset = first_filled_row(path, name, reader)
    titles = _title_rows(table) if options.header else 0
    if titles:  # a report's title above the table: the header is below it
        # fastexcel's `header_row` 0 is the first filled row, any other the sheet's own row.
        loaded, table, errors = _load(reader, name, offset + titles, rows, path)
    if not table.num_columns:
        raise KafineaError(
            f"The sheet {name!r} of {path.name} is empty: there is nothing to import."
        )
    if options.header:
        columns = [_column_name(n, i) for i, n in enumerate(table.column_names, start=1)]
    else:
        columns = [str(i) for i in range(1, table.num_columns + 1)]
    kind = path.suffix.lower().lstrip(".")
    # The sheet rows above the first data row: the empty ones, a title, the header.
    header_lines = offset + (titles + 1 if options.header else 0)
    return SheetResolved(
        path,
        kind,
        ",",
        options.header,
        columns,
        header_lines,
        sheet=name,
        loaded=loaded,
        table=table,
        faults=_faults(path, name, loaded, table, errors, header_lines),
        clocks=_clock_columns(table) if kind != "ods" else frozenset(),
    )


def _load(
    reader: fastexcel.ExcelReader, name: str, header_row: int | None, rows: int | None, path: Path
) -> tuple[Any, pa.Table, list[Any]]:
    """The sheet loaded with its header on `header_row` (None: no header), as Arrow, and the
    cells fastexcel could not type (`sheet_errors.load`)."""
    import pyarrow as pa

    try:
        loaded, data, errors = sheet_errors.load(
            reader, name, header_row=header_row, schema_sample_rows=None, n_rows=rows
        )
    except _STOPS:
        raise
    except BaseException as error:
        raise KafineaError(
            f"Cannot read the sheet {name!r} of {path.name}: {_first(error)}"
        ) from None
    # The names come from the Arrow table the staging reads anyway: `available_columns()`
    # would type every column a second time (a quarter of a second per 200,000 rows).
    table = pa.Table.from_batches([data]) if isinstance(data, pa.RecordBatch) else data
    return (loaded, *sheet_errors.readable(table, errors))


def _faults(
    path: Path, sheet: str, loaded: Any, table: pa.Table, errors: list[Any], first_row: int
) -> tuple[Fault, ...]:
    """The loaded table's cells holding an error (`sheet_errors`); `first_row` is the sheet row
    (0-based) of its first row."""
    found = sheet_errors.faults(errors)
    if path.suffix.lower() == ".ods" and sheet_errors.may_hold_ods_errors(table, errors):
        columns = [int(c.absolute_index) for c in loaded.selected_columns]
        found += sheet_errors.ods_faults(path, sheet, first_row, table.num_rows, columns)
    unique = {(f.row, f.column): f for f in found if 0 <= f.row < table.num_rows}
    return tuple(unique[key] for key in sorted(unique))


def _clock_columns(table: pa.Table) -> frozenset[int]:
    """The columns (1-based) holding a time of day (see the module): a date-time column with a
    date before 1900, which an .xlsx or .xls date cannot be, or a text column with a time's
    text as fastexcel writes it among texts (`1899-12-31 10:30:00`)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    found: set[int] = set()
    for index, column in enumerate(table.columns, start=1):
        if pa.types.is_timestamp(column.type):
            low = pc.min(column).as_py()
            if low is not None and low.replace(tzinfo=None) < _CLOCK_END:
                found.add(index)
        elif (
            pa.types.is_string(column.type) and pc.any(pc.starts_with(column, _CLOCK_TEXT)).as_py()
        ):
            found.add(index)
    return frozenset(found)


def _title_rows(table: pa.Table) -> int:
    """The title rows above the table's header (`sniff.title_rows`), judged from the header
    the sheet was loaded with (one filled name: maybe a title) and the rows below it."""
    names = ["" if n.startswith("__UNNAMED__") else n for n in table.column_names]
    if filled(names) >= 2 or table.num_columns < 2:
        return 0
    below = table.slice(0, MAX_TITLE_ROWS + _TITLE_SAMPLE).to_pylist()
    cells = [["" if v is None else str(v) for v in row.values()] for row in below]
    # Every row of a sheet is as wide as the table: widths say nothing of its columns.
    return title_rows([names, *cells], widths=False)


def _column_name(name: str, index: int) -> str:
    return f"Column {index}" if not name.strip() or name.startswith("__UNNAMED__") else name.strip()


def arrow_table(resolved: SheetResolved) -> pa.Table:
    """The loaded sheet as Arrow, its columns renamed c1..cN and its row numbers added."""
    import pyarrow as pa

    table: pa.Table = resolved.table
    table = table.rename_columns([f"c{i}" for i in range(1, table.num_columns + 1)])
    first = resolved.header_lines + 1  # the sheet row of the first data row
    rows = pa.array(range(first, first + table.num_rows), type=pa.int64())
    return table.append_column(ROW, rows)


def _clock_sql(name: str) -> str:
    """SQL: whether a date-time cell is a time of day (see the module)."""
    return f"({name} >= {_CLOCK_DAY} AND {name} < {_CLOCK_DAY} + INTERVAL 1 DAY)"


def cell_sql(name: str, kind: pa.DataType, decimal: str, clock: bool = False) -> str:
    """SQL turning one typed Arrow column into the text the importer parses (see the module);
    `clock`: the column holds times of day."""
    import pyarrow as pa

    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        if clock:  # a time cell among texts, as fastexcel writes it
            time = f"regexp_full_match({name}, '{_CLOCK_TEXT}[0-9]{{2}}:[0-9]{{2}}:[0-9]{{2}}')"
            return f"CASE WHEN {time} THEN substr({name}, {len(_CLOCK_TEXT) + 1}) ELSE {name} END"
        return name
    if pa.types.is_floating(kind):
        text = f"CAST({name} AS VARCHAR)"
        if decimal == "comma":
            text = f"replace({text}, '.', ',')"
        whole = f"CAST(CAST({name} AS BIGINT) AS VARCHAR)"
        return (
            f"CASE WHEN {name} = trunc({name}) AND abs({name}) < 1e15 THEN {whole} ELSE {text} END"
        )
    if pa.types.is_integer(kind):
        return f"CAST({name} AS VARCHAR)"
    if pa.types.is_boolean(kind):
        return f"CASE WHEN {name} THEN 'true' WHEN NOT {name} THEN 'false' END"
    if pa.types.is_date(kind):
        return f"strftime({name}, '%Y-%m-%d')"
    if pa.types.is_timestamp(kind):
        day = f"strftime({name}, '%Y-%m-%d')"
        time = f"WHEN {_clock_sql(name)} THEN strftime({name}, '%H:%M:%S') " if clock else ""
        return f"CASE {time}WHEN {name} = date_trunc('day', {name}) THEN {day} ELSE strftime({name}, '%Y-%m-%d %H:%M:%S') END"
    if pa.types.is_null(kind):
        return "NULL::VARCHAR"
    return f"CAST({name} AS VARCHAR)"


def _kind(kind: pa.DataType) -> str | None:
    import pyarrow as pa

    if pa.types.is_date(kind) or pa.types.is_timestamp(kind):
        return DATE
    if pa.types.is_boolean(kind):
        return BOOL
    if pa.types.is_floating(kind) or pa.types.is_integer(kind):
        return NUMBER
    return None


def typed_columns(resolved: Resolved) -> dict[int, str]:
    """Column number -> DATE, BOOL or NUMBER for the sheet's typed columns (every cell of the
    column a date or date-time, a yes/no, a number); none for a CSV file. `source_sql` gives
    each of them as itself too, `a<n>`."""
    if not isinstance(resolved, SheetResolved) or resolved.table is None:
        return {}
    kinds = enumerate(resolved.table.schema.types, start=1)
    return {i: found for i, kind in kinds if (found := _kind(kind)) is not None}


def _cells_sql(table: pa.Table, decimal: str, clocks: frozenset[int]) -> list[str]:
    """The select list of the sheet's cells c1..cN as text (`cell_sql`)."""
    kinds = [table.schema.field(i).type for i in range(table.num_columns - 1)]
    return [
        f"{cell_sql(f'c{i}', kind, decimal, i in clocks)} AS c{i}"
        for i, kind in enumerate(kinds, start=1)
    ]


def source_sql(table: pa.Table, decimal: str, clocks: frozenset[int] = frozenset()) -> str:
    """The sheet as the cells c1..cN (VARCHAR), each typed column also as itself (`a<n>`; a
    time of day is no date: NULL there), and its row number, empty rows left out."""
    width = table.num_columns - 1
    kinds = [table.schema.field(i).type for i in range(width)]
    typed = [
        f"CASE WHEN {_clock_sql(f'c{i}')} THEN NULL ELSE c{i} END AS a{i}"
        if i in clocks
        else f"c{i} AS a{i}"
        for i, kind in enumerate(kinds, start=1)
        if _kind(kind)
    ]
    select = ", ".join([*_cells_sql(table, decimal, clocks), *typed])
    empty = " AND ".join(f"coalesce(trim(c{i}), '') = ''" for i in range(1, width + 1))
    return f"(SELECT * FROM (SELECT {select}, {ROW} FROM {_ARROW}) WHERE NOT ({empty}))"


def stage(
    cur: duckdb.DuckDBPyConnection,
    resolved: SheetResolved,
    transform: Transform,
    decimal: str,
    table: str = "kf_stage",
) -> SheetStaged:
    """The sheet as a TEMP table, typed by `transform` in the same scan (see `stage.stage`)."""
    arrow = arrow_table(resolved)
    rejects: list[Reject] = []
    if resolved.faults:
        arrow, rejects = _fail_faults(arrow, resolved, decimal, _read_columns(transform, resolved))
    cur.execute(f"DROP TABLE IF EXISTS {table}")
    cur.register(_ARROW, arrow)
    try:
        query = transform.query.replace("__SOURCE__", source_sql(arrow, decimal, resolved.clocks))
        cur.execute(f"CREATE TEMP TABLE {table} AS {query}", transform.params)
    except duckdb.Error as error:
        raise KafineaError(f"Cannot read {resolved.path.name}: {_first(error)}") from None
    finally:
        cur.unregister(_ARROW)
    row = first_row(cur.execute(f"SELECT count(*), coalesce(min(rowid), 0) FROM {table}"))
    rows, base = (int(row[0]), int(row[1])) if row else (0, 0)
    if rows == 0 and not rejects:
        raise KafineaError(
            f"The sheet {resolved.sheet!r} of {resolved.path.name} has no rows: there is nothing to import."
        )
    lines = LineMap(resolved.header_lines, resolved.header, resolved.path)
    return SheetStaged(resolved, table, rows, rejects, lines, base, dict(transform.cells))


def _read_columns(transform: Transform, resolved: SheetResolved) -> set[int]:
    """The columns (1-based) the import reads: those its query names (`c<n>`), all of them
    when it names none (a query that keeps every cell as it is)."""
    named = {int(n) for n in re.findall(r"\bc(\d+)\b", transform.query)}
    return named or set(range(1, len(resolved.columns) + 1))


def _fail_faults(
    arrow: pa.Table, resolved: SheetResolved, decimal: str, read: set[int]
) -> tuple[pa.Table, list[Reject]]:
    """The rows with an error in a column the import reads, taken out of `arrow` (the sheet's
    rows) as failed rows naming their first such cell, their error shown in its cell."""
    import pyarrow as pa
    import pyarrow.compute as pc

    first: dict[int, Fault] = {}
    for fault in resolved.faults:  # in (row, column) order
        if fault.column + 1 in read:
            first.setdefault(fault.row, fault)
    if not first:
        return arrow, []
    rows = sorted(first)
    texts = _text_rows(arrow.take(rows), decimal, resolved.clocks)
    shown = {(f.row, f.column): f.error for f in resolved.faults if f.error.startswith("#")}
    rejects: list[Reject] = []
    for row, cells in zip(rows, texts, strict=True):
        for column in range(len(cells)):
            cells[column] = shown.get((row, column), cells[column])
        text = io.StringIO()
        csv.writer(text, lineterminator="").writerow(cells)
        fault = first[row]
        line = resolved.header_lines + 1 + row
        column_name = (
            resolved.columns[fault.column] if fault.column < len(resolved.columns) else None
        )
        rejects.append(Reject(line, fault.reason, text.getvalue(), column_name))
    failed = pa.array([resolved.header_lines + 1 + row for row in rows], type=pa.int64())
    return arrow.filter(pc.invert(pc.is_in(arrow[ROW], value_set=failed))), rejects


def _text_rows(arrow: pa.Table, decimal: str, clocks: frozenset[int]) -> list[list[str]]:
    """Every row of `arrow` (empty ones too) as its text cells."""
    conn = duckdb.connect()
    try:
        conn.register(_ARROW, arrow)
        select = ", ".join(_cells_sql(arrow, decimal, clocks))
        found = conn.execute(f"SELECT {select} FROM {_ARROW} ORDER BY {ROW}").fetchall()
    finally:
        conn.close()
    return [["" if v is None else str(v) for v in row] for row in found]


def preview_rows(resolved: SheetResolved) -> list[list[str]]:
    """The loaded rows as the import reads them (text cells), for the wizard's preview; a cell
    holding an error shows it."""
    arrow = arrow_table(resolved)
    conn = duckdb.connect()
    try:
        conn.register(_ARROW, arrow)
        width = arrow.num_columns - 1
        cells = ", ".join(f"c{i}" for i in range(1, width + 1))
        sql = source_sql(arrow, "point", resolved.clocks)
        found = conn.execute(f"SELECT {cells}, {ROW} FROM {sql}").fetchall()
    finally:
        conn.close()
    shown = {
        (resolved.header_lines + 1 + f.row, f.column): f.error
        for f in resolved.faults
        if f.error.startswith("#")
    }
    return [
        [shown.get((row[-1], i), "" if v is None else str(v)) for i, v in enumerate(row[:-1])]
        for row in found
    ]


def preview_problems(resolved: SheetResolved) -> list[str]:
    """The loaded rows' cells that fail their rows (the preview does not know the mapping:
    each of them, whatever its column)."""
    return [
        f"row {resolved.header_lines + 1 + f.row}: {resolved.columns[f.column]}: {f.reason}"
        for f in resolved.faults
        if f.column < len(resolved.columns)
    ]


@dataclass
class SheetStaged(Staged):
    """A staged sheet: a failed row's line is its row number in the sheet."""

    def lines(self, cur: duckdb.DuckDBPyConnection, rowids: list[int]) -> dict[int, int]:
        if not rowids:
            return {}
        found = cur.execute(
            f"SELECT {self.rn_sql}, {ROW} FROM {self.table}"
            f" WHERE {self.rn_sql} IN (SELECT unnest(?::BIGINT[]))",
            [rowids],
        ).fetchall()
        return {int(rn): int(row) for rn, row in found}

    def fix_reject_lines(self, cur: duckdb.DuckDBPyConnection) -> None:
        return None


def _first(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
