"""Rounds of workflows: each matching change fires a workflow once, every workflow of a round
sees the same changes and the records as they were for that round, whatever their order in
config.toml, and an `update` action's change fires workflows again in the next round.

Why: the workflows of a round were taken one after the other, an `update` applied as soon as
its workflow had selected its records. A workflow listed after it then saw the update's change
in the same round (and on the record after the update), and the next round saw it again: a
workflow watching the updated value fired twice, one watching the value before it never did.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from kafinea_tui.data.importer.run import run_import
from kafinea_tui.data.store.database import Store
from kafinea_tui.sync.config.load import read_config
from kafinea_tui.sync.outbox import Outbox
from tests.import_helpers import plan, rows, write
from tests.sync.factory import open_workspace
from tests.sync.receiver import Receiver
from tests.sync.servers import wait_for

ENDPOINT = """
[[endpoints]]
name = "log"
url = "{url}"
retries = 0
timeout = 5
"""
WORKFLOWS = {
    "A": """
[[workflows]]
name = "A start production"
module = "salesorders"
on = "update"
when = 'status = "Approved"'
changed = ["status"]
actions = [{ type = "update", set = { status = "In Production" } }]
""",
    "B": """
[[workflows]]
name = "B in production"
module = "salesorders"
on = "update"
when = 'status = "In Production"'
changed = ["status"]
actions = [{ type = "send", endpoint = "log", fields = ["order_number", "status"] }]
""",
    "C": """
[[workflows]]
name = "C approved"
module = "salesorders"
on = "update"
when = 'status = "Approved"'
changed = ["status"]
actions = [{ type = "send", endpoint = "log", fields = ["order_number", "status"] }]
""",
}


def workspace(path: Path, url: str, order: tuple[str, ...]) -> Store:
    path.mkdir(exist_ok=True)
    config = ENDPOINT.format(url=url) + "".join(WORKFLOWS[name] for name in order)
    _, store = open_workspace(path, config)
    return store


def deliver_all(store: Store, path: Path, receiver: Receiver, count: int) -> list[dict[str, str]]:
    """Send every queued delivery to the receiver; what it received, by workflow."""
    config = read_config(path / "config.toml", store.schema)
    box = Outbox(store, lambda: config)
    wait_for(lambda: box.round() == 0 and len(receiver.seen) >= count, timeout=30)
    bodies = [json.loads(seen["body"]) for seen in receiver.seen]
    return sorted(
        ({"workflow": b["workflow"], "status": b["data"]["status"]} for b in bodies),
        key=lambda b: b["workflow"],
    )


@pytest.mark.parametrize("order", list(itertools.permutations("ABC")), ids="".join)
def test_each_workflow_fires_once_whatever_its_place_in_the_file(
    tmp_path: Path, order: tuple[str, ...]
) -> None:
    with Receiver() as receiver:
        store = workspace(tmp_path, f"http://127.0.0.1:{receiver.port}/log", order)
        csv = write(tmp_path / "so.csv", "Order Number,Subject,Status\nB-1,One,Created\n")
        assert run_import(store, plan("salesorders", csv)).created == 1
        store.update("salesorders", 1, {"status": "Approved"})
        assert rows(store, "SELECT status FROM salesorders") == [("In Production",)]
        # C saw the order Approved (the round's record, before A's update), B saw it In
        # Production (the next round, A's change): each once.
        assert rows(
            store, "SELECT workflow, records, depth FROM kf_workflow_fires ORDER BY workflow"
        ) == [("A start production", 1, 0), ("B in production", 1, 1), ("C approved", 1, 0)]
        received = deliver_all(store, tmp_path, receiver, 2)
        store.close()
    assert received == [
        {"workflow": "B in production", "status": "In Production"},
        {"workflow": "C approved", "status": "Approved"},
    ]


def test_the_reported_command_fires_each_workflow_once(tmp_path: Path) -> None:
    """The exploratory test's steps from the command line: import, then `update`."""
    from tests.cli.run_cli import cli

    workspace(tmp_path, "http://127.0.0.1:9/log", ("A", "B", "C")).close()
    csv = write(tmp_path / "so.csv", "Order Number,Subject,Status\nB-1,One,Created\n")
    assert cli(tmp_path, "import", "salesorders", str(csv)).returncode == 0
    done = cli(tmp_path, "update", "salesorders", "--ids", "1", "--set", "status=Approved")
    assert done.returncode == 0, done.stderr
    listed = cli(tmp_path, "automation", "deliveries", "--json")
    assert listed.returncode == 0, listed.stderr
    found = json.loads(listed.stdout)
    sent = sorted(
        (d["workflow"], d["payload"]["data"]["status"]) for d in found.get("deliveries", found)
    )
    assert sent == [("B in production", "In Production"), ("C approved", "Approved")]


def test_a_batch_fires_each_record_once_per_round(tmp_path: Path) -> None:
    """A mass change of many orders: the same rounds, set-based, for all of them at once."""
    store = workspace(tmp_path, "http://127.0.0.1:9/log", ("B", "A", "C"))
    lines = ["Order Number,Subject,Status", *(f"B-{n},s,Created" for n in range(1, 201))]
    csv = write(tmp_path / "so.csv", "\n".join(lines) + "\n")
    assert run_import(store, plan("salesorders", csv)).created == 200
    with store.transaction():
        for n in range(1, 101):  # half of them approved, in one commit
            store.update("salesorders", n, {"status": "Approved"})
    assert rows(store, "SELECT status, count(*) FROM salesorders GROUP BY ALL ORDER BY 1") == [
        ("Created", 100),
        ("In Production", 100),
    ]
    sent = rows(
        store,
        "SELECT workflow, count(*), count(DISTINCT record_id), min(record_id), max(record_id)"
        " FROM kf_outbox GROUP BY workflow ORDER BY workflow",
    )
    assert sent == [("B in production", 100, 100, 1, 100), ("C approved", 100, 100, 1, 100)]
    store.close()
