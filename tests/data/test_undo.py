"""Undo: created records removed (related ones too), overwritten and merged ones restored, and a
record changed since by something else left as it is and named."""

from __future__ import annotations

from pathlib import Path

import pytest

from kafinea_tui.data.errors import KafineaError
from kafinea_tui.data.importer.run import run_import
from kafinea_tui.data.importer.undo import list_batches, undo_import
from kafinea_tui.data.store.database import Store
from tests.import_helpers import plan, rows, snapshot, write


@pytest.fixture(autouse=True)
def two_contacts(store: Store) -> None:
    store.create(
        "contacts", {"first_name": "Ann", "last_name": "Lee", "email": "ann@x.fr", "title": "CEO"}
    )
    store.create("contacts", {"first_name": "Bob", "last_name": "Brown", "email": "bob@x.fr"})


FILE = "Email,First Name,Last Name,Title,Organization Name\nann@x.fr,Annie,Lee,,Acme\nbob@x.fr,,Brown,CTO,Acme\nnew@x.fr,Neo,New,Dev,Globex\n"


def people(store: Store) -> list[tuple[object, ...]]:
    return rows(
        store,
        "SELECT id, first_name, last_name, email, title, organization FROM contacts ORDER BY id",
    )


@pytest.mark.parametrize("mode", ["overwrite", "merge"])
def test_undo_restores_and_removes_exactly(store: Store, tmp_path: Path, mode: str) -> None:
    before = people(store)
    report = run_import(
        store, plan("contacts", write(tmp_path / "c.csv", FILE), duplicates=mode, match=["email"])
    )
    assert report.created == 1 and report.related_created == 2
    assert people(store) != before
    undone = undo_import(store, report.batch or 0)
    assert (undone.deleted, undone.restored, undone.kept) == (3, 2, [])
    assert people(store) == before
    assert store.count("organizations") == 0
    batch = list_batches(store)[0]
    assert batch.id == report.batch and batch.undone_at is not None
    with pytest.raises(KafineaError, match="already undone"):
        undo_import(store, report.batch or 0)


def test_a_record_changed_after_the_import_is_kept_and_named(store: Store, tmp_path: Path) -> None:
    report = run_import(
        store,
        plan("contacts", write(tmp_path / "c.csv", FILE), duplicates="overwrite", match=["email"]),
    )
    store.update("contacts", 1, {"title": "Chair"}, source="app")
    new_id = rows(store, "SELECT id FROM contacts WHERE email = 'new@x.fr'")[0][0]
    store.update("contacts", new_id, {"title": "Lead"}, source="api")
    undone = undo_import(store, report.batch or 0)
    # The organizations the import created are kept too: the contacts left as they are still
    # refer to them.
    assert undone.restored == 1 and undone.deleted == 0
    assert undone.kept == [
        "Contacts 1 (updated by the import) was changed since; left as it is.",
        f"Contacts {new_id} (created by the import) was changed since; left as it is.",
        "Organizations 1 (created by the import) is referenced by 1 record since; left as it is.",
        "Organizations 2 (created by the import) is referenced by 1 record since; left as it is.",
    ]
    assert rows(
        store,
        "SELECT c.id, o.name FROM contacts c LEFT JOIN organizations o ON o.id = c.organization"
        " ORDER BY c.id",
    ) == [(1, "Acme"), (2, None), (new_id, "Globex")]
    assert rows(store, "SELECT first_name, title FROM contacts WHERE id = 1") == [
        ("Annie", "Chair")
    ]
    assert rows(store, "SELECT first_name, title FROM contacts WHERE id = 2") == [("Bob", None)]
    assert rows(store, "SELECT title FROM contacts WHERE email = 'new@x.fr'") == [("Lead",)]


def test_undo_of_a_plain_import_leaves_the_workspace_as_before_it(
    store: Store, tmp_path: Path
) -> None:
    before = snapshot(store)
    report = run_import(store, plan("contacts", write(tmp_path / "c.csv", FILE)))
    assert report.created == 3
    undo_import(store, report.batch or 0)
    after = snapshot(store)
    for table in ("contacts", "organizations", "salesorders"):
        assert after[table] == before[table]


def test_undo_of_an_unknown_batch(store: Store) -> None:
    with pytest.raises(KafineaError, match="no import 42"):
        undo_import(store, 42)


def test_a_batch_that_listed_its_created_records_is_undone_once(
    store: Store, tmp_path: Path
) -> None:
    """Workspaces imported before created records were found by `batch_id` list them in
    kf_batch_rows too: undo removes each once and counts it once."""
    before = people(store)
    report = run_import(store, plan("contacts", write(tmp_path / "c.csv", FILE)))
    batch = report.batch or 0
    store.cursor().execute(
        "INSERT INTO kf_batch_rows SELECT ?, 'contacts', id, 'created' FROM contacts"
        " WHERE batch_id = ?",
        [batch, batch],
    )
    undone = undo_import(store, batch)
    assert (undone.deleted, undone.restored, undone.kept) == (5, 0, [])
    assert people(store) == before
