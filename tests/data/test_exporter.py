"""The CSV export engine: scopes, fields, formats, encodings, and failures that leave no file."""

from __future__ import annotations

import csv
import errno
import io
import os
import tempfile
from datetime import date
from pathlib import Path

import pytest

from kafinea_tui.data.errors import KafineaError, UsageError
from kafinea_tui.data.exporter import plan as export_plan
from kafinea_tui.data.exporter import run as exporter
from kafinea_tui.data.exporter.options import ExportOptions
from kafinea_tui.data.exporter.run import count_scope, export_csv
from kafinea_tui.data.query import ListQuery, fetch_page
from kafinea_tui.data.store.database import Store


@pytest.fixture(autouse=True)
def records(store: Store) -> None:
    """Every test starts from these records, in the test's own store: most tests change them."""
    acme = store.create("organizations", {"name": "Acme, Inc", "employees": 12})
    store.create(
        "contacts",
        {
            "first_name": "Zoé",
            "last_name": "Dupont",
            "email": "zoe@acme.test",
            "phone": "+33 1 23 45",
            "organization": acme,
            "birthdate": date(1980, 1, 2),
            "do_not_call": True,
            "mailing_city": "Paris",
            "description": 'Said "hi"\nthen left; | ^ \t tab',
        },
    )
    store.create("contacts", {"first_name": "Ann", "last_name": "=1+1", "do_not_call": False})
    store.create("contacts", {"first_name": "", "last_name": "Øre €", "mailing_city": "Lyon"})
    bolt = store.create("products", {"product_code": "P-1", "name": "Bolt", "unit_price": "-5.5"})
    nut = store.create("products", {"product_code": "-P2", "name": "Nut", "active": True})
    zoe = store.find_by_key("contacts", "zoe@acme.test")[0]
    store.create(
        "salesorders",
        {
            "order_number": "SO-1",
            "subject": "First",
            "contact": zoe,
            "organization": acme,
            "total": "1234.5",
            "due_date": date(2026, 11, 26),
            "items": [
                {"product": bolt, "quantity": 2, "list_price": "1.5"},
                {"product": nut, "quantity": 1, "list_price": "1000"},
            ],
        },
    )
    store.create("salesorders", {"order_number": "SO-2", "subject": "No items"})


