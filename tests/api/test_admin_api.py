"""The administration routes over real HTTP (sync/api/admin.py): past imports and undo with its
preview, custom fields, tokens that take effect at once, and who may call them."""

from __future__ import annotations

from kafinea_tui.client import Client
from tests.api.server import API, Api, client


def test_past_imports_undo_preview_and_undo(api: Api) -> None:
    posted = api.http.post(
        f"{API}/contacts/import", content=b"Last Name,Email\nLee,ann@x.fr\nKim,kim@x.fr\n"
    )
    batch = posted.json()["batch"]
    listed = api.reader.get(f"{API}/imports").json()
    assert [(b["batch"], b["module"], b["report"]["created"]) for b in listed] == [
        (batch, "contacts", 2)
    ]
    preview = api.reader.get(f"{API}/imports/{batch}/undo")
    assert preview.json() == {
        "batch": batch,
        "deleted": 2,
        "restored": 0,
        "recreated": 0,
        "kept": [],
    }
    assert api.store.count("contacts") == 2  # a preview changes nothing
    assert api.reader.post(f"{API}/imports/{batch}/undo").status_code == 403
    assert api.http.post(f"{API}/imports/{batch}/undo").json()["deleted"] == 2
    assert api.store.count("contacts") == 0
    again = api.http.post(f"{API}/imports/{batch}/undo")
    assert again.status_code == 422 and "already undone" in again.json()["error"]
    assert api.http.post(f"{API}/imports/999/undo").status_code == 404


def test_fields_list_and_add(api: Api) -> None:
    names = [f["name"] for f in api.reader.get(f"{API}/contacts/fields").json()]
    assert names[:2] == ["first_name", "last_name"]
    added = api.http.post(
        f"{API}/contacts/fields", json={"label": "Size", "type": "picklist", "values": ["S", "M"]}
    )
    assert added.status_code == 200, added.text
    assert added.json()["name"] == "cf_size" and added.json()["values"] == ["S", "M"]
    assert api.store.schema.module("contacts").field("cf_size").custom
    wrong = api.http.post(f"{API}/contacts/fields", json={"label": "X", "type": "reference"})
    assert wrong.status_code == 400
    refused = api.reader.post(f"{API}/contacts/fields", json={"label": "Y", "type": "text"})
    assert refused.status_code == 403


def test_tokens_take_effect_at_once_and_need_a_read_write_token(api: Api) -> None:
    assert api.reader.get(f"{API}/tokens").status_code == 403
    assert [t["name"] for t in api.http.get(f"{API}/tokens").json()] == ["writer", "reader"]
    created = api.http.post(f"{API}/tokens", json={"name": "laptop", "read_only": True})
    assert created.status_code == 200, created.text
    token = created.json()["token"]
    with client(api.base, token) as laptop:
        assert laptop.get(f"{API}/modules").status_code == 200
        assert laptop.post(f"{API}/tokens", json={"name": "more"}).status_code == 403
        assert api.http.delete(f"{API}/tokens/laptop").json() == {"name": "laptop", "revoked": True}
        assert laptop.get(f"{API}/modules").status_code == 401
    assert api.http.delete(f"{API}/tokens/laptop").status_code == 404
    taken = api.http.post(f"{API}/tokens", json={"name": "writer"})
    assert taken.status_code == 422 and "already exists" in taken.json()["error"]


def test_the_typed_client_calls_them(api: Api) -> None:
    token = api.http.post(f"{API}/tokens", json={"name": "script"}).json()["token"]
    with Client(api.base, token) as kafinea:
        made = kafinea.create_token("other", read_only=True)
        assert made["read_only"] is True and len(made["token"]) > 30
        assert {t["name"] for t in kafinea.tokens()} == {"writer", "reader", "script", "other"}
        kafinea.revoke_token("other")
        assert kafinea.add_field("leads", "Score", "integer")["name"] == "cf_score"
        assert [f["name"] for f in kafinea.fields("leads")][-1] == "cf_score"
        report = kafinea.import_csv("contacts", "Last Name\nLee\n")
        assert kafinea.imports()[0]["batch"] == report.batch
        assert kafinea.undo(report.batch or 0, preview=True)["deleted"] == 1
        assert kafinea.undo(report.batch or 0)["deleted"] == 1
