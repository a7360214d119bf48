"""Workflows fire in the transaction of the change: every source, set-based, bounded cascades."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kafinea_tui.data.automation import outbox as table
from kafinea_tui.data.importer.run import run_import
from kafinea_tui.data.store.database import Store
from tests.import_helpers import plan, rows, write
from tests.sync.factory import factory_config, open_workspace, seed


def outbox(store: Store) -> list[tuple[object, ...]]:
    return rows(
        store, "SELECT kind, target, workflow, record_id, status FROM kf_outbox ORDER BY id"
    )


def order(store: Store, contact: int, number: str = "SO-1", status: str = "Created") -> int:
    return store.create(
        "salesorders",
        {
            "order_number": number,
            "subject": "Bolts",
            "contact": contact,
            "status": status,
            "items": [{"product": 1, "quantity": 2, "list_price": 10}],
        },
    )


def test_approving_an_order_enqueues_its_delivery_with_items(tmp_path: Path) -> None:
    _, store = open_workspace(tmp_path, factory_config())
    contact = seed(store)
    so = order(store, contact)
    assert outbox(store) == []
    store.update("salesorders", so, {"status": "Approved"})
    assert outbox(store) == [
        ("send", "factory", "send approved orders to the factory", so, "pending")
    ]
    body = json.loads(table.deliveries(store.cursor())[1][0].payload)
    assert body["data"] == {
        "id": so,
        "order_number": "SO-1",
        "items": [{"product": "P-100", "quantity": 2.0, "list_price": 10.0}],
    }
    store.update("salesorders", so, {"subject": "still approved"})  # status did not change
    assert len(outbox(store)) == 1


def test_the_email_is_rendered_from_the_record_and_its_contact(tmp_path: Path) -> None:
    _, store = open_workspace(tmp_path, factory_config())
    so = order(store, seed(store), status="Approved")
    store.update("salesorders", so, {"status": "Manufactured"})
    newest = table.deliveries(store.cursor(), limit=1)[1][0]
    kind, payload = newest.kind, newest.payload
    assert kind == "email"
    assert json.loads(str(payload)) == {
        "to": "ann@x.fr",
        "subject": "Order SO-1 is on its way",
        "body": "Hello Ann, order SO-1 has left the factory.",
    }


def test_a_failed_transaction_leaves_neither_change_nor_delivery(tmp_path: Path) -> None:
    _, store = open_workspace(tmp_path, factory_config())
    so = order(store, seed(store))
    with pytest.raises(RuntimeError), store.transaction():
        store.update("salesorders", so, {"status": "Approved"})
        assert len(outbox(store)) == 0  # enqueued at commit, not before
        raise RuntimeError("crash")
    assert outbox(store) == []
    assert rows(store, "SELECT status FROM salesorders")[0][0] == "Created"


def test_an_import_fires_once_per_matching_record_in_one_statement(tmp_path: Path) -> None:
    _, store = open_workspace(tmp_path, factory_config())
    seed(store)
    lines = ["Order Number,Subject,Status,Product,Quantity,List Price"]
    lines += [f"SO-{n},s,{'Approved' if n % 2 else 'Created'},P-100,1,5" for n in range(1, 201)]
    path = write(tmp_path / "so.csv", "\n".join(lines) + "\n")
    report = run_import(store, plan("salesorders", path))
    assert report.created == 200
    sent = rows(store, "SELECT count(*), count(DISTINCT webhook_id) FROM kf_outbox")[0]
    assert sent == (100, 100)


def test_a_self_triggering_update_stops_and_is_reported(tmp_path: Path) -> None:
    extra = """
[[workflows]]
name = "ping"
module = "contacts"
on = "update"
when = 'title = "a"'
actions = [{ type = "update", set = { title = "b" } }]

