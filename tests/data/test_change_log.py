"""The change log's two forms: single changes as rows, set operations as one entry each
(`kf_change_sets`), read back one change per record by `kf_changes_after`, the view
`kf_changes`, the changes feed and undo; and a version-4 workspace upgraded to them."""

from __future__ import annotations

from typing import Any

import duckdb

from kafinea_tui.data.bulk import Selection, mass_update
from kafinea_tui.data.importer.undo import undo_import
from kafinea_tui.data.store.change_log import log_changes, log_id_set, top_cursor
from kafinea_tui.data.store.changes import changes_after
from kafinea_tui.data.store.database import Store
from kafinea_tui.data.store.migrations import MIGRATIONS, SCHEMA_VERSION, current_version
from kafinea_tui.workspace import Workspace


def rows(store: Store, sql: str, params: Any = None) -> list[tuple[Any, ...]]:
    return store.cursor().execute(sql, params or []).fetchall()


def log(store: Store, ids: list[int], op: str = "update", batch: int | None = None) -> int:
    with store.transaction() as cur:
        return log_id_set(
            cur,
            "contacts",
            "SELECT unnest($ids) AS id",
            op,
            "import",
            batch,
            ["title"],
            params={"ids": ids},
        )


def test_a_contiguous_set_is_one_entry_read_back_one_change_per_record(store: Store) -> None:
    assert log(store, [5, 6, 7, 8], batch=3) == 4
    assert rows(store, "SELECT id_low, id_high, listed FROM kf_change_sets") == [(5, 8, False)]
    assert rows(store, "SELECT count(*) FROM kf_change_set_ids") == [(0,)]
    logged = rows(store, "SELECT cursor, record_id, op, batch_id, fields FROM kf_changes")
    assert [r[1] for r in sorted(logged)] == [5, 6, 7, 8]
    assert {(r[2], r[3], tuple(r[4])) for r in logged} == {("update", 3, ("title",))}
    cursors = sorted(r[0] for r in logged)
    assert cursors == list(range(cursors[0], cursors[0] + 4))
    assert top_cursor(store.cursor()) == cursors[-1]


def test_a_scattered_set_lists_its_ids_and_expands_to_them_only(store: Store) -> None:
    assert log(store, [2, 9, 4, 30]) == 4
    assert rows(store, "SELECT id_low, id_high, listed FROM kf_change_sets") == [(2, 30, True)]
    assert rows(store, "SELECT count(*) FROM kf_change_set_ids") == [(4,)]
    logged = rows(store, "SELECT record_id FROM kf_changes ORDER BY cursor")
    assert logged == [(2,), (4,), (9,), (30,)]
    assert top_cursor(store.cursor()) == rows(store, "SELECT max(cursor) FROM kf_changes")[0][0]


def test_the_feed_pages_through_sets_and_single_changes_in_cursor_order(store: Store) -> None:
    with store.transaction() as cur:
        log_changes(cur, "contacts", [100], "update", "app")
    log(store, [1, 2, 3])
    log(store, [10, 20, 30])
    with store.transaction() as cur:
        log_changes(cur, "contacts", [7], "delete", "api", actor="shop")
    seen: list[tuple[int, str, str | None]] = []
    since = 0
    while page := changes_after(store, "contacts", since, 2):
        seen += [(c.record_id, c.op, c.actor) for c in page]
        assert [c.cursor for c in page] == sorted(c.cursor for c in page)
        assert page[0].cursor > since
        since = page[-1].cursor
    assert seen == [
        (100, "update", None),
        (1, "update", None),
        (2, "update", None),
        (3, "update", None),
        (10, "update", None),
        (20, "update", None),
        (30, "update", None),
        (7, "delete", "shop"),
    ]
    assert changes_after(store, "organizations", 0, 10) == []


def test_a_mass_edit_and_its_undo_log_one_entry_each(store: Store) -> None:
    ids = [store.create("contacts", {"last_name": f"N{i}", "title": "Old"}) for i in range(6)]
    before = top_cursor(store.cursor())
    chosen = (ids[0], ids[2], ids[3])
    report = mass_update(store, "contacts", Selection(ids=chosen), {"title": "New"})
    assert report.updated == 3
    assert rows(store, "SELECT op, source, listed FROM kf_change_sets") == [("update", "app", True)]
    feed = changes_after(store, "contacts", before, 100)
    assert [(c.record_id, c.batch_id, c.fields) for c in feed] == [
        (i, report.batch, ["title"]) for i in chosen
    ]
    undone = undo_import(store, report.batch or 0)
    assert undone.restored == 3
    assert rows(store, "SELECT count(*) FROM contacts WHERE title = 'Old'") == [(6,)]
    feed = changes_after(store, "contacts", feed[-1].cursor, 100)
    assert [(c.record_id, c.source, c.op) for c in feed] == [(i, "undo", "update") for i in chosen]


def test_a_version_4_workspace_keeps_its_log_and_goes_on_with_sets(workspace: Workspace) -> None:
    path = workspace.db_path
    with duckdb.connect(str(path)) as conn:
        conn.execute("CREATE TABLE kf_meta (key VARCHAR NOT NULL, value VARCHAR)")
        conn.execute("INSERT INTO kf_meta VALUES ('schema_version', '4')")
        for step in MIGRATIONS[:4]:
            step(conn)
        conn.execute(
            "INSERT INTO kf_changes SELECT nextval('kf_changes_seq'), TIMESTAMP '2026-01-02',"
            " 'contacts', i, 'create', 'import', 1, NULL, NULL FROM range(1, 4) t(i)"
        )
    store = Store.open(path)
    try:
        assert current_version(store.cursor()) == SCHEMA_VERSION
        old = changes_after(store, "contacts", 0, 10)
        assert [(c.cursor, c.record_id, c.op) for c in old] == [
            (1, 1, "create"),
            (2, 2, "create"),
            (3, 3, "create"),
        ]
        log(store, [8, 9])
        new = changes_after(store, "contacts", 3, 10)
        assert [c.record_id for c in new] == [8, 9]
        assert new[0].cursor > 3
    finally:
        store.close()
