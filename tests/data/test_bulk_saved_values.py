"""A mass edit's previous values saved as codes into their distinct values, and undo putting
each record's own back (NULLs and `modified_at` included), in every saved form: bit planes,
hashed codes, numbered codes (when hashes collide), runs, and the single table of earlier
versions."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from kafinea_tui.data.bulk import Selection, few_values, mass_update, saved_planes, saved_values
from kafinea_tui.data.importer.undo import undo_import
from kafinea_tui.data.store.database import Store


def rows(store: Store, sql: str) -> list[tuple[Any, ...]]:
    return store.cursor().execute(sql).fetchall()


def contacts(store: Store) -> list[tuple[Any, ...]]:
    return rows(store, "SELECT id, title, department, modified_at FROM contacts ORDER BY id")


def make(store: Store) -> None:
    titles = ["Buyer", None, "CTO", "Buyer", "buyer", None, "CTO "]
    for i, title in enumerate(titles):
        store.create("contacts", {"last_name": f"N{i}", "title": title, "department": f"D{i % 2}"})
    with store.transaction() as cur:  # as one import leaves them
        cur.execute("UPDATE contacts SET modified_at = TIMESTAMP '2026-03-04 05:06:07'")


@pytest.mark.parametrize("form", ["planes", "codes"])
def test_the_distinct_previous_values_are_saved_once_and_each_record_gets_its_own_back(
    store: Store, monkeypatch: pytest.MonkeyPatch, form: str
) -> None:
    if form == "codes":  # more combinations than planes take: a table of ids and codes
        monkeypatch.setattr(saved_planes, "MAX_CODES", 4)
    make(store)
    before = contacts(store)
    report = mass_update(store, "contacts", Selection(), {"title": "Owner", "department": "X"})
    assert report.updated == 7
    batch = report.batch or 0
    with store.snapshot() as cur:
        assert saved_values.saved_form(cur, batch).kind == form
    saved = rows(store, f"SELECT count(*) FROM kf_edit_{batch}_values")[0][0]
    distinct = {(r[1], r[2], r[3]) for r in before}
    assert saved == len(distinct) < len(before)
    assert rows(store, f"SELECT count(*) FROM kf_edit_{batch}") == [(7,)]
    if form == "codes":  # ids and hashes are written as they are, not analysed for compression
        store.cursor().execute("CHECKPOINT")
        methods = rows(
            store,
            f"SELECT DISTINCT compression FROM pragma_storage_info('kf_edit_{batch}')"
            " WHERE segment_type <> 'VALIDITY'",
        )
        assert methods == [("Uncompressed",)]
    assert {r[1:3] for r in contacts(store)} == {("Owner", "X")}
    assert undo_import(store, batch).restored == 7
    assert contacts(store) == before
    tables = rows(store, "SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'kf_edit%'")
    assert tables == [(0,)]


def test_a_mass_edit_saved_in_the_single_table_of_earlier_versions_is_undone(
    store: Store,
) -> None:
    make(store)
    before = contacts(store)
    report = mass_update(store, "contacts", Selection(ids=(1, 2, 3)), {"title": "Owner"})
    batch = report.batch or 0
    with store.transaction() as cur:  # the form a workspace of schema version 5 may hold
        cur.execute(
            f"CREATE TABLE kf_edit_old AS SELECT s.id, v.modified_at, v.title FROM kf_edit_{batch}"
            f" s JOIN kf_edit_{batch}_values v USING (code)"
        )
        saved_values.drop_saved(cur, batch)
        cur.execute(f"ALTER TABLE kf_edit_old RENAME TO kf_edit_{batch}")
    assert undo_import(store, batch).restored == 3
    assert contacts(store) == before


def test_combinations_sharing_a_code_are_numbered_and_each_record_still_gets_its_own_back(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two combinations with one hash would make a code ambiguous: a code that collides always
    (every combination's code 0) must take the numbered form, and undo stay exact."""
    make(store)
    before = contacts(store)
    monkeypatch.setattr(saved_values, "CODE", "hash({}) * 0")
    # The first changed record shows one combination only: the general path, which hashes.
    monkeypatch.setattr(few_values, "PREFIX", 1)
    report = mass_update(store, "contacts", Selection(), {"title": "Owner"})
    batch = report.batch or 0
    codes = rows(store, f"SELECT count(DISTINCT code), count(*) FROM kf_edit_{batch}_values")
    assert codes == [(5, 5)]  # Buyer, buyer, CTO, "CTO ", NULL: numbered 1..5
    assert undo_import(store, batch).restored == 7
    assert contacts(store) == before


