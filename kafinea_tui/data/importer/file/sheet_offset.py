"""Where a sheet's rows start, so that a failed row is named by the row a person sees.

fastexcel (calamine) reads a sheet from its first filled row: a table that starts on row 3,
below two empty rows, comes back as rows 0, 1, ... and its rows would be named two too low.
An .xlsx or .ods sheet's XML says where the first cell with a value is; it is read only that
far (a few kilobytes, whatever the sheet's size). An .xls sheet (binary, at most 65,536 rows)
is read again by fastexcel keeping its leading empty rows, and they are counted.
"""

from __future__ import annotations

import contextlib
import posixpath
import zipfile
from pathlib import Path
from typing import IO, TYPE_CHECKING
from xml.etree import ElementTree

from kafinea_tui.data.importer.file.sheet_errors import load, ods_sheet_events

if TYPE_CHECKING:
    import fastexcel

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
# How far an .xls sheet is looked at for its first filled row.
_XLS_PROBE_ROWS = 1_000
_UNREADABLE = (OSError, KeyError, ValueError, zipfile.BadZipFile, ElementTree.ParseError)


def first_filled_row(path: Path, sheet: str, reader: fastexcel.ExcelReader) -> int:
    """The 0-based row of the sheet's first cell with a value; 0 when unknown."""
    suffix = path.suffix.lower()
    if suffix == ".xls":
        return _first_loaded_row(reader, sheet)
    if suffix not in (".xlsx", ".xlsm", ".ods"):
        return 0
    with contextlib.suppress(*_UNREADABLE), zipfile.ZipFile(path) as book:
        if suffix == ".ods":
            with book.open("content.xml") as xml:
                return _first_ods_row(xml, sheet)
        member = _sheet_member(book, sheet)
        if member is not None:
            with book.open(member) as xml:
                return _first_value_row(xml)
    return 0


def _first_loaded_row(reader: fastexcel.ExcelReader, sheet: str) -> int:
    """Without a header row and with `skip_rows=0`, fastexcel keeps the leading empty rows."""
    try:  # a column of errors alone is read as text (`sheet_errors.load`)
        _, table, _ = load(reader, sheet, header_row=None, skip_rows=0, n_rows=_XLS_PROBE_ROWS)
    except Exception:  # the sheet's own load says what is wrong with it
        return 0
    for index, row in enumerate(table.to_pylist()):
        if any(value is not None and str(value).strip() for value in row.values()):
            return index
    return 0


def _first_ods_row(xml: IO[bytes], sheet: str) -> int:
    """Rows are counted with their `number-rows-repeated` (a run of empty rows is one
    element); a row is filled when one of its cells has a value type or text."""
    row, filled = 0, False
    for event, element in ods_sheet_events(xml, sheet):
        tag = element.tag
        if tag == f"{_TABLE}table-row" and event == "start":
            filled = False
        elif tag == f"{_TABLE}table-row":
            if filled:
                return row
            row += int(element.get(f"{_TABLE}number-rows-repeated", "1"))
            element.clear()
        elif event == "start" and tag == f"{_TABLE}table-cell":
            filled = filled or bool(element.get(f"{_OFFICE}value-type"))
        elif event == "end" and tag == f"{_TEXT}p" and "".join(element.itertext()).strip():
            filled = True
    return 0


def _sheet_member(book: zipfile.ZipFile, sheet: str) -> str | None:
    workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
    ids = {
        s.get("name"): s.get(f"{_REL}id") for s in workbook.iter(f"{_MAIN}sheet") if s.get("name")
    }
    rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{_PACKAGE_REL}Relationship")}
    target = targets.get(ids.get(sheet))
    if not target:
        return None
    return target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)


def _first_value_row(xml: IO[bytes]) -> int:
    row = 0
    for event, element in ElementTree.iterparse(xml, events=("start", "end")):
        if event == "start" and element.tag == f"{_MAIN}row":
            row = int(element.get("r", row + 1))
        elif event == "end" and element.tag in (f"{_MAIN}v", f"{_MAIN}t") and element.text:
            return row - 1
    return 0
