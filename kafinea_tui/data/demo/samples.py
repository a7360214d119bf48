"""Sample CSV files beside the demo workspace, to try the import wizard and `kafinea-tui import` on.

Each file shows one thing an import meets in real life: plain UTF-8 with the CRM's own labels;
a French Excel export (semicolons, ISO-8859-1, decimal commas, dd/mm/yyyy dates, French
headers); products; sales orders with one line per item; and a file with bad rows, to see the
error report. Some rows carry the e-mail of an existing demo contact (or the code of an existing
product), so the duplicates step has something to match. Built from the demo rows, so they are as
deterministic as the demo itself.
"""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

Record = dict[str, Any]

SAMPLE_FILES: tuple[str, ...] = (
    "contacts-utf8.csv",
    "contacts-excel-fr.csv",
    "products.csv",
    "salesorders-items.csv",
    "contacts-bad-rows.csv",
)

_NEW_PEOPLE: tuple[tuple[str, str, str, str, str], ...] = (
    # first, last, e-mail, city, birthdate (ISO)
    ("Zoé", "Lefèvre", "zoe.lefevre@exemple.fr", "Besançon", "1988-03-14"),
    ("François", "Côté", "francois.cote@exemple.fr", "Nîmes", "1975-11-02"),
    ("Hélène", "Müller", "helene.muller@beispiel.de", "Köln", "1991-07-23"),
    ("Jürgen", "Groß", "juergen.gross@beispiel.de", "München", "1969-01-30"),
    ("Łukasz", "Wiśniewski", "lukasz.wisniewski@przyklad.pl", "Kraków", "1984-05-09"),
    ("Begoña", "Ibáñez", "begona.ibanez@ejemplo.es", "Málaga", "1993-12-01"),
    ("Søren", "Åberg", "soren.aberg@exempel.se", "Göteborg", "1979-08-17"),
    ("Maëlle", "Brûlé", "maelle.brule@exemple.fr", "Saint-Étienne", "1999-02-28"),
)


def write_samples(
    samples_dir: Path, orgs: list[Record], contacts: list[Record], products: list[Record]
) -> None:
    """Write the sample files (overwriting earlier ones) into `samples_dir`."""
    samples_dir.mkdir(parents=True, exist_ok=True)
    org_names = {org["id"]: org["name"] for org in orgs}
    latin1 = [
        c
        for c in contacts
        if c["organization"] is not None
        and _encodes({**c, "org": org_names[c["organization"]]}, "iso-8859-1")
    ]
    _contacts_utf8(samples_dir / "contacts-utf8.csv", contacts[:5], org_names)
    _contacts_excel_fr(samples_dir / "contacts-excel-fr.csv", latin1[5:9], org_names)
    _products(samples_dir / "products.csv", products[:4])
    _salesorders(samples_dir / "salesorders-items.csv", contacts[10:13], org_names, products)
    _bad_rows(samples_dir / "contacts-bad-rows.csv", contacts[20], org_names)


def _encodes(row: Record, encoding: str) -> bool:
    try:
        for value in row.values():
            if isinstance(value, str):
                value.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def _write(path: Path, header: list[str], rows: list[list[Any]], **options: Any) -> None:
    encoding = options.pop("encoding", "utf-8")
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle, **options)
        writer.writerow(header)
        writer.writerows(rows)


def _contacts_utf8(path: Path, existing: list[Record], org_names: dict[int, str]) -> None:
    """Labels as headers, ISO dates: the file `kafinea-tui export contacts` would write."""
    header = [
        "First Name", "Last Name", "Email", "Phone", "Title", "Organization Name", "Birthdate",
        "Mailing City", "Lead Source", "Do Not Call",
    ]  # fmt: skip
    rows: list[list[Any]] = [
        [c["first_name"], c["last_name"], c["email"], c["phone"], "Directeur commercial",
         org_names.get(c["organization"], ""), c["birthdate"].isoformat(), c["mailing_city"],
         c["lead_source"], "no"]
        for c in existing
    ]  # fmt: skip
    orgs = [*list(org_names.values())[:3], "Brasserie du Canal SARL"]  # the last one is new
    for n, (first, last, email, city, born) in enumerate(_NEW_PEOPLE):
        rows.append([first, last, email, f"+33 1 40 20 {10 + n:02d} {30 + n:02d}", "Acheteuse",
                     orgs[n % len(orgs)], born, city, "Trade Show", "yes" if n % 3 == 0 else "no"])  # fmt: skip
    _write(path, header, rows)


