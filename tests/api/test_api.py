"""The REST API over real HTTP on 127.0.0.1: auth, records, OpenAPI (import, export and the
changes feed: test_api_import_export.py).

A real uvicorn server runs in a background thread and httpx talks to it as a client would: an
in-process ASGI test would not see what the network sees (status lines, streamed CSV bodies).
"""

from __future__ import annotations

import re

import httpx
import pytest

from kafinea_tui.data.importer.undo import undo_import
from kafinea_tui.data.store.tokens import revoke_token
from kafinea_tui.sync.api.app import create_app
from tests.api.server import API, Api, client

# The records every test starts from, in its own store (conftest.py).
pytestmark = pytest.mark.usefixtures("two_organizations_and_four_people")


# -- auth and health ---------------------------------------------------------------------------


def test_health_needs_no_token_and_every_other_route_does(api: Api) -> None:
    with client(api.base, None) as anonymous:
        assert anonymous.get(f"{API}/health").json()["status"] == "ok"
        missing = anonymous.get(f"{API}/contacts/records")
        assert missing.status_code == 401
        assert "Bearer" in missing.json()["error"]
    with client(api.base, "not-a-token") as wrong:
        for method, path in [
            ("GET", f"{API}/modules"),
            ("GET", f"{API}/contacts/records/1"),
            ("DELETE", f"{API}/contacts/records/1"),
            ("GET", f"{API}/contacts/export"),
            ("GET", f"{API}/contacts/changes"),
        ]:
            answer = wrong.request(method, path)
            assert answer.status_code == 401, path
            assert answer.json()["error"].endswith(".")
    assert api.store.count("contacts") == 4


def test_read_only_token_reads_but_never_writes(api: Api) -> None:
    assert api.reader.get(f"{API}/contacts/records").status_code == 200
    refused = [
        api.reader.post(f"{API}/contacts/records", json={"last_name": "X"}),
        api.reader.patch(f"{API}/contacts/records/1", json={"title": "CEO"}),
        api.reader.delete(f"{API}/contacts/records/1"),
        api.reader.post(f"{API}/contacts/import", content=b"Last Name\nX\n"),
    ]
    assert [r.status_code for r in refused] == [403] * 4
    assert "read-only" in refused[0].json()["error"]
    assert api.store.count("contacts") == 4


def test_a_revoked_token_is_refused_from_the_next_request(api: Api) -> None:
    assert api.http.get(f"{API}/modules").status_code == 200
    revoke_token(api.store, "writer")
    assert api.http.get(f"{API}/modules").status_code == 401


def test_modules_are_the_cli_shape(api: Api) -> None:
    modules = api.http.get(f"{API}/modules").json()
    names = {m["name"] for m in modules}
    assert names == {"contacts", "organizations", "leads", "products", "salesorders"}
    contacts = next(m for m in modules if m["name"] == "contacts")
    assert contacts["key"] == "email"
    organization = next(f for f in contacts["fields"] if f["name"] == "organization")
    assert organization["type"] == "reference" and organization["related"] == "organizations"


# -- records -----------------------------------------------------------------------------------


def test_list_with_filter_sort_and_paging(api: Api) -> None:
    page = api.http.get(
        f"{API}/contacts/records",
        params={
            "filter": 'mailing_city = "Paris" or organization = "Acme"',
            "sort": "first_name:desc",
        },
    ).json()
    assert page["total"] == 2
    assert [r["first_name"] for r in page["records"]] == ["Chloé", "Ann"]
    assert page["records"][0]["organization"] == "Acme"  # the related record's key, not its id
    assert set(page["records"][0]) >= {"id", "email", "created_at", "modified_at"}
    second = api.http.get(
        f"{API}/contacts/records", params={"sort": "last_name", "limit": 2, "offset": 2}
    ).json()
    assert second["total"] == 4
    assert [r["last_name"] for r in second["records"]] == ["Martin", "Ng"]
    assert len(api.http.get(f"{API}/contacts/records").json()["records"]) == 4
    # `-field` is descending, as many web APIs write it; with a direction too, it is refused.
    signed = api.http.get(f"{API}/contacts/records", params={"sort": "-last_name", "limit": 2})
    assert [r["last_name"] for r in signed.json()["records"]] == ["Ng", "Martin"]
    both = api.http.get(f"{API}/contacts/records", params={"sort": "-last_name:asc"})
    assert both.status_code == 400 and "-FIELD" in both.json()["error"]


