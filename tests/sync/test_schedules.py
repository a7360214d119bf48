"""Schedules: pulls from a shop server on 127.0.0.1, sends since the last run, timing rules."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from kafinea_tui.data.automation import outbox as table
from kafinea_tui.sync.config.load import read_config
from kafinea_tui.sync.config.model import PullSchedule, Schedule
from kafinea_tui.sync.scheduler import Scheduler, next_run
from tests.cli.run_cli import cli
from tests.import_helpers import rows
from tests.sync.factory import factory_config, open_workspace, seed
from tests.sync.servers import free_port, wait_for

ORDERS = [
    {
        "order_number": "W-1",
        "subject": "Web order 1",
        "contact": "ann@x.fr",
        "status": "Created",
        "items": [{"product": "P-100", "quantity": 1, "list_price": 9.5}],
    },
    {
        "order_number": "W-2",
        "subject": "Web order 2",
        "contact": "bob@y.fr",
        "status": "Created",
        "items": [{"product": "P-100", "quantity": 2, "list_price": 9.5}],
    },
]
CSV = "Order Number,Subject,Status,Product,Quantity,List Price\nC-1,Csv order,Created,P-100,4,1.5\n"
ANSWERS = {
    "/orders": ("application/json", json.dumps(ORDERS)),
    "/orders.csv": ("text/csv", CSV),
    "/bad.json": ("application/json", '[{"order_number": "X-1",'),
    "/bad.csv": ("text/csv", 'Order Number,Subject\n"X-1,unterminated\n'),
}


@pytest.fixture
def shop() -> Iterator[str]:
    async def answer(request: Request) -> Response:
        kind, text = ANSWERS[request.url.path]
        return Response(text, media_type=kind)

    app = Starlette(routes=[Route(path, answer) for path in ANSWERS])
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_for(lambda: server.started, timeout=20)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=20)


def schedules(shop: str) -> str:
    pulls = "".join(
        f"""
[[schedules]]
name = "{name}"
every = "5m"
action = {{ type = "pull", url = "{shop}{path}", module = "salesorders", duplicates = "merge", match = ["order_number"] }}
"""
        for name, path in (
            ("pull shop orders", "/orders"),
            ("pull csv", "/orders.csv"),
            ("bad json", "/bad.json"),
            ("bad csv", "/bad.csv"),
        )
    )
    return (
        pulls
        + """
[[schedules]]
name = "products to the factory"
cron = "0 2 * * *"
action = { type = "send", endpoint = "factory", module = "products", since_last_run = true }
"""
    )


def test_a_pull_twice_creates_nothing_twice(tmp_path: Path, shop: str) -> None:
    workspace, store = open_workspace(tmp_path, factory_config(extra=schedules(shop)))
    seed(store)
    config = read_config(workspace.config_path, store.schema)
    scheduler = Scheduler(store, workspace.mappings_dir)
    first = scheduler.run(config.schedule("pull shop orders"))  # type: ignore[arg-type]
    assert first is not None and first.status == "ok", first
    assert json.loads(first.result or "")["created"] == 2
    second = scheduler.run(config.schedule("pull shop orders"))  # type: ignore[arg-type]
    assert second is not None and second.status == "ok"
    assert json.loads(second.result or "")["created"] == 0
    assert rows(store, "SELECT order_number FROM salesorders ORDER BY 1") == [("W-1",), ("W-2",)]
    assert rows(store, "SELECT count(*) FROM salesorder_items") == [(2,)]
    assert rows(store, "SELECT DISTINCT source FROM kf_changes WHERE module = 'salesorders'") == [
        ("pull",)
    ]
    csv_run = scheduler.run(config.schedule("pull csv"))  # type: ignore[arg-type]
    assert csv_run is not None and csv_run.status == "ok"
    assert (
        rows(
            store,
            "SELECT quantity FROM salesorder_items i JOIN salesorders o ON o.id = i.salesorder_id WHERE order_number = 'C-1'",
        )[0][0]
        == 4
    )


@pytest.mark.parametrize("name", ["bad json", "bad csv"])
def test_an_invalid_answer_is_a_failed_run_and_nothing_is_imported(
    tmp_path: Path, shop: str, name: str
) -> None:
    workspace, store = open_workspace(tmp_path, factory_config(extra=schedules(shop)))
    seed(store)
    config = read_config(workspace.config_path, store.schema)
    run = Scheduler(store, workspace.mappings_dir).run(config.schedule(name))  # type: ignore[arg-type]
    assert run is not None and run.status == "failed"
    assert ("invalid JSON" if name == "bad json" else "nothing was imported") in (run.result or "")
    assert rows(store, "SELECT count(*) FROM salesorders") == [(0,)]


def test_a_send_since_last_run_sends_only_what_changed(tmp_path: Path) -> None:
    extra = """
