"""What the API writes follows the importer's rules, over real HTTP: an order's total is the sum
of its lines (POST and PATCH), and a guarded cell of a CSV body is read without its apostrophe
unless `no_formula_guard` says so, while a posted JSON value is never unguarded."""

from __future__ import annotations

import pytest

from kafinea_tui.data.store.database import Store
from tests.api.server import API, Api


@pytest.fixture(autouse=True)
def products(store: Store) -> None:
    store.create("products", {"product_code": "P-1", "name": "One"})
    store.create("products", {"product_code": "P-2", "name": "Two"})


class TestOrderTotalsOverTheApi:
    def test_post_and_patch_sum_the_lines(self, api: Api) -> None:
        session = api.http
        posted = session.post(
            f"{API}/salesorders/records",
            json={
                "order_number": "SO-1",
                "subject": "Web",
                "total": 1,
                "items": [
                    {"product": "P-1", "quantity": 2, "list_price": 2.5},
                    {"product": "P-2", "quantity": 1.5, "list_price": 1000},
                ],
            },
        )
        assert posted.status_code == 200, posted.text
        listed = session.get(f"{API}/salesorders/records").json()["records"]
        assert [(r["order_number"], r["total"]) for r in listed] == [("SO-1", 1505.0)]
        order = listed[0]["id"]
        patched = session.patch(
            f"{API}/salesorders/records/{order}",
            json={"items": [{"product": "P-2", "quantity": 3, "list_price": 0.1}]},
        )
        assert patched.status_code == 200, patched.text
        assert patched.json()["total"] == 0.3
        # The total alone cannot unbalance an order with lines, and the client is told so, as
        # a mass edit tells it; the lines' own sum, as a client sends the record back, passes.
        patched = session.patch(f"{API}/salesorders/records/{order}", json={"total": 99})
        assert patched.status_code == 422
        assert patched.json()["error"] == (
            "Total: the total of an order with lines is the sum of its lines."
        )
        assert session.get(f"{API}/salesorders/records/{order}").json()["total"] == 0.3
        same = session.patch(
            f"{API}/salesorders/records/{order}", json={"total": 0.3, "subject": "Web 2"}
        )
        assert same.status_code == 200 and same.json()["subject"] == "Web 2"


class TestFormulaGuardOverTheApi:
    def test_csv_bodies_read_the_guard_off_json_values_keep_it(self, api: Api) -> None:
        store, session = api.store, api.http
        body = b"Last Name,Phone\nRossi,'+39 011 42 74 54\n"
        for params in ({}, {"no_formula_guard": "true"}):
            answer = session.post(f"{API}/contacts/import", params=params, content=body)
            assert answer.status_code == 200, answer.text
        posted = session.post(
            f"{API}/contacts/records", json={"last_name": "Json", "phone": "'+1 555"}
        )
        assert posted.status_code == 200, posted.text
        assert store.cursor().execute("SELECT phone FROM contacts ORDER BY id").fetchall() == [
            ("+39 011 42 74 54",),
            ("'+39 011 42 74 54",),
            ("'+1 555",),
        ]
