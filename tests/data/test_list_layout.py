"""A list's column layout: read back after a restart, fields added or removed since it was
saved, the last column never hidden, and a page fetched with only the layout's columns."""

from __future__ import annotations

from kafinea_tui.data.list_layout import (
    ColumnLayout,
    list_columns,
    read_layout,
    read_layouts,
    save_layout,
)
from kafinea_tui.data.query import ListQuery, fetch_page
from kafinea_tui.data.store.database import Store
from kafinea_tui.data.store.settings import set_setting
from kafinea_tui.workspace import Workspace


def test_a_layout_is_kept_per_module_across_a_restart(workspace: Workspace) -> None:
    store = workspace.open_store()
    try:
        products = store.module("products")
        layout = ColumnLayout().moved(products, "unit_price", -5).toggled(products, "name")
        save_layout(store, "products", layout)
        save_layout(store, "products", layout.toggled(products, "category"))  # replaces it
    finally:
        store.close()
    store = workspace.open_store()
    try:
        assert set(read_layouts(store)) == {"products"}
        again = read_layout(store, "products")
        assert again.hidden == {"name", "category"}
        shown = again.shown(store.module("products"))
        assert shown[0] == "unit_price" and "name" not in shown and "category" not in shown
        assert list_columns(store, read_layouts(store), "products") == shown
        assert list_columns(store, read_layouts(store), "contacts") is None  # never arranged
    finally:
        store.close()


def test_fields_added_since_are_shown_at_the_end_and_removed_ones_forgotten(
    store: Store,
) -> None:
    contacts = store.module("contacts")
    saved = ColumnLayout(("email", "gone_field", "first_name"), frozenset({"phone", "gone_field"}))
    store.add_custom_field("contacts", "Loyalty Tier", "text")
    fields = saved.fields(store.module("contacts"))
    assert fields[:2] == ("email", "first_name")
    assert fields[-1] == "cf_loyalty_tier"
    assert "gone_field" not in fields
    assert len(fields) == len(contacts.fields) + 1
    assert "phone" not in saved.shown(store.module("contacts"))


def test_the_last_shown_column_cannot_be_hidden(store: Store) -> None:
    products = store.module("products")
    layout = ColumnLayout()
    for name in layout.fields(products)[1:]:
        layout = layout.toggled(products, name)
    first = products.fields[0].name
    assert layout.shown(products) == (first,)
    assert layout.toggled(products, first).shown(products) == (first,)
    assert layout.toggled(products, products.fields[1].name).shown(products) == (
        first,
        products.fields[1].name,
    )


def test_an_unreadable_layout_is_the_default_one(store: Store) -> None:
    set_setting(store, "list.columns.leads", "{not json")
    set_setting(store, "list.columns.products", '["a list"]')
    assert read_layout(store, "leads") == ColumnLayout()
    assert read_layout(store, "products") == ColumnLayout()


def test_a_page_holds_the_layouts_columns_in_their_order(store: Store) -> None:
    store.create("products", {"product_code": "P-1", "name": "Bolt", "unit_price": "1.5"})
    query = ListQuery("products", columns=("unit_price", "no_such_field", "product_code"))
    page = fetch_page(store, query, 0, 10)
    assert [f.name for f in page.fields] == ["unit_price", "product_code"]
    assert [str(v) for v in page.rows[0]] == ["1.50", "P-1"]
    every = fetch_page(store, ListQuery("products"), 0, 10)
    assert [f.name for f in every.fields] == [f.name for f in store.module("products").fields]
