"""Created records are appended in id order and their ids follow the file's lines, at a scale
where DuckDB writes several row groups with several threads: the exporter writes a whole table
in its physical order without ORDER BY id, so both orders must be the same."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from kafinea_tui.data.exporter import plan as export_plan
from kafinea_tui.data.exporter.options import ExportOptions
from kafinea_tui.data.exporter.run import export_csv
from kafinea_tui.data.importer import ordered_rows
from kafinea_tui.data.importer.run import run_import
from kafinea_tui.data.store.database import Store
from kafinea_tui.data.store.record_ids import reserve_cursors, reserve_ids
from tests.data.export_helpers import sorted_plan
from tests.import_helpers import plan, rows

ROWS = 400_000  # more than three row groups of 122,880 rows
MAPPING = {
    "Last Name": "last_name",
    "Email": "email",
    "Organization Name": "organization",
    "Birthdate": "birthdate",
    "Mailing City": "mailing_city",
}
# Rows whose id follows the physical order of the previous row, read by a window with an empty
# OVER (): that window follows the scan order of the table.
DISORDER = "SELECT count(*) FROM (SELECT id, lag(id) OVER () AS prev FROM {table}) WHERE prev >= id"
# The number in each email is the row's line in the file: by id, it must increase.
LINE_DISORDER = (
    "SELECT count(*) FROM (SELECT n, lag(n) OVER (ORDER BY id) AS prev FROM"
    " (SELECT id, CAST(regexp_extract(email, '[0-9]+') AS BIGINT) AS n FROM contacts))"
    " WHERE prev >= n"
)


def generate(path: Path, where: str = "true") -> Path:
    """A contacts file written by DuckDB from range(): every 997th birthdate is unreadable (a
    failed row keeps a hole in the ids), 3,000 organizations named in a scrambled order."""
    conn = duckdb.connect()
    conn.execute(
        f"""COPY (SELECT 'Last' || i AS "Last Name", 'p' || i || '@x.test' AS "Email",
            'Org ' || ((i * 7919) % 3000) AS "Organization Name",
            CASE WHEN i % 997 = 5 THEN 'not a date' ELSE
              strftime(DATE '1950-01-01' + CAST(i % 18000 AS INTEGER), '%d/%m/%Y') END
              AS "Birthdate",
            ['Paris', 'Lyon', 'Lille'][1 + i % 3] AS "Mailing City"
          FROM range({ROWS}) t(i) WHERE {where}) TO '{path}' (HEADER, DELIMITER ';')"""
    )
    conn.close()
    return path


@pytest.fixture(autouse=True)
def four_threads(store: Store) -> None:
    """Several threads, as on a user's machine: the order must not depend on there being one."""
    store.cursor().execute("SET threads = 4")


def disorder(store: Store, table: str) -> int:
    return int(rows(store, DISORDER.format(table=table))[0][0])


