"""Where an .xlsx sheet's rows start, so that a failed row is named by the row a person sees.

fastexcel (calamine) reads a sheet from its first filled row: a table that starts on row 3,
below two empty rows, comes back as rows 0, 1, ... and its rows would be named two too low.
The sheet's XML says where the first cell with a value is; it is read only that far (a few
kilobytes, whatever the sheet's size). Workbooks of other formats (.xls, .ods) are taken to
start on the first row.
"""

from __future__ import annotations

import contextlib
import posixpath
import zipfile
from pathlib import Path
from typing import IO
from xml.etree import ElementTree

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def first_filled_row(path: Path, sheet: str) -> int:
    """The 0-based row of the sheet's first cell with a value; 0 when unknown."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return 0
    unreadable = (OSError, KeyError, ValueError, zipfile.BadZipFile, ElementTree.ParseError)
    with contextlib.suppress(*unreadable), zipfile.ZipFile(path) as book:
        member = _sheet_member(book, sheet)
        if member is not None:
            with book.open(member) as xml:
                return _first_value_row(xml)
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
