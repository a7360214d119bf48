"""The REST API over real HTTP on 127.0.0.1: a CSV body imported, exports as CSV and workbook
(round-tripping through import), and the changes feed paged with a cursor.

A real uvicorn server runs in a background thread and httpx talks to it as a client would: an
in-process ASGI test would not see what the network sees (status lines, streamed CSV bodies).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from kafinea_tui.sync.api.openapi.document import XLSX
from tests.api.server import API, Api

# The records every test starts from, in its own store (conftest.py).
pytestmark = pytest.mark.usefixtures("two_organizations_and_four_people")


# -- import, export, changes -------------------------------------------------------------------


def test_import_a_semicolon_latin1_csv_body(api: Api) -> None:
    body = "Nom;Prénom;Email;Ville\nÉclair;Zoé;zoe@x.fr;Besançon\nDurand;;bad@;Nîmes\n"
    answer = api.http.post(
        f"{API}/contacts/import",
        params=[
            ("encoding", "iso-8859-1"),
            ("delimiter", "semicolon"),
            ("map", "Nom=last_name"),
            ("map", "Prénom=first_name"),
            ("map", "Email=email"),
            ("map", "Ville=mailing_city"),
            ("default", "title=Client"),
        ],
        content=body.encode("latin-1"),
        headers={"Content-Type": "text/csv"},
    )
    report = answer.json()
    assert answer.status_code == 200
    assert (report["total"], report["created"], report["failed"]) == (2, 1, 1)
    assert report["errors"][0]["line"] == 3  # the line in the file, header counted
    zoe = api.http.get(f"{API}/contacts/records", params={"filter": 'email = "zoe@x.fr"'}).json()
    record = zoe["records"][0]
    assert (record["last_name"], record["mailing_city"], record["title"]) == (
        "Éclair",
        "Besançon",
        "Client",
    )
    bad = api.http.post(
        f"{API}/contacts/import", params={"map": "Nope=email"}, content=b"Email\na@b.fr\n"
    )
    assert bad.status_code == 400 and "Nope" in bad.json()["error"]
    dry = api.http.post(
        f"{API}/contacts/import", params={"dry_run": "yes"}, content=b"Last Name\nX\n"
    ).json()
    assert dry["dry_run"] is True and dry["created"] == 1
    assert api.store.count("contacts") == 5


def test_export_as_a_workbook(api: Api, tmp_path: Path) -> None:
    import openpyxl

    answer = api.http.get(
        f"{API}/contacts/export",
        params={"format": "xlsx", "sort": "last_name", "fields": "last_name"},
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == XLSX
    (tmp_path / "contacts.xlsx").write_bytes(answer.content)
    sheet = openpyxl.load_workbook(tmp_path / "contacts.xlsx")["Contacts"]
    names = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert names == sorted(names) and len(names) == api.store.count("contacts")
    bad = api.http.get(f"{API}/contacts/export", params={"format": "pdf"})
    assert bad.status_code == 400 and "csv or xlsx" in bad.json()["error"]


def test_export_csv_round_trips_through_import(api: Api) -> None:
    answer = api.http.get(
        f"{API}/contacts/export",
        params={"filter": 'mailing_city = "Paris"', "delimiter": "semicolon", "sort": "last_name"},
    )
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.text), delimiter=";"))
    assert rows[0][:3] == ["First Name", "Last Name", "Email"]
    assert [r[1] for r in rows[1:]] == ["Dubois", "Lee"]
    latin = api.http.get(
        f"{API}/contacts/export", params={"encoding": "iso-8859-1", "fields": "first_name"}
    )
    assert (
        "iso-8859-1" in latin.headers["content-type"] and "Chloé".encode("latin-1") in latin.content
    )

    # Delete the exported ones, then import the file as exported: they are back, same values.
    for record in api.http.get(
        f"{API}/contacts/records", params={"filter": 'mailing_city = "Paris"'}
    ).json()["records"]:
        api.http.delete(f"{API}/contacts/records/{record['id']}")
    report = api.http.post(
        f"{API}/contacts/import", params={"delimiter": "semicolon"}, content=answer.content
    ).json()
    assert (report["created"], report["failed"]) == (2, 0)
    again = api.http.get(f"{API}/contacts/export", params=answer.request.url.params)
    assert again.text == answer.text
    bad = api.http.get(f"{API}/contacts/export", params={"encoding": "ebcdic"})
    assert bad.status_code == 400 and "ebcdic" in bad.json()["error"]


def test_changes_feed_pages_with_a_cursor(api: Api) -> None:
    first = api.http.get(f"{API}/contacts/changes").json()
    assert [c["op"] for c in first["changes"]] == ["create"] * 4
    cursor = first["cursor"]
    assert api.http.get(f"{API}/contacts/changes", params={"since": cursor}).json() == {
        "changes": [],
        "cursor": cursor,
        "more": False,
    }
    api.http.patch(f"{API}/contacts/records/2", json={"title": "Boss"})
    api.http.delete(f"{API}/contacts/records/3")
    api.http.post(f"{API}/organizations/records", json={"name": "Elsewhere"})
    news = api.http.get(f"{API}/contacts/changes", params={"since": cursor}).json()
    assert [(c["op"], c["id"], c["source"]) for c in news["changes"]] == [
        ("update", 2, "api"),
        ("delete", 3, "api"),
    ]
    assert news["changes"][0]["fields"] == ["title"] and news["changes"][0]["at"]
    assert int(news["cursor"]) > int(cursor)
    paged = api.http.get(f"{API}/contacts/changes", params={"since": cursor, "limit": 1}).json()
    assert len(paged["changes"]) == 1 and paged["more"] is True
    bad = api.http.get(f"{API}/contacts/changes", params={"since": "yesterday"})
    assert bad.status_code == 400
