"""Spreadsheets import like CSV files, and their typed cells keep their type.

The workbooks are written here: .xlsx by openpyxl and by XlsxWriter (which, unlike openpyxl,
stores a formula's cached value, what a spreadsheet application saves), .ods by odfpy.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P

from kafinea_tui.data.errors import KafineaError, UsageError
from kafinea_tui.data.importer.file.source import preview, sheets
from kafinea_tui.data.importer.plan import CsvOptions
from kafinea_tui.data.importer.run import run_import
from kafinea_tui.data.store.database import Store
from tests.import_helpers import plan, rows

HEADER = ["First Name", "Last Name", "Email", "Birthdate", "Mailing Zip", "Title", "Do Not Call"]
FIELDS = "first_name, last_name, email, birthdate, mailing_zip, title, do_not_call"


def xlsx_with_formulas(path: Path) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("People")
    book.add_worksheet("Notes").write_row(0, 0, ["Note"])
    day_first = book.add_format({"num_format": "dd/mm/yyyy"})
    month_name = book.add_format({"num_format": "mmm d, yyyy"})
    sheet.write_row(0, 0, HEADER)
    sheet.write_row(1, 0, ["Ann", "Lee", "ann@example.com"])
    sheet.write_datetime(1, 3, date(1980, 3, 4), day_first)
    sheet.write_string(1, 4, "01234")
    sheet.write_formula(1, 5, '=UPPER("cto")', None, "CTO")
    sheet.write_boolean(1, 6, True)
    # Row 3 is left empty: skipped, and later rows keep their sheet row numbers.
    sheet.write_row(3, 0, ["Bob", "Ray", "bob@example.com"])
    sheet.write_datetime(3, 3, date(1990, 12, 31), month_name)
    sheet.write_number(3, 4, 75001)
    sheet.write_formula(3, 5, "=20+22", None, 42)
    sheet.write_boolean(3, 6, False)
    book.close()
    return path


def test_typed_cells_keep_their_type_whatever_their_format(store: Store, tmp_path: Path) -> None:
    path = xlsx_with_formulas(tmp_path / "people.xlsx")
    # A date format for text dates is irrelevant to date cells, in either order of day/month.
    report = run_import(store, plan("contacts", path, date_format="mm/dd/yyyy"))
    assert (report.created, report.failed, report.unmapped) == (2, 0, [])
    assert rows(store, f"SELECT {FIELDS} FROM contacts ORDER BY id") == [
        ("Ann", "Lee", "ann@example.com", date(1980, 3, 4), "01234", "CTO", True),
        ("Bob", "Ray", "bob@example.com", date(1990, 12, 31), "75001", "42", False),
    ]


def test_openpyxl_workbook_numbers_and_text_numbers(store: Store, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Orgs"
    sheet.append(["Organization Name", "Employees", "Annual Revenue", "Billing Zip", "Created"])
    sheet.append(["Acme", 120, 1234567.89, "01234", datetime(2024, 5, 6, 7, 8, 9)])
    sheet.append(["Beta", 8.0, 10, "75001", date(2024, 1, 2)])
    path = tmp_path / "orgs.xlsx"
    book.save(path)
    report = run_import(
        store,
        plan(
            "organizations",
            path,
            decimal="comma",
            mapping={
                "Organization Name": "name",
                "Employees": "employees",
                "Annual Revenue": "annual_revenue",
                "Billing Zip": "billing_zip",
            },
        ),
    )
    assert (report.created, report.failed, report.unmapped) == (2, 0, ["Created"])
    found = rows(
        store, "SELECT name, employees, annual_revenue, billing_zip FROM organizations ORDER BY id"
    )
    assert [(n, e, float(r), z) for n, e, r, z in found] == [
        ("Acme", 120, 1234567.89, "01234"),
        ("Beta", 8, 10.0, "75001"),
    ]


def _ods(
    path: Path, table_rows: list[list[tuple[str, str, str]]], name: str = "Contacts", empty: int = 0
) -> Path:
    """(value type, office value, shown text) per cell; a formula as ('formula', f, cached).
    `empty`: empty rows above the table, one element repeated as spreadsheet programs write
    them."""
    doc = OpenDocumentSpreadsheet()
    table = Table(name=name)
    if empty:
        blank = TableRow(numberrowsrepeated=empty)
        blank.addElement(TableCell())
        table.addElement(blank)
    for cells in table_rows:
        row = TableRow()
        for kind, value, text in cells:
            if kind == "string":
                cell = TableCell(valuetype="string")
            elif kind == "date":
                cell = TableCell(valuetype="date", datevalue=value)
            elif kind == "formula":
                cell = TableCell(valuetype="float", value=text, formula=value)
            else:
                cell = TableCell(valuetype=kind, value=value)
            cell.addElement(P(text=text))
            row.addElement(cell)
        table.addElement(row)
    doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path


def test_ods_dates_numbers_text_numbers_and_formulas(store: Store, tmp_path: Path) -> None:
    s = "string"
    path = _ods(
        tmp_path / "people.ods",
        [
            [(s, "", h) for h in ["Name", "Email", "Birthdate", "Mailing Zip", "Title"]],
            [
                (s, "", "Ada Lovelace"),
                (s, "", "ada@example.com"),
                ("date", "1815-12-10", "10/12/1815"),
                (s, "", "01234"),
                ("formula", "of:=6*7", "42"),
            ],
            [
                (s, "", "Grace Hopper"),
                (s, "", "grace@example.com"),
                ("date", "1906-12-09", "Dec 9, 1906"),
                ("float", "75001", "75001"),
                (s, "", "Admiral"),
            ],
        ],
    )
    report = run_import(store, plan("contacts", path))
    assert (report.created, report.failed) == (2, 0)
    assert rows(
        store,
        "SELECT first_name, last_name, email, birthdate, mailing_zip, title FROM contacts ORDER BY id",
    ) == [
        ("Ada", "Lovelace", "ada@example.com", date(1815, 12, 10), "01234", "42"),
        ("Grace", "Hopper", "grace@example.com", date(1906, 12, 9), "75001", "Admiral"),
    ]


def test_sheet_by_name_or_number_and_the_sheets_listed(store: Store, tmp_path: Path) -> None:
    path = xlsx_with_formulas(tmp_path / "people.xlsx")
    assert [(s.name, s.rows) for s in sheets(path)] == [("People", 3), ("Notes", 0)]
    shown = preview(CsvOptions(path, sheet="1"), rows=5)
    assert (shown.sheet, shown.columns[:2], shown.rows[0][:5]) == (
        "People",
        ["First Name", "Last Name"],
        ["Ann", "Lee", "ann@example.com", "1980-03-04", "01234"],
    )
    assert shown.sheets == [("People", 3), ("Notes", 0)]
    with pytest.raises(UsageError, match=r"no sheet 'Missing'; its sheets are 'People', 'Notes'"):
        run_import(store, plan("contacts", path, sheet="Missing"))
    with pytest.raises(KafineaError, match=r"'Notes' of people\.xlsx has no rows"):
        run_import(store, plan("contacts", path, sheet="notes", mapping={"Note": "last_name"}))


def test_a_failed_row_is_named_by_its_sheet_row(store: Store, tmp_path: Path) -> None:
    book = xlsxwriter.Workbook(str(tmp_path / "bad.xlsx"))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["Last Name", "Email"])
    sheet.write_row(1, 0, ["Lee", "ann@example.com"])
    sheet.write_row(4, 0, ["Ray", "not an address"])
    book.close()
    report = run_import(store, plan("contacts", tmp_path / "bad.xlsx"))
    assert (report.created, report.failed) == (1, 1)
    assert [(e.line, e.column) for e in report.errors] == [(5, "Email")]


@pytest.mark.parametrize("writer", ["xlsxwriter", "openpyxl"])
def test_a_table_below_empty_rows_names_failed_rows_by_their_sheet_row(
    store: Store, tmp_path: Path, writer: str
) -> None:
    path = tmp_path / "late.xlsx"
    cells = [(3, ["Last Name", "Email"]), (4, ["Lee", "ann@example.com"]), (6, ["Ray", "nope"])]
    if writer == "xlsxwriter":
        book = xlsxwriter.Workbook(str(path))
        sheet = book.add_worksheet("People")
        for row, values in cells:
            sheet.write_row(row - 1, 0, values)
        book.close()
    else:
        workbook = openpyxl.Workbook()
        active = workbook.active
        assert active is not None
        active.title = "People"
        active.cell(1, 1).number_format = "0.00"  # a styled empty cell is no value
        for row, values in cells:
            for column, value in enumerate(values, start=1):
                active.cell(row, column, value)
        workbook.save(path)
    report = run_import(store, plan("contacts", path))
    assert [(e.line, e.column) for e in report.errors] == [(6, "Email")]


def test_a_title_above_the_table_is_not_its_header(store: Store, tmp_path: Path) -> None:
    book = xlsxwriter.Workbook(str(tmp_path / "report.xlsx"))
    sheet = book.add_worksheet()
    sheet.write(0, 0, "Contacts - November 2026")  # a report's title, a blank row, the table
    sheet.write_row(2, 0, ["Last Name", "Email", "Birthdate"])
    sheet.write_row(3, 0, ["Lee", "ann@example.com"])
    sheet.write_datetime(3, 2, datetime(1990, 12, 31), book.add_format({"num_format": "d/m/yy"}))
    sheet.write_row(4, 0, ["Ray", "not an address"])
    book.close()
    report = run_import(store, plan("contacts", tmp_path / "report.xlsx"))
    assert (report.created, report.failed) == (1, 1)
    assert [(e.line, e.column) for e in report.errors] == [(5, "Email")]
    assert rows(store, "SELECT last_name, birthdate FROM contacts") == [("Lee", date(1990, 12, 31))]


@pytest.mark.parametrize("sparse", [["Smith"], []])
def test_a_title_above_a_table_of_sparse_rows(
    store: Store, tmp_path: Path, sparse: list[str]
) -> None:
    """The first row below the header fills one cell (or none): the title is still no header."""
    book = xlsxwriter.Workbook(str(tmp_path / "report.xlsx"))
    sheet = book.add_worksheet()
    sheet.write(0, 0, "Contacts - November 2026")
    sheet.write_row(1, 0, ["Last Name", "Email", "Phone"])
    sheet.write_row(2, 0, sparse)
    sheet.write_row(3, 0, ["Jones", "j@x.com", "0102"])
    sheet.write_row(4, 0, ["Kay"])
    book.close()
    report = run_import(store, plan("contacts", tmp_path / "report.xlsx"))
    assert report.unmapped == []
    assert (report.created, report.failed) == (3, 0) if sparse else (2, 0)
    assert rows(store, "SELECT last_name, email, phone FROM contacts ORDER BY id") == [
        *([("Smith", None, None)] if sparse else []),
        ("Jones", "j@x.com", "0102"),
        ("Kay", None, None),
    ]


def _late_ods(path: Path) -> Path:
    """late.xls as an .ods: two empty rows, a title, the table."""
    rows = [["Contacts - November 2026"], ["Last Name", "Email"]]
    rows += [["Lee", "ann@example.com"], ["Ray", "not an address"]]
    cells = [[("string", "", value) for value in row] for row in rows]
    return _ods(path, cells, name="Report", empty=2)


def _late_xlsx(path: Path) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Report")
    sheet.write(2, 0, "Contacts - November 2026")
    sheet.write_row(3, 0, ["Last Name", "Email"])
    sheet.write_row(4, 0, ["Lee", "ann@example.com"])
    sheet.write_row(5, 0, ["Ray", "not an address"])
    book.close()
    return path


@pytest.mark.parametrize("kind", ["xls", "ods", "xlsx"])
def test_a_title_below_empty_rows_in_every_format(store: Store, tmp_path: Path, kind: str) -> None:
    """Two empty rows, a title, the header on sheet row 4: the header is found below the
    title, and the failed row is named by its own sheet row, 6, in every format."""
    if kind == "xls":
        path = Path(__file__).parent / "spreadsheets" / "late.xls"
    else:
        path = (_late_ods if kind == "ods" else _late_xlsx)(tmp_path / f"late.{kind}")
    report = run_import(store, plan("contacts", path))
    assert (report.created, report.failed) == (1, 1)
    assert [(e.line, e.column) for e in report.errors] == [(6, "Email")]
    assert rows(store, "SELECT last_name, email FROM contacts") == [("Lee", "ann@example.com")]


def test_not_a_workbook_is_one_sentence(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_text("First Name,Last Name\nAnn,Lee\n", encoding="utf-8")
    with pytest.raises(KafineaError, match=r"Cannot read fake\.xlsx as a spreadsheet"):
        run_import(store, plan("contacts", path))


XLS = Path(__file__).parent / "spreadsheets" / "people.xls"  # made by spreadsheets/make_xls.py


def test_xls_workbook_imports_like_xlsx(store: Store) -> None:
    assert [(s.name, s.rows) for s in sheets(XLS)] == [("People", 3), ("Notes", 0)]
    report = run_import(store, plan("contacts", XLS, date_format="mm/dd/yyyy"))
    assert (report.created, report.failed, report.unmapped) == (2, 0, [])
    assert rows(store, f"SELECT {FIELDS} FROM contacts ORDER BY id") == [
        ("Ann", "Lee", "ann@example.com", date(1980, 3, 4), "01234", "CTO", True),
        ("Bob", "Ray", "bob@example.com", date(1990, 12, 31), "75001", "Buyer", False),
    ]


ORG_FIELDS = {"Name": "name", "Employees": "employees", "Revenue": "annual_revenue"}
ORGS = [
    ("Acme", 120, 1234567.89),
    ("Beta", 8.0, 1.005),  # 1.005 is 1.00499.. as a double: its text rounds it to 1.01
    ("Gamma", 7.0000001, -3.5),  # within six places of a whole number, as its text is
    ("Delta", 2.5, 10),  # not a whole number: the row fails
    ("Epsilon", 3, 1e20),  # too large for the field: the row fails
]


def _import_rows(
    tmp_path: Path, name: str, module: str, path: Path, mapping: dict[str, str], **options: Any
) -> tuple[list[tuple[Any, ...]], list[tuple[int, str | None, str]]]:
    target = Store.open(tmp_path / f"{name}.duckdb")
    try:
        report = run_import(target, plan(module, path, mapping=mapping, **options))
        fields = ", ".join(mapping.values())
        found = rows(target, f"SELECT {fields} FROM {module} ORDER BY id")
    finally:
        target.close()
    return found, [(e.line, e.column, e.reason) for e in report.errors]


@pytest.mark.parametrize("decimal", ["point", "comma"])
def test_number_cells_give_the_values_their_text_gives(tmp_path: Path, decimal: str) -> None:
    """A number column fills number fields by a cast of its own values: the same records and
    the same failures as a CSV file holding the numbers' text, in either decimal mode."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(ORG_FIELDS))
    for values in ORGS:
        sheet.append(list(values))
    book.save(tmp_path / "orgs.xlsx")
    text = "\n".join(["Name,Employees,Revenue", *(",".join(map(str, v)) for v in ORGS)])
    (tmp_path / "orgs.csv").write_text(text.replace("1e+20", "100000000000000000000") + "\n")
    sheet_side = _import_rows(
        tmp_path, "sheet", "organizations", tmp_path / "orgs.xlsx", ORG_FIELDS, decimal=decimal
    )
    csv_side = _import_rows(tmp_path, "csv", "organizations", tmp_path / "orgs.csv", ORG_FIELDS)
    assert sheet_side[0] == csv_side[0]
    assert [(n, e, float(r)) for n, e, r in sheet_side[0]] == [
        ("Acme", 120, 1234567.89),
        ("Beta", 8, 1.01),
        ("Gamma", 7, -3.5),
    ]
    assert [(line, column) for line, column, _ in sheet_side[1]] == [
        (5, "Employees"),
        (6, "Revenue"),
    ]
    assert [why.split(":")[0] for _, _, why in sheet_side[1]] == [
        "not a whole number",
        "too large a number (at most 16 digits before the decimal point)",  # 1e+20
    ]


def test_date_time_and_yes_no_cells_fill_date_and_yes_no_fields(tmp_path: Path) -> None:
    """A date-time cell in a date field is its day; yes/no cells are booleans; a date format
    that would misread an ISO text (year, day, month) does not touch date cells."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Last Name", "Birthdate", "Do Not Call"])
    sheet.append(["Lee", datetime(2024, 5, 6, 7, 8, 9), True])
    sheet.append(["Ray", date(2024, 11, 2), False])
    sheet.append(["Kay", None, None])
    book.save(tmp_path / "people.xlsx")
    mapping = {"Last Name": "last_name", "Birthdate": "birthdate", "Do Not Call": "do_not_call"}
    found, errors = _import_rows(
        tmp_path, "people", "contacts", tmp_path / "people.xlsx", mapping, date_format="yyyy-dd-mm"
    )
    assert errors == []
    assert found == [
        ("Lee", date(2024, 5, 6), True),
        ("Ray", date(2024, 11, 2), False),
        ("Kay", None, None),
    ]
