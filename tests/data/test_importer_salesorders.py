"""Sales orders: one row per line item, grouped by the order's key, products resolved."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from kafinea_tui.data.importer.run import failed_rows_csv, run_import
from kafinea_tui.data.importer.undo import undo_import
from kafinea_tui.data.store.database import Store
from tests.import_helpers import plan, rows, write

ORDERS = (
    "Order Number;Subject;Contact Name;Status;Due Date;Product;Quantity;List Price\n"
    "SO-1;First order;ann@x.fr;Approved;26/11/2026;P-100;2;10,50\n"
    "SO-1;First order;ann@x.fr;Approved;26/11/2026;P-200;1;99\n"
    "SO-2;Second;;Created;;P-100;5;10,50\n"
)


@pytest.fixture(autouse=True)
def a_contact_and_a_product(store: Store) -> None:
    store.create("contacts", {"last_name": "Lee", "email": "ann@x.fr"})
    store.create("products", {"product_code": "P-100", "name": "Widget"})


def items(store: Store) -> list[tuple[object, ...]]:
    return rows(
        store,
        "SELECT o.order_number, i.position, p.product_code, i.quantity, i.list_price"
        " FROM salesorder_items i JOIN salesorders o ON o.id = i.salesorder_id"
        " JOIN products p ON p.id = i.product ORDER BY o.order_number, i.position",
    )


def test_line_items_grouped_by_order_number(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "so.csv", ORDERS)
    report = run_import(store, plan("salesorders", path, decimal="comma"))
    assert (report.total, report.created, report.failed, report.related_created) == (3, 2, 0, 1)
    assert rows(
        store, "SELECT order_number, subject, contact, status FROM salesorders ORDER BY id"
    ) == [
        ("SO-1", "First order", 1, "Approved"),
        ("SO-2", "Second", None, "Created"),
    ]
    assert items(store) == [
        ("SO-1", 1, "P-100", Decimal("2.00"), Decimal("10.50")),
        ("SO-1", 2, "P-200", Decimal("1.00"), Decimal("99.00")),
        ("SO-2", 1, "P-100", Decimal("5.00"), Decimal("10.50")),
    ]
    # The missing product was created with its code (and its code as name, a mandatory field).
    assert rows(store, "SELECT product_code, name FROM products ORDER BY id") == [
        ("P-100", "Widget"),
        ("P-200", "P-200"),
    ]


def test_existing_order_is_rejected_without_duplicates_and_replaced_with_overwrite(
    store: Store, tmp_path: Path
) -> None:
    path = write(tmp_path / "so.csv", ORDERS)
    run_import(store, plan("salesorders", path, decimal="comma"))
    again = run_import(store, plan("salesorders", path, decimal="comma"))
    assert again.created == 0 and again.failed == 3
    assert "already belongs to Sales Orders" in again.errors[0].reason
    changed = write(
        tmp_path / "so2.csv",
        "Order Number;Subject;Product;Quantity\nso-1;Changed;P-100;7\n",
    )
    report = run_import(
        store, plan("salesorders", changed, duplicates="overwrite", match=["order_number"])
    )
    assert report.updated == 1
    assert rows(store, "SELECT subject FROM salesorders WHERE lower(order_number) = 'so-1'") == [
        ("Changed",)
    ]
    # The order keeps its number as stored: the file's differs only by case.
    assert [i for i in items(store) if str(i[0]).lower() == "so-1"] == [
        ("SO-1", 1, "P-100", Decimal("7.00"), None)
    ]
    undo_import(store, report.batch or 0)
    assert [i[2] for i in items(store) if str(i[0]).lower() == "so-1"] == ["P-100", "P-200"]
    assert rows(store, "SELECT subject FROM salesorders WHERE lower(order_number) = 'so-1'") == [
        ("First order",)
    ]


def test_line_without_product_fails(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "so.csv", "Order Number;Subject;Product;Quantity\nSO-9;X;;3\n")
    report = run_import(store, plan("salesorders", path))
    assert report.failed == 1 and report.errors[0].reason == "a line item needs a product"


def totals(store: Store) -> list[tuple[object, ...]]:
    return rows(store, "SELECT order_number, total FROM salesorders ORDER BY id")


BAD_LINE = (
    "Order Number,Subject,Product,Quantity,List Price\n"
    "S1,A,P1,1,10\n"
    "S1,A,P2,zz,10\n"
    "S1,A,P3,2,10\n"
    "S2,B,P-100,1,5\n"
)


def test_an_order_with_a_failed_row_fails_whole(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "so.csv", BAD_LINE)
    dry = run_import(store, plan("salesorders", path), dry_run=True)
    report = run_import(store, plan("salesorders", path))
    for each in (dry, report):
        assert (each.created, each.failed, each.related_created) == (1, 3, 0)
        assert [(e.line, e.column, e.reason) for e in each.errors] == [
            (2, None, "row 2 of this order failed: Quantity: not a number: 'zz'"),
            (3, "Quantity", "not a number: 'zz'"),
            (4, None, "row 2 of this order failed: Quantity: not a number: 'zz'"),
        ]
    # Nothing of S1 is left: no order, no lines, none of its products.
    assert totals(store) == [("S2", Decimal("5.00"))]
    assert rows(store, "SELECT product_code FROM products ORDER BY id") == [("P-100",)]
    # The failed rows' file holds the whole order: fixed, it imports whole.
    failed = tmp_path / "failed.csv"
    assert failed_rows_csv(report, failed) == 3
    failed.write_text(failed.read_text().replace(",zz,", ",3,"))
    again = run_import(store, plan("salesorders", failed))
    assert (again.created, again.failed, again.unmapped) == (1, 0, ["Reason"])
    assert totals(store) == [("S2", Decimal("5.00")), ("S1", Decimal("60.00"))]
    assert [i[2] for i in items(store) if i[0] == "S1"] == ["P1", "P2", "P3"]


def test_a_failed_line_leaves_a_matched_order_as_it_was(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "so.csv", BAD_LINE.replace("zz", "3"))
    run_import(store, plan("salesorders", path))
    before = items(store)
    for mode in ("merge", "overwrite", "ignore"):
        changed = write(
            tmp_path / "so2.csv",
            "Order Number,Subject,Product,Quantity\nS1,New,P1,7\nS1,New,P-404,\nS1,New,,5\n",
        )
        report = run_import(
            store, plan("salesorders", changed, duplicates=mode, match=["order_number"])
        )
        assert (report.updated, report.merged, report.skipped, report.failed) == (0, 0, 0, 3)
        assert report.errors[0].reason == (
            "row 3 of this order failed: Product: a line item needs a product"
        )
        assert items(store) == before
        assert rows(store, "SELECT subject FROM salesorders WHERE order_number = 'S1'") == [("A",)]
        assert rows(store, "SELECT count(*) FROM products WHERE product_code = 'P-404'") == [(0,)]


ODOO = (
    '"Order Reference","Customer Reference","Customer","Total",'
    '"Order Lines/Product/Internal Reference","Order Lines/Quantity","Order Lines/Unit Price"\n'
    '"S00001","PO-77","Deco Addict","1500.00","FURN_0001","2.00","500.00"\n'
    '"","","","","FURN_0002","5.00","100.00"\n'
    '"S00002","PO-78","Gemini","10.00","FURN_0001","1.00","10.00"\n'
)


def test_rows_with_empty_order_cells_are_lines_of_the_order_above(
    store: Store, tmp_path: Path
) -> None:
    path = write(tmp_path / "odoo.csv", ODOO)
    report = run_import(store, plan("salesorders", path))
    assert (report.created, report.failed, report.errors) == (2, 0, [])
    assert report.looks_like is not None and "Odoo" in report.looks_like
    assert totals(store) == [("S00001", Decimal("1500.00")), ("S00002", Decimal("10.00"))]
    assert [i[:3] for i in items(store)] == [
        ("S00001", 1, "FURN_0001"),
        ("S00001", 2, "FURN_0002"),
        ("S00002", 1, "FURN_0001"),
    ]
    assert rows(store, "SELECT subject FROM salesorders ORDER BY id") == [("PO-77",), ("PO-78",)]
    # Matched again, with or without naming the match field: the order's lines are the file's,
    # and an overwrite takes the order's values from its order row, not from its empty lines.
    changed = write(tmp_path / "odoo2.csv", ODOO.replace('"5.00","100.00"', '"1.00","100.00"'))
    for mode, match in (("overwrite", ["order_number"]), ("merge", None), ("overwrite", None)):
        report = run_import(store, plan("salesorders", changed, duplicates=mode, match=match))
        assert report.failed == 0, report.errors
        assert totals(store)[0] == ("S00001", Decimal("1100.00"))
        assert rows(store, "SELECT subject, organization IS NOT NULL FROM salesorders") == [
            ("PO-77", True),
            ("PO-78", True),
        ]
    assert [i[:4] for i in items(store) if i[0] == "S00001"] == [
        ("S00001", 1, "FURN_0001", Decimal("2.00")),
        ("S00001", 2, "FURN_0002", Decimal("1.00")),
    ]


def test_a_failed_line_of_the_order_above_fails_it_whole(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "odoo.csv", ODOO.replace('"5.00"', '"five"'))
    report = run_import(store, plan("salesorders", path))
    assert (report.created, report.failed) == (1, 2)
    assert [(e.line, e.reason) for e in report.errors] == [
        (2, "row 2 of this order failed: Order Lines/Quantity: not a number: 'five'"),
        (3, "not a number: 'five'"),
    ]
    assert totals(store) == [("S00002", Decimal("10.00"))]
    failed = tmp_path / "failed.csv"
    failed_rows_csv(report, failed)
    failed.write_text(failed.read_text().replace("five", "5"))
    again = run_import(store, plan("salesorders", failed))
    assert (again.created, again.failed) == (1, 0)
    assert totals(store) == [("S00002", Decimal("10.00")), ("S00001", Decimal("1500.00"))]


def test_lines_with_no_order_above_them_fail(store: Store, tmp_path: Path) -> None:
    path = write(
        tmp_path / "so.csv",
        "Order Number,Subject,Status,Product,Quantity\n"
        ",,,P-100,1\n"
        "S1,A,Approved,P-100,2\n"
        ",,,P-100,3\n"
        "S2,B,,P-100,4\n"
        ",,,P-100,5\n",
    )
    report = run_import(store, plan("salesorders", path))
    assert [(e.line, e.column, e.reason) for e in report.errors] == [
        (2, "Order Number", "this row holds only a line item, and no order is on a row above it")
    ]
    assert totals(store) == [("S1", Decimal("0.00")), ("S2", Decimal("0.00"))]
    assert [(i[0], i[3]) for i in items(store)] == [
        ("S1", Decimal("2.00")),
        ("S1", Decimal("3.00")),
        ("S2", Decimal("4.00")),
        ("S2", Decimal("5.00")),
    ]
    # Matched on a field the order row leaves empty, the order and its lines fail together.
    keyless = write(
        tmp_path / "keyless.csv",
        "Order Number,Subject,Status,Product,Quantity\nS3,C,,P-100,1\n,,,P-100,2\n",
    )
    again = run_import(store, plan("salesorders", keyless, duplicates="merge", match=["status"]))
    assert (again.created, again.failed) == (0, 2)
    line = "this row holds only a line item, and the order above it has no Status"
    assert [(e.line, e.column, e.reason) for e in again.errors] == [
        (2, None, f"row 2 of this order failed: Status: {line}"),
        (3, "Status", line),
    ]
    assert len(totals(store)) == 2
