"""CSV payloads built in DuckDB when a delivery is queued: a workflow's send and a scheduled
send to a csv endpoint, received over HTTP by a real receiver and imported back into another
workspace as they are, awkward text (commas, quotes, line breaks) included."""

from __future__ import annotations

import json
from pathlib import Path

from kafinea_tui.data.automation import outbox as table
from kafinea_tui.data.importer.plan import CsvOptions, ImportPlan
from kafinea_tui.data.importer.run import run_import
from kafinea_tui.data.store.database import Store
from kafinea_tui.sync.config.load import read_config
from kafinea_tui.sync.outbox import Outbox
from kafinea_tui.sync.scheduler import Scheduler
from kafinea_tui.workspace import Workspace
from tests.sync.factory import factory_config, open_workspace, seed
from tests.sync.receiver import Receiver, run_until_settled

AWKWARD = 'Rush, "fragile"\nsecond line'
SCHEDULE = """
[[schedules]]
name = "parts as csv"
every = "1h"
action = { type = "send", endpoint = "factory", module = "products", filter = 'name != "skip"', fields = ["product_code", "name", "unit_price"] }
"""


def csv_workspace(path: Path, url: str, extra: str = "") -> tuple[Workspace, Store]:
    path.mkdir(exist_ok=True)
    text = factory_config(url, extra=extra).replace("timeout = 5", 'timeout = 5\nformat = "csv"')
    text = text.replace(
        'fields = ["order_number", "items"]', 'fields = ["order_number", "subject", "items"]'
    )
    return open_workspace(path, text)


def import_back(path: Path, module: str, body: bytes, products: bool = True) -> Store:
    """A fresh workspace (with the parts orders name) that imports the body as it came."""
    path.mkdir()
    store = Workspace(path).open_store()
    if products:
        for code in ("P-100", "P-200"):
            store.create("products", {"product_code": code, "name": code})
    (path / "in.csv").write_bytes(body)
    report = run_import(store, ImportPlan(module, CsvOptions(path / "in.csv")))
    assert report.failed == 0, report.errors
    return store


def test_a_workflow_send_to_a_csv_endpoint_is_csv_built_when_queued(tmp_path: Path) -> None:
    with Receiver() as receiver:
        workspace, store = csv_workspace(tmp_path / "a", f"http://127.0.0.1:{receiver.port}/in")
        contact = seed(store)
        store.create("products", {"product_code": "P-200", "name": "Bolt"})
        store.create(
            "salesorders",
            {
                "order_number": "SO-1",
                "subject": AWKWARD,
                "contact": contact,
                "status": "Approved",
                "items": [
                    {"product": 1, "quantity": 2, "list_price": 5},
                    {"product": 2, "quantity": 1.5, "list_price": 0.25},
                ],
            },
        )
        queued = table.get(store.cursor(), 1)
        assert queued is not None
        text = json.loads(queued.payload)  # the CSV text itself, made by the INSERT ... SELECT
        assert text.splitlines()[0] == (
            "id,order_number,subject,items.product,items.quantity,items.list_price"
        )
        config = read_config(workspace.config_path, store.schema)
        done = run_until_settled(store, Outbox(store, lambda: config))
    assert done.status == "delivered"
    seen = receiver.seen[0]
    assert seen["headers"]["content-type"].startswith("text/csv")
    assert seen["body"].decode() == text
    back = import_back(tmp_path / "b", "salesorders", seen["body"])
    order = back.cursor().execute("SELECT id, order_number, subject FROM salesorders").fetchall()
    assert [row[1:] for row in order] == [("SO-1", AWKWARD)]
    lines = back.cursor().execute(
        "SELECT p.product_code, i.quantity, i.list_price FROM salesorder_items i"
        " JOIN products p ON p.id = i.product ORDER BY i.position"
    )
    assert [(c, float(q), float(p)) for c, q, p in lines.fetchall()] == [
        ("P-100", 2.0, 5.0),
        ("P-200", 1.5, 0.25),
    ]
    store.close()
    back.close()


def test_an_order_without_items_is_one_line_with_empty_item_cells(tmp_path: Path) -> None:
    _, store = csv_workspace(tmp_path, "http://127.0.0.1:9/in")
    store.create("salesorders", {"order_number": "SO-2", "subject": "s", "status": "Approved"})
    queued = table.get(store.cursor(), 1)
    assert queued is not None
    assert json.loads(queued.payload).splitlines()[1] == '1,"SO-2","s",,,'
    store.close()


def test_a_scheduled_send_to_a_csv_endpoint_is_one_statement_of_csv(tmp_path: Path) -> None:
    with Receiver() as receiver:
        workspace, store = csv_workspace(
            tmp_path / "a", f"http://127.0.0.1:{receiver.port}/in", extra=SCHEDULE
        )
        seed(store)
        store.create("products", {"product_code": "P-200", "name": AWKWARD, "unit_price": "2.5"})
        store.create("products", {"product_code": "P-300", "name": "skip"})
        config = read_config(workspace.config_path, store.schema)
        schedule = config.schedule("parts as csv")
        assert schedule is not None
        run = Scheduler(store, workspace.mappings_dir).run(schedule)
        assert run is not None and "2 record(s) queued" in (run.result or ""), run
        done = run_until_settled(store, Outbox(store, lambda: config))
    assert done.status == "delivered"
    body = receiver.seen[0]["body"]
    assert body.decode().splitlines()[0] == "id,product_code,name,unit_price"
    back = import_back(tmp_path / "b", "products", body, products=False)
    found = back.cursor().execute(
        "SELECT product_code, name, unit_price FROM products ORDER BY product_code"
    )
    assert [(c, n, None if p is None else float(p)) for c, n, p in found.fetchall()] == [
        ("P-100", "Widget", None),
        ("P-200", AWKWARD, 2.5),
    ]
    store.close()
    back.close()
