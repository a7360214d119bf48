"""A small deterministic workspace for the app tests and the snapshot: built with Store.create,
so it depends on nothing but the store, and its contents are known exactly.

120 contacts (`Name000`..`Name119`), cities cycling Paris, Lyon, Nantes (40 each), 3 organizations,
2 products and one sales order with two lines. The fixtures built on it (`contacts_workspace`,
`contacts_store`, `app`) are in tests/tui/conftest.py.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from kafinea_tui.data.store.database import Store

CITIES = ("Paris", "Lyon", "Nantes")
FIRST = ("Anne", "Bruno", "Chloé", "David", "Émile", "Fanny")
CONTACTS = 120


def fill(store: Store) -> None:
    with store.transaction():  # one commit, not one a record
        _fill(store)


def _fill(store: Store) -> None:
    orgs = [
        store.create("organizations", {"name": name, "billing_city": city})
        for name, city in (("Acme", "Paris"), ("Globex", "Lyon"), ("Initech", "Nantes"))
    ]
    for i in range(CONTACTS):
        store.create(
            "contacts",
            {
                "first_name": FIRST[i % len(FIRST)],
                "last_name": f"Name{i:03d}",
                "email": f"person{i:03d}@example.com",
                "mailing_city": CITIES[i % len(CITIES)],
                "organization": orgs[i % len(orgs)],
                "birthdate": date(1980, 1 + i % 12, 1 + i % 28),
            },
        )
    products = [
        store.create("products", {"product_code": code, "name": name, "unit_price": price})
        for code, name, price in (("P-100", "Bolt", Decimal("1.50")), ("P-200", "Nut", Decimal(2)))
    ]
    store.create(
        "salesorders",
        {
            "order_number": "SO-1",
            "subject": "First order",
            "contact": 1,
            "status": "Approved",
            "items": [
                {"product": products[0], "quantity": Decimal(3), "list_price": Decimal("1.50")},
                {"product": products[1], "quantity": Decimal(1), "list_price": Decimal(2)},
            ],
        },
    )
