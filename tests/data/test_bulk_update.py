"""Mass edit: selections by ids, filter and search; the import's value rules; per-record
failures; dry run; one batch that undo takes back."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kafinea_tui.data.bulk import Selection, mass_update, preview_update
from kafinea_tui.data.errors import FilterError, UsageError
from kafinea_tui.data.importer.undo import list_batches, undo_import, undo_preview
from kafinea_tui.data.store.database import Store
from tests.import_helpers import rows, snapshot


@pytest.fixture(autouse=True)
def records(store: Store) -> None:
    acme = store.create("organizations", {"name": "Acme"})
    for i in range(1, 7):
        store.create(
            "contacts",
            {
                "first_name": "Jean" if i % 2 else "Zoé",
                "last_name": f"Name{i}",
                "email": f"p{i}@x.fr",
                "mailing_city": "Paris" if i <= 3 else "Lyon",
                "organization": acme if i <= 2 else None,
                "title": "CTO" if i == 1 else None,
            },
        )


def titles(store: Store) -> list[tuple[object, ...]]:
    return rows(store, "SELECT id, title FROM contacts ORDER BY id")


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        (Selection(ids=(2, 5)), [2, 5]),
        (Selection(filter='mailing_city = "paris"'), [1, 2, 3]),
        (Selection(search="zoé lyon"), [4, 6]),
        (Selection(filter="mailing_city = Lyon", search="jean"), [5]),
        (Selection(), [1, 2, 3, 4, 5, 6]),
    ],
)
def test_the_selection_is_the_ids_else_the_filter_and_search(
    store: Store, selection: Selection, expected: list[int]
) -> None:
    report = mass_update(store, "contacts", selection, {"Title": "Buyer"})
    assert report.matched == report.updated == len(expected)
    assert [r[0] for r in titles(store) if r[1] == "Buyer"] == expected


def test_ids_take_precedence_and_unknown_ids_are_named(store: Store) -> None:
    selection = Selection(ids=(1, 99), filter="mailing_city = Lyon")
    report = mass_update(store, "contacts", selection, {"department": "IT"})
    assert (report.matched, report.updated) == (1, 1)
    assert report.warnings == ["1 selected id is not in Contacts (99)."]


def test_values_follow_the_import_rules(store: Store) -> None:
    report = mass_update(
        store,
        "contacts",
        Selection(ids=(3, 4)),
        {
            "birthdate": "31/12/1990",
            "do_not_call": "oui",
            "organization": "acme",
            "lead_source": "web site",
        },
    )
    assert report.updated == 2 and report.related_created == 0 and report.warnings == []
    assert (
        rows(
            store,
            "SELECT birthdate::VARCHAR, do_not_call, organization, lead_source FROM contacts"
            " WHERE id IN (3, 4)",
        )
        == [("1990-12-31", True, 1, "Web Site")] * 2
    )


def test_a_missing_reference_is_created_and_a_new_picklist_value_added(store: Store) -> None:
    report = mass_update(
        store, "contacts", Selection(ids=(5,)), {"organization": "Globex", "lead_source": "Fair"}
    )
    assert report.related_created == 1
    assert report.warnings == [
        "Organization Name: Organizations has no record with Organization Name 'Globex';"
        " one is created.",
        "Lead Source: 'Fair' added to the list of values.",
    ]
    assert "Fair" in store.module("contacts").field("lead_source").values
    assert rows(
        store,
        "SELECT o.name FROM contacts c JOIN organizations o ON o.id ="
        " c.organization WHERE c.id = 5",
    ) == [("Globex",)]


def test_a_preview_and_a_dry_run_say_what_would_be_created_or_added(store: Store) -> None:
    """Before the edit is confirmed nothing is added yet: the preview and a dry run say what
    would be, in the import dry run's words; the run itself says what it did."""
    values = {"organization": "Globex", "lead_source": "Fair"}
    would = [
        "Organization Name: Organizations has no record with Organization Name 'Globex';"
        " one would be created.",
        "Lead Source: 'Fair' would be added to the list of values.",
    ]
    preview = preview_update(store, "contacts", Selection(ids=(5,)), values)
    assert preview.warnings == would
    dry = mass_update(store, "contacts", Selection(ids=(5,)), values, dry_run=True)
    assert dry.warnings == would
    assert "Fair" not in store.module("contacts").field("lead_source").values
    done = mass_update(store, "contacts", Selection(ids=(5,)), values)
    assert [w.replace(" is created", " would be created") for w in done.warnings] == [
        w.replace(" would be added", " added") for w in would
    ]


@pytest.mark.parametrize(
    ("values", "sentence"),
    [
        ({"birthdate": "demain"}, "Birthdate: not a date (dd/mm/yyyy or yyyy-mm-dd): 'demain'."),
        ({"email": "bob@"}, "Email: not an email address: 'bob@'."),
        ({"last_name": " "}, "Last Name is mandatory in Contacts; it cannot be emptied."),
    ],
)
def test_a_value_that_cannot_be_read_refuses_the_whole_edit(
    store: Store, values: dict[str, str], sentence: str
) -> None:
    before = snapshot(store)
    assert preview_update(store, "contacts", Selection(), values).errors == [sentence]
    with pytest.raises(UsageError) as raised:
        mass_update(store, "contacts", Selection(), values)
    assert str(raised.value) == sentence
    assert snapshot(store) == before


