"""The import engine's references: related records found by a key (any case, any key), created
once or failing the row, and each way of looking them up writing the same."""

from __future__ import annotations

from pathlib import Path

import pytest

from kafinea_tui.data.importer import ordered_rows
from kafinea_tui.data.importer.run import run_import
from kafinea_tui.data.store.database import Store
from tests.import_helpers import plan, rows, write


def test_references_created_once_per_key_case_insensitively(store: Store, tmp_path: Path) -> None:
    store.create("organizations", {"name": "Acme"})
    path = write(tmp_path / "c.csv", "Last Name,Organization Name\nA, acme\nB,Globex\nC,GLOBEX\n")
    report = run_import(store, plan("contacts", path))
    assert (report.created, report.related_created) == (3, 1)
    assert rows(
        store,
        "SELECT c.last_name, o.name FROM contacts c JOIN organizations o ON o.id = c.organization ORDER BY c.id",
    ) == [("A", "Acme"), ("B", "Globex"), ("C", "Globex")]


def test_no_create_related_fails_the_row(store: Store, tmp_path: Path) -> None:
    store.create("organizations", {"name": "Acme"})
    path = write(tmp_path / "c.csv", "Last Name,Organization Name\nA,Acme\nB,Globex\n")
    report = run_import(store, plan("contacts", path, create_related=False))
    assert (report.created, report.failed, report.related_created) == (1, 1, 0)
    assert report.errors[0].reason == "no Organizations record has Organization Name 'Globex'"
    assert store.count("organizations") == 1


def test_a_key_its_field_refuses_creates_nothing_and_fails_the_row(
    store: Store, tmp_path: Path
) -> None:
    """vtiger's and Zoho's orders name the contact by name, where contacts are found by e-mail:
    a contact whose e-mail address is a name is never created."""
    path = write(
        tmp_path / "o.csv",
        "Order Number,Subject,Contact Name\nSO1,A,Pierre Martin\nSO2,B,pm@x.fr\n",
    )
    report = run_import(store, plan("salesorders", path))
    assert (report.created, report.failed, report.related_created) == (1, 1, 1)
    assert report.errors[0].reason == (
        "no Contacts record has Email 'Pierre Martin', and none is created with it:"
        " not an email address: 'Pierre Martin'"
    )
    assert rows(store, "SELECT email FROM contacts") == [("pm@x.fr",)]


@pytest.mark.parametrize(("max_keys", "max_failures"), [(65_536, 256), (65_536, 0), (0, 256)])
def test_each_source_of_new_records_writes_the_same(
    store: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    max_keys: int,
    max_failures: int,
) -> None:
    """References looked up by ENUM with a list of failed rows, or read beside the file's rows
    from a table sorted by row (too many keys, or too many failed rows to list)."""
    monkeypatch.setattr(ordered_rows, "MAX_LOOKUP_KEYS", max_keys)
    monkeypatch.setattr(ordered_rows, "MAX_LISTED_FAILURES", max_failures)
    acme = store.create("organizations", {"name": "Acme"})
    text = "Last Name,Organization Name,Birthdate\nA,acme ,\nB,Globex,\nC,,x\nD,ACME,\nE,,\n"
    path = write(tmp_path / "c.csv", text)
    report = run_import(store, plan("contacts", path, create_related=False))
    assert (report.created, report.failed) == (3, 2)
    assert [e.line for e in report.errors] == [3, 4]
    assert rows(store, "SELECT id, last_name, organization FROM contacts ORDER BY id") == [
        (1, "A", acme),
        (4, "D", acme),
        (5, "E", None),
    ]
    assert rows(store, "SELECT id FROM contacts") == [(1,), (4,), (5,)]  # the table's order
    assert store.create("contacts", {"last_name": "F"}) == 6


def test_a_reference_column_without_any_value(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", "Last Name,Organization Name\nA,\nB, \n")
    report = run_import(store, plan("contacts", path))
    assert (report.created, report.failed, report.related_created) == (2, 0, 0)
    assert rows(store, "SELECT last_name, organization FROM contacts ORDER BY id") == [
        ("A", None),
        ("B", None),
    ]


def test_reference_by_another_key(store: Store, tmp_path: Path) -> None:
    org = store.create("organizations", {"name": "Acme", "website": "acme.example"})
    path = write(tmp_path / "c.csv", "Last Name,Company Site\nA,ACME.example\n")
    report = run_import(
        store,
        plan(
            "contacts",
            path,
            mapping={"Last Name": "last_name", "Company Site": "organization"},
            reference_keys={"organization": "website"},
        ),
    )
    assert report.created == 1
    assert rows(store, "SELECT organization FROM contacts") == [(org,)]
