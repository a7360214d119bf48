"""Undo keeps a record the batch created (a row or a related record) that records outside the
batch reference by the time of the undo, and says so: removing it would clear their reference.
Records that only the batch's own removed records reference go with them."""

from __future__ import annotations

from pathlib import Path

from kafinea_tui.data.bulk import Selection, mass_update
from kafinea_tui.data.importer.run import run_import
from kafinea_tui.data.importer.undo import UndoReport, undo_import, undo_preview
from kafinea_tui.data.store.database import Store
from tests.import_helpers import plan, rows, write


def batch_of(store: Store, module: str, path: Path, text: str, **options: object) -> int:
    report = run_import(store, plan(module, write(path, text), **options))
    assert report.failed == 0, report.errors
    assert report.batch is not None
    return report.batch


def referenced(label: str, rid: int, n: int = 1) -> str:
    records = "record" if n == 1 else "records"
    return f"{label} {rid} (created by the import) is referenced by {n} {records} since; left as it is."


def organizations(store: Store) -> list[tuple[object, ...]]:
    return rows(store, "SELECT id, name FROM organizations ORDER BY id")


def test_a_related_record_a_later_batch_uses_is_kept_and_named(
    store: Store, tmp_path: Path
) -> None:
    first = batch_of(
        store, "contacts", tmp_path / "r1.csv", "Last Name,Organization Name\nA,Acme\n"
    )
    batch_of(store, "contacts", tmp_path / "r2.csv", "Last Name,Organization Name\nB,Acme\n")
    assert undo_preview(store, first).question() == (
        "Remove 1 created record (1 referenced since is left as it is)? This cannot be undone."
    )
    undone = undo_import(store, first)
    assert (undone.deleted, undone.restored) == (1, 0)
    assert undone.kept == [referenced("Organizations", 1)]
    assert organizations(store) == [(1, "Acme")]
    assert rows(store, "SELECT last_name, organization FROM contacts") == [("B", 1)]


def test_a_created_row_referenced_since_is_kept(store: Store, tmp_path: Path) -> None:
    first = batch_of(
        store, "organizations", tmp_path / "o.csv", "Organization Name\nAcme\nGlobex\n"
    )
    store.create("contacts", {"last_name": "B", "organization": 2})
    store.create("contacts", {"last_name": "C", "organization": 2})
    undone = undo_import(store, first)
    assert undone.deleted == 1
    assert undone.kept == [referenced("Organizations", 2, 2)]
    assert organizations(store) == [(2, "Globex")]


def test_a_batch_record_kept_as_changed_since_keeps_what_it_references(
    store: Store, tmp_path: Path
) -> None:
    first = batch_of(
        store, "contacts", tmp_path / "r1.csv", "Last Name,Organization Name\nA,Acme\n"
    )
    store.update("contacts", 1, {"title": "Chair"}, source="app")
    undone = undo_import(store, first)
    assert undone.deleted == 0
    assert undone.kept == [
        "Contacts 1 (created by the import) was changed since; left as it is.",
        referenced("Organizations", 1),
    ]
    assert organizations(store) == [(1, "Acme")]
    assert UndoReport(first, kept=undone.kept).question() == (
        "Nothing left to take back; mark it undone (1 changed since and 1 referenced since are"
        " left as they are)? This cannot be undone."
    )


def test_records_only_the_batch_references_go_with_it(store: Store, tmp_path: Path) -> None:
    """A sales order import that created a product: its orders are removed first, then the
    product, which nothing references any more."""
    store.create("products", {"product_code": "P-100", "name": "Widget"})
    orders = (
        "Order Number;Subject;Product;Quantity;List Price\nSO-1;First;P-100;2;10\n"
        "SO-1;First;P-200;1;99\nSO-2;Second;P-200;5;10\n"
    )
    batch = batch_of(store, "salesorders", tmp_path / "so.csv", orders)
    assert rows(store, "SELECT count(*) FROM products") == [(2,)]
    undone = undo_import(store, batch)
    assert (undone.deleted, undone.kept) == (3, [])
    assert rows(store, "SELECT product_code FROM products") == [("P-100",)]
    assert rows(store, "SELECT count(*) FROM salesorder_items") == [(0,)]


def test_a_product_a_later_order_sells_is_kept(store: Store, tmp_path: Path) -> None:
    first = batch_of(
        store, "salesorders", tmp_path / "a.csv", "Order Number;Subject;Product\nSO-1;A;P-200\n"
    )
    batch_of(
        store, "salesorders", tmp_path / "b.csv", "Order Number;Subject;Product\nSO-2;B;P-200\n"
    )
    undone = undo_import(store, first)
    assert undone.deleted == 1
    assert undone.kept == [referenced("Products", 1)]
    assert rows(
        store,
        "SELECT o.order_number, i.product FROM salesorder_items i"
        " JOIN salesorders o ON o.id = i.salesorder_id",
    ) == [("SO-2", 1)]


def test_a_mass_edit_keeps_the_organization_it_created_when_used_since(store: Store) -> None:
    for name in ("A", "B", "C"):
        store.create("contacts", {"last_name": name})
    edit = mass_update(store, "contacts", Selection(ids=(1, 2)), {"organization": "NewCo"})
    assert edit.related_created == 1
    store.update("contacts", 3, {"organization": 1}, source="app")
    undone = undo_import(store, edit.batch or 0)
    assert (undone.restored, undone.deleted) == (2, 0)
    assert undone.kept == [referenced("Organizations", 1)]
    assert rows(store, "SELECT id, organization FROM contacts ORDER BY id") == [
        (1, None),
        (2, None),
        (3, 1),
    ]
    assert organizations(store) == [(1, "NewCo")]
