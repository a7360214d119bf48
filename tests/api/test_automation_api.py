"""The automation routes over real HTTP: deliveries, retry, schedules, run now, workflows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kafinea_tui.data.store.tokens import create_token
from kafinea_tui.sync.engine import Engine
from tests.api.server import client, serve
from tests.sync.factory import factory_config, open_workspace, seed
from tests.sync.servers import free_port, wait_for

API = "/api/v1/automation"
EXTRA = """
[[schedules]]
name = "products to the factory"
every = "1h"
action = { type = "send", endpoint = "factory", module = "products" }
"""


@pytest.fixture
def api(tmp_path: Path) -> Iterator[tuple[httpx.Client, Engine]]:
    # The factory's port is closed: every delivery fails, and none is retried (retries = 0).
    config = factory_config(f"http://127.0.0.1:{free_port()}/build", extra=EXTRA)
    workspace, store = open_workspace(tmp_path, config.replace("retries = 5", "retries = 0"))
    contact = seed(store)
    store.create(
        "salesorders",
        {"order_number": "SO-1", "subject": "s", "contact": contact, "status": "Approved"},
    )
    token = create_token(store, "t")
    reader = create_token(store, "r", read_only=True)
    engine = Engine(store, workspace, poll=0.05)
    engine.start()
    with serve(store, workspace=workspace, engine=engine) as base, client(base, token) as http:
        http.headers["X-Reader"] = reader
        yield http, engine
    engine.stop()
    store.close()


def test_deliveries_list_filter_and_retry(api: tuple[httpx.Client, Engine]) -> None:
    http, _ = api
    failed = wait_for(
        lambda: [
            d
            for d in http.get(f"{API}/deliveries", params={"status": "failed"}).json()["deliveries"]
            if d["workflow"]
        ]
    )
    assert failed[0]["attempts"] == 1 and "connection refused" in failed[0]["last_error"]
    assert failed[0]["payload"]["data"]["order_number"] == "SO-1"
    assert http.get(f"{API}/deliveries", params={"status": "delivered"}).json() == {
        "total": 0,
        "deliveries": [],
    }
    for wrong in ("lost", ""):  # empty is not "any status": the document lists them
        bad = http.get(f"{API}/deliveries", params={"status": wrong})
        assert bad.status_code == 400 and f"not {wrong!r}" in bad.json()["error"]
    retried = http.post(f"{API}/deliveries/{failed[0]['id']}/retry")
    assert retried.status_code == 200 and retried.json()["webhook_id"] == failed[0]["webhook_id"]
    again = wait_for(
        lambda: [
            d
            for d in http.get(f"{API}/deliveries", params={"status": "failed"}).json()["deliveries"]
            if d["id"] == failed[0]["id"] and d["last_attempt_at"] > failed[0]["last_attempt_at"]
        ]
    )
    assert again[0]["attempts"] == 1 and again[0]["webhook_id"] == failed[0]["webhook_id"]
    assert http.post(f"{API}/deliveries/999/retry").status_code == 404
    reader = httpx.Client(
        base_url=str(http.base_url), headers={"Authorization": f"Bearer {http.headers['X-Reader']}"}
    )
    assert reader.post(f"{API}/deliveries/{failed[0]['id']}/retry").status_code == 403


def test_schedules_and_run_now(api: tuple[httpx.Client, Engine]) -> None:
    http, _ = api
    wait_for(
        lambda: (
            (http.get(f"{API}/schedules").json()["schedules"][0]["last_run"] or {}).get("status")
            == "ok"
        )
    )
    state = http.get(f"{API}/schedules").json()["schedules"][0]
    assert state["name"] == "products to the factory" and state["when"] == "every 3600s"
    assert state["last_run"]["status"] == "ok" and state["next_run"]
    run = http.post(f"{API}/schedules/products to the factory/run")
    assert run.status_code == 200 and run.json()["status"] == "ok"
    assert "1 record(s) queued for factory" in run.json()["result"]
    missing = http.post(f"{API}/schedules/nope/run")
    assert missing.status_code == 404 and "no schedule 'nope'" in missing.json()["error"]


def test_workflows_with_last_fired_and_count(api: tuple[httpx.Client, Engine]) -> None:
    http, _ = api
    flows = http.get(f"{API}/workflows").json()["workflows"]
    assert [f["name"] for f in flows] == [
        "send approved orders to the factory",
        "tell the customer",
    ]
    assert flows[0]["fired"] == 1 and flows[0]["last_fired"].endswith("Z")
    assert flows[1]["fired"] == 0 and flows[1]["last_fired"] is None
    assert flows[0]["actions"][0]["endpoint"] == "factory"
