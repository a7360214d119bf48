"""Spreadsheet cells that are neither text, number nor date: errors and times of day.

An error cell (`#N/A`, a formula's cached error) fails its row naming the cell, in .xlsx
(`t="e"`), .xls (an error code) and .ods (`calcext:value-type="error"`, as LibreOffice saves
it); read as empty it would clear the stored value under `--duplicates overwrite`. A time cell
is its time of day, `10:30:00`, in every format: no date (fastexcel dates an .xlsx time on
1899-12-31). The .xls workbook is tests/data/spreadsheets/errors.xls (see make_xls.py).
"""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path

import pytest
import xlsxwriter
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P

from kafinea_tui.data.importer.file.source import preview
from kafinea_tui.data.importer.plan import CsvOptions
from kafinea_tui.data.importer.run import run_import
from kafinea_tui.data.store.database import Store
from tests.import_helpers import plan, rows

XLS = Path(__file__).parent / "spreadsheets" / "errors.xls"
CALC = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"
HEADER = ["Last Name", "Email", "Mailing City", "Department", "Do Not Call", "Record ID"]


def _xlsx(path: Path) -> Path:
    """Lee's city and Ray's department are errors; Kay's is a whole row; the Record ID column
    (no field) is nothing but errors (`#NAME?`: a column of them alone stops fastexcel)."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Contacts")
    sheet.write_row(0, 0, HEADER)
    sheet.write_row(1, 0, ["Lee", "ann@example.com"])
    sheet.write_formula(1, 2, '=VLOOKUP("x",H:I,2,FALSE)', None, "#N/A")
    sheet.write_row(1, 3, ["Sales"])
    sheet.write_boolean(1, 4, True)
    sheet.write_row(2, 0, ["Ray", "ray@example.com", "Lyon"])
    sheet.write_formula(2, 3, "=1/0", None, "#DIV/0!")
    sheet.write_boolean(2, 4, False)
    sheet.write_row(3, 0, ["Kay", "kay@example.com", "Nice", "R&D"])
    sheet.write_boolean(3, 4, True)
    for row in (1, 2, 3):
        sheet.write_formula(row, 5, "=RECORD_ID()", None, "#NAME?")
    book.close()
    return path


def _ods_cell(kind: str, value: str) -> TableCell:
    """A cell: ('string', text), ('boolean', 'true'), ('error', '#N/A') as LibreOffice saves a
    formula's error, ('time', 'PT10H30M00S'), ('float', '3')."""
    if kind == "error":
        cell = TableCell(formula="of:=1/0", valuetype="string", stringvalue="")
        cell.setAttrNS(CALC, "value-type", "error")
    elif kind == "boolean":
        cell = TableCell(valuetype="boolean", booleanvalue=value)
    elif kind == "time":
        cell = TableCell(valuetype="time", timevalue=value)
    elif kind == "float":
        cell = TableCell(valuetype="float", value=value)
    else:
        cell = TableCell(valuetype="string")
    cell.addElement(P(text=value))
    return cell


def _ods(path: Path, table_rows: list[list[tuple[str, str]]]) -> Path:
    doc = OpenDocumentSpreadsheet()
    table = Table(name="Contacts")
    for cells in table_rows:
        row = TableRow()
        for kind, value in cells:
            row.addElement(_ods_cell(kind, value))
        table.addElement(row)
    doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path


def _ods_errors(path: Path) -> Path:
    """As `_xlsx`, Ray's error in the yes/no column (a column calamine types)."""
    s, b, e = "string", "boolean", "error"
    return _ods(
        path,
        [
            [(s, h) for h in HEADER],
            [
                (s, "Lee"),
                (s, "ann@example.com"),
                (e, "#N/A"),
                (s, "Sales"),
                (b, "true"),
                (e, "#REF!"),
            ],
            [
                (s, "Ray"),
                (s, "ray@example.com"),
                (s, "Lyon"),
                (s, ""),
                (e, "#VALUE!"),
                (e, "#REF!"),
            ],
            [
                (s, "Kay"),
                (s, "kay@example.com"),
                (s, "Nice"),
                (s, "R&D"),
                (b, "true"),
                (e, "#REF!"),
            ],
        ],
    )


