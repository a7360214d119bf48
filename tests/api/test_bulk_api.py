"""Mass edit and delete over real HTTP: POST /api/v1/{module}/update and /delete."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from kafinea_tui.data.importer.undo import undo_import
from kafinea_tui.data.store.database import Store
from kafinea_tui.data.store.tokens import create_token
from tests.api.server import API, client, serve


@pytest.fixture
def http() -> Iterator[tuple[Store, httpx.Client, httpx.Client]]:
    store = Store.open(":memory:")
    writer = create_token(store, "shop")
    reader = create_token(store, "dashboard", read_only=True)
    acme = store.create("organizations", {"name": "Acme"})
    for i, name in enumerate(("Jaurès", "Lee", "Brûlé")):
        store.create(
            "contacts",
            {"last_name": name, "email": f"c{i}@x.fr", "organization": acme if i else None},
        )
    with serve(store) as base, client(base, writer) as w, client(base, reader) as r:
        yield store, w, r
    store.close()


def test_update_by_search_ignoring_accents_logged_with_the_token(
    http: tuple[Store, httpx.Client, httpx.Client],
) -> None:
    store, w, _ = http
    answer = w.post(
        f"{API}/contacts/update",
        json={"search": "jaures", "values": {"title": "Buyer", "do_not_call": True}},
    )
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert (report["matched"], report["updated"], report["batch"]) == (1, 1, 1)
    rows = (
        store.cursor()
        .execute("SELECT title, do_not_call FROM contacts WHERE last_name = 'Jaurès'")
        .fetchall()
    )
    assert rows == [("Buyer", True)]
    logged = (
        store.cursor()
        .execute("SELECT source, actor, fields FROM kf_changes WHERE batch_id = 1")
        .fetchall()
    )
    assert logged == [("api", "shop", ["title", "do_not_call"])]


def test_update_dry_run_and_errors(http: tuple[Store, httpx.Client, httpx.Client]) -> None:
    _store, w, r = http
    dry = w.post(
        f"{API}/contacts/update",
        params={"dry_run": "true"},
        json={"filter": "", "values": {"title": None}},
    )
    assert dry.json()["dry_run"] is True and dry.json()["unchanged"] == 3
    bad = w.post(f"{API}/contacts/update", json={"ids": [1], "values": {"birthdate": "demain"}})
    assert bad.status_code == 400
    assert bad.json() == {"error": "Birthdate: not a date (yyyy-mm-dd): 'demain'."}
    no_selection = w.post(f"{API}/contacts/update", json={"values": {"title": "x"}})
    assert no_selection.status_code == 400 and "Say which records" in no_selection.json()["error"]
    bad_filter = w.post(f"{API}/contacts/update", json={"filter": "citty = x", "values": {"a": 1}})
    assert bad_filter.status_code == 400
    assert (
        r.post(f"{API}/contacts/update", json={"ids": [1], "values": {"title": "x"}}).status_code
        == 403
    )
    assert w.post(f"{API}/nothing/update", json={"ids": [1]}).status_code == 404


def test_delete_clears_references_and_undo_restores(
    http: tuple[Store, httpx.Client, httpx.Client],
) -> None:
    store, w, _ = http
    dry = w.post(f"{API}/organizations/delete", params={"dry_run": "1"}, json={"ids": [1]})
    assert dry.json()["cleared"] == ["2 Contacts keep existing with Organization Name cleared"]
    assert store.count("organizations") == 1
    done = w.post(f"{API}/organizations/delete", json={"filter": 'name = "acme"'})
    assert done.status_code == 200, done.text
    assert done.json()["deleted"] == 1 and store.count("organizations") == 0
    undo_import(store, done.json()["batch"])
    assert store.cursor().execute(
        "SELECT count(*) FROM contacts WHERE organization = 1"
    ).fetchall() == [(2,)]