[[workflows]]
name = "pong"
module = "contacts"
on = "update"
when = 'title = "b"'
actions = [{ type = "update", set = { title = "a" } }]
"""
    _, store = open_workspace(tmp_path, factory_config(extra=extra))
    contact = seed(store)
    store.update("contacts", contact, {"title": "a"})
    notes = rows(store, "SELECT note FROM kf_workflow_fires WHERE note IS NOT NULL")
    assert len(notes) == 1 and "stopped after 5 rounds" in str(notes[0][0])
    assert rows(store, "SELECT title FROM contacts WHERE id = ?", [contact])[0][0] in ("a", "b")


def test_an_update_action_writes_through_the_change_log(tmp_path: Path) -> None:
    extra = """
[[workflows]]
name = "start production"
module = "salesorders"
on = "update"
when = 'status = "Approved"'
changed = ["status"]
actions = [{ type = "update", set = { status = "In Production" } }]
"""
    _, store = open_workspace(tmp_path, factory_config(extra=extra))
    so = order(store, seed(store))
    store.update("salesorders", so, {"status": "Approved"})
    assert rows(store, "SELECT status FROM salesorders")[0][0] == "In Production"
    assert (
        rows(store, "SELECT source FROM kf_changes ORDER BY cursor DESC LIMIT 1")[0][0]
        == "workflow"
    )
    assert len(outbox(store)) == 1  # the send of the approval still went out


def test_a_merge_import_that_leaves_the_status_alone_fires_nothing(tmp_path: Path) -> None:
    _, store = open_workspace(tmp_path, factory_config())
    seed(store)
    header = "Order Number,Subject,Status,Product,Quantity,List Price"
    first = write(
        tmp_path / "a.csv", f"{header}\nSO-1,s,Approved,P-100,1,5\nSO-2,s,Created,P-100,1,5\n"
    )
    run_import(store, plan("salesorders", first))
    assert len(outbox(store)) == 1
    # Subjects change, statuses do not: `changed = ["status"]` keeps the workflow quiet.
    again = write(
        tmp_path / "b.csv", f"{header}\nSO-1,t,Approved,P-100,1,5\nSO-2,t,Created,P-100,1,5\n"
    )
    report = run_import(
        store, plan("salesorders", again, duplicates="merge", match=["order_number"])
    )
    assert report.merged == 2
    assert len(outbox(store)) == 1
    # SO-2 becomes Approved: it fires, SO-1 (already Approved) does not.
    third = write(
        tmp_path / "c.csv", f"{header}\nSO-1,u,Approved,P-100,1,5\nSO-2,u,Approved,P-100,1,5\n"
    )
    run_import(store, plan("salesorders", third, duplicates="merge", match=["order_number"]))
    assert [row[3] for row in outbox(store)] == [1, 2]


def test_records_changed_several_times_in_one_transaction_fire_once_at_their_last_change(
    tmp_path: Path,
) -> None:
    """Several log entries for the same records (an import's set, then single saves) in one
    commit: each record fires once, with the cursor of its last change of a watched field."""
    _, store = open_workspace(tmp_path, factory_config())
    contact = seed(store)
    header = "Order Number,Subject,Status,Product,Quantity,List Price"
    lines = [f"SO-{n},s,Approved,P-100,1,5" for n in range(1, 4)]
    path = write(tmp_path / "so.csv", "\n".join([header, *lines]) + "\n")
    with store.transaction():
        run_import(store, plan("salesorders", path))
        store.update("salesorders", 1, {"status": "Created"})
        store.update("salesorders", 1, {"status": "Approved"})
        new = order(store, contact, "SO-9", status="Approved")
        store.update("salesorders", new, {"subject": "not the status"})
    last = rows(
        store,
        "SELECT record_id, max(cursor) FROM kf_changes WHERE module = 'salesorders'"
        " AND (fields IS NULL OR list_contains(fields, 'status'))"
        " GROUP BY record_id ORDER BY record_id",
    )
    fired = rows(store, "SELECT record_id, change_cursor FROM kf_outbox ORDER BY record_id")
    assert fired == last and len(fired) == 4
    assert rows(
        store, "SELECT count(*) FROM kf_changes WHERE module = 'salesorders' AND record_id = 1"
    ) == [(3,)]