def test_unknown_fields_items_and_system_columns_are_usage_errors(store: Store) -> None:
    with pytest.raises(UsageError, match="Contacts has no field 'colour'"):
        mass_update(store, "contacts", Selection(), {"colour": "red"})
    with pytest.raises(UsageError, match="kept by the workspace"):
        mass_update(store, "contacts", Selection(), {"modified_at": "2026-01-01"})
    with pytest.raises(UsageError, match="Items cannot be mass-edited"):
        mass_update(store, "salesorders", Selection(), {"items": "P-1"})
    with pytest.raises(FilterError):
        mass_update(store, "contacts", Selection(filter="citty = x"), {"title": "x"})


def test_an_empty_value_clears_and_records_already_set_are_unchanged(store: Store) -> None:
    report = mass_update(store, "contacts", Selection(ids=(1, 2)), {"title": ""})
    assert (report.matched, report.updated, report.unchanged) == (2, 1, 1)
    assert rows(store, "SELECT count(*) FROM kf_changes WHERE op = 'update'") == [(1,)]
    assert titles(store)[0] == (1, None)


def test_unique_fields_and_order_totals_fail_record_by_record(store: Store) -> None:
    for code in ("P-1", "P-2", "P-3"):
        store.create("products", {"product_code": code, "name": code})
    report = mass_update(store, "products", Selection(ids=(1, 2)), {"product_code": "P-9"})
    assert (report.updated, report.failed) == (0, 2)
    assert report.errors[0].as_dict() == {
        "id": 1,
        "field": "Product Code",
        "reason": "Product Code 'P-9' is unique: it cannot be given to 2 records",
    }
    report = mass_update(store, "products", Selection(ids=(1,)), {"product_code": "p-2"})
    assert report.failed == 1 and report.batch is None
    assert report.errors[0].reason == "Product Code 'p-2' already belongs to Products 2"
    report = mass_update(store, "products", Selection(ids=(1,)), {"product_code": "P-1b"})
    assert report.updated == 1
    store.create("salesorders", {"order_number": "S1", "subject": "a", "items": [{"product": 1}]})
    store.create("salesorders", {"order_number": "S2", "subject": "b"})
    report = mass_update(store, "salesorders", Selection(), {"total": "12.5"})
    assert (report.updated, report.failed) == (1, 1)
    assert report.errors[0].reason == "the total of an order with lines is the sum of its lines"
    assert rows(store, "SELECT total FROM salesorders ORDER BY id") == [
        (Decimal("0.00"),),  # its line has no quantity nor price: the sum is 0
        (Decimal("12.50"),),
    ]


def test_dry_run_reports_the_same_counts_and_writes_nothing(store: Store) -> None:
    before = snapshot(store)
    values = {"title": "Buyer", "organization": "Initech", "lead_source": "Fair"}
    report = mass_update(store, "contacts", Selection(), values, dry_run=True)
    assert (report.matched, report.updated, report.related_created) == (6, 6, 1)
    assert report.batch is None and report.dry_run
    assert snapshot(store) == before
    assert "Fair" not in store.module("contacts").field("lead_source").values


def test_preview_shows_a_few_records_before_and_after(store: Store) -> None:
    preview = preview_update(
        store, "contacts", Selection(filter="mailing_city = Paris"), {"title": "Buyer"}, limit=2
    )
    assert preview.count == 3 and preview.errors == []
    assert [(r.id, r.title, r.before, r.after) for r in preview.records] == [
        (1, "p1@x.fr", {"Title": "CTO"}, {"Title": "Buyer"}),
        (2, "p2@x.fr", {"Title": ""}, {"Title": "Buyer"}),
    ]


def test_one_batch_in_past_imports_that_undo_takes_back(store: Store) -> None:
    before = snapshot(store)
    report = mass_update(
        store, "contacts", Selection(), {"title": "Buyer", "organization": "Initech"}
    )
    assert report.batch is not None
    batch = list_batches(store)[0]
    assert batch.id == report.batch and batch.report["operation"] == "update"
    assert batch.file == "mass edit of Title, Organization Name (all records)"
    assert rows(
        store,
        "SELECT count(*) FROM kf_changes WHERE batch_id = ? AND op = 'update'",
        [report.batch],
    ) == [(6,)]
    assert undo_preview(store, report.batch).question() == (
        "Remove 1 created record, restore 6 changed ones? This cannot be undone."
    )
    assert rows(store, f"SELECT count(*) FROM kf_edit_{report.batch}") == [(6,)]
    undone = undo_import(store, report.batch)
    assert (undone.deleted, undone.restored) == (1, 6)
    assert rows(
        store, "SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'kf_edit_%'"
    ) == [(0,)]
    after = snapshot(store)
    for table in ("contacts", "organizations"):
        assert after[table] == before[table]