def _seed(store: Store) -> None:
    """Lee and Ray as stored: a file's error must not clear their values."""
    store.create(
        "contacts",
        {
            "last_name": "Lee",
            "email": "ann@example.com",
            "mailing_city": "Paris",
            "department": "HR",
        },
    )
    store.create(
        "contacts",
        {
            "last_name": "Ray",
            "email": "ray@example.com",
            "mailing_city": "Rome",
            "department": "IT",
        },
    )


STORED = [("Lee", "Paris", "HR"), ("Ray", "Rome", "IT"), ("Kay", "Nice", "R&D")]


@pytest.mark.parametrize(
    ("kind", "ray"),
    [
        ("xlsx", ("Department", "#DIV/0!")),
        ("ods", ("Do Not Call", "#VALUE!")),
        ("xls", ("Description", "#DIV/0!")),
    ],
)
def test_an_error_cell_fails_its_row_and_clears_nothing(
    store: Store, tmp_path: Path, kind: str, ray: tuple[str, str]
) -> None:
    _seed(store)
    if kind == "xls":
        path = XLS
    else:
        path = (_xlsx if kind == "xlsx" else _ods_errors)(tmp_path / f"errors.{kind}")
    report = run_import(store, plan("contacts", path, duplicates="overwrite", match=["email"]))
    assert (report.total, report.created, report.updated, report.failed) == (3, 1, 0, 2)
    holds = "the spreadsheet cell holds the error "
    assert [(e.line, e.column, e.reason) for e in report.errors] == [
        (2, "Mailing City", holds + "#N/A"),
        (3, ray[0], holds + ray[1]),
    ]
    # The failed row's cells as the sheet shows them, for the failed rows' file.
    assert (report.errors[0].values or [])[:3] == ["Lee", "ann@example.com", "#N/A"]
    found = rows(store, "SELECT last_name, mailing_city, department FROM contacts ORDER BY id")
    if kind == "xls":  # Kay has no department there
        assert found == [*STORED[:2], ("Kay", "Lyon", None)]
    else:
        assert found == STORED


def test_an_error_in_a_column_that_is_not_imported_fails_nothing(
    store: Store, tmp_path: Path
) -> None:
    """Record ID (no field) holds nothing but errors: its rows import, and the column of
    errors alone, whose type fastexcel cannot guess, does not stop the sheet's reading."""
    path = _xlsx(tmp_path / "errors.xlsx")
    mapping = {"Last Name": "last_name", "Email": "email"}
    report = run_import(store, plan("contacts", path, mapping=mapping))
    assert (report.created, report.failed, report.errors) == (3, 0, [])


def test_the_preview_shows_error_cells_and_says_their_rows_fail(tmp_path: Path) -> None:
    shown = preview(CsvOptions(_ods_errors(tmp_path / "errors.ods")))
    assert shown.rows[0][:6] == ["Lee", "ann@example.com", "#N/A", "Sales", "true", "#REF!"]
    assert shown.rows[1][4:] == ["#VALUE!", "#REF!"]
    assert shown.problems[:2] == [
        "row 2: Mailing City: the spreadsheet cell holds the error #N/A",
        "row 2: Record ID: the spreadsheet cell holds the error #REF!",
    ]


def test_an_all_error_row_fails_instead_of_leaving_the_sheet_empty(
    store: Store, tmp_path: Path
) -> None:
    book = xlsxwriter.Workbook(str(tmp_path / "one.xlsx"))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["Last Name", "Email"])
    sheet.write_formula(1, 0, "=1/0", None, "#DIV/0!")
    sheet.write_formula(1, 1, "=1/0", None, "#DIV/0!")
    book.close()
    report = run_import(store, plan("contacts", tmp_path / "one.xlsx"))
    assert (report.total, report.failed) == (1, 1)
    assert [(e.line, e.column) for e in report.errors] == [(2, "Last Name")]


