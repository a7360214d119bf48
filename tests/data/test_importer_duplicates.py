"""The import engine's duplicates: overwrite, merge or ignore a record the file matches, rows of
one file naming one record, ambiguous matches, and the one-row-per-record fast path."""

from __future__ import annotations

from pathlib import Path

import pytest

from kafinea_tui.data.importer import group as import_group
from kafinea_tui.data.importer.run import run_import
from kafinea_tui.data.store.database import Store
from tests.import_helpers import MATCHING_FILE, contact_rows, existing_contacts, plan, rows, write


@pytest.mark.parametrize(
    ("mode", "counts", "ann"),
    [
        ("overwrite", (1, 1, 0, 0), ("Annie", "Lee", "Ann@X.fr", None)),
        ("merge", (1, 0, 1, 0), ("Annie", "Lee", "Ann@X.fr", "CEO")),
        ("ignore", (1, 0, 0, 1), ("Ann", "Lee", "Ann@X.fr", "CEO")),
    ],
)
def test_duplicates_modes(
    store: Store, tmp_path: Path, mode: str, counts: tuple[int, ...], ann: tuple[object, ...]
) -> None:
    existing_contacts(store)
    path = write(tmp_path / "c.csv", MATCHING_FILE)
    report = run_import(store, plan("contacts", path, duplicates=mode, match=["email"]))
    assert (report.created, report.updated, report.merged, report.skipped) == counts
    assert contact_rows(store)[0] == ann
    # Fields that are not mapped are never touched.
    assert rows(store, "SELECT department FROM contacts WHERE email = 'bob@x.fr'") == [("R&D",)]
    assert len(contact_rows(store)) == 3


def test_without_duplicates_every_row_creates(store: Store, tmp_path: Path) -> None:
    existing_contacts(store)
    report = run_import(store, plan("contacts", write(tmp_path / "c.csv", MATCHING_FILE)))
    assert report.created == 2 and len(contact_rows(store)) == 4


def test_ambiguous_match_fails_naming_the_ids_and_deletes_nothing(
    store: Store, tmp_path: Path
) -> None:
    existing_contacts(store)
    store.create("contacts", {"last_name": "Twin", "email": "ANN@x.fr"})
    report = run_import(
        store,
        plan(
            "contacts",
            write(tmp_path / "c.csv", MATCHING_FILE),
            duplicates="merge",
            match=["email"],
        ),
    )
    assert report.failed == 1
    assert report.errors[0].line == 2
    assert "(ids 1, 3)" in report.errors[0].reason
    assert len(contact_rows(store)) == 4


def test_merge_with_an_ambiguous_key_and_a_key_on_two_rows(store: Store, tmp_path: Path) -> None:
    existing_contacts(store)
    store.create("contacts", {"last_name": "Twin", "email": "ANN@x.fr"})
    text = MATCHING_FILE + "BOB@x.fr,,,Chief\nnew@x.fr,,Later,Ops\n"
    report = run_import(
        store,
        plan("contacts", write(tmp_path / "c.csv", text), duplicates="merge", match=["email"]),
    )
    assert (report.created, report.merged, report.failed) == (1, 2, 1)
    assert "(ids 1, 3)" in report.errors[0].reason
    # A match field keeps its stored spelling; the later row of new@x.fr fills and overrides.
    assert rows(
        store, "SELECT email, first_name, last_name, title FROM contacts WHERE id > 1 ORDER BY id"
    ) == [
        ("bob@x.fr", "Bob", "Brown", "Chief"),
        ("ANN@x.fr", None, "Twin", None),
        ("new@x.fr", "Neo", "Later", "Ops"),
    ]


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("overwrite", ("Second", "Lee", "x@x.fr", None)),
        ("merge", ("Second", "Lee", "x@x.fr", "Boss")),
    ],
)
def test_rows_of_one_file_that_match_are_one_record(
    store: Store, tmp_path: Path, mode: str, expected: tuple[object, ...]
) -> None:
    path = write(
        tmp_path / "c.csv",
        "Email,First Name,Last Name,Title\nx@x.fr,First,Lee,\nX@x.fr ,Second,Lee,Boss\n".replace(
            ",Boss", ",Boss"
        )
        if mode == "merge"
        else "Email,First Name,Last Name,Title\nx@x.fr,First,Lee,Boss\nX@x.fr ,Second,Lee,\n",
    )
    report = run_import(store, plan("contacts", path, duplicates=mode, match=["email"]))
    assert report.created == 1 and report.failed == 0
    assert contact_rows(store) == [expected]


@pytest.mark.parametrize(
    ("extra", "merged", "ann", "neo"),
    [
        ("", 1, ("Ann", "Boss"), ("Neo", None)),
        ("ANN@x.fr ,Annie,Lee,Chief\n", 2, ("Annie", "Chief"), ("Neo", None)),
        ("new@x.fr,Nina,New,Dev\n", 2, ("Ann", "Boss"), ("Nina", "Dev")),
    ],
)
def test_one_row_per_record_fast_path_and_its_boundary(
    store: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    extra: str,
    merged: int,
    ann: tuple[str, str],
    neo: tuple[str, str | None],
) -> None:
    """A file naming each record once takes the fast path; one repeated key, matched or not,
    sends the whole file to the grouping path, with the same semantics."""
    existing_contacts(store)
    taken: list[bool] = []
    fast = import_group._one_row_per_record

    def spy(*args: object) -> bool:
        taken.append(fast(*args))  # type: ignore[arg-type]
        return taken[-1]

    monkeypatch.setattr(import_group, "_one_row_per_record", spy)
    text = "Email,First Name,Last Name,Title\nann@x.fr,,Lee,Boss\nnew@x.fr,Neo,New,\n" + extra
    report = run_import(
        store,
        plan("contacts", write(tmp_path / "c.csv", text), duplicates="merge", match=["email"]),
    )
    assert taken == [not extra]
    assert (report.created, report.merged, report.failed) == (1, merged, 0)
    assert contact_rows(store) == [
        (ann[0], "Lee", "Ann@X.fr", ann[1]),  # merge: each later non-empty cell of one
        ("Bob", "Brown", "bob@x.fr", "CTO"),
        (neo[0], "New", "new@x.fr", neo[1]),  # key's rows wins, in file order
    ]


@pytest.mark.parametrize("mode", ["overwrite", "merge", "ignore"])
def test_one_row_per_record_with_a_failing_row_numbers_new_records_densely(
    store: Store, tmp_path: Path, mode: str
) -> None:
    """The fast path's records are a view: a row failing after matching (a mandatory field)
    drops out, and the new records get consecutive ids in file order."""
    existing_contacts(store)
    text = "Email,First Name,Last Name\na@x.fr,A,Aa\nbob@x.fr,Bobby,Brown\nb@x.fr,B,\nc@x.fr,C,Cc\n"
    report = run_import(
        store,
        plan("contacts", write(tmp_path / "c.csv", text), duplicates=mode, match=["email"]),
    )
    assert (report.created, report.failed) == (2, 1)
    assert report.errors[0].line == 4
    assert rows(store, "SELECT id, email FROM contacts WHERE id > 2 ORDER BY id") == [
        (3, "a@x.fr"),
        (4, "c@x.fr"),
    ]
    bob = "Bob" if mode == "ignore" else "Bobby"
    assert rows(store, "SELECT first_name FROM contacts WHERE id = 2") == [(bob,)]
