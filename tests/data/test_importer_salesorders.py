"""Sales orders: one row per line item, grouped by the order's key, products resolved."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from kafinea_tui.data.importer.run import run_import
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
