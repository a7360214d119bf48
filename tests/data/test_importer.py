"""The import engine: values, duplicates, references, picklists, dry run, failed rows."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from kafinea_tui.data.errors import KafineaError, UsageError
from kafinea_tui.data.importer import group as import_group
from kafinea_tui.data.importer import ordered_rows
from kafinea_tui.data.importer.run import failed_rows_csv, run_import, suggest_mapping
from kafinea_tui.data.store.database import Store
from tests.import_helpers import plan, rows, snapshot, write


def contacts(store: Store) -> list[tuple[object, ...]]:
    return rows(store, "SELECT first_name, last_name, email, title FROM contacts ORDER BY id")


def test_french_excel_export(store: Store, tmp_path: Path) -> None:
    text = (
        "Prénom;Nom;E-mail;Société;Date de naissance;Ne pas appeler\r\n"
        "Hélène;Lefèvre;helene@example.fr;Café Œuvre;26/11/1990;oui\r\n"
        "Zoë;Müller;zoe@example.fr;Café Œuvre;01/02/1985;non\r\n"
    )
    path = write(tmp_path / "export.csv", text, "cp1252")
    report = run_import(store, plan("contacts", path))
    assert (report.created, report.failed, report.related_created) == (2, 0, 1)
    assert rows(
        store,
        "SELECT c.first_name, c.last_name, c.birthdate, c.do_not_call, o.name FROM contacts c"
        " JOIN organizations o ON o.id = c.organization ORDER BY c.id",
    ) == [
        ("Hélène", "Lefèvre", date(1990, 11, 26), True, "Café Œuvre"),
        ("Zoë", "Müller", date(1985, 2, 1), False, "Café Œuvre"),
    ]


def test_decimal_comma_for_organizations(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "o.csv", "Nom;CA;Effectif\nAcme;1 234 567,89;1 200\n", "iso-8859-1")
    report = run_import(
        store,
        plan(
            "organizations",
            path,
            decimal="comma",
            mapping={"Nom": "name", "CA": "annual_revenue", "Effectif": "employees"},
        ),
    )
    assert report.created == 1
    assert rows(store, "SELECT annual_revenue, employees FROM organizations") == [
        (Decimal("1234567.89"), 1200)
    ]


def test_bad_values_fail_their_row_with_the_column_and_line(store: Store, tmp_path: Path) -> None:
    path = write(
        tmp_path / "c.csv",
        'Last Name,Email,Birthdate\nA,a@x.fr,2026-01-02\nB,bob@,\n"C\nD",c@x.fr,soon\nE,,\n',
    )
    report = run_import(store, plan("contacts", path))
    assert (report.total, report.created, report.failed) == (4, 2, 2)
    assert [e.as_dict() for e in report.errors] == [
        {"line": 3, "column": "Email", "reason": "not an email address: 'bob@'"},
        {
            "line": 4,
            "column": "Birthdate",
            "reason": "not a date (dd/mm/yyyy or yyyy-mm-dd): 'soon'",
        },
    ]
    assert [r[1] for r in contacts(store)] == ["A", "E"]


def test_mandatory_field_after_defaults(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", "First Name,Last Name\nAnn,\nBob,Brown\n")
    report = run_import(store, plan("contacts", path))
    assert report.failed == 1 and report.errors[0].reason == "Last Name is mandatory and empty"
    report = run_import(store, plan("contacts", path, defaults={"last_name": "Unknown"}))
    assert report.created == 2
    assert ("Ann", "Unknown", None, None) in contacts(store)


def existing(store: Store) -> None:
    store.create(
        "contacts", {"first_name": "Ann", "last_name": "Lee", "email": "Ann@X.fr", "title": "CEO"}
    )
    store.create(
        "contacts",
        {
            "first_name": "Bob",
            "last_name": "Brown",
            "email": "bob@x.fr",
            "title": "CTO",
            "department": "R&D",
        },
    )


FILE = "Email,First Name,Last Name,Title\n ann@x.fr ,Annie,Lee,\nnew@x.fr,Neo,New,Dev\n"


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
    existing(store)
    path = write(tmp_path / "c.csv", FILE)
    report = run_import(store, plan("contacts", path, duplicates=mode, match=["email"]))
    assert (report.created, report.updated, report.merged, report.skipped) == counts
    assert contacts(store)[0] == ann
    # Fields that are not mapped are never touched.
    assert rows(store, "SELECT department FROM contacts WHERE email = 'bob@x.fr'") == [("R&D",)]
    assert len(contacts(store)) == 3


def test_without_duplicates_every_row_creates(store: Store, tmp_path: Path) -> None:
    existing(store)
    report = run_import(store, plan("contacts", write(tmp_path / "c.csv", FILE)))
    assert report.created == 2 and len(contacts(store)) == 4


def test_ambiguous_match_fails_naming_the_ids_and_deletes_nothing(
    store: Store, tmp_path: Path
) -> None:
    existing(store)
    store.create("contacts", {"last_name": "Twin", "email": "ANN@x.fr"})
    report = run_import(
        store,
        plan("contacts", write(tmp_path / "c.csv", FILE), duplicates="merge", match=["email"]),
    )
    assert report.failed == 1
    assert report.errors[0].line == 2
    assert "(ids 1, 3)" in report.errors[0].reason
    assert len(contacts(store)) == 4


def test_merge_with_an_ambiguous_key_and_a_key_on_two_rows(store: Store, tmp_path: Path) -> None:
    existing(store)
    store.create("contacts", {"last_name": "Twin", "email": "ANN@x.fr"})
    text = FILE + "BOB@x.fr,,,Chief\nnew@x.fr,,Later,Ops\n"
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
    assert contacts(store) == [expected]


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
    existing(store)
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
    assert contacts(store) == [
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
    existing(store)
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


def test_unknown_picklist_values_are_added_with_a_warning(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", "Last Name,Lead Source\nA,web site\nB,Salon\nC,Salon\n")
    report = run_import(store, plan("contacts", path))
    assert report.created == 3
    assert report.warnings == ["Lead Source: 'Salon' added to the list of values."]
    assert "Salon" in store.schema.module("contacts").field("lead_source").values
    assert rows(store, "SELECT lead_source FROM contacts ORDER BY id") == [
        ("Web Site",),
        ("Salon",),
        ("Salon",),
    ]


def test_unique_fields_are_enforced(store: Store, tmp_path: Path) -> None:
    store.create("products", {"product_code": "P-1", "name": "One"})
    path = write(
        tmp_path / "p.csv", "Product Code,Product Name\np-1,Again\nP-2,Two\nP-2,Two again\n"
    )
    report = run_import(store, plan("products", path))
    assert (report.created, report.failed) == (1, 2)
    reasons = [e.reason for e in report.errors]
    assert reasons == [
        "Product Code 'p-1' already belongs to Products 1",
        "Product Code 'P-2' is in the file more than once",
    ]


def test_dry_run_reports_the_same_and_writes_nothing(store: Store, tmp_path: Path) -> None:
    existing(store)
    path = write(tmp_path / "c.csv", FILE + "x,bad@,Z,\nLast,y@x.fr,Q,\n")
    before = snapshot(store)
    dry = run_import(
        store, plan("contacts", path, duplicates="merge", match=["email"]), dry_run=True
    )
    assert snapshot(store) == before
    assert dry.dry_run and dry.batch is None
    real = run_import(store, plan("contacts", path, duplicates="merge", match=["email"]))
    for name in ("total", "created", "updated", "merged", "skipped", "failed", "related_created"):
        assert getattr(dry, name) == getattr(real, name), name
    assert [e.as_dict() for e in dry.errors] == [e.as_dict() for e in real.errors]


def test_failed_rows_csv_has_the_original_columns_and_a_reason(
    store: Store, tmp_path: Path
) -> None:
    path = write(tmp_path / "c.csv", "Last Name,Email\nA,a@x.fr\nB,bob@\nC,c@x.fr,extra\n")
    report = run_import(store, plan("contacts", path))
    out = tmp_path / "failed.csv"
    assert failed_rows_csv(report, out) == 2
    with out.open(newline="", encoding="utf-8") as handle:
        assert list(csv.reader(handle)) == [
            ["Last Name", "Email", "Reason"],
            ["B", "bob@", "Email: not an email address: 'bob@'"],
            ["C", "c@x.fr", "extra", "3 cells where the header has 2: too many"],
        ]


def test_usage_errors_before_anything_is_written(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", "Last Name\nA\n")
    before = snapshot(store)
    with pytest.raises(UsageError, match="no column 'Nope'"):
        run_import(store, plan("contacts", path, mapping={"Nope": "last_name"}))
    with pytest.raises(UsageError, match="no field 'shoe_size'"):
        run_import(store, plan("contacts", path, mapping={"Last Name": "shoe_size"}))
    with pytest.raises(UsageError, match="unknown module"):
        run_import(store, plan("spaceships", path))
    with pytest.raises(UsageError, match="match field Email is not mapped"):
        run_import(store, plan("contacts", path, duplicates="merge", match=["email"]))
    with pytest.raises(KafineaError, match="header but no rows"):
        run_import(store, plan("contacts", write(tmp_path / "h.csv", "Last Name\n")))
    assert snapshot(store) == before


def test_suggest_mapping_ignores_case_accents_spacing_and_near_misses(store: Store) -> None:
    module = store.schema.module("contacts")
    columns = [
        "PRÉNOM",
        "last name",
        "E-mail",
        "Organisation",
        "Adress Email2",
        "Birth date",
        "Whatever",
        "Mailing  Zip",
    ]
    found = suggest_mapping(columns, module)
    assert found["PRÉNOM"] == "first_name"
    assert found["last name"] == "last_name"
    assert found["E-mail"] == "email"
    assert found["Organisation"] == "organization"
    assert found["Birth date"] == "birthdate"
    assert found["Mailing  Zip"] == "mailing_zip"
    assert "Whatever" not in found
    orders = suggest_mapping(
        ["Order Number", "Subject", "Product", "Qty", "List Price"],
        store.schema.module("salesorders"),
    )
    assert orders == {
        "Order Number": "order_number",
        "Subject": "subject",
        "Product": "items.product",
        "Qty": "items.quantity",
        "List Price": "items.list_price",
    }


def test_progress_is_reported_up_to_one(store: Store, tmp_path: Path) -> None:
    seen: list[float] = []
    run_import(
        store, plan("contacts", write(tmp_path / "c.csv", "Last Name\nA\n")), progress=seen.append
    )
    assert seen == sorted(seen) and seen[-1] == 1.0
