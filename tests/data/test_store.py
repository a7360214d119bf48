"""The store: record CRUD in every module, custom fields, picklists, rules, the change log, and
migrations. Each test opens a real DuckDB file in a temporary folder."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from kafinea_tui.data.errors import KafineaError, UsageError, WorkspaceError
from kafinea_tui.data.schema import MODULE_ORDER, FieldType
from kafinea_tui.data.store.database import LineItem, Store, log_changes
from kafinea_tui.data.store.migrations import SCHEMA_VERSION, current_version
from kafinea_tui.workspace import Workspace


def changes(store: Store) -> list[tuple[Any, ...]]:
    return (
        store.cursor()
        .execute(
            "SELECT cursor, module, record_id, op, source, fields FROM kf_changes ORDER BY cursor"
        )
        .fetchall()
    )


def make_product(store: Store, code: str = "P-1", **values: Any) -> int:
    return store.create("products", {"product_code": code, "name": "Chaise", **values})


# Minimal valid values per module, and one field to change afterwards.
MINIMAL: dict[str, tuple[dict[str, Any], str, Any]] = {
    "organizations": ({"name": "Fromagerie Hébert SA", "employees": 12}, "billing_city", "Nîmes"),
    "contacts": (
        {"first_name": "Zoé", "last_name": "Müller", "birthdate": date(1990, 2, 3)},
        "email",
        "zoe@example.fr",
    ),
    "leads": ({"last_name": "Wiśniewski", "company": "Łódź Tech"}, "lead_status", "Contacted"),
    "products": ({"product_code": "P-7", "name": "Écran"}, "unit_price", Decimal("19.90")),
    "salesorders": ({"order_number": "SO-1", "subject": "Première"}, "status", "Approved"),
}


@pytest.mark.parametrize("module", MODULE_ORDER)
def test_create_read_update_delete_in_every_module(store: Store, module: str) -> None:
    values, field, new_value = MINIMAL[module]
    record_id = store.create(module, values)
    record = store.get(module, record_id)
    assert record is not None
    assert {k: record[k] for k in values} == values
    assert record["created_at"] == record["modified_at"]

    assert store.update(module, record_id, {field: new_value}) == [field]
    updated = store.get(module, record_id)
    assert updated is not None
    assert updated[field] == new_value
    assert updated["modified_at"] >= record["modified_at"]
    assert store.count(module) == 1

    store.delete(module, record_id)
    assert store.get(module, record_id) is None
    assert store.count(module) == 0
    assert [(c[1], c[2], c[3]) for c in changes(store)] == [
        (module, record_id, "create"),
        (module, record_id, "update"),
        (module, record_id, "delete"),
    ]


def test_fields_can_be_named_by_label(store: Store) -> None:
    record_id = store.create("contacts", {"Last Name": "Côté", "Mailing Zip": "75011"})
    record = store.get("contacts", record_id)
    assert record is not None
    assert (record["last_name"], record["mailing_zip"]) == ("Côté", "75011")


def test_unknown_module_and_field_are_usage_errors(store: Store) -> None:
    with pytest.raises(UsageError, match="unknown module 'invoices'"):
        store.create("invoices", {"name": "x"})
    with pytest.raises(UsageError, match="Contacts has no field 'shoe_size'"):
        store.create("contacts", {"last_name": "x", "shoe_size": 44})
    assert store.count("contacts") == 0


def test_update_reports_only_stored_changes(store: Store) -> None:
    record_id = make_product(store, unit_price=Decimal("12.50"), category="Hardware")
    before = store.get("products", record_id)
    # Same stored values in other Python spellings: no change, no log entry, no new stamp.
    assert store.update("products", record_id, {"unit_price": "12.5", "name": "Chaise"}) == []
    assert store.update("products", record_id, {"unit_price": 12.5}) == []
    assert store.get("products", record_id) == before
    assert [c[3] for c in changes(store)] == ["create"]

    changed = store.update("products", record_id, {"unit_price": "13", "name": "Chaise"})
    assert changed == ["unit_price"]
    assert changes(store)[-1][3:] == ("update", "app", ["unit_price"])


def test_update_of_a_missing_record_is_an_error(store: Store) -> None:
    with pytest.raises(KafineaError, match="Contacts has no record 42"):
        store.update("contacts", 42, {"last_name": "x"})
    with pytest.raises(KafineaError, match="Contacts has no record 42"):
        store.delete("contacts", 42)


def test_mandatory_fields(store: Store) -> None:
    with pytest.raises(KafineaError, match="Leads needs a value for Last Name, Company"):
        store.create("leads", {"first_name": "Inès", "company": "  "})
    record_id = store.create("leads", {"last_name": "Girard", "company": "Atelier"})
    with pytest.raises(KafineaError, match="Company"):
        store.update("leads", record_id, {"company": ""})
    record = store.get("leads", record_id)
    assert record is not None and record["company"] == "Atelier"
    assert store.count("leads") == 1


def test_unique_fields(store: Store) -> None:
    first = make_product(store, "P-100")
    second = make_product(store, "P-200")
    with pytest.raises(KafineaError, match="must be unique"):
        make_product(store, " p-100 ")  # trimmed and case-insensitive, like import matching
    with pytest.raises(KafineaError, match="must be unique"):
        store.update("products", second, {"product_code": "P-100"})
    assert store.update("products", first, {"product_code": "P-100", "name": "Table"}) == ["name"]
    assert store.count("products") == 2


def test_salesorder_line_items(store: Store) -> None:
    chair, desk = make_product(store, "P-1"), make_product(store, "P-2")
    order = store.create(
        "salesorders",
        {
            "order_number": "SO-9",
            "subject": "Bureau",
            "items": [LineItem(chair, 2, Decimal("10.5")), {"product": desk, "quantity": 1}],
        },
    )
    record = store.get("salesorders", order)
    assert record is not None
    assert record["items"] == [
        {"product": chair, "quantity": Decimal("2.00"), "list_price": Decimal("10.50")},
        {"product": desk, "quantity": Decimal("1.00"), "list_price": None},
    ]
    # The same items in other spellings are no change; new items replace the old ones.
    same = [{"product": chair, "quantity": 2, "list_price": 10.5}, LineItem(desk, 1)]
    assert store.update("salesorders", order, {"items": same}) == []
    assert store.update("salesorders", order, {"items": [LineItem(desk, 3, 99)]}) == [
        "items",
        "total",  # 2 x 10.50 + 1 x nothing -> 3 x 99
    ]
    record = store.get("salesorders", order)
    assert record is not None and [i["product"] for i in record["items"]] == [desk]

    store.delete("salesorders", order)
    left = store.cursor().execute("SELECT count(*) FROM salesorder_items").fetchone()
    assert left == (0,)


def test_custom_fields_are_kept_across_reopen(workspace: Workspace) -> None:
    db_path = workspace.db_path
    store = Store.open(db_path)
    tier = store.add_custom_field("contacts", "Loyalty tier", "picklist", ["Gold", "Silver"])
    score = store.add_custom_field("organizations", "Score Qualité", "decimal")
    assert (tier.name, tier.label, tier.type, tier.custom) == (
        "cf_loyalty_tier",
        "Loyalty tier",
        FieldType.PICKLIST,
        True,
    )
    assert score.name == "cf_score_qualite"
    record_id = store.create("contacts", {"last_name": "Jäger", "Loyalty tier": "Gold"})
    store.close()

    reopened = Store.open(db_path)
    try:
        field = reopened.module("contacts").field("cf_loyalty_tier")
        assert field.values == ("Gold", "Silver")
        assert reopened.module("organizations").field("Score Qualité").type is FieldType.DECIMAL
        record = reopened.get("contacts", record_id)
        assert record is not None and record["cf_loyalty_tier"] == "Gold"
        assert reopened.module("contacts").fields[-1].name == "cf_loyalty_tier"
    finally:
        reopened.close()


@pytest.mark.parametrize(
    ("label", "type_", "values", "message"),
    [
        ("E-mail", "text", [], "Contacts already has a field 'Email'"),
        ("organization name", "text", [], "already has a field 'Organization Name'"),
        ("ID", "integer", [], "already has a field"),
        ("  ", "text", [], "needs a label"),
        ("???", "text", [], "no letters or digits"),
        ("Budget", "money", [], "Unknown field type 'money'"),
        ("Budget", "reference", [], "Unknown field type 'reference'"),
        ("Budget", "decimal", ["a"], "Only a picklist field takes values"),
    ],
)
def test_bad_custom_fields_change_nothing(
    store: Store, label: str, type_: str, values: list[str], message: str
) -> None:
    store.add_custom_field("contacts", "Loyalty tier", "text")
    columns = store.cursor().execute("DESCRIBE contacts").fetchall()
    with pytest.raises(UsageError, match=message):
        store.add_custom_field("contacts", label, type_, values)
    assert store.cursor().execute("DESCRIBE contacts").fetchall() == columns
    with pytest.raises(UsageError, match="already has a field 'Loyalty tier'"):
        store.add_custom_field("contacts", "loyalty-TIER", "text")
    rows = store.cursor().execute("SELECT count(*) FROM kf_custom_fields").fetchone()
    assert rows == (1,)


def test_picklists_grow_with_new_values_and_keep_them(workspace: Workspace) -> None:
    db_path = workspace.db_path
    store = Store.open(db_path)
    store.create("contacts", {"last_name": "Rossi", "lead_source": "Podcast"})
    values = store.module("contacts").field("lead_source").values
    assert values[-1] == "Podcast" and "Web Site" in values
    assert "Podcast" not in store.module("leads").field("lead_source").values
    store.close()
    reopened = Store.open(db_path)
    try:
        assert reopened.module("contacts").field("lead_source").values == values
    finally:
        reopened.close()


def test_a_failed_write_adds_no_picklist_value(store: Store) -> None:
    with pytest.raises(duckdb.Error):
        make_product(store, category="Consumable", qty_in_stock="many")
    assert "Consumable" not in store.module("products").field("category").values
    assert store.count("products") == 0
    rows = store.cursor().execute("SELECT count(*) FROM kf_picklist_values").fetchone()
    assert rows == (0,)


def test_transactions_are_all_or_nothing_and_nest(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        make_product(store, "P-1")  # joins the outer transaction
        raise RuntimeError("crash half way")
    assert store.count("products") == 0
    assert changes(store) == []
    with store.transaction():
        make_product(store, "P-1")
        make_product(store, "P-2")
    assert store.count("products") == 2


def test_change_log_has_monotonic_cursors_and_sources(store: Store) -> None:
    a = store.create("contacts", {"last_name": "Böhm"}, source="app")
    b = store.create("contacts", {"last_name": "Vogel"}, source="api")
    store.update("contacts", a, {"title": "CTO"}, source="api")
    store.delete("contacts", b, source="import")
    with store.transaction() as cur:
        log_changes(cur, "contacts", "SELECT id FROM contacts", "update", "pull", batch_id=7)
    log = changes(store)
    cursors = [c[0] for c in log]
    assert cursors == sorted(cursors) and len(set(cursors)) == len(cursors)
    assert [(c[2], c[3], c[4]) for c in log] == [
        (a, "create", "app"),
        (b, "create", "api"),
        (a, "update", "api"),
        (b, "delete", "import"),
        (a, "update", "pull"),
    ]
    assert log[2][5] == ["title"]
    batch = store.cursor().execute("SELECT batch_id FROM kf_changes WHERE source = 'pull'")
    assert batch.fetchall() == [(7,)]


def test_find_by_key_is_trimmed_and_case_insensitive(store: Store) -> None:
    a = store.create("contacts", {"last_name": "Weiß", "email": "Zoe@Example.fr"})
    store.create("contacts", {"last_name": "Groß", "email": "other@example.fr"})
    assert store.find_by_key("contacts", "  zoe@example.FR ") == [a]
    assert store.find_by_key("contacts", "weiß", key="last_name") == [a]
    assert store.find_by_key("contacts", "nobody@example.fr") == []


# -- migrations ------------------------------------------------------------------------------


def test_a_new_database_records_its_schema_version(store: Store) -> None:
    assert current_version(store.cursor()) == SCHEMA_VERSION
    row = store.cursor().execute("SELECT value FROM kf_meta WHERE key = 'schema_version'")
    assert row.fetchone() == (str(SCHEMA_VERSION),)


def test_a_v0_database_is_migrated(workspace: Workspace) -> None:
    db_path = workspace.db_path
    """Version 0: a DuckDB file with none of our tables (made by hand, or an interrupted start)."""
    duckdb.connect(str(db_path)).close()
    store = Store.open(db_path)
    try:
        assert current_version(store.cursor()) == SCHEMA_VERSION
        assert store.count("contacts") == 0
    finally:
        store.close()


def test_a_v1_database_opens_with_its_records(workspace: Workspace) -> None:
    db_path = workspace.db_path
    store = Store.open(db_path)
    record_id = store.create("organizations", {"name": "Bäckerei Krüger GmbH"})
    store.add_custom_field("organizations", "Région", "text")
    store.close()
    reopened = Store.open(db_path)
    try:
        record = reopened.get("organizations", record_id)
        assert record is not None and record["name"] == "Bäckerei Krüger GmbH"
        assert reopened.module("organizations").field("cf_region").custom
        assert current_version(reopened.cursor()) == SCHEMA_VERSION
    finally:
        reopened.close()


def test_a_database_from_a_newer_version_is_refused(workspace: Workspace) -> None:
    db_path = workspace.db_path
    Store.open(db_path).close()
    with duckdb.connect(str(db_path)) as conn:
        conn.execute("UPDATE kf_meta SET value = '999' WHERE key = 'schema_version'")
    with pytest.raises(WorkspaceError, match="newer Kafinea TUI"):
        Store.open(db_path)
    duckdb.connect(str(db_path)).close()  # the refused open released its lock


def test_a_failed_migration_changes_nothing_and_releases_the_file(workspace: Workspace) -> None:
    db_path = workspace.db_path
    with duckdb.connect(str(db_path)) as conn:
        conn.execute("CREATE TABLE contacts (name VARCHAR)")
        conn.execute("INSERT INTO contacts VALUES ('kept')")
    with pytest.raises(WorkspaceError, match="cannot be opened or upgraded"):
        Store.open(db_path)
    with duckdb.connect(str(db_path)) as conn:
        assert conn.execute("SELECT * FROM contacts").fetchall() == [("kept",)]
        tables = conn.execute("SELECT table_name FROM information_schema.tables").fetchall()
        assert tables == [("contacts",)]


def test_a_create_beside_an_open_id_reservation_fails_rather_than_reusing_an_id(
    tmp_path: Path,
) -> None:
    from kafinea_tui.data.store.record_ids import reserve_ids

    store = Store.open(tmp_path / "k.duckdb")
    store.create("contacts", {"last_name": "Before"})
    importer = store._connection.cursor()
    importer.execute("BEGIN TRANSACTION")
    first = reserve_ids(importer, "contacts", 1000)
    with pytest.raises(KafineaError, match="being imported right now"):
        store.create("contacts", {"last_name": "Beside"})
    importer.execute("COMMIT")
    assert store.create("contacts", {"last_name": "After"}) >= first + 1000
    store.close()


def test_a_custom_fields_name_spells_its_labels_letters_in_ascii(store: Store) -> None:
    """Accents come off, and letters no decomposition reaches are spelled out."""
    assert store.add_custom_field("contacts", "Größe in Łódź", "text").name == "cf_grosse_in_lodz"
    assert store.add_custom_field("contacts", "Ærø Øst", "text").name == "cf_aero_ost"
