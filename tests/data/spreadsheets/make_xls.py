"""How people.xls was made: `python make_xls.py` with xlwt 1.3.0 installed (a throwaway venv:
`python -m venv /tmp/xlwt && /tmp/xlwt/bin/pip install xlwt==1.3.0`).

Why a checked-in file: no package of the project (runtime or test extra) writes the old BIFF8
.xls format, and xlwt, the one writer there is, has had no release since 2017, so the project
does not depend on it. The workbook is tiny (two sheets, two people) and this script says
exactly what is in it: a date cell in each of two display formats, a zip code stored as text
(`01234`) and one stored as a number, yes/no cells, an empty row between the two people (sheet
row 3), and a second sheet. late.xls holds a report's table below two empty rows and a title
(sheet rows 3 and 4), its second person's e-mail address wrong (sheet row 6). errors.xls holds
cells of errors (BOOLERR records: #N/A on sheet row 2, #DIV/0! and #REF! on row 3, the
error codes written as numbers, as xlwt's names map #VALUE! and #N/A wrong) and time cells
(`hh:mm`, a fraction of a day) on rows 2 and 4.

xlwt cannot store a formula's cached value, so formulas are covered by the .xlsx and .ods tests.
"""

from datetime import date, time
from pathlib import Path

import xlwt  # type: ignore[import-not-found]

HERE = Path(__file__).parent


def main() -> None:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("People")
    day_first = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    month_name = xlwt.easyxf(num_format_str="MMM D, YYYY")
    header = [
        "First Name",
        "Last Name",
        "Email",
        "Birthdate",
        "Mailing Zip",
        "Title",
        "Do Not Call",
    ]
    for column, text in enumerate(header):
        sheet.write(0, column, text)
    for column, value in enumerate(["Ann", "Lee", "ann@example.com"]):
        sheet.write(1, column, value)
    sheet.write(1, 3, date(1980, 3, 4), day_first)
    sheet.write(1, 4, "01234")
    sheet.write(1, 5, "CTO")
    sheet.write(1, 6, True)
    for column, value in enumerate(["Bob", "Ray", "bob@example.com"]):
        sheet.write(3, column, value)
    sheet.write(3, 3, date(1990, 12, 31), month_name)
    sheet.write(3, 4, 75001)
    sheet.write(3, 5, "Buyer")
    sheet.write(3, 6, False)
    book.add_sheet("Notes").write(0, 0, "Note")
    book.save(str(HERE / "people.xls"))

    late = xlwt.Workbook(encoding="utf-8")
    report = late.add_sheet("Report")
    report.write(2, 0, "Contacts - November 2026")
    for row, values in enumerate(
        [["Last Name", "Email"], ["Lee", "ann@example.com"], ["Ray", "not an address"]], start=3
    ):
        for column, value in enumerate(values):
            report.write(row, column, value)
    late.save(str(HERE / "late.xls"))

    errors = xlwt.Workbook(encoding="utf-8")
    contacts = errors.add_sheet("Contacts")
    clock = xlwt.easyxf(num_format_str="hh:mm")
    people = [["Last Name", "Email", "Mailing City", "Description", "Department"]]
    people += [["Lee", "ann@example.com"], ["Ray", "ray@example.com"], ["Kay", "kay@x.com", "Lyon"]]
    for row, values in enumerate(people):
        for column, value in enumerate(values):
            contacts.write(row, column, value)
    contacts.row(1).set_cell_error(2, 0x2A)  # #N/A
    contacts.write(1, 3, time(10, 30), clock)
    contacts.row(2).set_cell_error(3, 0x07)  # #DIV/0!
    contacts.row(2).set_cell_error(4, 0x17)  # #REF!
    contacts.write(3, 3, time(23, 59, 30), clock)
    errors.save(str(HERE / "errors.xls"))


if __name__ == "__main__":
    main()
