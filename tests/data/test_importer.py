"""The import engine: values, picklists, unique fields, dry run, failed rows, usage errors
(duplicates and matching: test_importer_duplicates.py; references: test_importer_references.py)."""

from __future__ import annotations

import csv
import stat
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from kafinea_tui.data.errors import KafineaError, UsageError
from kafinea_tui.data.importer.run import failed_rows_csv, run_import, suggest_mapping
from kafinea_tui.data.store.database import Store
from tests.fifo import fifo_read
from tests.import_helpers import (
    MATCHING_FILE,
    contact_rows,
    existing_contacts,
    plan,
    rows,
    snapshot,
    write,
)


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
    assert [r[1] for r in contact_rows(store)] == ["A", "E"]


def test_mandatory_field_after_defaults(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", "First Name,Last Name\nAnn,\nBob,Brown\n")
    report = run_import(store, plan("contacts", path))
    assert report.failed == 1 and report.errors[0].reason == "Last Name is mandatory and empty"
    report = run_import(store, plan("contacts", path, defaults={"last_name": "Unknown"}))
    assert report.created == 2
    assert ("Ann", "Unknown", None, None) in contact_rows(store)


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
    existing_contacts(store)
    path = write(tmp_path / "c.csv", MATCHING_FILE + "x,bad@,Z,\nLast,y@x.fr,Q,\n")
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
    path = write(tmp_path / "c.csv", "Last Name,Email\nA,a@x.fr\nB,bob@\nC,c@x.fr,extra\nD\n")
    report = run_import(store, plan("contacts", path))
    out = tmp_path / "failed.csv"
    assert failed_rows_csv(report, out) == 3
    # A ragged row fits the columns, so that the file, fixed, imports again; the cells past
    # the last column are in the reason.
    with out.open(newline="", encoding="utf-8") as handle:
        assert list(csv.reader(handle)) == [
            ["Last Name", "Email", "Reason"],
            ["B", "bob@", "Email: not an email address: 'bob@'"],
            [
                "C",
                "c@x.fr",
                "3 cells where the header has 2: too many; the cells past the last column: extra",
            ],
            ["D", "", "1 cell where the header has 2: too few"],
        ]
    again = run_import(store, plan("contacts", out))
    assert (again.created, again.failed) == (2, 1)  # C and D; B is still not an address
    # A named pipe (or /dev/null) is written into, not replaced by a file renamed over it.
    pipe = tmp_path / "pipe"
    with fifo_read(pipe) as received:
        assert failed_rows_csv(report, pipe) == 3
    assert received == [out.read_bytes()] and stat.S_ISFIFO(pipe.stat().st_mode)


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


@pytest.mark.parametrize(
    "headers",
    [
        # German, Spanish, Italian, Dutch exports, and English words other than the labels.
        ["Vorname", "Nachname", "E-Mail-Adresse", "Handy", "Firma", "Straße", "PLZ", "Ort", "Land"],
        [
            "Nombre",
            "Apellidos",
            "Correo electrónico",
            "Móvil",
            "Empresa",
            "Dirección",
            "Código postal",
            "Ciudad",
            "País",
        ],
        ["Nome", "Cognome", "E-mail", "Cellulare", "Azienda", "Indirizzo", "CAP", "Città", "Paese"],
        [
            "Voornaam",
            "Achternaam",
            "E-mail",
            "Mobiel",
            "Bedrijf",
            "Adres",
            "Postcode",
            "Plaats",
            "Land",
        ],
        [
            "Given Name",
            "Surname",
            "Email Address",
            "Mobile Number",
            "Company",
            "Address",
            "Zip Code",
            "Town",
            "Country",
        ],
    ],
)
def test_suggest_mapping_reads_headers_in_other_languages(store: Store, headers: list[str]) -> None:
    fields = ["first_name", "last_name", "email", "mobile", "organization", "mailing_street"]
    fields += ["mailing_zip", "mailing_city", "mailing_country"]
    found = suggest_mapping(headers, store.schema.module("contacts"))
    assert [found.get(h) for h in headers] == fields


def test_a_field_name_modules_share_has_each_modules_own_spellings(store: Store) -> None:
    # `name` is an organization's name and a product's: "Company" is only the first.
    headers = ["Company", "Website", "Ort"]
    organizations = suggest_mapping(headers, store.schema.module("organizations"))
    assert organizations == {"Company": "name", "Website": "website", "Ort": "billing_city"}
    products = suggest_mapping(["SKU", "Product Name", "Company"], store.schema.module("products"))
    assert products == {"SKU": "product_code", "Product Name": "name"}
    assert suggest_mapping(["Firma"], store.schema.module("contacts")) == {"Firma": "organization"}


def test_a_files_own_first_and_last_name_win_over_a_whole_name(store: Store) -> None:
    """Pipedrive writes `Person - Name` before its parts; a Salesforce query NAME before
    FIRSTNAME: the parts are the file's own split, better than ours of the whole name."""
    contacts = store.schema.module("contacts")
    headers = ["Person - Name", "Person - First name", "Person - Last name"]
    assert suggest_mapping(headers, contacts) == {
        "Person - First name": "first_name",
        "Person - Last name": "last_name",
    }
    assert suggest_mapping(["Full Name", "Email"], contacts)["Full Name"] == "full_name"


def test_progress_is_reported_up_to_one(store: Store, tmp_path: Path) -> None:
    seen: list[float] = []
    run_import(
        store, plan("contacts", write(tmp_path / "c.csv", "Last Name\nA\n")), progress=seen.append
    )
    assert seen == sorted(seen) and seen[-1] == 1.0
