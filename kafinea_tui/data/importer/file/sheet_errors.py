"""A spreadsheet's error cells (`#N/A`, `#DIV/0!`, `#REF!`...), which fail their rows.

A formula whose last computation gave an error is saved with the error as its value: `t="e"`
in an .xlsx sheet, an error code in an .xls sheet's BOOLERR or FORMULA record, an .ods cell of
`calcext:value-type="error"`. fastexcel gives such a cell as NULL, as if it were empty: with
`--duplicates overwrite` the empty cell would clear the stored value, without a word. So the
sheet is read with `to_arrow_with_errors`, which lists each cell fastexcel could not give its
column's type; an .xlsx or .xls error cell is listed with its error (`Error(NA)`).

calamine's .ods reader gives an error cell as the empty string, and the error only stays in
`content.xml`: when an .ods sheet holds an empty string (or a listed cell), its `content.xml`
is read for its error cells (a streamed parse, and only then; the common sheet costs nothing).

A column of nothing but errors has no type fastexcel can guess and stops its load: such a
column is read as text (its cells still fail their rows). So is an .ods column of texts and
time cells; fastexcel lists its times, which `readable` writes in as `hh:mm:ss`. And so is a
column whose type fastexcel guessed past a text it takes for a missing value (`n/a`, `NA`
among numbers or dates), which it would otherwise give as NULL: the text is the cell's value.
"""

from __future__ import annotations

import contextlib
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree

if TYPE_CHECKING:
    import fastexcel
    import pyarrow as pa

