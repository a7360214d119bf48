"""The typed client's automation calls against `kafinea-tui serve` (a real process on 127.0.0.1)
and a real receiver: deliveries with their filter and paging, a retry that arrives once with the
same webhook-id, schedules and a run now, workflows with their counts, and the errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kafinea_tui.client import (
    ApiError,
    Client,
    Delivery,
    ScheduleRun,
    ScheduleState,
    WorkflowState,
)
from kafinea_tui.data.store.tokens import create_token
from tests.sync.factory import SECRET, factory_config, open_workspace, seed
from tests.sync.servers import Factory, Serve, wait_for

SCHEDULE = """
[[schedules]]
name = "products to the factory"
every = "1h"
action = { type = "send", endpoint = "factory", module = "products" }
"""


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Client, Factory]]:
    """`serve` over the factory example (no retries: a refused delivery fails at once), the
    factory answering 503 until a test lets it in, and a client with a read-write token."""
    factory = Factory(SECRET).start()
    factory.answer = (503, {})
    config = factory_config(factory.url, extra=SCHEDULE).replace("retries = 5", "retries = 0")
    _, store = open_workspace(tmp_path, config)
    seed(store)
    token = create_token(store, "script")
    store.close()
    server = Serve(tmp_path).start()
    try:
        with Client(server.url, token) as client:
            yield client, factory
    finally:
        server.stop()
        factory.stop()


def order(number: int) -> dict[str, object]:
    return {
        "order_number": f"SO-{number}",
        "subject": "s",
        "contact": "ann@x.fr",
        "status": "Approved",
        "items": [{"product": "P-100", "quantity": number, "list_price": 10}],
    }


def failed_orders(client: Client) -> list[Delivery]:
    return [d for d in client.deliveries(status="failed").deliveries if d.workflow]


def test_deliveries_retry_schedules_and_workflows(served: tuple[Client, Factory]) -> None:
    client, factory = served
    client.create("salesorders", [order(1), order(2), order(3)])
    failed = wait_for(lambda: len(failed_orders(client)) == 3 and failed_orders(client))
    assert all(isinstance(d, Delivery) and d.kind == "send" for d in failed)
    assert failed[0].target == "factory" and "503" in (failed[0].last_error or "")
    assert sorted(d.payload["data"]["order_number"] for d in failed) == ["SO-1", "SO-2", "SO-3"]

    # Paging: the failed ones (the orders', the schedule's first run) page by page.
    everything = client.deliveries(status="failed")
    first, rest = (
        client.deliveries(status="failed", limit=2),
        client.deliveries(status="failed", limit=10, offset=2),
    )
    assert first.total == rest.total == everything.total >= 3
    assert [d.id for d in first.deliveries + rest.deliveries] == [
        d.id for d in everything.deliveries
    ]
    assert client.deliveries(status="delivered").deliveries == []

    # A retry once the factory is up: delivered once, with the webhook-id of the first attempt.
    factory.answer = None
    again = client.retry_delivery(failed[0].id)
    assert again.status == "pending" and again.webhook_id == failed[0].webhook_id
    wait_for(lambda: [d for d in client.deliveries(status="delivered").deliveries])
    assert [r["key"] for r in factory.received] == [failed[0].webhook_id]
    with pytest.raises(ApiError) as delivered:
        client.retry_delivery(failed[0].id)
    assert delivered.value.status == 409 and "delivered" in delivered.value.sentence
    with pytest.raises(ApiError) as missing:
        client.retry_delivery(999_999)
    assert missing.value.status == 404

    states = client.schedules()
    assert [type(s) for s in states] == [ScheduleState]
    assert states[0].name == "products to the factory" and states[0].when == "every 3600s"
    assert states[0].last_run is not None and states[0].last_run.status == "ok"
    run = client.run_schedule("products to the factory")  # a name with spaces, in the path
    assert isinstance(run, ScheduleRun) and run.status == "ok"
    assert "1 record(s) queued for factory" in (run.result or "")
    with pytest.raises(ApiError) as unknown:
        client.run_schedule("nope/../x")
    assert unknown.value.status == 404 and "no schedule 'nope/../x'" in unknown.value.sentence

    flows = client.workflows()
    assert all(isinstance(f, WorkflowState) for f in flows)
    assert [(f.name, f.fired) for f in flows] == [
        ("send approved orders to the factory", 3),
        ("tell the customer", 0),
    ]
    assert flows[0].changed == ["status"] and flows[0].actions[0]["endpoint"] == "factory"
    assert flows[0].last_fired is not None and flows[1].last_fired is None

    with pytest.raises(ApiError) as bad:
        client.deliveries(status="lost")
    assert bad.value.status == 400 and "status is " in bad.value.sentence


def test_the_automation_routes_the_client_calls_are_in_the_openapi_document(
    served: tuple[Client, Factory],
) -> None:
    client, _ = served
    paths = client.get_json("/openapi.json")["paths"]
    for path, method in [
        ("/api/v1/automation/deliveries", "get"),
        ("/api/v1/automation/deliveries/{id}/retry", "post"),
        ("/api/v1/automation/schedules", "get"),
        ("/api/v1/automation/schedules/{name}/run", "post"),
        ("/api/v1/automation/workflows", "get"),
    ]:
        assert method in paths[path], path
