"""The reads the API serves from the data layer: records by ids as shown (references as keys,
a sales order's lines), and the change log after a cursor."""

from __future__ import annotations

from decimal import Decimal

from kafinea_tui.data.record_view import shown_records
from kafinea_tui.data.store.changes import changes_after
from kafinea_tui.data.store.database import LineItem, Store


def test_records_by_ids_in_the_order_asked_with_references_as_keys() -> None:
    store = Store.open(":memory:")
    acme = store.create("organizations", {"name": "Acme"})
    ana = store.create("contacts", {"last_name": "Ana", "organization": acme})
    bob = store.create("contacts", {"last_name": "Bob"})
    contacts = store.module("contacts")
    found = shown_records(store, contacts, [bob, 999, ana])
    assert [r["id"] for r in found] == [bob, ana]
    assert found[1]["organization"] == "Acme" and found[0]["organization"] is None
    assert list(found[0])[:2] == ["id", contacts.columns[0].name]
    assert list(found[0])[-2:] == ["created_at", "modified_at"]
    assert shown_records(store, contacts, []) == []


def test_a_sales_order_shows_its_lines_with_the_product_key() -> None:
    store = Store.open(":memory:")
    chair = store.create("products", {"product_code": "P-1", "name": "Chaise"})
    order = store.create(
        "salesorders",
        {"order_number": "SO-1", "subject": "Bureau", "items": [LineItem(chair, 2, Decimal("5"))]},
    )
    empty = store.create("salesorders", {"order_number": "SO-2", "subject": "Rien"})
    found = shown_records(store, store.module("salesorders"), [order, empty])
    assert found[0]["items"] == [
        {"product": "P-1", "quantity": Decimal("2.00"), "list_price": Decimal("5.00")}
    ]
    assert found[1]["items"] == []


def test_changes_after_a_cursor_of_one_module_in_order() -> None:
    store = Store.open(":memory:")
    ana = store.create("contacts", {"last_name": "Ana"})
    store.create("organizations", {"name": "Acme"})
    store.update("contacts", ana, {"last_name": "Anna"})
    store.delete("contacts", ana)
    every = changes_after(store, "contacts", 0, 10)
    assert [(c.op, c.record_id, c.fields) for c in every] == [
        ("create", ana, ["last_name"]),
        ("update", ana, ["last_name"]),
        ("delete", ana, []),
    ]
    assert [c.cursor for c in every] == sorted(c.cursor for c in every)
    assert changes_after(store, "contacts", every[0].cursor, 1) == [every[1]]
    assert changes_after(store, "contacts", every[-1].cursor, 10) == []