def _xlsx_times(path: Path) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Contacts")
    clock = book.add_format({"num_format": "hh:mm"})
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    sheet.write_row(0, 0, ["Last Name", "Description", "Department", "Birthdate", "Title"])
    people = [
        ("Lee", time(10, 30), datetime(2024, 5, 6, 7, 8, 9), None),
        ("Ray", time(23, 59, 30), time(0, 0), None),
        ("Kay", time(8, 5), datetime(2024, 1, 2, 3, 4, 5), time(12, 0)),
    ]
    sheet.write(1, 4, "n/a")  # a time among texts: a text column
    sheet.write_datetime(2, 4, time(8, 5), clock)
    for row, (name, description, department, birthdate) in enumerate(people, start=1):
        sheet.write(row, 0, name)
        sheet.write_datetime(row, 1, description, clock)
        fmt = clock if isinstance(department, time) else stamp
        sheet.write_datetime(row, 2, department, fmt)
        if birthdate is not None:
            sheet.write_datetime(row, 3, birthdate, clock)
    book.close()
    return path


def _ods_times(path: Path) -> Path:
    s, t = "string", "time"
    return _ods(
        path,
        [
            [
                (s, "Last Name"),
                (s, "Description"),
                (s, "Department"),
                (s, "Birthdate"),
                (s, "Title"),
            ],
            [(s, "Lee"), (t, "PT10H30M00S"), (s, "2024-05-06 07:08:09"), (s, ""), (s, "n/a")],
            [(s, "Ray"), (t, "PT23H59M30S"), (t, "PT00H00M00S"), (s, ""), (t, "PT08H05M00S")],
            [(s, "Kay"), (t, "PT08H05M00S"), (s, "2024-01-02 03:04:05"), (t, "PT12H00M00S")],
        ],
    )


@pytest.mark.parametrize("kind", ["xlsx", "ods"])
def test_a_time_cell_is_its_time_of_day(store: Store, tmp_path: Path, kind: str) -> None:
    """A time in a text field is `hh:mm:ss`, a date-time beside it keeps its day, a time among
    texts too; in a date field a time is no date: its row fails."""
    path = (_xlsx_times if kind == "xlsx" else _ods_times)(tmp_path / f"times.{kind}")
    report = run_import(store, plan("contacts", path))
    assert (report.created, report.failed) == (2, 1)
    assert [(e.line, e.column) for e in report.errors] == [(4, "Birthdate")]
    assert "12:00:00" in report.errors[0].reason
    found = rows(
        store, "SELECT last_name, description, department, title FROM contacts ORDER BY id"
    )
    assert found == [
        ("Lee", "10:30:00", "2024-05-06 07:08:09", "n/a"),
        ("Ray", "23:59:30", "00:00:00", "08:05:00"),
    ]


def test_an_xls_time_cell_is_its_time_of_day(store: Store) -> None:
    report = run_import(
        store,
        plan("contacts", XLS, mapping={"Last Name": "last_name", "Description": "description"}),
    )
    assert report.failed == 1  # Ray's #DIV/0!
    found = rows(store, "SELECT last_name, description FROM contacts ORDER BY id")
    assert found == [("Lee", "10:30:00"), ("Kay", "23:59:30")]


def test_a_text_fastexcel_takes_for_a_missing_value_is_kept(store: Store, tmp_path: Path) -> None:
    """fastexcel types a column past the texts it takes for a missing value (`n/a` among
    numbers, `NA` among dates) and gave them as NULL: they are the cells' text, read as any
    text (a number field refuses it, its row fails; a text field keeps it)."""
    book = xlsxwriter.Workbook(str(tmp_path / "orgs.xlsx"))
    sheet = book.add_worksheet()
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, ["Organization Name", "Employees", "Billing City", "Description"])
    sheet.write_row(1, 0, ["Acme", 120, "n/a", "NA"])
    sheet.write_row(2, 0, ["Beta", "n/a", 75001])
    sheet.write_datetime(2, 3, datetime(2024, 5, 6), day)
    sheet.write_row(3, 0, ["Gamma", 8, 69002])
    sheet.write_datetime(3, 3, datetime(2024, 5, 7), day)
    book.close()
    report = run_import(store, plan("organizations", tmp_path / "orgs.xlsx"))
    assert [(e.line, e.column, e.reason) for e in report.errors] == [
        (3, "Employees", "not a whole number: 'n/a'")
    ]
    found = rows(store, "SELECT name, employees, billing_city FROM organizations ORDER BY id")
    assert found == [("Acme", 120, "n/a"), ("Gamma", 8, "69002")]
    assert rows(store, "SELECT description FROM organizations WHERE name = 'Acme'") == [("NA",)]
