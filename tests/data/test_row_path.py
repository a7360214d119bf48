"""The row path (`importer.rows`) against the file importer: the same rows through both paths
give the same records and the same report, field by field; and what only the row path does
(PATCH, DELETE, a posted list as an undoable batch, the change log's actor).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from kafinea_tui.data.errors import KafineaError, NotFound, UsageError
from kafinea_tui.data.importer.mapping import resolve_targets
from kafinea_tui.data.importer.plan import Duplicates
from kafinea_tui.data.importer.rows import RowPlan, delete_record, update_record, write_rows
from kafinea_tui.data.importer.rows.parse import _statement, shape
from kafinea_tui.data.importer.undo import list_batches, undo_import
from kafinea_tui.data.store.database import Store
from kafinea_tui.data.values import ValueOptions, clean_sql, clean_text

FILE, ROWS = 0, 10_000  # row_limit: 0 sends every list to the file importer


def seeded() -> Store:
    store = Store.open(":memory:")
    acme = store.create("organizations", {"name": "Acme", "employees": 120})
    store.create("organizations", {"name": "Twin"})
    store.create("organizations", {"name": "twin "})
    store.create("contacts", {"last_name": "Lee", "email": "ann@x.fr", "organization": acme})
    store.create("contacts", {"last_name": "Same", "email": "same@x.fr", "title": "A"})
    store.create("contacts", {"last_name": "Same", "email": "same@x.fr", "title": "B"})
    store.create("products", {"product_code": "P-100", "name": "Widget", "unit_price": "10"})
    return store


def contents(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every module's records without ids and times, references as the related record's key,
    sales orders' lines by product code, in a stable order: what both paths must agree on."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    for module in store.schema.modules.values():
        cells = []
        for f in module.columns:
            if f.related:
                related = store.schema.module(f.related)
                cells.append(
                    f"(SELECT x.{related.key} FROM {related.table} x WHERE x.id = r.{f.name})"
                )
            else:
                cells.append(f"r.{f.name}")
        rows = store.cursor().execute(f"SELECT {', '.join(cells)} FROM {module.table} r")
        found[module.name] = sorted(rows.fetchall(), key=repr)
    lines = store.cursor().execute(
        "SELECT o.order_number, i.position, p.product_code, i.quantity, i.list_price"
        " FROM salesorder_items i JOIN salesorders o ON o.id = i.salesorder_id"
        " LEFT JOIN products p ON p.id = i.product ORDER BY 1, 2"
    )
    found["items"] = lines.fetchall()
    picklists = store.cursor().execute("SELECT * FROM kf_picklist_values ORDER BY ALL")
    found["picklists"] = picklists.fetchall()
    return found


CASES: dict[str, tuple[RowPlan, list[dict[str, Any]]]] = {
    "create with references, picklists and bad values": (
        RowPlan("contacts", date_format="dd/mm/yyyy", decimal="comma"),
        [
            {
                "last_name": "One",
                "email": "one@x.fr",
                "organization": "ACME ",
                "lead_source": "Shop",
            },
            {"last_name": "Two", "email": "two@", "birthdate": "31/12/1990"},
            {"last_name": "Three", "organization": "Newco", "birthdate": "01/02/1980"},
            {"last_name": "", "email": "four@x.fr"},
            {"last_name": "Five", "organization": "twin"},
            {"last_name": "Six", "do_not_call": "oui", "birthdate": "1985-07-14"},
            {"last_name": "Seven", "do_not_call": "maybe"},
            {"last_name": "Eight", "lead_source": "shop", "mailing_zip": 75001},
        ],
    ),
    "merge by email": (
        RowPlan("contacts", duplicates=Duplicates.MERGE, match=["email"]),
        [
            {"email": "ann@x.fr", "title": "Buyer", "last_name": ""},
            {"email": "new@x.fr", "last_name": "New", "title": "CTO"},
            {"email": "same@x.fr", "title": "C"},
            {"email": "", "last_name": "Keyless"},
        ],
    ),
    "overwrite by email": (
        RowPlan("contacts", duplicates=Duplicates.OVERWRITE),
        [
            {"email": "ann@x.fr", "last_name": "Lee-Smith", "title": None},
            {"email": "zed@x.fr", "last_name": ""},
            {"email": "new@x.fr", "last_name": "New", "organization": "Initech"},
        ],
    ),
    "ignore": (
        RowPlan("contacts", duplicates=Duplicates.IGNORE),
        [{"email": "ann@x.fr", "last_name": "Other"}, {"email": "b@x.fr", "last_name": "B"}],
    ),
    "unique keys": (
        RowPlan("products"),
        [
            {"product_code": "p-100 ", "name": "Copy"},
            {"product_code": "P-200", "name": "Gadget", "unit_price": "1,234.50"},
            {"product_code": "P-300", "name": "Thing", "qty_in_stock": "2.5"},
        ],
    ),
    "sales orders with items": (
        RowPlan("salesorders"),
        [
            {
                "order_number": "WEB-1",
                "subject": "Order",
                "contact": "ann@x.fr",
                "status": "Approved",
                "items": [
                    {"product": "P-100", "quantity": 2, "list_price": 10},
                    {"product": "P-900", "quantity": "1", "list_price": "99.5"},
                ],
            },
            {"order_number": "WEB-2", "subject": "No lines"},
            {"order_number": "WEB-3", "items": [{"product": "P-100"}]},
        ],
    ),
    "a key its related field refuses": (
        RowPlan("salesorders"),
        [
            {"order_number": "N-1", "subject": "x", "contact": "Pierre Martin"},
            {"order_number": "N-2", "subject": "y", "contact": "new@x.fr"},
        ],
    ),
    # An order is written whole: a bad line fails all of it (and creates none of its products).
    "an order with a bad line": (
        RowPlan("salesorders"),
        [
            {
                "order_number": "B-1",
                "subject": "x",
                "items": [
                    {"product": "P-100", "quantity": 2},
                    {"product": "P-100", "quantity": "zz"},
                    {"product": "P-901"},
                ],
            },
            {"order_number": "B-2", "subject": "y", "items": [{"product": "P-902"}]},
        ],
    ),
    # An order with lines but no order fields fails as such: its lines, written as rows with
    # empty order cells, never become lines of the order before it.
    "lines without an order": (
        RowPlan("salesorders"),
        [
            {"order_number": "L-1", "subject": "x", "items": [{"product": "P-100"}]},
            {"items": [{"product": "P-903", "quantity": 1}]},
            {"subject": " ", "items": [{"product": "P-100"}, {"product": "P-904"}]},
        ],
    ),
    "no related records created": (
        RowPlan("salesorders", create_related=False),
        [
            {"order_number": "S-1", "subject": "x", "items": [{"product": "P-404"}]},
            {"order_number": "S-2", "subject": "y", "contact": "ann@x.fr"},
            {"order_number": "S-3", "subject": "z", "contact": "nobody@x.fr"},
        ],
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_the_row_path_and_the_file_importer_agree(name: str) -> None:
    plan, rows = CASES[name]
    plan = replace(plan, description="a posted list")  # a batch on both paths
    by_file, by_rows = seeded(), seeded()
    file_report = write_rows(by_file, plan, rows, row_limit=FILE).as_dict()
    row_report = write_rows(by_rows, plan, rows, row_limit=ROWS).as_dict()
    assert row_report.pop("batch") == file_report.pop("batch") == 1
    assert row_report == file_report
    assert contents(by_rows) == contents(by_file)
    dry_file = write_rows(seeded(), plan, rows, dry_run=True, row_limit=FILE).as_dict()
    dry_rows = write_rows(seeded(), plan, rows, dry_run=True, row_limit=ROWS).as_dict()
    assert dry_rows == dry_file
    # The same report, but that a dry run says what would be added.
    dry_rows["warnings"] = [w.replace(" would be added ", " added ") for w in dry_rows["warnings"]]
    assert {k: v for k, v in dry_rows.items() if k not in ("dry_run", "batch")} == {
        k: v for k, v in row_report.items() if k != "dry_run"
    }


def test_the_cases_cover_every_outcome() -> None:
    totals: dict[str, int] = {}
    for plan, rows in CASES.values():
        report = write_rows(seeded(), plan, rows, row_limit=ROWS).as_dict()
        for key in ("created", "updated", "merged", "skipped", "failed", "related_created"):
            totals[key] = totals.get(key, 0) + report[key]
        totals["warnings"] = totals.get("warnings", 0) + len(report["warnings"])
    assert all(totals.values()), totals


def test_a_posted_list_is_one_batch_that_undo_takes_back() -> None:
    store = seeded()
    before = contents(store)
    plan = RowPlan("contacts", duplicates=Duplicates.MERGE, actor="shop", description="3 posted")
    report = write_rows(
        store,
        plan,
        [
            {"email": "ann@x.fr", "title": "Buyer", "organization": "Initech"},
            {"email": "new@x.fr", "last_name": "New"},
            {"email": "ann@x.fr", "title": "Boss"},
        ],
    )
    assert (report.created, report.merged, report.related_created) == (1, 2, 1)
    batch = list_batches(store)[0]
    assert (batch.id, batch.file, batch.source) == (report.batch, "3 posted", "api")
    actors = store.cursor().execute(
        "SELECT DISTINCT actor, batch_id FROM kf_changes WHERE batch_id IS NOT NULL"
    )
    assert actors.fetchall() == [("shop", report.batch)]
    undone = undo_import(store, report.batch or 0)
    assert (undone.deleted, undone.restored) == (2, 1)
    assert contents(store) == before


def test_a_single_record_is_no_batch_and_is_logged_with_its_actor() -> None:
    store = seeded()
    report = write_rows(store, RowPlan("contacts", actor="shop"), [{"last_name": "Solo"}])
    assert report.batch is None and report.created == 1
    assert list_batches(store) == []
    last = store.cursor().execute(
        "SELECT op, source, actor, batch_id FROM kf_changes ORDER BY cursor DESC LIMIT 1"
    )
    assert last.fetchall() == [("create", "api", "shop", None)]


def test_a_failed_record_leaves_no_trace() -> None:
    store = seeded()
    before = contents(store)
    report = write_rows(
        store,
        RowPlan("contacts"),
        [{"last_name": "", "organization": "Ghost Inc", "lead_source": "Ghost"}],
    )
    assert report.failed == 1 and report.related_created == 0 and report.warnings == []
    assert contents(store) == before


def test_patch_sets_given_fields_under_the_import_rules() -> None:
    store = seeded()
    plan = RowPlan("contacts", actor="app")
    assert update_record(store, plan, 1, {"title": "CEO", "organization": "Newco"}) == [
        "title",
        "organization",
    ]
    assert update_record(store, plan, 1, {"title": "CEO"}) == []  # no change, no log
    record = store.get("contacts", 1) or {}
    assert record["title"] == "CEO" and store.count("organizations") == 4
    with pytest.raises(KafineaError, match="Last Name is mandatory"):
        update_record(store, plan, 1, {"last_name": " "})
    with pytest.raises(KafineaError, match="not a date"):
        update_record(store, plan, 1, {"birthdate": "yesterday"})
    strict = RowPlan("contacts", create_related=False)
    with pytest.raises(KafineaError, match="no Organizations record has Organization Name 'Nope'"):
        update_record(store, strict, 1, {"organization": "Nope"})
    with pytest.raises(UsageError, match="shoe_size"):
        update_record(store, plan, 1, {"shoe_size": 44})
    with pytest.raises(NotFound):
        update_record(store, plan, 999, {"title": "x"})


def test_patch_replaces_an_orders_lines_only_when_items_are_given() -> None:
    store = seeded()
    write_rows(
        store,
        RowPlan("salesorders"),
        [{"order_number": "W-1", "subject": "s", "items": [{"product": "P-100", "quantity": 2}]}],
    )
    order = store.find_by_key("salesorders", "W-1")[0]
    assert update_record(store, RowPlan("salesorders"), order, {"status": "Shipped"}) == ["status"]
    assert len((store.get("salesorders", order) or {})["items"]) == 1
    changed = update_record(
        store, RowPlan("salesorders"), order, {"items": [{"product": "P-7", "quantity": "3"}]}
    )
    assert changed == ["items"]
    items = (store.get("salesorders", order) or {})["items"]
    assert [i["quantity"] for i in items] == [Decimal("3.00")]
    assert update_record(store, RowPlan("salesorders"), order, {"items": []}) == ["items"]


def test_delete_is_logged_with_its_actor() -> None:
    store = seeded()
    delete_record(store, "contacts", 1, actor="shop")
    assert store.get("contacts", 1) is None
    with pytest.raises(NotFound):
        delete_record(store, "contacts", 1)
    last = store.cursor().execute("SELECT op, actor FROM kf_changes ORDER BY cursor DESC LIMIT 1")
    assert last.fetchall() == [("delete", "shop")]


def test_clean_text_drops_what_duckdbs_trim_drops() -> None:
    """The row path reads plain text cells in Python: the characters it trims must be exactly
    those `clean_sql` (DuckDB's trim) trims, over every code point, at either end."""
    store = Store.open(":memory:")
    trimmed = (
        store.cursor()
        .execute(
            "SELECT list(i ORDER BY i) FROM range(1, 1114112) t(i) WHERE NOT (i BETWEEN 55296 AND 57343)"
            " AND (NULLIF(trim(chr(i::INTEGER) || 'a'), '') <> chr(i::INTEGER) || 'a'"
            " OR NULLIF(trim('a' || chr(i::INTEGER)), '') <> 'a' || chr(i::INTEGER))"
        )
        .fetchall()[0][0]
    )
    ours = [
        i
        for i in range(1, 0x110000)
        if not 0xD800 <= i <= 0xDFFF
        and (clean_text(chr(i) + "a") != chr(i) + "a" or clean_text("a" + chr(i)) != "a" + chr(i))
    ]
    assert ours == trimmed and 0x20 in ours and 0x09 not in ours
    assert clean_text(" \u00a0 ") is None and clean_text(None) is None
    assert clean_text("\u2003 a b\u3000") == "a b"


def test_delete_clears_the_references_to_the_record() -> None:
    store = seeded()
    write_rows(
        store,
        RowPlan("salesorders"),
        [{"order_number": "W-1", "subject": "s", "items": [{"product": "P-100", "quantity": 2}]}],
    )
    acme = store.find_by_key("organizations", "Acme")[0]
    delete_record(store, "organizations", acme, actor="shop")
    assert (store.get("contacts", 1) or {})["organization"] is None
    product = store.find_by_key("products", "P-100")[0]
    delete_record(store, "products", product, actor="shop")
    order = store.get("salesorders", store.find_by_key("salesorders", "W-1")[0]) or {}
    assert [(i["product"], i["quantity"]) for i in order["items"]] == [(None, Decimal("2.00"))]
    logged = store.cursor().execute(
        "SELECT module, op, fields, actor FROM kf_changes WHERE actor = 'shop' ORDER BY cursor"
    )
    assert logged.fetchall() == [
        ("contacts", "update", ["organization"], "shop"),
        ("organizations", "delete", None, "shop"),
        ("salesorders", "update", ["items"], "shop"),
        ("products", "delete", None, "shop"),
    ]


def test_the_typing_statement_cleans_each_cell_and_signs_each_number_once() -> None:
    """The statement that types a request's cells names each cleaned cell (and a number's
    signed text) after computing it once: written nested, a sales order's statement repeated
    them dozens of times and DuckDB spent most of a single-record write planning it."""
    store = seeded()
    module = store.module("salesorders")
    order = {
        "order_number": "W-1",
        "subject": "Web order",
        "status": "Approved",
        "items": [{"product": "P-100", "quantity": "(2)", "list_price": "1'234.50"}],
    }
    columns, cells = shape(module, [order])
    targets = resolve_targets(module, columns, {c: c for c in columns}, {}, True)
    lines = [line for lines in cells for line in lines]
    sql, _ = _statement(targets, ["order_number"], lines, ValueOptions(), set())
    for i in range(1, len(columns) + 1):
        assert sql.count(clean_sql(f"c{i}")) == 1
    numbers = [c for c in columns if c in ("items.quantity", "items.list_price")]
    assert sql.count("starts_with(") == len(numbers) == 2
    report = write_rows(store, RowPlan("salesorders"), [order])
    assert (report.created, report.errors) == (1, [])
    saved = store.get("salesorders", store.find_by_key("salesorders", "W-1")[0]) or {}
    item = saved["items"][0]
    assert (item["quantity"], item["list_price"]) == (Decimal("-2"), Decimal("1234.50"))
