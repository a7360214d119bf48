"""A mass edit's few combinations of previous values found and numbered in one scan
(`bulk.few_values`), the general path taking over when the first changed records do not show
them all or the ids are too sparse, and undo putting each record's own values back either way
(NULLs, several fields and `modified_at` included)."""

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
    return rows(
        store, "SELECT id, title, department, birthdate, modified_at FROM contacts ORDER BY id"
    )


def make(store: Store, titles: list[str | None]) -> None:
    """One contact a title; departments and birthdates (one NULL) vary on their own, and two
    imports' `modified_at` alternate by threes."""
    for i, title in enumerate(titles):
        birthdate = None if i % 5 == 4 else date(1980 + i % 2, 1, 2)
        store.create(
            "contacts",
            {
                "last_name": f"N{i}",
                "title": title,
                "department": f"D{i % 2}",
                "birthdate": birthdate,
            },
        )
    with store.transaction() as cur:
        cur.execute(
            "UPDATE contacts SET modified_at = CASE WHEN id % 6 < 3"
            " THEN TIMESTAMP '2026-03-04 05:06:07' ELSE TIMESTAMP '2026-03-05 01:02:03.456789' END"
        )


class Paths:
    """Which path counted the changed records: the one scan, or the general one."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.general = 0
        count_distinct = saved_values.count_distinct

        def counted(*args: Any) -> saved_values.Changing:
            self.general += 1
            return count_distinct(*args)

        monkeypatch.setattr(saved_values, "count_distinct", counted)


def left_over(store: Store) -> list[tuple[Any, ...]]:
    """The edit's tables and views still there, temporary ones included."""
    return rows(
        store,
        "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'kf_edit%'"
        " UNION ALL SELECT view_name FROM duckdb_views() WHERE view_name LIKE 'kf_edit%'",
    )


