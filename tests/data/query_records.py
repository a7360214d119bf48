"""The small store the query tests read, and how they read it back.

A few records with awkward values (accents, quotes, spaces, empty and missing values, line
items): `fill` writes them, the `query_store` fixture (conftest.py) holds them once a module.
"""

from __future__ import annotations

from datetime import date

from kafinea_tui.data.query import ListQuery, fetch_page
from kafinea_tui.data.store.database import Store


def fill(store: Store) -> None:
    """Three organizations, five contacts with awkward values, two products, three orders."""
    acme = store.create(
        "organizations", {"name": "Acme", "employees": 120, "annual_revenue": "1500.50"}
    )
    globex = store.create("organizations", {"name": "Globex Ltd", "employees": 8})
    store.create("organizations", {"name": "Initech", "employees": None})
    people = [
        ("Jean", "Dupont", "Paris", acme, date(1980, 5, 1), True, "Buyer", "jean@acme.test"),
        ("Zoé", "Éclair", "paris ", globex, date(1992, 1, 15), False, "CTO", "zoe@globex.test"),
        ("ann", "Smith", "Lyon", None, None, None, "Head Buyer", None),
        ("Bob", "O'Neil", "", acme, date(2001, 12, 31), True, "  ", "bob@acme.test"),
        ("Carl", 'Say "hi"', None, None, date(1980, 7, 7), False, "Clerk", "carl@x.test"),
    ]
    for first, last, city, org, birth, dnc, title, email in people:
        store.create(
            "contacts",
            {
                "first_name": first,
                "last_name": last,
                "mailing_city": city,
                "organization": org,
                "birthdate": birth,
                "do_not_call": dnc,
                "title": title,
                "email": email,
            },
        )
    p1 = store.create("products", {"product_code": "P-100", "name": "Bolt", "unit_price": "2.50"})
    p2 = store.create("products", {"product_code": "P-200", "name": "Nut", "active": True})
    jean = store.find_by_key("contacts", "jean@acme.test")[0]
    store.create(
        "salesorders",
        {
            "order_number": "SO-1",
            "subject": "First",
            "contact": jean,
            "organization": acme,
            "status": "Approved",
            "items": [{"product": p1, "quantity": 2, "list_price": "2.50"}],
        },
    )
    store.create(
        "salesorders",
        {
            "order_number": "SO-2",
            "subject": "Second",
            "status": "Created",
            "items": [
                {"product": p2, "quantity": 1, "list_price": 1},
                {"product": p1, "quantity": 3, "list_price": 2},
            ],
        },
    )
    store.create("salesorders", {"order_number": "SO-3", "subject": "Empty"})


def last_names(store: Store, expression: str) -> list[str]:
    page = fetch_page(store, ListQuery("contacts", filter=expression), 0, 100)
    index = [f.name for f in page.fields].index("last_name")
    return sorted(row[index] for row in page.rows)


def names(store: Store, module: str, expression: str, key: str) -> list[str]:
    page = fetch_page(store, ListQuery(module, filter=expression), 0, 100)
    index = [f.name for f in page.fields].index(key)
    return sorted(row[index] for row in page.rows)