def test_values_held_by_runs_of_consecutive_ids_are_saved_as_the_runs(store: Store) -> None:
    """Records 1-3 were Buyer, 4-7 CTO: two runs, no row per record; undo puts each run back
    and leaves out a record changed since."""
    for i in range(7):
        store.create("contacts", {"last_name": f"N{i}", "title": "Buyer" if i < 3 else "CTO"})
    with store.transaction() as cur:
        cur.execute("UPDATE contacts SET modified_at = TIMESTAMP '2026-03-04 05:06:07'")
    before = contacts(store)
    report = mass_update(store, "contacts", Selection(), {"title": "Owner"})
    batch = report.batch or 0
    runs = f"SELECT id_low, id_high, title FROM kf_edit_{batch}_values ORDER BY id_low"
    assert rows(store, runs) == [(1, 3, "Buyer"), (4, 7, "CTO")]
    assert rows(store, f"SELECT count(*) FROM duckdb_views() WHERE view_name = 'kf_edit_{batch}'")
    assert rows(store, f"SELECT id FROM kf_edit_{batch} ORDER BY id") == [(i,) for i in range(1, 8)]
    store.update("contacts", 5, {"title": "Intern"})
    changed = contacts(store)[4]
    undone = undo_import(store, batch)
    assert (undone.restored, len(undone.kept)) == (6, 1)
    assert contacts(store) == [*before[:4], changed, *before[5:]]
    logged = rows(
        store,
        "SELECT record_id FROM kf_changes WHERE source = 'undo' ORDER BY record_id",
    )
    assert logged == [(1,), (2,), (3,), (4,), (6,), (7,)]
    left = "SELECT count(*) FROM duckdb_views() WHERE view_name LIKE 'kf_edit%'"
    assert rows(store, left) == [(0,)]
    tables = rows(store, "SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'kf_edit%'")
    assert tables == [(0,)]


def planes_of(store: Store, batch: int) -> tuple[Any, ...]:
    return rows(store, f"SELECT id_low, id_high, base FROM kf_edit_{batch}_planes")[0]


def test_interleaved_values_over_every_id_are_planes_numbered_from_zero(store: Store) -> None:
    """Four titles in turn, one import's `modified_at`: no run, four combinations numbered
    0-3 in two planes over ids 1-9; undo puts each record's own back, NULL included, and
    leaves out a record changed since."""
    titles = ["Buyer", "CTO", None, "Sales"]
    for i in range(9):
        store.create("contacts", {"last_name": f"N{i}", "title": titles[i % 4]})
    with store.transaction() as cur:
        cur.execute("UPDATE contacts SET modified_at = TIMESTAMP '2026-03-04 05:06:07'")
    before = contacts(store)
    report = mass_update(store, "contacts", Selection(), {"title": "Owner"})
    batch = report.batch or 0
    assert planes_of(store, batch) == (1, 9, 0)
    with store.snapshot() as cur:
        assert saved_values.saved_form(cur, batch).planes == saved_planes.Planes(2, 0)
    assert rows(store, f"SELECT id FROM kf_edit_{batch} ORDER BY id") == [
        (i,) for i in range(1, 10)
    ]
    assert rows(store, f"SELECT count(*) FROM kf_edit_{batch}_values") == [(4,)]
    store.update("contacts", 6, {"title": "Intern"})
    changed = contacts(store)[5]
    undone = undo_import(store, batch)
    assert (undone.restored, len(undone.kept)) == (8, 1)
    assert contacts(store) == [*before[:5], changed, *before[6:]]
    logged = rows(store, "SELECT record_id FROM kf_changes WHERE source = 'undo' ORDER BY 1")
    assert logged == [(i,) for i in (1, 2, 3, 4, 5, 7, 8, 9)]
    tables = rows(store, "SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'kf_edit%'")
    assert tables == [(0,)]


def test_a_selection_with_gaps_is_planes_numbered_from_one_and_others_are_untouched(
    store: Store,
) -> None:
    """Records 2, 3, 5 and 7 of 1-8, records 3 and 5 sharing their values (not a run): planes
    numbered from 1 over ids 2-7, 0 for the ids not saved; undo restores two fields, a date
    and a NULL among them, by the ids alone, and nothing else moves."""
    for i in range(8):
        birthdate = date(1980 + i % 2, 1, 2) if i != 6 else None
        title = ["Buyer", "CTO"][i % 2]
        store.create("contacts", {"last_name": f"N{i}", "title": title, "birthdate": birthdate})
    with store.transaction() as cur:
        cur.execute("UPDATE contacts SET modified_at = TIMESTAMP '2026-03-04 05:06:07'")
    before = contacts(store)
    dates = rows(store, "SELECT id, birthdate FROM contacts ORDER BY id")
    report = mass_update(
        store,
        "contacts",
        Selection(ids=(2, 3, 5, 7)),
        {"title": "Owner", "birthdate": "1999-09-09"},
    )
    assert (report.matched, report.updated) == (4, 4)
    batch = report.batch or 0
    assert planes_of(store, batch) == (2, 7, 1)
    assert rows(store, f"SELECT count(*) FROM kf_edit_{batch}_values") == [(3,)]
    assert rows(store, f"SELECT id FROM kf_edit_{batch} ORDER BY id") == [(2,), (3,), (5,), (7,)]
    edited = rows(store, "SELECT record_id FROM kf_changes WHERE source = 'app' AND op = 'update'")
    assert sorted(edited) == [(2,), (3,), (5,), (7,)]
    assert undo_import(store, batch).restored == 4
    assert contacts(store) == before
    assert rows(store, "SELECT id, birthdate FROM contacts ORDER BY id") == dates