[[schedules]]
name = "products to the factory"
every = "1h"
action = { type = "send", endpoint = "factory", module = "products", since_last_run = true, fields = ["product_code"] }
"""
    workspace, store = open_workspace(tmp_path, factory_config(extra=extra))
    seed(store)
    config = read_config(workspace.config_path, store.schema)
    schedule = config.schedule("products to the factory")
    scheduler = Scheduler(store, workspace.mappings_dir)
    first = scheduler.run(schedule)  # type: ignore[arg-type]
    assert first is not None and "1 record(s) queued" in (first.result or "")
    assert "nothing to send" in (scheduler.run(schedule).result or "")  # type: ignore[union-attr]
    store.create("products", {"product_code": "P-200", "name": "Nut"})
    third = scheduler.run(schedule)  # type: ignore[union-attr, arg-type]
    assert third is not None and "1 record(s) queued" in (third.result or "")
    _, found = table.deliveries(store.cursor())
    sent = [json.loads(d.payload)["data"] for d in found]
    assert sent == [[{"id": 2, "product_code": "P-200"}], [{"id": 1, "product_code": "P-100"}]]


def test_cron_follows_the_configured_time_zone() -> None:
    schedule = Schedule("night", PullSchedule("http://x", "products"), cron="0 2 * * *")
    paris = ZoneInfo("Europe/Paris")
    # 2 a.m. in Paris is 1 a.m. UTC in winter and midnight UTC in summer.
    assert next_run(schedule, datetime(2026, 1, 10, 12, 0), paris) == datetime(2026, 1, 11, 1, 0)
    assert next_run(schedule, datetime(2026, 7, 10, 12, 0), paris) == datetime(2026, 7, 11, 0, 0)


def test_a_missed_run_is_due_once_at_start(tmp_path: Path, shop: str) -> None:
    workspace, store = open_workspace(tmp_path, factory_config(extra=schedules(shop)))
    seed(store)
    config = read_config(workspace.config_path, store.schema)
    scheduler = Scheduler(store, workspace.mappings_dir)
    assert "pull shop orders" in [s.name for s in scheduler.due(config)]  # never run: at start
    scheduler.run(config.schedule("pull shop orders"))  # type: ignore[arg-type]
    store.cursor().execute(
        "UPDATE kf_schedule_runs SET started_at = started_at - INTERVAL 1 DAY"
    )  # stopped for a day: 288 runs missed
    assert [s.name for s in scheduler.due(config)].count("pull shop orders") == 1
    scheduler.run(config.schedule("pull shop orders"))  # type: ignore[arg-type]
    assert "pull shop orders" not in [s.name for s in scheduler.due(config)]


def test_automation_run_on_the_command_line(tmp_path: Path, shop: str) -> None:
    _, store = open_workspace(tmp_path, factory_config(extra=schedules(shop)))
    seed(store)
    store.close()
    done = cli(tmp_path, "automation", "run", "pull shop orders")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("pull shop orders: ok: ")
    bad = cli(tmp_path, "automation", "run", "bad json")
    assert bad.returncode == 1 and "invalid JSON" in bad.stdout
    unknown = cli(tmp_path, "automation", "run", "nope")
    assert unknown.returncode == 2 and "no schedule 'nope'" in unknown.stderr