def test_few_combinations_are_numbered_in_one_scan_and_undo_puts_each_back(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three titles (one NULL) and two `modified_at` in turn, two fields edited: six
    combinations of three previous values, planes over every id, no general path."""
    paths = Paths(monkeypatch)
    make(store, ["Buyer", None, "CTO", "Buyer", None, "CTO", "Buyer", None, "CTO", "Buyer"])
    before = contacts(store)
    report = mass_update(store, "contacts", Selection(), {"title": "Owner", "birthdate": ""})
    assert (report.matched, report.updated, paths.general) == (10, 10, 0)
    batch = report.batch or 0
    with store.snapshot() as cur:
        form = saved_values.saved_form(cur, batch)
    combinations = {(r[1], r[3], r[4]) for r in before}
    assert form.planes == saved_planes.Planes.of(len(combinations), 0)
    assert rows(store, f"SELECT count(*) FROM kf_edit_{batch}_values") == [(len(combinations),)]
    assert rows(store, f"SELECT id FROM kf_edit_{batch} ORDER BY id") == [
        (i,) for i in range(1, 11)
    ]
    assert sorted(r[0] for r in left_over(store)) == [
        f"kf_edit_{batch}",
        f"kf_edit_{batch}_planes",
        f"kf_edit_{batch}_values",
    ]
    assert {(r[1], r[3]) for r in contacts(store)} == {("Owner", None)}
    assert undo_import(store, batch).restored == 10
    assert contacts(store) == before
    logged = "SELECT record_id FROM kf_changes WHERE source = 'undo' ORDER BY 1"
    assert rows(store, logged) == [(i,) for i in range(1, 11)]
    assert left_over(store) == []


def test_a_combination_the_first_records_do_not_show_hands_over_to_the_general_path(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the first two changed records are read for the combinations: the later ones join
    to none of them, the one scan gives up and the general path saves every record's own."""
    paths = Paths(monkeypatch)
    monkeypatch.setattr(few_values, "PREFIX", 2)
    make(store, ["Buyer", "Buyer", "Buyer", "CTO", None, "Sales", "Buyer", "CTO"])
    before = contacts(store)
    report = mass_update(store, "contacts", Selection(), {"title": "Owner", "department": "X"})
    assert (report.updated, paths.general) == (8, 1)
    batch = report.batch or 0
    saved = rows(store, f"SELECT count(*) FROM kf_edit_{batch}_values")[0][0]
    assert saved == len({(r[1], r[2], r[4]) for r in before})
    assert undo_import(store, batch).restored == 8
    assert contacts(store) == before
    assert left_over(store) == []


def test_one_combination_with_gaps_is_one_plane_numbered_from_one(store: Store) -> None:
    """Records 2, 6 and 8 hold one combination but are not a run: a single plane over ids 2-8
    marks them (numbered from 1: 0 is an id not saved); undo leaves the others alone."""
    make(store, ["CTO"] * 9)
    before = contacts(store)
    report = mass_update(store, "contacts", Selection(ids=(2, 8, 6)), {"title": "Owner"})
    batch = report.batch or 0
    with store.snapshot() as cur:
        assert saved_values.saved_form(cur, batch).planes == saved_planes.Planes(1, 1)
    planes = rows(store, f"SELECT id_low, id_high, base, p0::VARCHAR FROM kf_edit_{batch}_planes")
    assert planes == [(2, 8, 1, "1000101")]
    assert rows(store, f"SELECT id FROM kf_edit_{batch} ORDER BY id") == [(2,), (6,), (8,)]
    assert [r[1] for r in contacts(store)] == [
        "CTO",
        "Owner",
        *["CTO"] * 3,
        "Owner",
        "CTO",
        "Owner",
        "CTO",
    ]
    assert undo_import(store, batch).restored == 3
    assert contacts(store) == before


def test_ids_too_sparse_for_planes_are_saved_by_the_general_path(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two records of one combination 36 ids apart: planes would spend 37 bits on 2 records;
    a table of ids."""
    paths = Paths(monkeypatch)
    make(store, ["CTO"] * 40)
    before = contacts(store)
    report = mass_update(store, "contacts", Selection(ids=(1, 37)), {"title": "Owner"})
    assert (report.updated, paths.general) == (2, 1)
    batch = report.batch or 0
    with store.snapshot() as cur:
        assert saved_values.saved_form(cur, batch).kind == "codes"
    assert undo_import(store, batch).restored == 2
    assert contacts(store) == before


def test_nothing_to_change_leaves_no_batch_and_no_table(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = Paths(monkeypatch)
    make(store, ["Owner", "Owner", None])
    report = mass_update(store, "contacts", Selection(ids=(1, 2)), {"title": "Owner"})
    assert (report.matched, report.updated, report.unchanged, report.batch) == (2, 0, 2, None)
    assert paths.general == 0
    dry = mass_update(store, "contacts", Selection(), {"title": "Owner"}, dry_run=True)
    assert (dry.updated, dry.unchanged) == (1, 2)
    assert left_over(store) == []


def test_one_combination_over_every_id_is_one_run(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Records 1 and 2 share one title and one `modified_at`: compared with it, no grouping;
    saved as the run 1-2."""
    paths = Paths(monkeypatch)
    make(store, ["CTO", "CTO"])
    before = contacts(store)
    report = mass_update(store, "contacts", Selection(), {"title": "Owner"})
    batch = report.batch or 0
    assert (report.updated, paths.general) == (2, 0)
    runs = f"SELECT code, id_low, id_high, title FROM kf_edit_{batch}_values"
    assert rows(store, runs) == [(0, 1, 2, "CTO")]
    assert undo_import(store, batch).restored == 2
    assert contacts(store) == before
    assert left_over(store) == []


@pytest.mark.parametrize("titles", [["CTO", "CTO", "Buyer"], ["CTO", "Buyer", "Buyer"]])
def test_a_single_combination_shown_first_hands_over_when_another_follows(
    store: Store, monkeypatch: pytest.MonkeyPatch, titles: list[str]
) -> None:
    """The first record shows one combination; a later record's other one is found by the
    comparison, and the general path saves both."""
    paths = Paths(monkeypatch)
    monkeypatch.setattr(few_values, "PREFIX", 1)
    make(store, titles)
    before = contacts(store)
    report = mass_update(store, "contacts", Selection(), {"title": "Owner"})
    assert (report.updated, paths.general) == (3, 1)
    assert undo_import(store, report.batch or 0).restored == 3
    assert contacts(store) == before
    assert left_over(store) == []
