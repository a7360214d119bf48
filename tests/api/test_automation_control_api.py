"""The owner's engine and config.toml over real HTTP (sync/api/automation/control.py): its
status, the endpoints without their secrets, a test delivery, workflows and schedules turned
on and off in config.toml (which the running engine takes at once), and a reload."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from kafinea_tui.client import Client
from kafinea_tui.data.store.tokens import create_token
from kafinea_tui.sync.client.calls import ApiError
from kafinea_tui.sync.engine import Engine
from kafinea_tui.workspace import Workspace
from tests.api.server import client, serve
from tests.sync.factory import SECRET, factory_config, open_workspace, seed
from tests.sync.servers import free_port, wait_for

API = "/api/v1/automation"
EXTRA = """
[[schedules]]
name = "nightly/products"
cron = "0 2 * * *"
action = { type = "send", endpoint = "factory", module = "products" }
"""


@dataclass
class Owner:
    http: httpx.Client  # a read-write token
    reader: httpx.Client  # a read-only one
    engine: Engine
    workspace: Workspace
    base: str
    token: str


@pytest.fixture
def owner(tmp_path: Path) -> Iterator[Owner]:
    config = factory_config(f"http://127.0.0.1:{free_port()}/build", extra=EXTRA)
    workspace, store = open_workspace(tmp_path, config.replace("retries = 5", "retries = 0"))
    seed(store)
    token = create_token(store, "t")
    reader = create_token(store, "r", read_only=True)
    engine = Engine(store, workspace, poll=0.05)
    engine.start()
    with (
        serve(store, workspace=workspace, engine=engine) as base,
        client(base, token) as http,
        client(base, reader) as read,
    ):
        yield Owner(http, read, engine, workspace, base, token)
    engine.stop()
    store.close()


def test_the_status_is_the_owners_engine(owner: Owner) -> None:
    status = owner.reader.get(f"{API}/status")
    assert status.status_code == 200, status.text
    found = status.json()
    assert found["running"] is True and found["pid"] == os.getpid()
    assert found["started_at"].endswith("Z") and found["errors"] == []
    assert set(found["deliveries"]) >= {"pending", "failed", "delivered"}


def test_endpoints_are_listed_without_their_secrets(owner: Owner) -> None:
    answer = owner.reader.get(f"{API}/endpoints")
    assert answer.json() == [
        {
            "name": "factory",
            "url": owner.engine.config.endpoints["factory"].url,
            "format": "json",
            "retries": 0,
            "timeout": 5.0,
            "signed": True,
            "headers": [],
        }
    ]
    assert SECRET not in answer.text


def test_a_test_delivery_is_queued_and_sent_by_the_engine(owner: Owner) -> None:
    queued = owner.http.post(f"{API}/endpoints/factory/test")
    assert queued.status_code == 200, queued.text
    delivery = queued.json()["delivery"]
    assert queued.json() == {"delivery": delivery, "endpoint": "factory"}
    # The factory's port is closed: the engine tried it, and says why it failed.
    failed = wait_for(
        lambda: [
            d
            for d in owner.http.get(f"{API}/deliveries", params={"status": "failed"}).json()[
                "deliveries"
            ]
            if d["id"] == delivery
        ]
    )
    assert failed[0]["payload"]["type"] == "kafinea.test"
    missing = owner.http.post(f"{API}/endpoints/nowhere/test")
    assert missing.status_code == 404 and "no endpoint 'nowhere'" in missing.json()["error"]
    assert owner.reader.post(f"{API}/endpoints/factory/test").status_code == 403


def test_workflows_and_schedules_go_on_and_off_in_config_and_engine(owner: Owner) -> None:
    name = "send approved orders to the factory"
    off = owner.http.patch(f"{API}/workflows/{name}", json={"enabled": False})
    assert off.status_code == 200, off.text
    assert off.json() == {"name": name, "enabled": False, "errors": []}
    saved = tomllib.loads(owner.workspace.config_path.read_text(encoding="utf-8"))
    assert saved["workflows"][0]["enabled"] is False
    assert saved["smtp"]["port"] == 9  # the rest of the file is kept
    assert owner.engine.config.workflows[0].enabled is False  # the engine took it at once
    listed = owner.reader.get(f"{API}/workflows").json()["workflows"]
    assert [w["enabled"] for w in listed] == [False, True]

    # A schedule's name may hold a "/", sent as %2F.
    with Client(owner.base, owner.token) as client:
        client.set_enabled("schedule", "nightly/products", False)
        assert [s.enabled for s in client.schedules()] == [False]
        client.set_enabled("schedule", "nightly/products", True)
        assert [s.enabled for s in client.schedules()] == [True]

    for body in ({}, {"enabled": "no"}, {"enabled": True, "why": "x"}):
        wrong = owner.http.patch(f"{API}/workflows/{name}", json=body)
        assert wrong.status_code == 400, body
    missing = owner.http.patch(f"{API}/schedules/nope", json={"enabled": True})
    assert missing.status_code == 404 and "no schedule 'nope'" in missing.json()["error"]
    refused = owner.reader.patch(f"{API}/workflows/{name}", json={"enabled": True})
    assert refused.status_code == 403
    assert owner.engine.config.workflows[0].enabled is False


def test_a_reload_reads_config_toml_again(owner: Owner) -> None:
    path = owner.workspace.config_path
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text + '\n[[endpoints]]\nname = "archive"\nurl = "http://127.0.0.1:9/a"\n',
        encoding="utf-8",
    )
    assert [e["name"] for e in owner.reader.get(f"{API}/endpoints").json()] == ["factory"]
    assert owner.reader.post(f"{API}/reload").status_code == 403
    reloaded = owner.http.post(f"{API}/reload")
    assert reloaded.json() == {"running": True, "errors": []}
    names = [e["name"] for e in owner.reader.get(f"{API}/endpoints").json()]
    assert names == ["factory", "archive"]
    path.write_text(text.replace('on = "update"', 'on = "sometimes"'), encoding="utf-8")
    errors = owner.http.post(f"{API}/reload").json()["errors"]
    assert len(errors) == 1 and "sometimes" in errors[0]
    assert "sometimes" in owner.reader.get(f"{API}/status").json()["errors"][0]


def test_the_panels_reads_answer_when_they_come_at_once(owner: Owner) -> None:
    """A client's panel refreshes while a key's action runs: requests that overlap each read
    with a cursor of their own thread, and none fails."""
    import concurrent.futures

    paths = [f"{API}/status", f"{API}/deliveries", f"{API}/workflows", f"{API}/endpoints"]
    owner.http.post(f"{API}/endpoints/factory/test")

    def read(n: int) -> int:
        # A client (and connection) a request, sharing the process's TLS context: a context of
        # its own for each would cost more than the request.
        with client(owner.base, owner.token) as http:
            return http.get(paths[n % len(paths)]).status_code

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(read, range(160)))
    assert answers == [200] * 160


def test_an_endpoint_edited_through_the_api_is_saved_and_the_engine_takes_it(
    owner: Owner,
) -> None:
    path = owner.workspace.config_path
    edited = owner.http.put(
        f"{API}/endpoints/factory",
        json={"url": "http://127.0.0.1:9/plant", "retries": 3, "timeout": None},
    )
    assert edited.status_code == 200, edited.text
    assert edited.json() == {
        "saved": "Endpoint 'factory' saved in config.toml.",
        "running": True,
        "errors": [],
    }
    factory = owner.engine.config.endpoints["factory"]  # the engine read the file again
    assert (factory.url, factory.retries, factory.timeout) == ("http://127.0.0.1:9/plant", 3, 10)
    assert factory.secret == SECRET  # left out of the body: the server's secret is kept
    saved = tomllib.loads(path.read_text(encoding="utf-8"))
    assert saved["endpoints"][0]["backoff"] == 0.2 and "timeout" not in saved["endpoints"][0]

    # Added, then a name used twice: the check's sentence, and the file as it was.
    with Client(owner.base, owner.token) as client:
        added = client.add_endpoint({"name": "archive", "url": "http://127.0.0.1:9/a"})
        assert added.saved == "Endpoint 'archive' added in config.toml." and added.running
        assert list(owner.engine.config.endpoints) == ["factory", "archive"]
        before = path.read_bytes()
        with pytest.raises(ApiError) as twice:
            client.add_endpoint({"name": "archive", "url": "http://127.0.0.1:9/b"})
        assert twice.value.status == 400 and twice.value.sentence.startswith("Not saved: ")
        assert "archive" in twice.value.sentence
        assert path.read_bytes() == before


def test_a_refused_endpoint_edit_is_a_400_with_the_checks_sentence(owner: Owner) -> None:
    path = owner.workspace.config_path
    before = path.read_bytes()
    cases = [
        # A rename that leaves a workflow sending to the old name, a bad URL, a bad secret.
        ({"name": "plant"}, "factory"),
        ({"url": "ftp://somewhere"}, "url"),
        ({"secret": "whsec_short"}, "secret"),
    ]
    for body, named in cases:
        refused = owner.http.put(f"{API}/endpoints/factory", json=body)
        assert refused.status_code == 400, (body, refused.text)
        sentence = refused.json()["error"]
        assert sentence.startswith("Not saved: ") and named in sentence, sentence
        assert path.read_bytes() == before
    # Wrong kinds of values are refused without being quoted back.
    for body in ({"secret": 123456789}, {"headers": {"X-Key": 987654321}}, {"why": 1}):
        wrong = owner.http.put(f"{API}/endpoints/factory", json=body)
        assert wrong.status_code == 400 and "987654321" not in wrong.text
        assert "123456789" not in wrong.text
    assert owner.http.put(f"{API}/endpoints/nowhere", json={"name": "x"}).status_code == 404
    assert path.read_bytes() == before
    assert owner.engine.config.endpoints["factory"].secret == SECRET


def test_a_workflow_or_schedule_added_as_toml_is_checked_saved_and_run(owner: Owner) -> None:
    path = owner.workspace.config_path
    schedule = 'name = "hourly"\nevery = "1h"\naction = { type = "send", endpoint = "factory",'
    schedule += ' module = "products" }\n'
    with Client(owner.base, owner.token) as client:
        added = client.add_config_entry("schedules", schedule)
    assert added.saved == "Schedule 'hourly' added to config.toml." and added.errors == []
    assert [s.name for s in owner.engine.config.schedules] == ["nightly/products", "hourly"]
    before = path.read_bytes()
    workflow = 'name = "w"\nmodule = "contacts"\non = "create"\n'
    bad = [
        ("workflows", "name = ", "not valid TOML"),
        ("workflows", workflow + 'actions = [{ type = "send", endpoint = "nowhere" }]', "nowhere"),
        (
            "workflows",
            workflow + 'actions = [{ type = "update", set = { birthdate = "soon" } }]',
            "Birthdate",
        ),
        ("schedules", 'name = "x"\nevery = "often"\n', "often"),
    ]
    for kind, text, named in bad:
        refused = owner.http.post(f"{API}/{kind}", content=text.encode())
        assert refused.status_code == 400, (text, refused.text)
        sentence = refused.json()["error"]
        assert sentence.startswith("Not saved: ") and named in sentence, sentence
        assert path.read_bytes() == before
    assert len(owner.engine.config.workflows) == 2


def test_config_edits_need_a_full_token(owner: Owner) -> None:
    path = owner.workspace.config_path
    before = path.read_bytes()
    calls = [
        owner.reader.put(f"{API}/endpoints/factory", json={"url": "http://127.0.0.1:9/x"}),
        owner.reader.post(f"{API}/endpoints", json={"name": "x", "url": "http://127.0.0.1:9/x"}),
        owner.reader.post(f"{API}/workflows", content=b'name = "x"'),
        owner.reader.post(f"{API}/schedules", content=b'name = "x"'),
    ]
    assert [c.status_code for c in calls] == [403] * 4
    assert path.read_bytes() == before