def assert_exports_in_id_order(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = ExportOptions("contacts")
    assert export_plan.plan_export(store, options).table_order
    export_csv(store, options, tmp_path / "table-order.csv")
    with monkeypatch.context() as patch:
        sorted_plan(patch)
        export_csv(store, options, tmp_path / "sorted.csv")
    assert (tmp_path / "table-order.csv").read_bytes() == (tmp_path / "sorted.csv").read_bytes()


def test_the_disorder_query_sees_a_shuffled_table(store: Store) -> None:
    cur = store.cursor()
    cur.execute(
        "CREATE TEMP TABLE shuffled AS SELECT range AS id FROM range(1000) ORDER BY hash(range)"
    )
    cur.execute("CREATE TEMP TABLE in_order AS SELECT range AS id FROM range(1000) ORDER BY range")
    assert disorder(store, "shuffled") > 0
    assert disorder(store, "in_order") == 0


@pytest.mark.slow
@pytest.mark.parametrize("lookup_keys", [ordered_rows.MAX_LOOKUP_KEYS, 0])
def test_plain_import_appends_in_id_order_following_the_file(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lookup_keys: int
) -> None:
    """Both ways of `ordered_rows`: references looked up, or read beside the rows."""
    monkeypatch.setattr(ordered_rows, "MAX_LOOKUP_KEYS", lookup_keys)
    path = generate(tmp_path / "contacts.csv")
    report = run_import(store, plan("contacts", path, delimiter="semicolon", mapping=MAPPING))
    failed = len(range(5, ROWS, 997))
    assert (report.created, report.failed, report.related_created) == (ROWS - failed, failed, 3000)
    assert disorder(store, "contacts") == 0
    assert int(rows(store, LINE_DISORDER)[0][0]) == 0
    assert disorder(store, "organizations") == 0
    # Related records are numbered in the order the file first names them.
    firsts: dict[str, None] = {}
    for i in range(ROWS):
        if i % 997 != 5:
            firsts.setdefault(f"Org {(i * 7919) % 3000}", None)
    assert [r[0] for r in rows(store, "SELECT name FROM organizations ORDER BY id")] == list(firsts)
    ids = rows(store, "SELECT min(id), max(id), count(DISTINCT id) FROM contacts")[0]
    assert ids[2] == ROWS - failed and ids[1] - ids[0] < ROWS
    assert_exports_in_id_order(store, tmp_path, monkeypatch)
    # The next record gets an id past the range the import reserved.
    assert store.create("contacts", {"last_name": "After"}) > ids[1]


@pytest.mark.slow
def test_merge_import_appends_its_new_records_in_id_order(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    some = generate(tmp_path / "some.csv", "i % 50 = 0")
    run_import(store, plan("contacts", some, delimiter="semicolon", mapping=MAPPING))
    before = int(rows(store, "SELECT max(id) FROM contacts")[0][0])
    path = generate(tmp_path / "contacts.csv")
    report = run_import(
        store,
        plan(
            "contacts",
            path,
            delimiter="semicolon",
            mapping=MAPPING,
            duplicates="merge",
            match=["email"],
        ),
    )
    failed = len(range(5, ROWS, 997))
    matched = int(rows(store, "SELECT count(*) FROM contacts WHERE id <= ?", [before])[0][0])
    assert report.failed == failed
    assert (report.created, report.merged) == (ROWS - failed - matched, matched)
    assert disorder(store, "contacts") == 0
    new = "SELECT id, email FROM contacts WHERE id > ?"
    assert int(rows(store, f"SELECT min(id) FROM ({new})", [before])[0][0]) == before + 1
    assert (
        int(rows(store, f"SELECT max(id) FROM ({new})", [before])[0][0]) == before + report.created
    )
    assert (
        int(rows(store, LINE_DISORDER.replace("FROM contacts", f"FROM ({new})"), [before])[0][0])
        == 0
    )
    assert_exports_in_id_order(store, tmp_path, monkeypatch)


def test_reserved_ranges_roll_back_and_stay_clear_of_a_write_beside_them(store: Store) -> None:
    """A rolled-back reservation gives its range back; a change logged by another transaction
    while a reservation is open takes a cursor below the reserved range, never inside it."""
    cur, other = store.cursor(), store._connection.cursor()
    cur.execute("BEGIN TRANSACTION")
    first = reserve_ids(cur, "contacts", 1000)
    cur.execute("ROLLBACK")
    assert store.create("contacts", {"last_name": "A"}) == first + 1
    cur.execute("BEGIN TRANSACTION")
    cursors = reserve_cursors(cur, 1000)
    beside = other.execute("SELECT nextval('kf_changes_seq')").fetchone()
    cur.execute("COMMIT")
    assert beside is not None and beside[0] < cursors
    after = cur.execute("SELECT nextval('kf_changes_seq')").fetchone()
    assert after == (cursors + 1000,)
