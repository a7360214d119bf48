"""A sales order with items has total = sum of quantity x list price, whoever wrote it: the
store (the app, the API's PATCH) and the importer (files, the API's POST), and undo."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from kafinea_tui.data.importer.run import run_import
from kafinea_tui.data.importer.undo import undo_import
from kafinea_tui.data.store.database import Store
from tests.import_helpers import plan, rows, write

MAPPING = {
    "Order Number": "order_number",
    "Subject": "subject",
    "Total": "total",
    "Code": "items.product",
    "Qty": "items.quantity",
    "Price": "items.list_price",
}


@pytest.fixture(autouse=True)
def products(store: Store) -> None:
    store.create("products", {"product_code": "P-1", "name": "One"})
    store.create("products", {"product_code": "P-2", "name": "Two"})


def totals(store: Store) -> list[tuple[object, ...]]:
    return rows(store, "SELECT order_number, total FROM salesorders ORDER BY id")


class TestOrderTotalsAreTheSumOfTheirLines:
    def test_store_create_and_update(self, store: Store) -> None:
        order = store.create(
            "salesorders",
            {
                "order_number": "SO-1",
                "subject": "S",
                "total": Decimal("1.00"),  # not the sum: the lines decide
                "items": [
                    {"product": 1, "quantity": Decimal("2"), "list_price": Decimal("2.50")},
                    {"product": 2, "quantity": Decimal("1.5"), "list_price": Decimal("1000")},
                ],
            },
        )
        assert totals(store) == [("SO-1", Decimal("1505.00"))]
        assert store.get("salesorders", order)["total"] == Decimal("1505.00")  # type: ignore[index]
        changed = store.update(
            "salesorders", order, {"items": [{"product": 1, "quantity": 3, "list_price": "0.10"}]}
        )
        assert set(changed) == {"items", "total"}
        assert totals(store) == [("SO-1", Decimal("0.30"))]
        # Writing the total alone does not unbalance an order with lines.
        assert store.update("salesorders", order, {"total": Decimal("99")}) == []
        assert totals(store) == [("SO-1", Decimal("0.30"))]
        # A line without a quantity or a price adds nothing.
        store.update("salesorders", order, {"items": [{"product": 1, "list_price": 5}]})
        assert totals(store) == [("SO-1", Decimal("0.00"))]

    def test_an_order_without_lines_keeps_its_total(self, store: Store) -> None:
        order = store.create(
            "salesorders", {"order_number": "SO-1", "subject": "S", "total": Decimal("12.00")}
        )
        store.update("salesorders", order, {"total": Decimal("13.00")})
        assert totals(store) == [("SO-1", Decimal("13.00"))]

    @pytest.mark.parametrize("mode", [None, "overwrite", "merge"])
    def test_import_creates_and_updates_totals(
        self, store: Store, tmp_path: Path, mode: str | None
    ) -> None:
        store.create(
            "salesorders",
            {
                "order_number": "SO-0",
                "subject": "Old",
                "items": [{"product": 1, "quantity": 1, "list_price": 1}],
            },
        )
        text = (
            "Order Number;Subject;Total;Code;Qty;Price\n"
            "SO-1;One;;P-1;2;2,50\n"
            "SO-1;One;;P-2;1,5;1000\n"
            "SO-2;Two;7,00;P-1;3;0,10\n"
            "SO-3;No lines;42,00;;;\n"
        )
        if mode:
            text += "so-0;Old;;P-2;4;2\n"
        options = {"duplicates": mode, "match": ["order_number"]} if mode else {}
        report = run_import(
            store,
            plan(
                "salesorders",
                write(tmp_path / "o.csv", text),
                decimal="comma",
                mapping=MAPPING,
                **options,  # type: ignore[arg-type]
            ),
        )
        assert report.failed == 0, report.errors
        expected = [
            ("SO-0", Decimal("8.00") if mode else Decimal("1.00")),
            ("SO-1", Decimal("1505.00")),
            ("SO-2", Decimal("0.30")),
            ("SO-3", Decimal("42.00")),
        ]
        assert totals(store) == expected
        if mode:
            undo_import(store, report.batch or 0)
            assert totals(store) == [("SO-0", Decimal("1.00"))]
