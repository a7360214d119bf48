"""An export asked through the workspace's socket is written by the owner in place
(`POST /{module}/export`, sync/api/export/to_path.py): the same file a local export writes,
whole or not at all; a Stop (the client hanging up) leaves no file; over TCP the route is
refused, and a relative or missing path is a sentence."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kafinea_tui.backend.local import LocalBackend
from kafinea_tui.backend.remote import RemoteBackend
from kafinea_tui.data.cancel import Cancellation, Cancelled
from kafinea_tui.data.errors import KafineaError
from kafinea_tui.data.exporter.options import ExportOptions
from kafinea_tui.data.exporter.target import ExportResult
from kafinea_tui.data.store.database import Store
from kafinea_tui.sync.api.listener import Listener
from kafinea_tui.sync.owner import reachable
from kafinea_tui.sync.transports import socket_transport
from kafinea_tui.workspace import Workspace
from tests.api.server import API, Api, add_contacts

CONTACTS = 3_000


@pytest.fixture(autouse=True)
def contacts(store: Store) -> None:
    add_contacts(store, CONTACTS)


@pytest.fixture
def remote(listener: Listener, workspace: Workspace) -> Iterator[RemoteBackend]:
    socket = reachable(workspace.socket_path)
    backend = RemoteBackend.connect("http://kafinea", None, "server PID 1", socket=socket)
    try:
        yield backend
    finally:
        backend.client.close()


@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_the_owner_writes_the_file_a_local_export_writes(
    remote: RemoteBackend, store: Store, tmp_path: Path, format: str
) -> None:
    options = ExportOptions(
        module="contacts",
        scope="filter",
        filter='last_name ~ "Name 1"',
        delimiter=";",
        format=format,
    )
    mine = LocalBackend(store).export(options, tmp_path / f"local.{format}")
    theirs = remote.export(options, tmp_path / f"owned.{format}")
    assert theirs == ExportResult(tmp_path / f"owned.{format}", mine.count)
    assert mine.count == 1_111  # "Name 1", "Name 1x", "Name 1xx", "Name 1xxx"
    if format == "csv":
        assert theirs.path is not None and mine.path is not None
        assert theirs.path.read_bytes() == mine.path.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"local.{format}", f"owned.{format}"]


def test_the_owners_progress_reaches_the_client(
    remote: RemoteBackend, store: Store, tmp_path: Path
) -> None:
    seen: list[float] = []
    result = remote.export(ExportOptions(module="contacts"), tmp_path / "c.csv", seen.append)
    assert result.count == CONTACTS
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)
    assert len(seen) >= 3  # the owner's reports, not only the end
    local = LocalBackend(store).export(ExportOptions(module="contacts"), tmp_path / "l.csv")
    assert local.path is not None
    assert (tmp_path / "c.csv").read_bytes() == local.path.read_bytes()


def test_an_error_once_the_reports_have_started_is_the_local_sentence(
    remote: RemoteBackend, store: Store, tmp_path: Path
) -> None:
    store.create("contacts", {"last_name": "Price in €"})
    options = ExportOptions(module="contacts", encoding="iso-8859-1")
    with pytest.raises(KafineaError) as alone:
        LocalBackend(store).export(options, tmp_path / "local.csv")
    seen: list[float] = []
    with pytest.raises(KafineaError) as through:
        remote.export(options, tmp_path / "owned.csv", seen.append)
    assert seen and seen[-1] < 1.0  # it failed after its first report
    assert str(through.value) == str(alone.value)
    assert "€" in str(alone.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("followed", [False, True], ids=["plain", "with progress"])
def test_a_stop_mid_export_leaves_no_file(
    remote: RemoteBackend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, followed: bool
) -> None:
    marker = tmp_path / "held"
    monkeypatch.setenv("KAFINEA_TEST_HOLD_AT", f"0.9:{marker}")  # the owner's hold (in process)
    out = tmp_path / "out"
    out.mkdir()
    stop = Cancellation()
    outcome: list[BaseException | ExportResult] = []
    seen: list[float] = []
    progress = seen.append if followed else None

    def run() -> None:
        try:
            outcome.append(
                remote.export(ExportOptions(module="contacts"), out / "c.csv", progress, stop)
            )
        except BaseException as error:
            outcome.append(error)

    worker = threading.Thread(target=run)
    worker.start()
    deadline = time.monotonic() + 120
    while not marker.exists():  # the owner has written the file under its temporary name
        assert worker.is_alive() and time.monotonic() < deadline, outcome
        time.sleep(0.05)
    assert list(out.iterdir())  # the temporary file, beside the target
    stop.cancel()
    worker.join(60)
    assert not worker.is_alive()
    assert isinstance(outcome[0], Cancelled), outcome
    deadline = time.monotonic() + 30
    while list(out.iterdir()):  # the owner saw its client go: its temporary file goes too
        assert time.monotonic() < deadline, list(out.iterdir())
        time.sleep(0.05)


def test_over_tcp_the_server_does_not_write_its_own_disk(api: Api, tmp_path: Path) -> None:
    target = tmp_path / "c.csv"
    answer = api.http.post(f"{API}/contacts/export", json={"path": str(target)})
    assert answer.status_code == 403
    assert "Only the workspace's own socket" in answer.json()["error"]
    assert not target.exists()


@pytest.mark.parametrize(
    ("body", "sentence"),
    [
        ({"path": "c.csv"}, "absolute path"),
        ({}, "absolute path"),
        ({"file": "/tmp/c.csv"}, "The body has no key 'file'"),
    ],
)
def test_the_path_is_absolute(
    listener: Listener, workspace: Workspace, body: dict[str, str], sentence: str
) -> None:
    transport = socket_transport(reachable(workspace.socket_path))
    with httpx.Client(transport=transport, base_url="http://kafinea", timeout=30) as http:
        answer = http.post(f"{API}/contacts/export", json=body)
    assert answer.status_code == 400
    assert sentence in answer.json()["error"]
