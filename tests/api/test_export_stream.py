"""The export route streams the CSV from the export's thread: the data layer's bytes, the count and
file name in headers, errors before the first byte as JSON; a client that goes away mid-body
stops the export, and the server goes on answering."""

from __future__ import annotations

import io
import threading
import time

import pytest

from kafinea_tui.data.exporter import run
from kafinea_tui.data.exporter.options import ExportOptions
from kafinea_tui.data.exporter.run import export_csv
from kafinea_tui.data.store.database import Store
from kafinea_tui.sync.api.export import answer as export_answer
from tests.api.server import API, Api, add_contacts

CONTACTS = 20_000


@pytest.fixture(autouse=True)
def contacts(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    add_contacts(store, CONTACTS)
    # Small pieces and a short queue: the export is still being sent when the client leaves.
    monkeypatch.setattr(run, "STREAM_CHUNK", 4096)
    monkeypatch.setattr(export_answer, "QUEUE_CHUNKS", 2)


def exports_running() -> int:
    return sum(1 for t in threading.enumerate() if t.name == "kafinea-api-export" and t.is_alive())


def test_the_streamed_export_is_the_data_layers_with_its_count(api: Api) -> None:
    expected = io.BytesIO()
    options = ExportOptions("contacts", scope="filter", filter="last_name ~ 'Name 1'")
    count = export_csv(api.store, options, expected).count
    answer = api.reader.get(f"{API}/contacts/export", params={"filter": "last_name ~ 'Name 1'"})
    assert answer.status_code == 200
    assert answer.content == expected.getvalue()
    assert answer.headers["kafinea-count"] == str(count) == "11111"  # 1, 10-19, ..., 10000-19999
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.headers["content-disposition"] == 'attachment; filename="contacts.csv"'


def test_an_export_error_before_the_first_byte_is_a_json_sentence(api: Api) -> None:
    answer = api.reader.get(f"{API}/contacts/export", params={"filter": "nosuchfield = 1"})
    assert answer.status_code == 400
    assert "nosuchfield" in answer.json()["error"]


def test_a_client_that_goes_away_stops_the_export(api: Api) -> None:
    with api.reader.stream("GET", f"{API}/contacts/export") as answer:
        assert answer.status_code == 200
        first = next(answer.iter_raw(4096))
        assert first.startswith(b"First Name,")
    # The connection is closed with most of the file unsent: the export's thread ends.
    deadline = time.monotonic() + 30
    while exports_running() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert exports_running() == 0
    again = api.reader.get(f"{API}/contacts/export", params={"fields": "last_name"})
    assert again.status_code == 200
    assert len(again.text.splitlines()) == CONTACTS + 1
