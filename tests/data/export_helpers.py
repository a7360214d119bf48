"""The records the export tests start from, and how they read an exported file back.

`write_records` fills a test's own store (the `export_records` fixture in conftest.py calls it
for each test: most tests change the records); `rows` reads a CSV file as lists of cells and
`leftovers` lists the temporary files an export left in a folder (none, ever); `sorted_plan`
makes every export take the sorted path, the reference the table order is compared with.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from kafinea_tui.data.exporter import plan as export_plan
from kafinea_tui.data.store.database import Store


def write_records(store: Store) -> None:
    """An organization, three contacts with awkward values, two products, two sales orders."""
    acme = store.create("organizations", {"name": "Acme, Inc", "employees": 12})
    store.create(
        "contacts",
        {
            "first_name": "Zoé",
            "last_name": "Dupont",
            "email": "zoe@acme.test",
            "phone": "+33 1 23 45",
            "organization": acme,
            "birthdate": date(1980, 1, 2),
            "do_not_call": True,
            "mailing_city": "Paris",
            "description": 'Said "hi"\nthen left; | ^ \t tab',
        },
    )
    store.create("contacts", {"first_name": "Ann", "last_name": "=1+1", "do_not_call": False})
    store.create("contacts", {"first_name": "", "last_name": "Øre €", "mailing_city": "Lyon"})
    bolt = store.create("products", {"product_code": "P-1", "name": "Bolt", "unit_price": "-5.5"})
    nut = store.create("products", {"product_code": "-P2", "name": "Nut", "active": True})
    zoe = store.find_by_key("contacts", "zoe@acme.test")[0]
    store.create(
        "salesorders",
        {
            "order_number": "SO-1",
            "subject": "First",
            "contact": zoe,
            "organization": acme,
            "total": "1234.5",
            "due_date": date(2026, 11, 26),
            "items": [
                {"product": bolt, "quantity": 2, "list_price": "1.5"},
                {"product": nut, "quantity": 1, "list_price": "1000"},
            ],
        },
    )
    store.create("salesorders", {"order_number": "SO-2", "subject": "No items"})


def rows(path: Path, delimiter: str = ",", encoding: str = "utf-8") -> list[list[str]]:
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.reader(handle, delimiter=delimiter))


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".part"))


def sorted_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every export take the JOIN and ORDER BY id path, the reference for the bytes."""
    monkeypatch.setattr(export_plan, "keeps_table_order", lambda *_args: False)