def _contacts_excel_fr(path: Path, existing: list[Record], org_names: dict[int, str]) -> None:
    """What French Excel writes with "CSV (séparateur: point-virgule)": ISO-8859-1, CRLF, `;`."""
    header = ["Prénom", "Nom", "E-mail", "Téléphone", "Société", "Ville", "Date de naissance",
              "Chiffre d'affaires"]  # fmt: skip
    rows: list[list[Any]] = []
    for n, c in enumerate(existing):
        email = c["email"].upper() if n == 0 else c["email"]  # matched case-insensitively
        rows.append([c["first_name"], c["last_name"], email, c["phone"],
                     org_names[c["organization"]], c["mailing_city"], _fr_date(c["birthdate"]),
                     _fr_decimal(Decimal(12500 + 1000 * n) + Decimal("0.5"))])  # fmt: skip
    for n, (first, last, email, city, born) in enumerate(_NEW_PEOPLE):
        if not _encodes({"a": first + last + city}, "iso-8859-1"):
            continue
        rows.append([first, last, email.replace("@", ".fr@"), f"01 45 67 {20 + n:02d} {40 + n:02d}",
                     "Fromagerie Hébert SA", city, _fr_date(date.fromisoformat(born)),
                     _fr_decimal(Decimal("987.65") * (n + 1))])  # fmt: skip
    _write(path, header, rows, delimiter=";", encoding="iso-8859-1")


def _products(path: Path, existing: list[Record]) -> None:
    header = ["Product Code", "Product Name", "Unit Price", "Qty In Stock", "Category",
              "Manufacturer", "Active"]  # fmt: skip
    rows: list[list[Any]] = [
        [p["product_code"], p["name"], str(p["unit_price"] + 10), p["qty_in_stock"] + 5,
         p["category"], p["manufacturer"], "yes"]
        for p in existing
    ]  # fmt: skip
    rows += [
        ["P-900", "Café en grains 1 kg", "18.90", 240, "Consumable", "Brûlerie Côté", "yes"],
        ["P-901", "Thé vert Sencha", "12.50", 80, "Consumable", "Brûlerie Côté", "yes"],
        ["P-902", "Schraubendreher-Satz", "34.00", 35, "Accessory", "Werkzeug Köhler", "no"],
    ]  # "Consumable" is not in the category picklist: the import adds it with a warning
    _write(path, header, rows)


def _salesorders(
    path: Path, contacts: list[Record], org_names: dict[int, str], products: list[Record]
) -> None:
    """One line per item; the order's own columns repeat on each of its lines."""
    header = ["Order Number", "Subject", "Contact Name", "Organization Name", "Status",
              "Due Date", "Product", "Quantity", "List Price"]  # fmt: skip
    rows: list[list[Any]] = []
    for n, contact in enumerate(contacts, start=1):
        org = org_names[contact["organization"]]
        for k in range(n):
            product = products[(7 * n + 3 * k) % len(products)]
            rows.append([f"SO-WEB-{n:04d}", f"Commande web {org}", contact["email"], org,
                         "Created", f"2026-0{n + 1}-15", product["product_code"], k + 1,
                         str(product["unit_price"])])  # fmt: skip
    _write(path, header, rows)


def _bad_rows(path: Path, existing: Record, org_names: dict[int, str]) -> None:
    """Three good rows and four that fail, each for a reason the report names."""
    header = ["First Name", "Last Name", "Email", "Birthdate", "Organization Name"]
    org = org_names[existing["organization"]] if existing["organization"] else ""
    rows = [
        ["Inès", "Dubois", "ines.dubois@exemple.fr", "1990-04-12", org],
        ["Bob", "Martin", "bob@", "1985-06-01", org],  # not an e-mail address
        ["Agnès", "Girard", "agnes.girard@exemple.fr", "31/02/1990", org],  # no such day
        ["Paweł", "Wójcik", "pawel.wojcik@przyklad.pl", "demain", ""],  # not a date
        ["Noël", "", "noel.sans.nom@exemple.fr", "1977-12-25", ""],  # Last Name is mandatory
        [existing["first_name"], existing["last_name"], existing["email"], "1980-01-01", org],
        ["Gonçalo", "Araújo", "goncalo.araujo@exemplo.pt", "1982-09-30", ""],
    ]
    _write(path, header, rows)


def _fr_date(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def _fr_decimal(value: Decimal) -> str:
    """`12500.50` -> `12 500,50`, as French Excel writes a formatted number."""
    whole, _, cents = f"{value:.2f}".partition(".")
    return f"{int(whole):,}".replace(",", " ") + "," + cents
