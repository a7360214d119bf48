"""The list layouts over real HTTP (sync/api/layouts.py): what the layout manager of an app that
is a client keeps in the workspace, read back by the next app, checked against the module's
fields, and written only with a token that may write."""

from __future__ import annotations

from kafinea_tui.client import Client
from kafinea_tui.data.list_layout import ColumnLayout, read_layout, save_layout
from tests.api.server import API, Api


def test_a_layout_put_is_kept_and_read_back_by_every_route(api: Api) -> None:
    assert api.reader.get(f"{API}/layouts").json() == {}  # nothing arranged yet
    assert api.reader.get(f"{API}/leads/layout").json() == {"order": [], "hidden": []}
    layout = {"order": ["email", "last_name", "first_name"], "hidden": ["first_name"]}
    put = api.http.put(f"{API}/contacts/layout", json=layout)
    assert put.status_code == 200, put.text
    assert put.json() == layout
    # In the workspace, where the owner's own app reads it at its next start.
    kept = read_layout(api.store, "contacts")
    assert kept == ColumnLayout(("email", "last_name", "first_name"), frozenset({"first_name"}))
    assert kept.shown(api.store.module("contacts"))[:2] == ("email", "last_name")
    assert api.reader.get(f"{API}/contacts/layout").json() == layout
    assert api.reader.get(f"{API}/layouts").json() == {"contacts": layout}


def test_labels_read_as_names_and_what_is_no_field_is_refused(api: Api) -> None:
    save_layout(api.store, "contacts", ColumnLayout(("email",), frozenset()))
    put = api.http.put(f"{API}/contacts/layout", json={"order": ["Mailing City", "email"]})
    assert put.json() == {"order": ["mailing_city", "email"], "hidden": []}
    wrong = {
        "order": ["shoe_size"],
        "hidden": "email",
        "colour": ["email"],
    }
    for key, value in wrong.items():
        answer = api.http.put(f"{API}/contacts/layout", json={key: value})
        assert answer.status_code == 400, (key, answer.text)
        assert answer.json()["error"].endswith(".")
    unknown = api.http.put(f"{API}/contacts/layout", json={"order": ["shoe_size"]})
    assert unknown.json()["error"] == "Contacts has no field 'shoe_size' (in 'order')."
    assert api.http.put(f"{API}/contacts/layout", content=b"[1]").status_code == 400
    assert api.http.put(f"{API}/nowhere/layout", json={}).status_code == 404
    # Nothing refused was kept.
    assert read_layout(api.store, "contacts") == ColumnLayout(("mailing_city", "email"))


def test_saving_needs_a_token_that_writes(api: Api) -> None:
    refused = api.reader.put(f"{API}/contacts/layout", json={"hidden": ["email"]})
    assert refused.status_code == 403
    assert read_layout(api.store, "contacts") == ColumnLayout()
    answer = api.http.request("DELETE", f"{API}/contacts/layout")
    assert answer.status_code == 405 and set(answer.headers["allow"].split(", ")) >= {"GET", "PUT"}


def test_the_typed_client_calls_them(api: Api) -> None:
    token = api.http.post(f"{API}/tokens", json={"name": "script"}).json()["token"]
    with Client(api.base, token) as kafinea:
        kept = kafinea.save_layout("leads", ["company", "last_name"], hidden=["last_name"])
        assert kept == {"order": ["company", "last_name"], "hidden": ["last_name"]}
        assert kafinea.layouts() == {"leads": kept}
