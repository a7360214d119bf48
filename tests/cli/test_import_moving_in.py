"""`kafinea-tui import` of another CRM's export and of a spreadsheet, with no options: what
went nowhere is printed, the whole-name column is split, and `--sheet` picks a sheet."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import xlsxwriter

from tests.cli.run_cli import cli, report_of
from tests.import_helpers import write

HUBSPOT = (
    "Record ID,First Name,Last Name,Email,Mobile Phone Number,Company Name,Street Address,"
    "Postal Code,Country/Region,Contact owner\n"
    "101,Ann,Lee,ann@example.com,+1 555 0101,Acme,1 Main St,02108,United States,Jo\n"
)


def _contacts(workspace: Path, fields: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(workspace / "kafinea.duckdb"), read_only=True) as conn:
        return conn.execute(f"SELECT {fields} FROM contacts ORDER BY id").fetchall()


def test_unmapped_columns_are_printed_without_json(tmp_path: Path) -> None:
    path = write(tmp_path / "hubspot.csv", HUBSPOT)
    result = cli(tmp_path / "ws", "import", "contacts", str(path))
    assert result.returncode == 0, result.stderr
    assert "The file looks like a HubSpot contacts export." in result.stdout
    assert "Not imported (mapped to no field): Record ID, Contact owner." in result.stdout
    assert _contacts(tmp_path / "ws", "mobile, mailing_street, mailing_zip, mailing_country") == [
        ("+1 555 0101", "1 Main St", "02108", "United States")
    ]
    result = cli(tmp_path / "ws2", "import", "contacts", str(path), "--json")
    assert json.loads(result.stdout)["unmapped"] == ["Record ID", "Contact owner"]


def test_map_a_column_to_full_name(tmp_path: Path) -> None:
    path = write(
        tmp_path / "people.csv",
        "Who,Mail\nJean-Baptiste Le Rond d'Alembert,jb@example.fr\nVoltaire,v@example.fr\n",
    )
    result = cli(
        tmp_path / "ws",
        "import",
        "contacts",
        str(path),
        "--map",
        "Who=full_name",
        "--map",
        "Mail=email",
        "--json",
    )
    assert json.loads(result.stdout)["created"] == 2, result.stderr
    assert _contacts(tmp_path / "ws", "first_name, last_name") == [
        ("Jean-Baptiste", "Le Rond d'Alembert"),
        (None, "Voltaire"),
    ]


def test_spreadsheet_sheet_by_number(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("Readme").write_row(0, 0, ["Nothing here"])
    sheet = book.add_worksheet("Contacts")
    sheet.write_row(0, 0, ["Last Name", "Birthdate"])
    sheet.write_string(1, 0, "Lee")
    sheet.write_datetime(1, 1, date(1980, 3, 4), book.add_format({"num_format": "d mmm yyyy"}))
    book.close()
    result = cli(tmp_path / "ws", "import", "contacts", str(path), "--sheet", "2", "--json")
    assert json.loads(result.stdout)["created"] == 1, result.stderr
    assert _contacts(tmp_path / "ws", "last_name, birthdate") == [("Lee", date(1980, 3, 4))]
    result = cli(tmp_path / "ws", "import", "contacts", str(path), "--sheet", "Orders")
    assert result.returncode == 2
    assert "book.xlsx has no sheet 'Orders'; its sheets are 'Readme', 'Contacts'" in result.stderr


def test_export_xlsx_by_extension_and_format_agreement(tmp_path: Path) -> None:
    path = write(tmp_path / "hubspot.csv", HUBSPOT)
    assert cli(tmp_path / "ws", "import", "contacts", str(path)).returncode == 0
    book = tmp_path / "people.xlsx"
    result = cli(tmp_path / "ws", "export", "contacts", "-o", str(book))
    assert result.returncode == 0, result.stderr
    assert book.read_bytes()[:2] == b"PK"  # a zip: a real workbook, not CSV in disguise
    result = cli(tmp_path / "ws", "export", "contacts", "-o", str(book), "--format", "csv")
    assert result.returncode == 2
    assert "says xlsx but --format says csv" in result.stderr
    data = tmp_path / "people.data"
    result = cli(tmp_path / "ws", "export", "contacts", "-o", str(data), "--format", "xlsx")
    assert result.returncode == 0, result.stderr
    assert data.read_bytes()[:2] == b"PK"
    result = cli(tmp_path / "ws2", "import", "contacts", str(book), "--json")
    report = json.loads(result.stdout)
    assert (report["created"], report["unmapped"]) == (1, []), result.stderr


ODOO_ORDERS = (
    '"Order Reference","Customer Reference","Customer","Total",'
    '"Order Lines/Product/Internal Reference","Order Lines/Quantity","Order Lines/Unit Price"\n'
    '"S00001","PO-77","Deco Addict","1500.00","FURN_0001","2.00","500.00"\n'
    '"","","","","FURN_0002","5.00","100.00"\n'
)


def test_an_odoo_orders_export_keeps_every_line_of_an_order(tmp_path: Path) -> None:
    path = write(tmp_path / "odoo.csv", ODOO_ORDERS)
    report = report_of(cli(tmp_path / "ws", "import", "salesorders", str(path), "--json"))
    assert (report["created"], report["failed"], report["errors"]) == (1, 0, [])
    result = cli(
        tmp_path / "ws", "export", "salesorders", "-o", "-", "--fields", "order_number,total,items"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1:] == [
        "S00001,1500.00,FURN_0001,2.00,500.00",
        "S00001,1500.00,FURN_0002,5.00,100.00",
    ]


def test_an_order_with_a_bad_line_is_in_the_failed_rows_whole(tmp_path: Path) -> None:
    path = write(
        tmp_path / "so.csv",
        "Order Number,Subject,Product,Quantity,List Price\n"
        "S1,A,P1,1,10\nS1,A,P2,zz,10\nS1,A,P3,2,10\n",
    )
    failed = tmp_path / "failed.csv"
    run = cli(
        tmp_path / "ws", "import", "salesorders", str(path), "--errors", str(failed), "--json"
    )
    assert (report_of(run)["created"], report_of(run)["failed"]) == (0, 3)
    assert failed.read_text().splitlines() == [
        "Order Number,Subject,Product,Quantity,List Price,Reason",
        "S1,A,P1,1,10,row 2 of this order failed: Quantity: not a number: 'zz'",
        "S1,A,P2,zz,10,Quantity: not a number: 'zz'",
        "S1,A,P3,2,10,row 2 of this order failed: Quantity: not a number: 'zz'",
    ]
    failed.write_text(failed.read_text().replace(",zz,", ",3,"))
    again = cli(tmp_path / "ws", "import", "salesorders", str(failed), "--json")
    assert (report_of(again)["created"], report_of(again)["failed"]) == (1, 0)
    result = cli(
        tmp_path / "ws", "export", "salesorders", "-o", "-", "--fields", "order_number,total"
    )
    assert result.stdout.splitlines()[1:] == ["S1,60.00"]
