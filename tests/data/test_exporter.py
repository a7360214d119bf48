"""The CSV export engine: scopes, fields, formats and encodings (its failures, which leave no
file: test_exporter_failures.py; the table order it keeps without a sort: test_exporter_order.py)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from kafinea_tui.data.errors import KafineaError
from kafinea_tui.data.exporter.options import ExportOptions
from kafinea_tui.data.exporter.run import count_scope, export_csv
from kafinea_tui.data.query import ListQuery, fetch_page
from kafinea_tui.data.store.database import Store
from tests.data.export_helpers import leftovers, rows

# Every test starts from the same records, in its own store (conftest.py).
pytestmark = pytest.mark.usefixtures("export_records")


def test_default_fields_labels_and_formats(store: Store, tmp_path: Path) -> None:
    target = tmp_path / "contacts.csv"
    result = export_csv(store, ExportOptions("contacts"), target)
    assert result.path == target and result.count == 3
    table = rows(target)
    module = store.module("contacts")
    assert table[0] == [f.label for f in module.fields]
    zoe = dict(zip(table[0], table[1], strict=True))
    assert zoe["Organization Name"] == "Acme, Inc"  # the related record's key
    assert zoe["Birthdate"] == "1980-01-02"
    assert zoe["Do Not Call"] == "yes"
    assert zoe["Description"] == 'Said "hi"\nthen left; | ^ \t tab'
    assert zoe["Phone"] == "'+33 1 23 45"  # formula guard on text
    ann = dict(zip(table[0], table[2], strict=True))
    assert ann["Last Name"] == "'=1+1" and ann["Do Not Call"] == "no" and ann["Birthdate"] == ""
    raw = target.read_bytes()
    assert b'"Said ""hi""\nthen left; | ^ \t tab"' in raw  # RFC 4180 quoting
    assert b'""' not in raw.replace(b'""hi""', b"")  # an empty value is an empty cell


def test_custom_fields_are_in_the_default_export(store: Store, tmp_path: Path) -> None:
    store.add_custom_field("contacts", "Loyalty Tier", "picklist", ["Gold"])
    store.update("contacts", 1, {"cf_loyalty_tier": "Gold"})
    export_csv(store, ExportOptions("contacts", header="names"), tmp_path / "c.csv")
    table = rows(tmp_path / "c.csv")
    assert table[0][-1] == "cf_loyalty_tier" and table[1][-1] == "Gold"


def test_chosen_fields_in_order_with_system_columns(store: Store, tmp_path: Path) -> None:
    options = ExportOptions(
        "contacts",
        fields=["last_name", "id", "Organization Name", "created_at", "modified_at"],
        header="names",
    )
    export_csv(store, options, tmp_path / "c.csv")
    table = rows(tmp_path / "c.csv")
    assert table[0] == ["last_name", "id", "organization", "created_at", "modified_at"]
    assert table[1][:3] == ["Dupont", "1", "Acme, Inc"]
    assert len(table[1][3]) == 19 and table[1][3][10] == " "  # YYYY-MM-DD HH:MM:SS


def test_numbers_guard_only_text(store: Store, tmp_path: Path) -> None:
    export_csv(store, ExportOptions("products"), tmp_path / "p.csv")
    table = rows(tmp_path / "p.csv")
    assert table[1][:3] == ["P-1", "Bolt", "-5.50"]  # a negative number is not guarded
    assert table[2][0] == "'-P2" and table[2][6] == "yes"
    export_csv(store, ExportOptions("products", formula_guard=False), tmp_path / "p.csv")
    assert rows(tmp_path / "p.csv")[2][0] == "-P2"
    export_csv(store, ExportOptions("contacts", formula_guard=False), tmp_path / "c.csv")
    assert rows(tmp_path / "c.csv")[2][1] == "=1+1"


def test_decimal_comma(store: Store, tmp_path: Path) -> None:
    options = ExportOptions("products", decimal="comma", delimiter="semicolon")
    export_csv(store, options, tmp_path / "p.csv")
    assert rows(tmp_path / "p.csv", ";")[1][2] == "-5,50"
    assert b"P-1;Bolt;-5,50;" in (tmp_path / "p.csv").read_bytes()


def test_sales_orders_one_line_per_item(store: Store, tmp_path: Path) -> None:
    export_csv(store, ExportOptions("salesorders"), tmp_path / "so.csv")
    table = rows(tmp_path / "so.csv")
    assert table[0][-3:] == ["Product", "Quantity", "List Price"]
    assert table[0][2:4] == ["Contact Name", "Organization"]
    assert [r[0] for r in table[1:]] == ["SO-1", "SO-1", "SO-2"]
    assert table[1][2:4] == ["zoe@acme.test", "Acme, Inc"]
    assert table[1][-3:] == ["P-1", "2.00", "1.50"]
    assert table[2][-3:] == ["'-P2", "1.00", "1000.00"]
    assert table[3][-3:] == ["", "", ""]
    export_csv(store, ExportOptions("salesorders", header="names"), tmp_path / "so.csv")
    assert rows(tmp_path / "so.csv")[0][-3:] == [
        "items.product",
        "items.quantity",
        "items.list_price",
    ]
    result = export_csv(
        store,
        ExportOptions("salesorders", fields=["order_number", "items.quantity"]),
        tmp_path / "so.csv",
    )
    assert result.count == 2
    assert rows(tmp_path / "so.csv") == [
        ["Order Number", "Quantity"],
        ["SO-1", "2.00"],
        ["SO-1", "1.00"],
        ["SO-2", ""],
    ]


@pytest.mark.parametrize(
    ("name", "char"),
    [("comma", ","), ("semicolon", ";"), ("pipe", "|"), ("caret", "^"), ("tab", "\t")],
)
def test_delimiters_quote_values_holding_them(
    store: Store, tmp_path: Path, name: str, char: str
) -> None:
    export_csv(store, ExportOptions("contacts", delimiter=name), tmp_path / "c.csv")
    table = rows(tmp_path / "c.csv", char)
    assert all(len(r) == 16 for r in table)
    assert table[1][15] == 'Said "hi"\nthen left; | ^ \t tab'


def test_utf8_bom(store: Store, tmp_path: Path) -> None:
    export_csv(store, ExportOptions("contacts", encoding="utf-8-sig"), tmp_path / "c.csv")
    raw = (tmp_path / "c.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfFirst Name,")
    assert raw.count(b"\xef\xbb\xbf") == 1
    assert rows(tmp_path / "c.csv", encoding="utf-8-sig")[1][0] == "Zoé"


def test_utf8_bom_when_the_first_header_is_quoted(store: Store, tmp_path: Path) -> None:
    store.add_custom_field("contacts", "Price, EUR", "decimal")
    options = ExportOptions("contacts", encoding="utf-8-sig", fields=["Price, EUR", "last_name"])
    export_csv(store, options, tmp_path / "c.csv")
    raw = (tmp_path / "c.csv").read_bytes()
    assert raw.startswith(b'\xef\xbb\xbf"Price, EUR",Last Name\n')


def test_legacy_encodings(store: Store, tmp_path: Path) -> None:
    store.update("contacts", 3, {"last_name": "Øre"})
    export_csv(store, ExportOptions("contacts", encoding="iso-8859-1"), tmp_path / "l.csv")
    raw = (tmp_path / "l.csv").read_bytes()
    assert "Zoé".encode("latin-1") in raw and b"\xd8re" in raw
    store.update("contacts", 3, {"last_name": "Øre €"})
    export_csv(store, ExportOptions("contacts", encoding="windows-1252"), tmp_path / "w.csv")
    assert "Øre €".encode("cp1252") in (tmp_path / "w.csv").read_bytes()
    assert rows(tmp_path / "w.csv", encoding="cp1252")[3][1] == "Øre €"


def test_unencodable_character_names_record_and_field(store: Store, tmp_path: Path) -> None:
    target = tmp_path / "l.csv"
    target.write_bytes(b"old content")
    with pytest.raises(KafineaError) as caught:
        export_csv(store, ExportOptions("contacts", encoding="iso-8859-1"), target)
    message = str(caught.value)
    assert "record 3" in message and "Last Name" in message and "'€'" in message
    assert target.read_bytes() == b"old content"  # untouched
    assert leftovers(tmp_path) == []
    store.update("contacts", 1, {"description": "snow ☃"})
    with pytest.raises(KafineaError, match=r"record 1: Description holds '☃'.*windows-1252"):
        export_csv(store, ExportOptions("contacts", encoding="windows-1252"), target)


def test_scope_ids_page_filter_all(store: Store, tmp_path: Path) -> None:
    for i in range(30):
        store.create(
            "contacts",
            {"last_name": f"Bulk {i:02d}", "mailing_city": "Nantes" if i % 2 else "Brest"},
        )
    target = tmp_path / "c.csv"
    ids = export_csv(
        store, ExportOptions("contacts", scope="ids", ids=[5, 2, 40_000], fields=["id"]), target
    )
    assert ids.count == 2 and rows(target)[1:] == [["2"], ["5"]]
    query = ListQuery("contacts", filter='mailing_city ~ "es"', sort=(("last_name", True),))
    page = fetch_page(store, query, 10, 10)
    options = ExportOptions(
        "contacts",
        scope="page",
        filter=query.filter,
        sort=query.sort,
        page=2,
        page_size=10,
        fields=["id"],
    )
    assert export_csv(store, options, target).count == 10
    assert [int(r[0]) for r in rows(target)[1:]] == page.ids  # the page as the list shows it
    filtered = export_csv(
        store, ExportOptions("contacts", scope="filter", filter="mailing_city = nantes"), target
    )
    assert filtered.count == 15
    assert count_scope(store, ExportOptions("contacts", scope="all")) == 33
    assert (
        count_scope(store, ExportOptions("contacts", scope="filter", filter="mailing_city = brest"))
        == 15
    )
    assert count_scope(store, ExportOptions("contacts", scope="page", page=4, page_size=10)) == 3
    assert count_scope(store, ExportOptions("contacts", scope="ids", ids=[1, 2])) == 2
    nothing = export_csv(store, ExportOptions("contacts", scope="filter", filter="id < 0"), target)
    assert nothing.count == 0 and len(rows(target)) == 1  # the header alone


def test_stream_target(store: Store) -> None:
    buffer = io.BytesIO()
    result = export_csv(store, ExportOptions("organizations", fields=["name"]), buffer)
    assert result.path is None and result.count == 1
    assert buffer.getvalue() == b'Organization Name\n"Acme, Inc"\n'


def test_progress_reports_start_and_end(store: Store, tmp_path: Path) -> None:
    seen: list[float] = []
    export_csv(store, ExportOptions("contacts"), tmp_path / "c.csv", progress=seen.append)
    assert seen[0] == 0.0 and seen[-1] == 1.0 and all(0 <= f <= 1 for f in seen)
