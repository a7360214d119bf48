"""A workbook posted to `POST /{module}/import`, over real HTTP on 127.0.0.1: known by its
Content-Type, or by its file name (the `filename` parameter, a Content-Disposition), its sheet
chosen by `sheet`, its typed cells kept; a body that is no workbook is a sentence."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from kafinea_tui.data.importer.undo import list_batches
from kafinea_tui.sync.api.openapi.document import XLSX
from tests.api.server import API, Api


def _workbook(path: Path) -> Path:
    """Two sheets; the second holds two people with a date cell and a text zip code."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("Notes").write_row(0, 0, ["Note"])
    sheet = book.add_worksheet("People")
    sheet.write_row(0, 0, ["Last Name", "Email", "Birthdate", "Mailing Zip"])
    day_first = book.add_format({"num_format": "dd/mm/yyyy"})
    for row, (name, email, born, zip_code) in enumerate(
        [("Zola", "zola@x.fr", date(1980, 3, 4), "01234"), ("Yang", "bad@", None, "75001")],
        start=1,
    ):
        sheet.write_row(row, 0, [name, email])
        if born:
            sheet.write_datetime(row, 2, born, day_first)
        sheet.write_string(row, 3, zip_code)
    book.close()
    return path


def test_import_a_workbook_body_by_content_type_or_file_name(api: Api, tmp_path: Path) -> None:
    body = _workbook(tmp_path / "people.xlsx").read_bytes()
    answer = api.http.post(
        f"{API}/contacts/import",
        params={"sheet": "People"},
        content=body,
        headers={"Content-Type": XLSX},
    )
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert (report["total"], report["created"], report["failed"]) == (2, 1, 1)
    assert report["errors"][0]["line"] == 3  # the row in the sheet, header counted
    zola = api.http.get(f"{API}/contacts/records", params={"filter": 'email = "zola@x.fr"'})
    record = zola.json()["records"][0]
    assert (record["birthdate"], record["mailing_zip"]) == ("1980-03-04", "01234")
    batches = list_batches(api.store)
    assert batches[0].file.startswith("Spreadsheet (.xlsx) posted through the API")
    # No workbook Content-Type: the file name's extension says what the body is.
    by_name = api.http.post(
        f"{API}/contacts/import",
        params={"sheet": "2", "filename": "people.XLSX", "dry_run": "yes"},
        content=body,
        headers={"Content-Type": "application/octet-stream"},
    )
    assert by_name.status_code == 200 and by_name.json()["created"] == 1, by_name.text
    first_sheet = api.http.post(
        f"{API}/contacts/import",
        content=body,
        headers={
            "Content-Type": "application/octet-stream",
            "Content-Disposition": 'attachment; filename="p.xlsx"',
        },
    )
    # Without `sheet`, the first sheet: here a sheet of notes with no rows.
    assert first_sheet.status_code == 422 and "'Notes'" in first_sheet.json()["error"]
    no_sheet = api.http.post(
        f"{API}/contacts/import",
        params={"sheet": "Missing"},
        content=body,
        headers={"Content-Type": XLSX},
    )
    assert no_sheet.status_code == 400 and "no sheet 'Missing'" in no_sheet.json()["error"]
    not_a_book = api.http.post(
        f"{API}/contacts/import", content=b"Last Name\nX\n", headers={"Content-Type": XLSX}
    )
    assert not_a_book.status_code == 422
    assert "as a spreadsheet" in not_a_book.json()["error"]
    assert api.store.count("contacts") == 1
