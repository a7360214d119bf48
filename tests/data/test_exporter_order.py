"""The CSV export in the table's order, references read from lookup lists, without ORDER BY:
the same bytes as the sorted JOIN, and which exports can take that path."""

from __future__ import annotations

from pathlib import Path

import pytest

from kafinea_tui.data.exporter import plan as export_plan
from kafinea_tui.data.exporter.options import ExportOptions
from kafinea_tui.data.exporter.run import export_csv
from kafinea_tui.data.store.database import Store
from tests.data.export_helpers import rows, sorted_plan

# Every test starts from the same records, in its own store (conftest.py).
pytestmark = pytest.mark.usefixtures("export_records")


# -- table order: references by lookup lists, no ORDER BY -------------------------------------


@pytest.mark.slow
def test_table_order_export_equals_the_sorted_one_multithreaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """400,000 contacts: four row groups of 122,880 rows, scanned by several threads. Their
    organizations have holes (deleted ids), and references point below the first id and past
    the last one: all three give an empty cell, as the LEFT JOIN does."""
    s = Store.open(":memory:")
    try:
        cur = s.cursor()
        cur.execute("SET threads = 4")
        cur.execute(
            "INSERT INTO organizations (id, created_at, modified_at, name)"
            " SELECT nextval('organizations_id_seq'), TIMESTAMP '2026-01-01',"
            " TIMESTAMP '2026-01-01', ['Org ', '=Org ', '-Org ', ''][1 + i % 4] || i"
            " FROM range(1000) t(i)"
        )
        cur.execute("DELETE FROM organizations WHERE id IN (1, 500, 501)")
        cur.execute(
            "INSERT INTO contacts (id, created_at, modified_at, last_name, email, organization,"
            " do_not_call, birthdate)"
            " SELECT nextval('contacts_id_seq'), TIMESTAMP '2026-01-01', TIMESTAMP '2026-01-01',"
            " CASE WHEN i % 9 = 0 THEN '+' END || 'Name' || i, 'p' || i || '@x.test',"
            " CASE WHEN i % 13 <> 0 THEN i % 1003 END, i % 3 = 0, DATE '1970-01-01' + (i % 9000)::INTEGER"
            " FROM range(400000) t(i)"
        )
        options = ExportOptions("contacts")
        assert export_plan.plan_export(s, options).table_order
        fast = tmp_path / "table-order.csv"
        export_csv(s, options, fast)
        with monkeypatch.context() as patch:
            sorted_plan(patch)
            assert not export_plan.plan_export(s, options).table_order
            sorted_file = tmp_path / "sorted.csv"
            export_csv(s, options, sorted_file)
        assert fast.read_bytes() == sorted_file.read_bytes()
        table = rows(fast)
        assert len(table) == 400_001
        organization = table[0].index("Organization Name")
        by_email = {row[table[0].index("Email")]: row[organization] for row in table[1:]}
        assert by_email["p0@x.test"] == ""  # no reference
        assert by_email["p2@x.test"] == "'=Org 1"  # the guard, applied inside the list
        assert by_email["p1@x.test"] == ""  # organization 1 was deleted: below the first id
        assert by_email["p500@x.test"] == ""  # a hole
        assert by_email["p1002@x.test"] == ""  # past the last id
        assert by_email["p2006@x.test"] == ""  # organization 0: below, not counted from the end
        assert by_email["p3@x.test"] == "'-Org 2" and by_email["p4@x.test"] == "3"
    finally:
        s.close()


def test_empty_related_table(store: Store, tmp_path: Path) -> None:
    store.cursor().execute("DELETE FROM organizations")
    options = ExportOptions("contacts", fields=["last_name", "organization"])
    assert export_plan.plan_export(store, options).table_order
    export_csv(store, options, tmp_path / "c.csv")
    assert rows(tmp_path / "c.csv")[1:] == [["Dupont", ""], ["'=1+1", ""], ["Øre €", ""]]


@pytest.mark.parametrize(
    ("options", "table_order"),
    [
        (ExportOptions("contacts"), True),
        (ExportOptions("contacts", sort=[("id", False)]), True),
        (ExportOptions("contacts", scope="filter", filter="mailing_city = Paris"), True),
        (ExportOptions("contacts", scope="filter", filter="organization = Acme"), False),
        (ExportOptions("contacts", sort=[("last_name", False)]), False),
        (ExportOptions("contacts", scope="ids", ids=[1, 2]), False),
        (ExportOptions("contacts", scope="page"), False),
        (ExportOptions("salesorders"), False),  # one line per item: joins the items
        (ExportOptions("salesorders", fields=["order_number", "contact", "organization"]), True),
        (ExportOptions("products"), True),
    ],
)
def test_which_exports_skip_the_sort(
    store: Store, tmp_path: Path, options: ExportOptions, table_order: bool
) -> None:
    """The table order where DuckDB's plan keeps it, else the JOIN and ORDER BY; same bytes."""
    plan = export_plan.plan_export(store, options)
    assert plan.table_order is table_order
    assert ("ORDER BY" not in plan.sql.split(") SELECT")[-1]) is table_order
    export_csv(store, options, tmp_path / "a.csv")
    with pytest.MonkeyPatch.context() as patch:
        sorted_plan(patch)
        export_csv(store, options, tmp_path / "b.csv")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
