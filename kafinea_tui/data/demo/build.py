"""The demo workspace: a deterministic small CRM to browse, filter, import into and export from.

`build_demo` fills an empty store with about 200 organizations, 2,000 contacts, 300 leads,
50 products and 300 sales orders with 1-5 items each, then writes sample CSV files to try the
import on. A fixed seed and a fixed base date make every build identical (only the `created_at`
and `modified_at` stamps differ), so tests, screenshots and the README can name real records.

The rows are built in Python (a few thousand, cheap) and written set-based: one Arrow table per
module, registered in DuckDB and inserted with one `INSERT ... SELECT`, all in one transaction
with the change-log entries (source "demo"). Ids come from each module's sequence, reserved up
front, so references between modules are known before anything is written.
"""

from __future__ import annotations

import random
import unicodedata
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from kafinea_tui.data.demo import words
from kafinea_tui.data.demo.samples import write_samples
from kafinea_tui.data.schema import LINE_ITEMS_TABLE
from kafinea_tui.data.store.database import Record, Store, log_changes, utc_now

SEED = 20261126
BASE_DATE = date(2026, 1, 1)  # dates in the demo are relative to this, never to today
COUNTS: dict[str, int] = {
    "organizations": 200,
    "contacts": 2000,
    "leads": 300,
    "products": 50,
    "salesorders": 300,
}
TLDS = {
    "France": "fr", "Germany": "de", "Switzerland": "ch", "Belgium": "be", "Poland": "pl",
    "Spain": "es", "Portugal": "pt", "Italy": "it", "Sweden": "se", "Denmark": "dk",
    "Czechia": "cz",
}  # fmt: skip
_ASCII_EXTRA = str.maketrans({"ß": "ss", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae"})


def build_demo(store: Store, samples_dir: Path) -> None:
    """Fill an empty workspace with the demo records and write the sample CSV files."""
    rng = random.Random(SEED)
    schema = store.schema
    picklist = {(m.name, f.name): list(f.values) for m in schema.modules.values() for f in m.fields}
    with store.transaction() as cur:
        ids = {module: _reserve_ids(cur, module, n) for module, n in COUNTS.items()}
        orgs = _organizations(rng, ids["organizations"], picklist)
        contacts = _contacts(rng, ids["contacts"], orgs, picklist)
        leads = _leads(rng, ids["leads"], picklist)
        products = _products(rng, ids["products"])
        orders, items = _orders(rng, ids["salesorders"], contacts, orgs, products, picklist)
        for module, rows in (
            ("organizations", orgs),
            ("contacts", contacts),
            ("leads", leads),
            ("products", products),
            ("salesorders", orders),
        ):
            _insert(cur, module, rows)
        _insert_table(cur, LINE_ITEMS_TABLE, items)
        # Inside the transaction: if the samples cannot be written, no half demo is left.
        write_samples(samples_dir, orgs, contacts, products)


def ascii_slug(text: str, sep: str = "-") -> str:
    """`Schröder & Fils` -> `schroder-fils`: for e-mail addresses and web domains."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_ASCII_EXTRA))
    plain = "".join(c for c in decomposed if c.isascii() and (c.isalnum() or c == " "))
    return sep.join(plain.lower().split())


def _reserve_ids(cur: duckdb.DuckDBPyConnection, module: str, count: int) -> list[int]:
    rows = cur.execute(f"SELECT nextval('{module}_id_seq') FROM range(?)", [count]).fetchall()
    return sorted(int(r[0]) for r in rows)


def _insert(cur: duckdb.DuckDBPyConnection, module: str, rows: list[Record]) -> None:
    """Insert a module's rows in one statement and log one `create` change for each."""
    now = utc_now()
    stamped = [{**row, "created_at": now, "modified_at": now} for row in rows]
    view = _insert_table(cur, module, stamped, keep=True)
    try:
        fields = [name for name in rows[0] if name != "id"]
        log_changes(
            cur, module, f"SELECT id FROM {view} ORDER BY id", "create", "demo", fields=fields
        )
    finally:
        cur.unregister(view)


def _insert_table(
    cur: duckdb.DuckDBPyConnection, table: str, rows: list[Record], keep: bool = False
) -> str:
    view = f"kf_demo_{table}"
    arrow = pa.Table.from_pylist(rows)
    cur.register(view, arrow)
    columns = ", ".join(arrow.column_names)
    cur.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {view}")
    if not keep:
        cur.unregister(view)
    return view


def _phone(rng: random.Random, prefix: str) -> str:
    return f"{prefix} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low * 100, high * 100)) / 100


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{name} {n}" if "@" not in name else name.replace("@", f"{n}@")
    taken.add(candidate.lower())
    return candidate


def _organizations(rng: random.Random, ids: list[int], picklist: Any) -> list[Record]:
    taken: set[str] = set()
    rows = []
    for record_id in ids:
        word, last = rng.choice(words.COMPANY_WORDS), rng.choice(words.LAST_NAMES)
        name = _unique(f"{word} {last} {rng.choice(words.COMPANY_SUFFIXES)}", taken)
        city, zip_code, country, prefix = rng.choice(words.CITIES)
        domain = f"{ascii_slug(f'{word} {last}')}.{TLDS[country]}"
        rows.append({
            "id": record_id, "name": name, "website": f"https://www.{domain}",
            "phone": _phone(rng, prefix), "email": f"contact@{domain}",
            "industry": rng.choice(picklist["organizations", "industry"]),
            "employees": rng.choice((3, 8, 12, 25, 40, 75, 120, 250, 600, 1500)),
            "annual_revenue": _money(rng, 50_000, 90_000_000),
            "billing_street": f"{rng.randint(1, 180)} {rng.choice(words.STREETS)}",
            "billing_city": city, "billing_zip": zip_code, "billing_country": country,
            "description": None,
        })  # fmt: skip
    return rows


def _person(rng: random.Random, domain: str, taken: set[str]) -> tuple[str, str, str]:
    first, last = rng.choice(words.FIRST_NAMES), rng.choice(words.LAST_NAMES)
    email = _unique(f"{ascii_slug(first, '')}.{ascii_slug(last, '')}@{domain}", taken)
    return first, last, email


def _contacts(
    rng: random.Random, ids: list[int], orgs: list[Record], picklist: Any
) -> list[Record]:
    taken: set[str] = set()
    rows = []
    for record_id in ids:
        org = rng.choice(orgs) if rng.random() < 0.95 else None
        domain = org["website"].removeprefix("https://www.") if org else "example.org"
        first, last, email = _person(rng, domain, taken)
        city, zip_code, country, prefix = rng.choice(words.CITIES)
        if org and rng.random() < 0.7:
            city, zip_code, country = (
                org["billing_city"],
                org["billing_zip"],
                org["billing_country"],
            )
        rows.append({
            "id": record_id, "first_name": first, "last_name": last, "email": email,
            "phone": _phone(rng, prefix),
            "mobile": _phone(rng, prefix.split()[0] + " 6") if rng.random() < 0.6 else None,
            "title": rng.choice(words.TITLES), "department": rng.choice(words.DEPARTMENTS),
            "organization": org["id"] if org else None,
            "birthdate": BASE_DATE - timedelta(days=rng.randint(22 * 365, 65 * 365)),
            "mailing_street": f"{rng.randint(1, 180)} {rng.choice(words.STREETS)}",
            "mailing_city": city, "mailing_zip": zip_code, "mailing_country": country,
            "lead_source": rng.choice(picklist["contacts", "lead_source"]),
            "do_not_call": rng.random() < 0.1, "description": None,
        })  # fmt: skip
    return rows


def _leads(rng: random.Random, ids: list[int], picklist: Any) -> list[Record]:
    taken: set[str] = set()
    rows = []
    for record_id in ids:
        word, owner = rng.choice(words.COMPANY_WORDS), rng.choice(words.LAST_NAMES)
        city, _zip, country, prefix = rng.choice(words.CITIES)
        first, last, email = _person(
            rng, f"{ascii_slug(word + ' ' + owner)}.{TLDS[country]}", taken
        )
        rows.append({
            "id": record_id, "first_name": first, "last_name": last,
            "company": f"{word} {owner}", "email": email, "phone": _phone(rng, prefix),
            "lead_status": rng.choice(picklist["leads", "lead_status"]),
            "lead_source": rng.choice(picklist["leads", "lead_source"]),
            "annual_revenue": _money(rng, 20_000, 5_000_000), "city": city, "country": country,
            "description": None,
        })  # fmt: skip
    return rows


def _products(rng: random.Random, ids: list[int]) -> list[Record]:
    rows = []
    for n, record_id in enumerate(ids):
        name, category, maker = words.PRODUCTS[n % len(words.PRODUCTS)]
        rows.append({
            "id": record_id, "product_code": f"P-{100 + n}",
            "name": name if n < len(words.PRODUCTS) else f"{name} Pro",
            "unit_price": _money(rng, 5, 2500), "qty_in_stock": rng.randint(0, 500),
            "category": category, "manufacturer": maker, "active": rng.random() < 0.9,
            "description": None,
        })  # fmt: skip
    return rows


def _orders(
    rng: random.Random,
    ids: list[int],
    contacts: list[Record],
    orgs: list[Record],
    products: list[Record],
    picklist: Any,
) -> tuple[list[Record], list[Record]]:
    org_names = {org["id"]: org["name"] for org in orgs}
    with_org = [c for c in contacts if c["organization"] is not None]
    statuses = picklist["salesorders", "status"]
    weights = (5, 4, 3, 2, 3, 6, 1)  # Created ... Cancelled: most orders are delivered
    orders, items = [], []
    for n, record_id in enumerate(ids, start=1):
        contact = rng.choice(with_org)
        chosen = rng.sample(products, rng.randint(1, 5))
        total = Decimal(0)
        for position, product in enumerate(chosen, start=1):
            quantity = Decimal(rng.randint(1, 20))
            total += quantity * product["unit_price"]
            items.append({
                "salesorder_id": record_id, "position": position, "product": product["id"],
                "quantity": quantity, "list_price": product["unit_price"],
            })  # fmt: skip
        orders.append({
            "id": record_id, "order_number": f"SO-{BASE_DATE.year}-{n:04d}",
            "subject": f"Commande {org_names[contact['organization']]}",
            "contact": contact["id"], "organization": contact["organization"],
            "status": rng.choices(statuses[: len(weights)], weights=weights[: len(statuses)])[0],
            "due_date": BASE_DATE + timedelta(days=rng.randint(0, 330)), "total": total,
        })  # fmt: skip
    return orders, items
