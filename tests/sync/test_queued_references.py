"""A workflow's deliveries are queued as references and rendered before the next write: what
each one sends is still the record as it was when the workflow fired, byte for byte, whatever
changes the record, its lines, the related records or the config afterwards."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kafinea_tui.data.automation import outbox as table
from kafinea_tui.data.importer.run import run_import
from kafinea_tui.data.store.database import Store
from kafinea_tui.workspace import Workspace
from tests.import_helpers import plan, rows, write
from tests.sync.factory import factory_config, open_workspace, seed

CSV_CONFIG = """
[[endpoints]]
name = "sheet"
url = "http://127.0.0.1:9/sheet"
format = "csv"

[[workflows]]
name = "sheet of approved orders"
module = "salesorders"
on = "create_or_update"
when = 'status = "Approved"'
changed = ["status"]
actions = [{ type = "send", endpoint = "sheet", fields = ["order_number", "subject", "items"] }]
"""
# An update action anywhere in the config: every firing then builds its payloads at once.
UPDATING_CONFIG = """
[[workflows]]
name = "tag new contacts"
module = "contacts"
on = "create"
actions = [{ type = "update", set = { title = "new" } }]
"""


def payloads(store: Store) -> list[tuple[str, str, int | None, str]]:
    """Each delivery's kind, target, record and payload as the outbox's readers give them."""
    found = table.deliveries(store.cursor(), limit=1000)[1]
    return sorted((d.kind, d.target, d.record_id, d.payload) for d in found)


def stored(store: Store) -> list[tuple[object, ...]]:
    """The payloads as the rows hold them (NULL while a delivery is a reference)."""
    return rows(store, "SELECT payload FROM kf_outbox_rows ORDER BY id")


def pending_batches(store: Store) -> int:
    found = rows(store, "SELECT count(*) FROM kf_outbox_batches WHERE render_sql IS NOT NULL")
    return int(str(found[0][0]))


def approved_order(store: Store, contact: int) -> int:
    return store.create(
        "salesorders",
        {
            "order_number": "SO-1",
            "subject": 'Bolts, "M6"',
            "contact": contact,
            "status": "Approved",
            "items": [
                {"product": 1, "quantity": 2, "list_price": 10},
                {"product": 1, "quantity": 1, "list_price": 2.5},
            ],
        },
    )


def test_a_queued_delivery_sends_the_record_as_it_was_whatever_changes_after(
    tmp_path: Path,
) -> None:
    _, store = open_workspace(tmp_path, factory_config(extra=CSV_CONFIG))
    contact = seed(store)
    so = approved_order(store, contact)
    assert pending_batches(store) == 2 and stored(store) == [(None,), (None,)]
    before = payloads(store)
    send = json.loads(next(p for kind, target, _, p in before if target == "factory"))
    assert send["data"] == {
        "id": so,
        "order_number": "SO-1",
        "items": [
            {"product": "P-100", "quantity": 2.0, "list_price": 10.0},
            {"product": "P-100", "quantity": 1.0, "list_price": 2.5},
        ],
    }
    sheet = json.loads(next(p for kind, target, _, p in before if target == "sheet"))
    assert sheet == (
        "id,order_number,subject,items.product,items.quantity,items.list_price\n"
        f'{so},"SO-1","Bolts, ""M6""","P-100",2.00,10.00\n'
        f'{so},"SO-1","Bolts, ""M6""","P-100",1.00,2.50\n'
    )
    # The first write renders them, before it changes anything; none after changes them.
    store.update("salesorders", so, {"order_number": "SO-1b", "subject": "other"})
    assert pending_batches(store) == 0 and None not in [p for (p,) in stored(store)]
    store.update("salesorders", so, {"items": [{"product": 1, "quantity": 9, "list_price": 1}]})
    store.update("products", 1, {"product_code": "P-999"})
    store.delete("salesorders", so)
    assert payloads(store) == before
    store.close()


def test_references_outlive_a_restart_and_a_config_without_the_workflow(
    tmp_path: Path,
) -> None:
    _, store = open_workspace(tmp_path, factory_config())
    seed(store)
    lines = ["Order Number,Subject,Status,Product,Quantity,List Price"]
    lines += [f"SO-{n},s{n},Approved,P-100,{n},1.5" for n in range(1, 4)]
    assert (
        run_import(store, plan("salesorders", write(tmp_path / "so.csv", "\n".join(lines)))).created
        == 3
    )
    before = payloads(store)
    assert len(before) == 3 and pending_batches(store) == 1
    store.close()
    (tmp_path / "config.toml").write_text("", encoding="utf-8")
    store = Workspace(tmp_path).open_store()
    assert payloads(store) == before
    with store.transaction() as cur:  # a mass change of every order's lines and subject
        cur.execute("UPDATE salesorder_items SET quantity = quantity + 100")
        cur.execute("UPDATE salesorders SET subject = 'changed'")
    assert pending_batches(store) == 0
    assert payloads(store) == before
    store.close()


def test_a_write_that_rolls_back_leaves_the_references_as_they_were(tmp_path: Path) -> None:
    _, store = open_workspace(tmp_path, factory_config())
    so = approved_order(store, seed(store))
    before = payloads(store)
    with pytest.raises(RuntimeError), store.transaction():
        store.update("salesorders", so, {"order_number": "SO-gone"})
        raise RuntimeError("stop")
    assert pending_batches(store) == 1 and stored(store) == [(None,)]
    store.update("salesorders", so, {"order_number": "SO-2"})
    assert payloads(store) == before
    store.close()


def test_references_and_payloads_built_at_once_are_the_same_bytes(tmp_path: Path) -> None:
    """The same firing with an update action in the config (payloads built as queued, since
    the update could change the records before the commit) and without (references)."""
    found = []
    for name, extra in (("later", CSV_CONFIG), ("at-once", CSV_CONFIG + UPDATING_CONFIG)):
        folder = tmp_path / name
        folder.mkdir()
        _, store = open_workspace(folder, factory_config(extra=extra))
        so = approved_order(store, seed(store))
        if name == "later":
            assert pending_batches(store) == 2 and stored(store) == [(None,), (None,)]
        else:
            assert pending_batches(store) == 0 and (None,) not in stored(store)
        store.update("salesorders", so, {"status": "Manufactured"})  # the email
        found.append(payloads(store))
        store.close()
    assert len(found[0]) == 3 and found[0] == found[1]
    kinds = [kind for kind, *_ in found[0]]
    assert kinds == ["email", "send", "send"]
