"""Mass delete: what refers to the deleted records is cleared and said beforehand; one batch
whose undo brings back the records and the references; a dry run writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from kafinea_tui.data.bulk import Selection, delete_impact, mass_delete
from kafinea_tui.data.exporter.options import ExportOptions
from kafinea_tui.data.exporter.run import export_csv
from kafinea_tui.data.importer.undo import list_batches, undo_import, undo_preview
from kafinea_tui.data.store.database import Store
from tests.import_helpers import rows, snapshot


@pytest.fixture(autouse=True)
def records(store: Store) -> None:
    acme = store.create("organizations", {"name": "Acme"})
    globex = store.create("organizations", {"name": "Globex"})
    for i in range(1, 6):
        store.create(
            "contacts",
            {
                "last_name": f"N{i}",
                "email": f"c{i}@x.fr",
                "organization": acme if i < 4 else globex,
            },
        )
    for code in ("P-1", "P-2"):
        store.create("products", {"product_code": code, "name": code})
    store.create(
        "salesorders",
        {
            "order_number": "S1",
            "subject": "first",
            "contact": 1,
            "organization": acme,
            "total": "30",
            "items": [
                {"product": 1, "quantity": 1, "list_price": 10},
                {"product": 2, "quantity": 2, "list_price": 10},
            ],
        },
    )
    store.create("salesorders", {"order_number": "S2", "subject": "second", "contact": 4})


def test_the_impact_names_what_refers_to_the_records(store: Store) -> None:
    impact = delete_impact(store, "organizations", Selection(filter='name = "acme"'))
    assert impact.count == 1
    assert impact.sentences() == [
        "3 Contacts keep existing with Organization Name cleared",
        "1 Sales Order keeps existing with Organization cleared",
    ]
    products = delete_impact(store, "products", Selection(ids=(1, 2)))
    assert products.sentences() == [
        "2 lines of 1 Sales Order keep their quantity and price with the product cleared"
    ]


def test_delete_clears_references_and_undo_brings_everything_back(store: Store) -> None:
    before = snapshot(store)
    report = mass_delete(store, "contacts", Selection(ids=(1, 2, 4)))
    assert (report.matched, report.deleted, report.failed) == (3, 3, 0)
    assert report.cleared == ["2 Sales Orders keep existing with Contact Name cleared"]
    assert store.count("contacts") == 2
    assert rows(store, "SELECT order_number, contact FROM salesorders ORDER BY id") == [
        ("S1", None),
        ("S2", None),
    ]
    assert rows(store, "SELECT count(*) FROM salesorder_items") == [(2,)]
    assert rows(
        store,
        "SELECT op, count(*) FROM kf_changes WHERE batch_id = ? GROUP BY op ORDER BY op",
        [report.batch],
    ) == [("delete", 3), ("update", 2)]
    batch = list_batches(store)[0]
    assert batch.report["operation"] == "delete" and batch.file == "mass delete (3 selected)"
    assert undo_preview(store, report.batch or 0).question() == (
        "Restore 2 changed ones, bring back 3 deleted ones? This cannot be undone."
    )
    undone = undo_import(store, report.batch or 0)
    assert (undone.recreated, undone.restored, undone.deleted) == (3, 2, 0)
    after = snapshot(store)
    for table in ("contacts", "salesorders", "salesorder_items", "organizations"):
        assert after[table] == before[table]


def test_deleted_products_leave_the_order_lines_with_the_product_cleared(store: Store) -> None:
    before = snapshot(store)
    report = mass_delete(store, "products", Selection(filter="product_code = P-1"))
    assert report.deleted == 1
    assert rows(
        store, "SELECT position, product, quantity FROM salesorder_items ORDER BY position"
    ) == [(1, None, 1), (2, 2, 2)]
    assert rows(store, "SELECT total FROM salesorders WHERE order_number = 'S1'")[0][0] == 30
    undo_import(store, report.batch or 0)
    assert snapshot(store)["salesorder_items"] == before["salesorder_items"]
    assert snapshot(store)["products"] == before["products"]


def test_deleting_orders_takes_their_lines_and_undo_puts_them_back(store: Store) -> None:
    before = snapshot(store)
    report = mass_delete(store, "salesorders", Selection(search="first"))
    assert report.deleted == 1 and report.cleared == []
    assert rows(store, "SELECT count(*) FROM salesorder_items") == [(0,)]
    undo_import(store, report.batch or 0)
    assert snapshot(store)["salesorder_items"] == before["salesorder_items"]


def test_dry_run_counts_and_writes_nothing(store: Store) -> None:
    before = snapshot(store)
    report = mass_delete(store, "organizations", Selection(), dry_run=True)
    assert (report.deleted, report.batch, report.dry_run) == (2, None, True)
    assert report.cleared == [
        "5 Contacts keep existing with Organization Name cleared",
        "1 Sales Order keeps existing with Organization cleared",
    ]
    assert snapshot(store) == before


def test_undo_keeps_a_record_changed_since_and_the_table_in_id_order(
    store: Store, tmp_path: Path
) -> None:
    report = mass_delete(store, "contacts", Selection(ids=(2, 3)))
    store.create("contacts", {"last_name": "Later", "email": "later@x.fr"})
    store.update("salesorders", 1, {"subject": "changed"})
    store.update("contacts", 5, {"organization": 1})
    undone = undo_import(store, report.batch or 0)
    assert undone.recreated == 2 and undone.kept == []
    assert rows(store, "SELECT id FROM contacts") == [(i,) for i in range(1, 7)]
    export_csv(store, ExportOptions(module="contacts", fields=("id", "email")), tmp_path / "c.csv")
    lines = (tmp_path / "c.csv").read_text().splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == ["1", "2", "3", "4", "5", "6"]


def test_undo_leaves_a_referring_record_changed_since(store: Store) -> None:
    report = mass_delete(store, "organizations", Selection(ids=(1,)))
    store.update("contacts", 2, {"organization": 2})
    undone = undo_import(store, report.batch or 0)
    assert undone.kept == ["Contacts 2 (updated by the import) was changed since; left as it is."]
    assert rows(store, "SELECT id, organization FROM contacts ORDER BY id")[:3] == [
        (1, 1),
        (2, 2),
        (3, 1),
    ]


def test_an_empty_selection_deletes_nothing_and_makes_no_batch(store: Store) -> None:
    report = mass_delete(store, "contacts", Selection(ids=()))
    assert (report.deleted, report.batch) == (0, None)
    assert list_batches(store) == []
