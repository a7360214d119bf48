"""`export` as a workbook: typed cells, labels in a frozen header, text never a formula, one
sheet named after the module, and a sheet's row limit refused before anything is written."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from kafinea_tui.data.errors import KafineaError
from kafinea_tui.data.exporter import xlsx
from kafinea_tui.data.exporter.options import ExportOptions
from kafinea_tui.data.exporter.run import export_file
from kafinea_tui.data.store.database import Store


@pytest.fixture(autouse=True)
def records(store: Store) -> None:
    acme = store.create("organizations", {"name": '=HYPERLINK("x")', "employees": 120})
    store.create(
        "contacts",
        {
            "first_name": "+Zoé",
            "last_name": "-Lee",
            "organization": acme,
            "birthdate": date(1980, 2, 29),
            "mailing_zip": "01234",
            "do_not_call": True,
        },
    )
    store.create("contacts", {"last_name": "@handle", "do_not_call": False})
    store.create("products", {"product_code": "P-1", "name": "Bolt", "unit_price": "2.50"})


def test_cells_are_typed_and_text_is_never_a_formula(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "people.xlsx"
    options = ExportOptions(
        "contacts",
        fields=[
            "first_name",
            "last_name",
            "organization",
            "birthdate",
            "mailing_zip",
            "do_not_call",
            "id",
            "created_at",
        ],
        format="xlsx",
    )
    result = export_file(store, options, path)
    assert result.count == 2
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet is not None
    assert (book.sheetnames, sheet.freeze_panes) == (["Contacts"], "A2")
    header = [c.value for c in sheet[1]]
    assert header == [
        "First Name",
        "Last Name",
        "Organization Name",
        "Birthdate",
        "Mailing Zip",
        "Do Not Call",
        "Id",
        "Created At",
    ]
    assert all(c.font.b for c in sheet[1])
    first = list(sheet[2])
    assert [c.value for c in first[:6]] == [
        "+Zoé",
        "-Lee",
        '=HYPERLINK("x")',
        datetime(1980, 2, 29),
        "01234",
        "yes",
    ]
    assert [c.data_type for c in first[:6]] == ["s", "s", "s", "d", "s", "s"]
    assert first[3].number_format == "yyyy-mm-dd"
    assert (first[6].value, first[6].data_type) == (1, "n")
    assert isinstance(first[7].value, datetime)
    assert [c.value for c in sheet[3]][:2] == [None, "@handle"]


def test_numbers_are_number_cells(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "products.xlsx"
    export_file(
        store, ExportOptions("products", fields=["product_code", "unit_price"], format="xlsx"), path
    )
    sheet = openpyxl.load_workbook(path)["Products"]
    assert [(c.value, c.data_type) for c in sheet[2]] == [("P-1", "s"), (2.5, "n")]


def test_more_rows_than_a_sheet_holds_is_a_sentence_before_writing(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx, "MAX_ROWS", 2)
    path = tmp_path / "people.xlsx"
    with pytest.raises(
        KafineaError, match=r"2 rows do not fit in a spreadsheet, whose sheets hold 1 below"
    ):
        export_file(store, ExportOptions("contacts", format="xlsx"), path)
    assert not path.exists()
    assert list(tmp_path.iterdir()) == []


def test_sheet_names_drop_the_characters_excel_refuses() -> None:
    assert xlsx.sheet_name("Orders: 2026/11 [draft]?") == "Orders  2026 11  draft"
    assert len(xlsx.sheet_name("x" * 40)) == 31