def test_list_limits_and_bad_parameters_are_sentences(api: Api) -> None:
    too_many = api.http.get(f"{API}/contacts/records", params={"limit": 1001})
    assert too_many.status_code == 400 and "1000" in too_many.json()["error"]
    typo = api.http.get(f"{API}/contacts/records", params={"fliter": "x"})
    assert typo.status_code == 400 and "'fliter'" in typo.json()["error"]
    sort = api.http.get(f"{API}/contacts/records", params={"sort": "shoe_size"})
    assert sort.status_code == 400 and "shoe_size" in sort.json()["error"]
    unknown = api.http.get(f"{API}/invoices/records")
    assert unknown.status_code == 404 and "invoices" in unknown.json()["error"]


@pytest.mark.parametrize(
    "expression",
    [
        'last_name = "x" or 1=1 --',
        'last_name = "\'; DROP TABLE contacts; --"',
        'last_name = "Lee") OR (1=1',
        "email ~ \"%' OR ''='\"",
        'mailing_city in ("Paris", "\\"); DELETE FROM contacts; --")',
    ],
)
def test_hostile_filters_are_values_or_errors_never_sql(api: Api, expression: str) -> None:
    answer = api.http.get(f"{API}/contacts/records", params={"filter": expression})
    assert answer.status_code in (200, 400)
    if answer.status_code == 400:
        body = answer.json()
        assert isinstance(body["position"], int) and "column" in body["error"]
    else:
        assert answer.json()["total"] <= 2
    assert api.store.count("contacts") == 4


def test_a_bad_filter_points_at_its_position(api: Api) -> None:
    answer = api.http.get(f"{API}/contacts/records", params={"filter": 'mailing_city = "Paris'})
    assert answer.status_code == 400
    body = answer.json()
    assert body["position"] == 15 and "Traceback" not in answer.text


def test_create_read_patch_delete(api: Api) -> None:
    report = api.http.post(
        f"{API}/contacts/records",
        json={
            "first_name": "Eve",
            "last_name": "Stone",
            "email": "eve@x.fr",
            "organization": "Initech",
            "birthdate": "1990-04-01",
            "do_not_call": True,
        },
    ).json()
    assert (report["created"], report["failed"], report["related_created"]) == (1, 0, 1)
    found = api.http.get(f"{API}/contacts/records", params={"filter": 'email = "eve@x.fr"'})
    record = found.json()["records"][0]
    assert record["organization"] == "Initech" and record["birthdate"] == "1990-04-01"
    assert record["do_not_call"] is True
    url = f"{API}/contacts/records/{record['id']}"
    assert api.http.get(url).json() == record

    patched = api.http.patch(
        url, json={"title": "CTO", "organization": "Acme", "birthdate": None}
    ).json()
    assert (patched["title"], patched["organization"], patched["birthdate"]) == (
        "CTO",
        "Acme",
        None,
    )
    assert patched["last_name"] == "Stone"  # partial: untouched fields keep their values
    bad = api.http.patch(url, json={"email": "eve@"})
    assert bad.status_code == 422 and "not an email address" in bad.json()["error"]
    missing_ref = api.http.patch(
        url, params={"no_create_related": "true"}, json={"organization": "Nobody Inc"}
    )
    assert missing_ref.status_code == 422 and "Nobody Inc" in missing_ref.json()["error"]
    created_ref = api.http.patch(url, json={"organization": "Nobody Inc"})
    assert created_ref.json()["organization"] == "Nobody Inc"  # created, as an import does
    mandatory = api.http.patch(url, json={"last_name": ""})
    assert mandatory.status_code == 422 and "Last Name" in mandatory.json()["error"]
    assert api.http.patch(url, json={"id": 9}).status_code == 400
    assert api.http.patch(url, json={"shoe_size": 9}).status_code == 400

    assert api.http.delete(url).json() == {"id": record["id"], "deleted": True}
    gone = api.http.get(url)
    assert gone.status_code == 404 and "has no record" in gone.json()["error"]
    assert api.http.delete(url).status_code == 404
    assert api.http.patch(url, json={"title": "x"}).status_code == 404


def test_post_a_list_reports_per_object_and_is_one_batch(api: Api) -> None:
    report = api.http.post(
        f"{API}/contacts/records",
        json=[
            {"last_name": "One", "email": "one@x.fr", "lead_source": "Web Shop"},
            {"last_name": "", "email": "two@x.fr"},
            {"last_name": "Three", "email": "three@"},
        ],
    ).json()
    assert (report["total"], report["created"], report["failed"]) == (3, 1, 2)
    assert [e["line"] for e in report["errors"]] == [2, 3]
    assert "not an email address" in report["errors"][1]["reason"]
    assert any("Web Shop" in w for w in report["warnings"])  # picklist grew
    undo_import(api.store, report["batch"])
    assert api.store.count("contacts") == 4


