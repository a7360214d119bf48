"""The export's formula guard is undone on import: a cell of the form `'` + one of = + - @ tab
CR is read without the apostrophe (any field type, reference keys and line items included),
unless the import says `formula_guard=False`; other apostrophes are the value's own."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from kafinea_tui.data.importer.run import run_import
from kafinea_tui.data.store.database import Store
from tests.import_helpers import plan, rows, write

CELLS = [
    ("'+39 011 42 74 54", "+39 011 42 74 54"),
    ("'=HYPERLINK(1)", "=HYPERLINK(1)"),
    ("'-dash", "-dash"),
    ("'@handle", "@handle"),
    ("'\tTab", "\tTab"),
    ("'\rReturn", "\rReturn"),
    ("''=twice", "'=twice"),  # a value that starts with an apostrophe and a guard character
    ("'plain", "'plain"),  # not a guard: the apostrophe is the value's
    ("'5", "'5"),
    ("=bare", "=bare"),
]


def csv_cell(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


class TestTheFormulaGuardIsUndoneOnImport:
    @pytest.mark.parametrize("guard", [True, False])
    def test_text_cells(self, store: Store, tmp_path: Path, guard: bool) -> None:
        lines = [f"N{i},{csv_cell(cell)}" for i, (cell, _) in enumerate(CELLS)]
        path = write(tmp_path / "c.csv", "Last Name,Title\n" + "\n".join(lines) + "\n")
        report = run_import(store, plan("contacts", path, formula_guard=guard))
        assert report.failed == 0, report.errors
        stored = [r[0] for r in rows(store, "SELECT title FROM contacts ORDER BY id")]
        assert stored == [value if guard else cell for cell, value in CELLS]

    def test_numbers_references_and_line_items(self, store: Store, tmp_path: Path) -> None:
        path = write(
            tmp_path / "o.csv",
            "Order Number,Subject,Organization,Total,Code,Qty,Price\n"
            "'-SO1,'=1+1,'@Org,'-5,'+P1,'-1,'+2.5\n",
        )
        mapping = {
            "Order Number": "order_number",
            "Subject": "subject",
            "Organization": "organization",
            "Total": "total",
            "Code": "items.product",
            "Qty": "items.quantity",
            "Price": "items.list_price",
        }
        report = run_import(store, plan("salesorders", path, mapping=mapping))
        assert report.failed == 0, report.errors
        assert rows(
            store,
            "SELECT s.order_number, s.subject, o.name, s.total FROM salesorders s"
            " JOIN organizations o ON o.id = s.organization",
        ) == [("-SO1", "=1+1", "@Org", Decimal("-2.50"))]
        assert rows(
            store,
            "SELECT p.product_code, i.quantity, i.list_price FROM salesorder_items i"
            " JOIN products p ON p.id = i.product",
        ) == [("+P1", Decimal("-1.00"), Decimal("2.50"))]

    def test_without_the_guard_a_guarded_number_is_not_a_number(
        self, store: Store, tmp_path: Path
    ) -> None:
        path = write(tmp_path / "o.csv", "Organization Name,Employees\nAcme,'-5\n")
        report = run_import(store, plan("organizations", path, formula_guard=False))
        assert report.failed == 1
        assert report.errors[0].reason == "not a whole number: ''-5'"
