"""Undoing batches newest first: a change that a later undo took back is not "changed since",
so the earlier batch is then undone completely; a real later change (the app, the API, a batch
not undone, a change an undo left in place) still keeps the record."""

from __future__ import annotations

from pathlib import Path

import pytest

from kafinea_tui.data.bulk import Selection, mass_delete, mass_update
from kafinea_tui.data.importer.run import run_import
from kafinea_tui.data.importer.undo import list_batches, undo_import
from kafinea_tui.data.store.database import Store
from tests.import_helpers import plan, rows, write

FIRST = "Last Name,Email,Title\nA,a@x.fr,T1\nB,b@x.fr,T1\n"
SECOND = "Last Name,Email,Title\nA,a@x.fr,T2\n"


def imported(store: Store, path: Path, text: str, duplicates: str | None = None) -> int:
    report = run_import(
        store,
        plan("contacts", write(path, text), duplicates=duplicates, match=["email"]),
    )
    assert report.batch is not None
    return report.batch


def contacts(store: Store) -> list[tuple[object, ...]]:
    return rows(store, "SELECT id, last_name, email, title FROM contacts ORDER BY id")


@pytest.mark.parametrize("mode", ["overwrite", "merge"])
def test_undoing_the_later_batch_first_lets_the_earlier_one_be_undone_completely(
    store: Store, tmp_path: Path, mode: str
) -> None:
    first = imported(store, tmp_path / "l0.csv", FIRST)
    second = imported(store, tmp_path / "l1.csv", SECOND, mode)
    assert undo_import(store, second).restored == 1
    undone = undo_import(store, first)
    assert (undone.deleted, undone.restored, undone.kept) == (2, 0, [])
    assert contacts(store) == []
    assert all(b.undone_at is not None for b in list_batches(store))


def test_a_merge_then_an_overwrite_undone_newest_first(store: Store, tmp_path: Path) -> None:
    first = imported(store, tmp_path / "l0.csv", FIRST)
    merged = imported(store, tmp_path / "m.csv", "Email,Title\nb@x.fr,T3\n", "merge")
    overwritten = imported(store, tmp_path / "o.csv", SECOND + "B,b@x.fr,T4\n", "overwrite")
    assert undo_import(store, overwritten).restored == 2
    assert contacts(store) == [(1, "A", "a@x.fr", "T1"), (2, "B", "b@x.fr", "T3")]
    assert undo_import(store, merged).kept == []
    undone = undo_import(store, first)
    assert (undone.deleted, undone.kept) == (2, [])
    assert contacts(store) == []


def test_a_change_after_the_undone_batch_still_keeps_the_record(
    store: Store, tmp_path: Path
) -> None:
    first = imported(store, tmp_path / "l0.csv", FIRST)
    second = imported(store, tmp_path / "l1.csv", SECOND, "overwrite")
    undo_import(store, second)
    store.update("contacts", 1, {"title": "Chair"}, source="app")
    undone = undo_import(store, first)
    assert undone.deleted == 1
    assert undone.kept == ["Contacts 1 (created by the import) was changed since; left as it is."]
    assert contacts(store) == [(1, "A", "a@x.fr", "Chair")]


def test_a_change_between_the_batches_still_keeps_the_record(store: Store, tmp_path: Path) -> None:
    first = imported(store, tmp_path / "l0.csv", FIRST)
    store.update("contacts", 1, {"title": "Chair"}, source="api")
    second = imported(store, tmp_path / "l1.csv", SECOND, "overwrite")
    undo_import(store, second)
    assert contacts(store)[0] == (1, "A", "a@x.fr", "Chair")
    undone = undo_import(store, first)
    assert undone.kept == ["Contacts 1 (created by the import) was changed since; left as it is."]
    assert contacts(store) == [(1, "A", "a@x.fr", "Chair")]


def test_a_later_batch_not_undone_still_keeps_the_record(store: Store, tmp_path: Path) -> None:
    first = imported(store, tmp_path / "l0.csv", FIRST)
    imported(store, tmp_path / "l1.csv", SECOND, "overwrite")
    undone = undo_import(store, first)
    assert undone.kept == ["Contacts 1 (created by the import) was changed since; left as it is."]
    assert contacts(store) == [(1, "A", "a@x.fr", "T2")]


def test_a_change_that_an_undo_left_in_place_is_still_later_work(
    store: Store, tmp_path: Path
) -> None:
    """Batch 2's undo keeps record 1 (batch 3 changed it since); undoing batch 3 puts batch 2's
    title back. Batch 2's change on record 1 was never taken back: the first batch's undo keeps
    the record."""
    first = imported(store, tmp_path / "l0.csv", FIRST)
    second = imported(store, tmp_path / "l1.csv", SECOND, "overwrite")
    third = imported(store, tmp_path / "l2.csv", "Last Name,Email,Title\nA,a@x.fr,T3\n", "merge")
    assert undo_import(store, second).kept == [
        "Contacts 1 (updated by the import) was changed since; left as it is."
    ]
    assert undo_import(store, third).restored == 1
    assert contacts(store)[0] == (1, "A", "a@x.fr", "T2")
    undone = undo_import(store, first)
    assert undone.deleted == 1
    assert undone.kept == ["Contacts 1 (created by the import) was changed since; left as it is."]
    assert contacts(store) == [(1, "A", "a@x.fr", "T2")]


def test_an_undone_mass_edit_is_not_a_change_since(store: Store, tmp_path: Path) -> None:
    first = imported(store, tmp_path / "l0.csv", FIRST)
    edit = mass_update(store, "contacts", Selection(), {"title": "Buyer"})
    assert undo_import(store, edit.batch or 0).restored == 2
    undone = undo_import(store, first)
    assert (undone.deleted, undone.kept) == (2, [])
    assert contacts(store) == []


def test_an_undone_mass_edit_that_kept_a_record_leaves_it_kept_after(
    store: Store, tmp_path: Path
) -> None:
    """The mass edit's undo keeps record 2 (the app changed it since); the app's change and the
    edit left in place both keep it from the first batch's undo."""
    first = imported(store, tmp_path / "l0.csv", FIRST)
    edit = mass_update(store, "contacts", Selection(), {"title": "Buyer"})
    store.update("contacts", 2, {"department": "IT"}, source="app")
    assert len(undo_import(store, edit.batch or 0).kept) == 1
    undone = undo_import(store, first)
    assert undone.deleted == 1
    assert undone.kept == ["Contacts 2 (created by the import) was changed since; left as it is."]


def test_an_undone_mass_delete_is_not_a_change_since(store: Store, tmp_path: Path) -> None:
    first = imported(store, tmp_path / "l0.csv", FIRST)
    second = imported(store, tmp_path / "l1.csv", SECOND, "overwrite")
    deleted = mass_delete(store, "contacts", Selection(ids=(1,)))
    assert undo_import(store, deleted.batch or 0).recreated == 1
    assert undo_import(store, second).restored == 1
    undone = undo_import(store, first)
    assert (undone.deleted, undone.kept) == (2, [])
    assert contacts(store) == []