def rows(path: Path, delimiter: str = ",", encoding: str = "utf-8") -> list[list[str]]:
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.reader(handle, delimiter=delimiter))


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".part"))


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


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (ExportOptions("widgets"), "unknown module"),
        (ExportOptions("contacts", fields=["nope"]), "no field 'nope'"),
        (ExportOptions("contacts", fields=["email", "Email"]), "named twice"),
        (ExportOptions("contacts", fields=[]), "at least one field"),
        (ExportOptions("salesorders", fields=["items.colour"]), "no column"),
        (ExportOptions("contacts", scope="ids"), "No records are selected"),
        (ExportOptions("contacts", scope="everything"), "Unknown export scope"),
        (ExportOptions("contacts", scope="page", page=0), "start at 1"),
        (ExportOptions("contacts", encoding="ebcdic"), "Cannot export in 'ebcdic'"),
        (ExportOptions("contacts", delimiter="colon"), "Unknown delimiter"),
        (ExportOptions("contacts", header="both"), "labels' or 'names'"),
        (ExportOptions("contacts", decimal="dot"), "'point' or 'comma'"),
        (ExportOptions("contacts", scope="filter", filter="nope = 1"), "unknown field"),
    ],
)
def test_usage_errors(store: Store, tmp_path: Path, options: ExportOptions, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        export_csv(store, options, tmp_path / "x.csv")
    assert list(tmp_path.iterdir()) == []


def test_directory_missing_folder_and_unwritable(store: Store, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is a folder"):
        export_csv(store, ExportOptions("contacts"), tmp_path)
    with pytest.raises(KafineaError, match="does not exist"):
        export_csv(store, ExportOptions("contacts"), tmp_path / "nope" / "c.csv")
    if os.geteuid() == 0:
        pytest.skip("root can write anywhere")
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    with pytest.raises(KafineaError, match="permission denied"):
        export_csv(store, ExportOptions("contacts"), locked / "c.csv")
    assert list(locked.iterdir()) == []


def test_full_disk_leaves_nothing(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "c.csv"
    target.write_bytes(b"previous export")

    def no_space(*_args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", no_space)
    with pytest.raises(KafineaError, match="The disk is full"):
        export_csv(store, ExportOptions("contacts"), target)
    assert target.read_bytes() == b"previous export"
    assert leftovers(tmp_path) == []


def test_full_disk_while_transcoding(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.update("contacts", 3, {"last_name": "Ore"})

    def no_space(*_args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(exporter, "_transcode", no_space)
    with pytest.raises(KafineaError, match="The disk is full"):
        export_csv(store, ExportOptions("contacts", encoding="iso-8859-1"), tmp_path / "c.csv")
    assert list(tmp_path.iterdir()) == []


def test_interrupted_export_leaves_nothing(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*_args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(exporter, "_copy", interrupted)
    with pytest.raises(KeyboardInterrupt):
        export_csv(store, ExportOptions("contacts"), tmp_path / "c.csv")
    assert list(tmp_path.iterdir()) == []


def test_files_get_ordinary_permissions(store: Store, tmp_path: Path) -> None:
    export_csv(store, ExportOptions("contacts"), tmp_path / "c.csv")
    mode = (tmp_path / "c.csv").stat().st_mode & 0o777
    assert mode & 0o044  # readable by others, as with any file the user creates (umask 022)


def test_permission_denied_while_writing(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Also runs as root, where a read-only folder would not stop the write."""

    def denied(*_args: object, **_kwargs: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    with pytest.raises(KafineaError, match=r"Cannot write .*c\.csv: permission denied"):
        export_csv(store, ExportOptions("contacts"), tmp_path / "c.csv")
    assert list(tmp_path.iterdir()) == []


def test_export_after_a_half_read_result_on_the_cursor(store: Store, tmp_path: Path) -> None:
    store.cursor().execute("SELECT id FROM contacts").fetchone()  # left unfinished
    assert export_csv(store, ExportOptions("contacts"), tmp_path / "c.csv").count == 3


# -- table order: references by lookup lists, no ORDER BY -------------------------------------


def sorted_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every export take the JOIN and ORDER BY id path, the reference for the bytes."""
    monkeypatch.setattr(export_plan, "keeps_table_order", lambda *_args: False)


@pytest.mark.slow
def test_table_order_export_equals_the_sorted_one_multithreaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """400,000 contacts: four row groups of 122,880 rows, scanned by several threads. Their
    organizations have holes (deleted ids), and references point below the first id and past
    the last one: all three give an empty cell, as the LEFT JOIN does."""
    s = Store.open(":memory:")
    try:
        cur = s.cursor()
        cur.execute("SET threads = 4")
        cur.execute(
            "INSERT INTO organizations (id, created_at, modified_at, name)"
            " SELECT nextval('organizations_id_seq'), TIMESTAMP '2026-01-01',"
            " TIMESTAMP '2026-01-01', ['Org ', '=Org ', '-Org ', ''][1 + i % 4] || i"
            " FROM range(1000) t(i)"
        )
        cur.execute("DELETE FROM organizations WHERE id IN (1, 500, 501)")
        cur.execute(
            "INSERT INTO contacts (id, created_at, modified_at, last_name, email, organization,"
            " do_not_call, birthdate)"
            " SELECT nextval('contacts_id_seq'), TIMESTAMP '2026-01-01', TIMESTAMP '2026-01-01',"
            " CASE WHEN i % 9 = 0 THEN '+' END || 'Name' || i, 'p' || i || '@x.test',"
            " CASE WHEN i % 13 <> 0 THEN i % 1003 END, i % 3 = 0, DATE '1970-01-01' + (i % 9000)::INTEGER"
            " FROM range(400000) t(i)"
        )
        options = ExportOptions("contacts")
        assert export_plan.plan_export(s, options).table_order
        fast = tmp_path / "table-order.csv"
        export_csv(s, options, fast)
        with monkeypatch.context() as patch:
            sorted_plan(patch)
            assert not export_plan.plan_export(s, options).table_order
            sorted_file = tmp_path / "sorted.csv"
            export_csv(s, options, sorted_file)
        assert fast.read_bytes() == sorted_file.read_bytes()
        table = rows(fast)
        assert len(table) == 400_001
        organization = table[0].index("Organization Name")
        by_email = {row[table[0].index("Email")]: row[organization] for row in table[1:]}
        assert by_email["p0@x.test"] == ""  # no reference
        assert by_email["p2@x.test"] == "'=Org 1"  # the guard, applied inside the list
        assert by_email["p1@x.test"] == ""  # organization 1 was deleted: below the first id
        assert by_email["p500@x.test"] == ""  # a hole
        assert by_email["p1002@x.test"] == ""  # past the last id
        assert by_email["p2006@x.test"] == ""  # organization 0: below, not counted from the end
        assert by_email["p3@x.test"] == "'-Org 2" and by_email["p4@x.test"] == "3"
    finally:
        s.close()


def test_empty_related_table(store: Store, tmp_path: Path) -> None:
    store.cursor().execute("DELETE FROM organizations")
    options = ExportOptions("contacts", fields=["last_name", "organization"])
    assert export_plan.plan_export(store, options).table_order
    export_csv(store, options, tmp_path / "c.csv")
    assert rows(tmp_path / "c.csv")[1:] == [["Dupont", ""], ["'=1+1", ""], ["Øre €", ""]]


@pytest.mark.parametrize(
    ("options", "table_order"),
    [
        (ExportOptions("contacts"), True),
        (ExportOptions("contacts", sort=[("id", False)]), True),
        (ExportOptions("contacts", scope="filter", filter="mailing_city = Paris"), True),
        (ExportOptions("contacts", scope="filter", filter="organization = Acme"), False),
        (ExportOptions("contacts", sort=[("last_name", False)]), False),
        (ExportOptions("contacts", scope="ids", ids=[1, 2]), False),
        (ExportOptions("contacts", scope="page"), False),
        (ExportOptions("salesorders"), False),  # one line per item: joins the items
        (ExportOptions("salesorders", fields=["order_number", "contact", "organization"]), True),
        (ExportOptions("products"), True),
    ],
)
def test_which_exports_skip_the_sort(
    store: Store, tmp_path: Path, options: ExportOptions, table_order: bool
) -> None:
    """The table order where DuckDB's plan keeps it, else the JOIN and ORDER BY; same bytes."""
    plan = export_plan.plan_export(store, options)
    assert plan.table_order is table_order
    assert ("ORDER BY" not in plan.sql.split(") SELECT")[-1]) is table_order
    export_csv(store, options, tmp_path / "a.csv")
    with pytest.MonkeyPatch.context() as patch:
        sorted_plan(patch)
        export_csv(store, options, tmp_path / "b.csv")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
