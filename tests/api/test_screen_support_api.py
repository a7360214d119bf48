"""The routes the app asks as a client, over real HTTP: matching ids, the mass edit's and
delete's previews, reference completions, and the ids of records posted as JSON."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from kafinea_tui.data.store.database import Store
from kafinea_tui.data.store.tokens import create_token
from tests.api.server import API, client, serve


@pytest.fixture
def http() -> Iterator[tuple[Store, httpx.Client, httpx.Client]]:
    store = Store.open(":memory:")
    writer = create_token(store, "shop")
    reader = create_token(store, "dashboard", read_only=True)
    acme = store.create("organizations", {"name": "Acme"})
    store.create("organizations", {"name": "Acme Labs"})
    for i, name in enumerate(("Jaurès", "Lee", "Brûlé", "Lemaître")):
        store.create(
            "contacts",
            {"last_name": name, "email": f"c{i}@x.fr", "organization": acme if i % 2 else None},
        )
    with serve(store) as base, client(base, writer) as w, client(base, reader) as r:
        yield store, w, r
    store.close()


def ids_of(store: Store, sql: str) -> list[int]:
    return [int(r[0]) for r in store.cursor().execute(sql).fetchall()]


def test_matching_ids_and_how_many_of_a_selection_a_filter_shows(
    http: tuple[Store, httpx.Client, httpx.Client],
) -> None:
    store, _, r = http
    # `le` ignoring accents: Lee, Brûlé, Lemaître
    les = ids_of(store, "SELECT id FROM contacts WHERE last_name <> 'Jaurès' ORDER BY id")
    every = ids_of(store, "SELECT id FROM contacts ORDER BY id")
    found = r.post(f"{API}/contacts/matching", json={"search": "le"}).json()
    assert found == {"ids": les, "count": 3}
    found = r.post(f"{API}/contacts/matching", json={"filter": ""}).json()
    assert found["ids"] == every
    among = r.post(
        f"{API}/contacts/matching", json={"filter": "organization is empty", "among": every[:3]}
    ).json()
    assert among == {"ids": None, "count": 2}  # the first and third of the three
    bad = r.post(f"{API}/contacts/matching", json={"filter": "last_name ="})
    assert bad.status_code == 400 and bad.json()["position"] == 11
    assert r.post(f"{API}/contacts/matching", json={"ids": [1]}).status_code == 400
    assert r.post(f"{API}/contacts/matching", json={"among": ["x"]}).status_code == 400


def test_previews_write_nothing_and_need_a_writer(
    http: tuple[Store, httpx.Client, httpx.Client],
) -> None:
    store, w, r = http
    body = {"search": "le", "values": {"title": "Buyer"}}
    preview = w.post(f"{API}/contacts/update/preview", json=body, params={"limit": 1}).json()
    assert preview["count"] == 3 and preview["errors"] == []
    assert len(preview["records"]) == 1
    assert preview["records"][0]["after"] == {"Title": "Buyer"}
    bad = w.post(f"{API}/contacts/update/preview", json={"ids": [], "values": {"birthdate": "x"}})
    assert bad.status_code == 200 and bad.json()["errors"]
    acme = ids_of(store, "SELECT id FROM organizations WHERE name = 'Acme'")
    impact = w.post(f"{API}/organizations/delete/preview", json={"ids": acme}).json()
    assert impact["count"] == 1
    assert [x["count"] for x in impact["references"] if x["module"] == "contacts"] == [2]
    assert store.count("organizations") == 2
    assert ids_of(store, "SELECT id FROM contacts WHERE title IS NOT NULL") == []
    refused = r.post(f"{API}/organizations/delete/preview", json={"ids": []})
    assert refused.status_code == 403


def test_completions_and_created_ids(http: tuple[Store, httpx.Client, httpx.Client]) -> None:
    _store, w, r = http
    keys = r.get(f"{API}/contacts/completions", params={"field": "organization", "prefix": "ac"})
    assert keys.json() == {"keys": ["Acme", "Acme Labs"]}
    wrong = r.get(f"{API}/contacts/completions", params={"field": "email", "prefix": "a"})
    assert wrong.status_code == 400
    created = w.post(f"{API}/contacts/records", json=[{"last_name": "A"}, {"last_name": "B"}])
    report = created.json()
    assert report["created"] == 2 and len(report["ids"]) == 2
    shown = [r.get(f"{API}/contacts/records/{i}").json()["last_name"] for i in report["ids"]]
    assert shown == ["A", "B"]