# calamine's names of the errors (its `CellErrorType`), as a spreadsheet shows them.
CODES = {
    "Div0": "#DIV/0!",
    "NA": "#N/A",
    "Name": "#NAME?",
    "Null": "#NULL!",
    "Num": "#NUM!",
    "Ref": "#REF!",
    "Value": "#VALUE!",
    "GettingData": "#GETTING_DATA",
}
_ERROR = re.compile(r"'Error\((\w+)\)'")
_EMPTY_TEXT = re.compile(r"""'String\("\s*"\)'""")
_SOME_TEXT = re.compile(r"""'String\(""")
# An .ods time cell as calamine gives it (an ISO 8601 duration), where a text was expected.
_DURATION = re.compile(
    r"""'DurationIso\("(-?)P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:[.,]\d*)?S)?)?"\)'"""
)
_NO_TYPE = re.compile(r"could not determine dtype for column (.+?)\s*$", re.MULTILINE)
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_CALC = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"
_CELLS = (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell")
_UNREADABLE = (OSError, KeyError, ValueError, zipfile.BadZipFile, ElementTree.ParseError)


@dataclass(frozen=True)
class Fault:
    """A cell that cannot be read: its row and column in the loaded table (0-based, below the
    header), and the error it holds (`#N/A`) or what the reader said of it."""

    row: int
    column: int
    error: str

    @property
    def reason(self) -> str:
        if self.error.startswith("#"):
            return f"the spreadsheet cell holds the error {self.error}"
        return f"the spreadsheet cell cannot be read ({self.error})"


def load(reader: fastexcel.ExcelReader, name: str, **options: Any) -> tuple[Any, Any, list[Any]]:
    """`reader.load_sheet(name, **options)` as Arrow with the cells it could not type
    (fastexcel's `CellError`s); a column of errors alone, which stops fastexcel's guess of its
    type, is read as text."""
    dtypes: dict[str | int, Any] = {}  # fastexcel.DType by column name
    while True:
        try:
            loaded = reader.load_sheet(name, dtypes=dtypes or None, **options)
            data, errors = loaded.to_arrow_with_errors()
        except Exception as error:
            found = _NO_TYPE.search(str(error))
            if found is None or found.group(1) in dtypes:
                raise
            dtypes[found.group(1)] = "string"
            continue
        listed = list(errors.errors) if errors is not None else []
        columns = loaded.selected_columns
        texts = {
            str(columns[int(e.offset_position[1])].name)
            for e in listed
            if _SOME_TEXT.search(str(e.detail)) and not _EMPTY_TEXT.search(str(e.detail))
        }
        if not texts or texts <= dtypes.keys():
            return loaded, data, listed
        dtypes.update(dict.fromkeys(texts, "string"))


def readable(table: pa.Table, errors: list[Any]) -> tuple[pa.Table, list[Any]]:
    """The cells listed (`load`) that are times in a text column (an .ods column of texts and
    times) written into `table` as `hh:mm:ss`, as a column of times reads; the others."""
    import pyarrow as pa
    import pyarrow.compute as pc

    times: dict[int, dict[int, str]] = {}
    rest: list[Any] = []
    for error in errors:
        found = _DURATION.search(str(error.detail))
        row, column = (int(n) for n in error.offset_position)
        kind = table.schema.field(column).type if 0 <= column < table.num_columns else None
        if found is None or kind is None or not pa.types.is_string(kind):
            rest.append(error)
            continue
        sign, *parts = found.groups("")
        days, hours, minutes, seconds = (int(n or 0) for n in parts)
        hours += 24 * days
        text = f"{'-' if sign else ''}{hours:02d}:{minutes:02d}:{seconds:02d}"
        times.setdefault(column, {})[row] = text
    for column, cells in times.items():
        flags = [False] * table.num_rows
        for row in cells:
            flags[row] = True
        values = pa.array([cells[row] for row in sorted(cells)], pa.string())
        filled = pc.replace_with_mask(
            table.column(column).combine_chunks(), pa.array(flags, pa.bool_()), values
        )
        table = table.set_column(column, table.schema.field(column), filled)
    return table, rest


def faults(errors: list[Any]) -> list[Fault]:
    """The cells fastexcel listed (`load`), less the empty texts it could not type as numbers
    or dates (an empty cell, NULL as it should be)."""
    found: list[Fault] = []
    for error in errors:
        detail = str(error.detail)
        if _EMPTY_TEXT.search(detail):
            continue
        row, column = (int(n) for n in error.offset_position)
        code = _ERROR.search(detail)
        what = CODES.get(code.group(1), f"#{code.group(1).upper()}") if code else detail
        found.append(Fault(row, column, what))
    return found


def may_hold_ods_errors(table: pa.Table, errors: list[Any]) -> bool:
    """Whether an .ods sheet loaded as `table` may hide error cells: calamine gives them as
    empty strings, in a text column or listed as a cell a number column could not take."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if errors:
        return True
    texts = (
        c for c in table.columns if pa.types.is_string(c.type) or pa.types.is_large_string(c.type)
    )
    return any(pc.any(pc.equal(column, "")).as_py() for column in texts)


def ods_faults(
    path: Path, sheet: str, first_row: int, rows: int, columns: list[int]
) -> list[Fault]:
    """The error cells of the .ods sheet `sheet` in the loaded table, which starts on the
    sheet's row `first_row` (0-based), holds `rows` rows and the sheet's `columns` (0-based
    sheet columns, in table order)."""
    where = {sheet_column: index for index, sheet_column in enumerate(columns)}
    found: list[Fault] = []
    with contextlib.suppress(*_UNREADABLE), zipfile.ZipFile(path) as book:
        with book.open("content.xml") as xml:
            cells = _error_cells(xml, sheet, first_row + rows, max(columns, default=-1) + 1)
        for row, column, code in cells:
            if row >= first_row and column in where:
                found.append(Fault(row - first_row, where[column], code or "#VALUE!"))
    return found


def ods_sheet_events(xml: Any, sheet: str) -> Iterator[tuple[str, Any]]:
    """`iterparse`'s (event, element) pairs of an OpenDocument `content.xml` inside the table
    named `sheet` (its own start and end left out), streamed: it ends with that table."""
    inside = False
    for event, element in ElementTree.iterparse(xml, events=("start", "end")):
        if element.tag == f"{_TABLE}table":
            if event == "start":
                inside = element.get(f"{_TABLE}name") == sheet
            elif inside:
                return
        elif inside:
            yield event, element


def _error_cells(xml: Any, sheet: str, row_end: int, column_end: int) -> list[tuple[int, int, str]]:
    """(sheet row, sheet column, shown text) of each `calcext:value-type="error"` cell of the
    sheet, above `row_end` and left of `column_end` (repeated rows and cells counted)."""
    found: list[tuple[int, int, str]] = []
    row = column = 0
    pending: list[tuple[int, int, str]] = []  # this row's errors, before its repeat is known
    for event, element in ods_sheet_events(xml, sheet):
        tag = element.tag
        if event != "end":
            continue
        if tag in _CELLS:
            repeat = int(element.get(f"{_TABLE}number-columns-repeated", "1"))
            if element.get(f"{_CALC}value-type") == "error":
                shown = " ".join(
                    "".join(p.itertext()).strip() for p in element.iter(f"{_TEXT}p")
                ).strip()
                pending.extend(
                    (row, c, shown) for c in range(column, min(column + repeat, column_end))
                )
            column += repeat
            element.clear()
        elif tag == f"{_TABLE}table-row":
            repeat = int(element.get(f"{_TABLE}number-rows-repeated", "1"))
            for offset in range(min(repeat, max(row_end - row, 0)) if pending else 0):
                found.extend((r + offset, c, shown) for r, c, shown in pending)
            pending = []
            row += repeat
            column = 0
            element.clear()
            if row >= row_end:
                break
    return found
