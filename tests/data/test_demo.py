"""The demo workspace: its size, its links, its determinism, and the sample files beside it."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from kafinea_tui.data.demo.build import COUNTS, build_demo
from kafinea_tui.data.demo.samples import SAMPLE_FILES
from kafinea_tui.data.schema import MODULE_ORDER
from kafinea_tui.data.store.database import Store
from kafinea_tui.workspace import Workspace


def rows(store: Store, sql: str) -> list[tuple[object, ...]]:
    return store.cursor().execute(sql).fetchall()


def test_counts(demo_store: Store) -> None:
    assert {m: demo_store.count(m) for m in MODULE_ORDER} == COUNTS
    items = rows(demo_store, "SELECT count(*) FROM salesorder_items")[0][0]
    per_order = rows(
        demo_store,
        "SELECT min(n), max(n) FROM (SELECT count(*) AS n FROM salesorder_items GROUP BY salesorder_id)",
    )
    assert isinstance(items, int) and 300 <= items <= 1500
    assert per_order == [(1, 5)]


def test_every_reference_points_at_a_record(demo_store: Store) -> None:
    dangling = rows(
        demo_store,
        """
        SELECT
          (SELECT count(*) FROM contacts c WHERE c.organization IS NOT NULL
             AND c.organization NOT IN (SELECT id FROM organizations)),
          (SELECT count(*) FROM salesorders s WHERE s.contact NOT IN (SELECT id FROM contacts)
             OR s.organization NOT IN (SELECT id FROM organizations)),
          (SELECT count(*) FROM salesorder_items i WHERE i.product NOT IN (SELECT id FROM products)
             OR i.salesorder_id NOT IN (SELECT id FROM salesorders))
        """,
    )
    assert dangling == [(0, 0, 0)]
    linked = rows(demo_store, "SELECT count(*) FROM contacts WHERE organization IS NOT NULL")[0][0]
    assert isinstance(linked, int) and linked > 1800
    # An order's total is the sum of its items, and its status comes from the picklist.
    wrong_totals = rows(
        demo_store,
        """
        SELECT count(*) FROM salesorders s JOIN (
          SELECT salesorder_id, sum(quantity * list_price) AS t FROM salesorder_items GROUP BY 1
        ) i ON i.salesorder_id = s.id WHERE s.total <> i.t
        """,
    )
    assert wrong_totals == [(0,)]
    statuses = {r[0] for r in rows(demo_store, "SELECT DISTINCT status FROM salesorders")}
    assert statuses <= set(demo_store.module("salesorders").field("status").values)
    assert len(statuses) >= 5


def test_keys_are_unique_and_names_have_accents(demo_store: Store) -> None:
    for table, key in [
        ("contacts", "email"),
        ("organizations", "name"),
        ("products", "product_code"),
        ("salesorders", "order_number"),
    ]:
        assert rows(demo_store, f"SELECT count(DISTINCT lower({key})) = count(*) FROM {table}") == [
            (True,)
        ]
    names = {
        str(r[0]) for r in rows(demo_store, "SELECT first_name || ' ' || last_name FROM contacts")
    }
    text = " ".join(names)
    for letter in "éçüłöñÅ":
        assert letter in text


def test_the_change_log_has_one_create_per_record(demo_store: Store) -> None:
    logged = {
        str(module): count
        for module, count in rows(
            demo_store,
            "SELECT module, count(DISTINCT record_id) FROM kf_changes"
            " WHERE op = 'create' AND source = 'demo' GROUP BY module",
        )
    }
    assert logged == COUNTS
    assert rows(demo_store, "SELECT count(*) FROM kf_changes") == [(sum(COUNTS.values()),)]


def _snapshot(store: Store) -> dict[str, list[tuple[object, ...]]]:
    tables = [*MODULE_ORDER, "salesorder_items", "kf_picklist_values"]
    return {
        table: rows(
            store,
            f"SELECT * EXCLUDE (created_at, modified_at) FROM {table} ORDER BY ALL"
            if table in MODULE_ORDER
            else f"SELECT * FROM {table} ORDER BY ALL",
        )
        for table in tables
    }


def test_two_builds_are_identical(
    demo_store: Store, demo_workspace: Workspace, tmp_path: Path
) -> None:
    samples = demo_workspace.samples_dir
    other = Store.open(":memory:")
    try:
        build_demo(other, tmp_path / "samples")
        assert _snapshot(other) == _snapshot(demo_store)
    finally:
        other.close()
    for name in SAMPLE_FILES:
        assert (tmp_path / "samples" / name).read_bytes() == (samples / name).read_bytes()


def test_samples_exist(demo_workspace: Workspace) -> None:
    samples = demo_workspace.samples_dir
    assert sorted(p.name for p in samples.iterdir()) == sorted(SAMPLE_FILES)
    for name in SAMPLE_FILES:
        lines = (samples / name).read_bytes().splitlines()
        assert len(lines) >= 4, name


def test_the_french_excel_sample(demo_store: Store, demo_workspace: Workspace) -> None:
    samples = demo_workspace.samples_dir
    raw = (samples / "contacts-excel-fr.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # really ISO-8859-1, not UTF-8
    text = raw.decode("iso-8859-1")
    assert b"\r\n" in raw
    table = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert table[0] == [
        "Prénom",
        "Nom",
        "E-mail",
        "Téléphone",
        "Société",
        "Ville",
        "Date de naissance",
        "Chiffre d'affaires",
    ]
    body = table[1:]
    assert any(ch in "".join(map("".join, body)) for ch in "éèêàçôü")
    assert all(len(row[6]) == 10 and row[6][2] == row[6][5] == "/" for row in body)
    assert all("," in row[7] and "." not in row[7] for row in body)
    known = [r for r in body if demo_store.find_by_key("contacts", r[2])]
    assert 1 <= len(known) < len(body)  # some duplicates to match, some new people


def test_samples_match_existing_records(demo_store: Store, demo_workspace: Workspace) -> None:
    samples = demo_workspace.samples_dir

    def read(name: str) -> list[dict[str, str]]:
        with (samples / name).open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    contacts = read("contacts-utf8.csv")
    matched = [r for r in contacts if demo_store.find_by_key("contacts", r["Email"])]
    assert 1 <= len(matched) < len(contacts)
    products = read("products.csv")
    assert any(demo_store.find_by_key("products", r["Product Code"]) for r in products)
    assert any(not demo_store.find_by_key("products", r["Product Code"]) for r in products)
    items = read("salesorders-items.csv")
    assert len({r["Order Number"] for r in items}) < len(items)  # several lines per order
    assert all(demo_store.find_by_key("products", r["Product"]) for r in items)
    assert all(demo_store.find_by_key("contacts", r["Contact Name"]) for r in items)
    bad = read("contacts-bad-rows.csv")
    assert any(r["Email"] == "bob@" for r in bad)
    assert any(r["Birthdate"] == "31/02/1990" for r in bad)