def test_post_with_duplicates_merges_by_match_field(api: Api) -> None:
    report = api.http.post(
        f"{API}/contacts/records",
        params={"duplicates": "merge", "match": "email"},
        json=[{"email": "ANN@x.fr ", "title": "Buyer"}, {"email": "new@x.fr", "last_name": "New"}],
    ).json()
    assert (report["merged"], report["created"], report["failed"]) == (1, 1, 0)
    ann = api.http.get(f"{API}/contacts/records", params={"filter": 'email = "ann@x.fr"'}).json()
    assert ann["records"][0]["title"] == "Buyer" and ann["records"][0]["last_name"] == "Lee"
    dry = api.http.post(
        f"{API}/contacts/records", params={"dry_run": "true"}, json={"last_name": "Dry"}
    ).json()
    assert dry["created"] == 1 and dry["dry_run"] is True and dry["batch"] is None
    assert dry["ids"] == []  # no record was written: an id would name none
    assert api.store.count("contacts") == 5
    wrong = api.http.post(f"{API}/contacts/records", params={"duplicates": "replace"}, json={})
    assert wrong.status_code == 400
    assert api.http.post(f"{API}/contacts/records", content=b"{nope").status_code == 400
    assert api.http.post(f"{API}/contacts/records", json=[]).status_code == 400
    assert api.http.post(f"{API}/contacts/records", json={"id": 3}).status_code == 400


def test_web_shop_order_with_items_by_product_code(api: Api) -> None:
    api.store.create("products", {"product_code": "P-100", "name": "Widget"})
    order = {
        "order_number": "WEB-1",
        "subject": "Web shop order",
        "contact": "ann@x.fr",
        "status": "Approved",
        "due_date": "2026-11-26",
        "items": [
            {"product": "P-100", "quantity": 2, "list_price": 10.0},
            {"product": "P-200", "quantity": 1, "list_price": 99.5},
        ],
    }
    report = api.http.post(f"{API}/salesorders/records", json=[order, {"order_number": "WEB-2"}])
    body = report.json()
    assert (body["total"], body["created"], body["failed"]) == (2, 1, 1)
    assert body["related_created"] == 1  # P-200 did not exist
    assert body["errors"][0]["line"] == 2 and "Subject" in body["errors"][0]["reason"]
    saved = api.http.get(f"{API}/salesorders/records").json()["records"][0]
    assert saved["contact"] == "ann@x.fr" and saved["due_date"] == "2026-11-26"
    assert saved["items"] == [
        {"product": "P-100", "quantity": 2.0, "list_price": 10.0},
        {"product": "P-200", "quantity": 1.0, "list_price": 99.5},
    ]
    strict = api.http.post(
        f"{API}/salesorders/records",
        params={"no_create_related": "1"},
        json={"order_number": "WEB-3", "subject": "x", "items": [{"product": "P-999"}]},
    ).json()
    assert strict["failed"] == 1 and "P-999" in strict["errors"][0]["reason"]
    patched = api.http.patch(
        f"{API}/salesorders/records/{saved['id']}",
        json={"items": [{"product": "P-200", "quantity": "3", "list_price": 1}]},
    ).json()
    assert patched["items"] == [{"product": "P-200", "quantity": 3.0, "list_price": 1.0}]


def test_openapi_lists_every_route(api: Api) -> None:
    document = httpx.get(f"{api.base}/openapi.json").json()
    assert document["openapi"].startswith("3.")
    described = {
        (path, method.upper()) for path, ops in document["paths"].items() for method in ops
    }
    routes = {
        (re.sub(r":\w+}", "}", route.path), method)  # {id:int}, {name:path}: converters
        for route in create_app(api.store).routes
        for method in getattr(route, "methods", None) or ()
        if method != "HEAD" and route.path.startswith(API)
    }
    assert described == routes
    # 13 for records, modules, export (GET, and POST through the socket) and mass edits, 5 for
    # automation, 6 for its control from a client's sync panel and 4 for its config.toml forms,
    # 4 the app asks as a client, 9 for administration, 3 for list layouts
    assert len(routes) == 44


def test_unknown_routes_and_methods_answer_json(api: Api) -> None:
    nowhere = api.http.get(f"{API}/contacts/nowhere")
    assert nowhere.status_code == 404 and "error" in nowhere.json()
    wrong = api.http.put(f"{API}/contacts/records/1", json={})
    assert wrong.status_code == 405 and "PUT" in wrong.json()["error"]
