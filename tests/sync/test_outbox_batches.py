"""The outbox keeps what one firing's deliveries share once (kf_outbox_batches) and each
delivery's own part in a row; read back through `kf_outbox`, every delivery is what it was when
each one was a full row: the same payload text, byte for byte, and an id of its own for life."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from kafinea_tui.data.automation import outbox as table
from kafinea_tui.data.importer.run import run_import
from kafinea_tui.data.store.database import Store
from kafinea_tui.data.store.migrations import MIGRATIONS, SCHEMA_VERSION, current_version
from kafinea_tui.workspace import Workspace
from tests.import_helpers import plan, rows, write
from tests.sync.factory import factory_config, open_workspace, seed

AWKWARD_NAME = 'envoi "usine" / été\tà l\'atelier'
CSV_CONFIG = """
[[endpoints]]
name = "sheet"
url = "http://127.0.0.1:9/sheet"
format = "csv"

[[workflows]]
name = "sheet of approved orders"
module = "salesorders"
on = "create"
when = 'status = "Approved"'
actions = [{ type = "send", endpoint = "sheet", fields = ["order_number", "subject", "items"] }]
"""


def awkward_config() -> str:
    name = json.dumps(AWKWARD_NAME)
    return factory_config().replace('"send approved orders to the factory"', name)


def test_each_payload_is_the_whole_object_as_to_json_writes_it(tmp_path: Path) -> None:
    _, store = open_workspace(tmp_path, awkward_config())
    seed(store)
    header = "Order Number,Subject,Status,Product,Quantity,List Price"
    lines = [header, '"SO-""1"" é/ü",s,Approved,P-100,2,10', "SO-2,s,Approved,P-100,3,1.5"]
    run = plan("salesorders", write(tmp_path / "so.csv", "\n".join(lines) + "\n"))
    assert run_import(store, run).created == 2
    found = sorted((d.record_id, d.payload) for d in table.deliveries(store.cursor())[1])
    assert len(found) == 2
    for record_id, text in found:
        expected = (
            store.cursor()
            .execute(
                "SELECT CAST(to_json({'type': 'salesorders.changed', 'workflow': ?::VARCHAR,"
                " 'data': {'id': r.id, 'order_number': r.order_number, 'items': [{'product':"
                " 'P-100', 'quantity': i.quantity, 'list_price': i.list_price}]}}) AS VARCHAR)"
                " FROM salesorders r JOIN salesorder_items i ON i.salesorder_id = r.id"
                " WHERE r.id = ?",
                [AWKWARD_NAME, record_id],
            )
            .fetchone()
        )
        assert expected is not None and text == expected[0]
    body = json.loads(found[0][1])
    assert body["workflow"] == AWKWARD_NAME
    assert body["data"]["order_number"] == 'SO-"1" é/ü'
    store.close()


def test_a_csv_payload_is_the_header_and_lines_as_one_json_string(tmp_path: Path) -> None:
    _, store = open_workspace(tmp_path, factory_config(extra=CSV_CONFIG))
    contact = seed(store)
    so = store.create(
        "salesorders",
        {
            "order_number": "SO-9",
            "subject": 'a "quoted", line\nbreak',
            "contact": contact,
            "status": "Approved",
            "items": [{"product": 1, "quantity": 2, "list_price": 5}],
        },
    )
    (text,) = [d.payload for d in table.deliveries(store.cursor())[1] if d.target == "sheet"]
    assert json.loads(text) == (
        "id,order_number,subject,items.product,items.quantity,items.list_price\n"
        f'{so},"SO-9","a ""quoted"", line\nbreak","P-100",2.00,5.00\n'
    )
    store.close()


def test_deliveries_of_one_firing_have_ids_of_their_own_kept_on_every_attempt(
    factory_store: Store,
) -> None:
    store = factory_store
    with store.transaction():
        for n in range(3):
            store.create(
                "salesorders", {"order_number": f"SO-{n}", "subject": "s", "status": "Approved"}
            )
    cur = store.cursor()
    queued = rows(
        store, "SELECT id, webhook_id, status, attempts, next_attempt_at, created_at FROM kf_outbox"
    )
    assert len(queued) == 3 and len({r[1] for r in queued}) == 3
    assert all(r[1].startswith("msg_") for r in queued)
    assert {(r[2], r[3]) for r in queued} == {("pending", 0)}
    assert all(r[4] == r[5] for r in queued)  # due since queued
    ids = {r[0]: r[1] for r in queued}
    with store.transaction() as tx:
        claimed = table.claim_due(tx, 10)
    assert [(d.webhook_id, d.status, d.attempts) for d in claimed] == [
        (ids[d.id], "sending", 1) for d in sorted(claimed, key=lambda d: d.id)
    ]
    with store.transaction() as tx:
        assert table.release_claimed(tx, attempt_lost=False) == 3
    with store.transaction() as tx:
        again = table.claim_due(tx, 10)
    assert {d.id: d.webhook_id for d in again} == ids
    assert {d.attempts for d in again} == {2}
    with store.transaction() as tx:
        table.settle_all(tx, [table.Settled(again[0].id, "delivered", answer="ok")])
    assert table.counts(cur) == {"pending": 0, "sending": 2, "delivered": 1, "failed": 0}
    later = table.get(cur, again[0].id)
    assert later is not None and later.next_attempt_at is None and later.answer == "ok"


def test_a_version_5_outbox_keeps_its_deliveries_and_their_ids(workspace: Workspace) -> None:
    path = workspace.db_path
    with duckdb.connect(str(path)) as conn:
        conn.execute("CREATE TABLE kf_meta (key VARCHAR NOT NULL, value VARCHAR)")
        conn.execute("INSERT INTO kf_meta VALUES ('schema_version', '5')")
        for step in MIGRATIONS[:5]:
            step(conn)
        conn.execute(
            "INSERT INTO kf_outbox VALUES"
            " (nextval('kf_outbox_seq'), 'msg_old1', 'send', 'factory', 'wf', NULL,"
            " 'salesorders', 7, 3, '{\"a\": 1}', 'pending', 2, TIMESTAMP '2026-01-01', NULL,"
            " 'HTTP 503', NULL, TIMESTAMP '2025-12-31', NULL),"
            " (nextval('kf_outbox_seq'), 'msg_old2', 'email', 'smtp', NULL, 'nightly', NULL,"
            " NULL, NULL, '{\"to\": \"a@b.fr\"}', 'delivered', 1, NULL,"
            " TIMESTAMP '2025-12-31', NULL, '250 ok', TIMESTAMP '2025-12-30',"
            " TIMESTAMP '2025-12-31')"
        )
    store = Store.open(path)
    try:
        assert current_version(store.cursor()) == SCHEMA_VERSION
        cur = store.cursor()
        old = table.get(cur, 1)
        assert old is not None
        assert (old.webhook_id, old.kind, old.target, old.workflow, old.record_id) == (
            "msg_old1",
            "send",
            "factory",
            "wf",
            7,
        )
        assert (old.status, old.attempts, old.last_error, json.loads(old.payload)) == (
            "pending",
            2,
            "HTTP 503",
            {"a": 1},
        )
        done = table.get(cur, 2)
        assert done is not None and (done.webhook_id, done.schedule, done.status) == (
            "msg_old2",
            "nightly",
            "delivered",
        )
        with store.transaction() as tx:
            new = table.enqueue(tx, "send", "shop", '{"b": 2}')
            claimed = table.claim_due(tx, 10)
        assert new == 3
        assert [(d.id, d.attempts) for d in claimed] == [(1, 3), (3, 1)]
        assert claimed[0].webhook_id == "msg_old1"
        fresh = table.get(cur, new)
        assert fresh is not None and (fresh.target, fresh.kind) == ("shop", "send")
        assert fresh.webhook_id not in ("msg_old1", "msg_old2")
    finally:
        store.close()


def test_a_version_6_outbox_keeps_queued_and_attempted_deliveries(workspace: Workspace) -> None:
    path = workspace.db_path
    with duckdb.connect(str(path)) as conn:
        conn.execute("CREATE TABLE kf_meta (key VARCHAR NOT NULL, value VARCHAR)")
        conn.execute("INSERT INTO kf_meta VALUES ('schema_version', '6')")
        for step in MIGRATIONS[:6]:
            step(conn)
        conn.execute(
            "INSERT INTO kf_outbox_batches VALUES (nextval('kf_outbox_batches_seq'), 'send',"
            " 'factory', 'wf', NULL, 'salesorders', 'msg_ab_', '{\"data\":', '}',"
            " TIMESTAMP '2026-01-01')"
        )
        conn.execute(
            "INSERT INTO kf_outbox_rows (id, batch, record_id, change_cursor, payload, status,"
            " attempts, next_attempt_at, last_error) VALUES"
            " (nextval('kf_outbox_seq'), 1, 7, 3, '{\"n\":1}', NULL, NULL, NULL, NULL),"
            " (nextval('kf_outbox_seq'), 1, 8, 4, '{\"n\":2}', 'failed', 6, NULL, 'HTTP 500')"
        )
    store = Store.open(path)
    try:
        cur = store.cursor()
        assert current_version(cur) == SCHEMA_VERSION
        found = rows(
            store,
            "SELECT id, webhook_id, payload, status, attempts, next_attempt_at, last_error"
            " FROM kf_outbox ORDER BY id",
        )
        assert found == [
            (1, "msg_ab_1", '{"data":{"n":1}}', "pending", 0, found[0][5], None),
            (2, "msg_ab_2", '{"data":{"n":2}}', "failed", 6, None, "HTTP 500"),
        ]
        assert str(found[0][5]) == "2026-01-01 00:00:00"
        with store.transaction() as tx:
            assert [d.id for d in table.claim_due(tx, 10)] == [1]
            assert table.retry(tx, 2) is not None
        assert table.counts(cur) == {"pending": 1, "sending": 1, "delivered": 0, "failed": 0}
    finally:
        store.close()


def test_retrying_an_id_no_delivery_can_have_finds_nothing(factory_store: Store) -> None:
    with factory_store.transaction() as tx:
        assert table.retry(tx, 2**63) is None
        assert table.retry(tx, 12) is None
        assert rows(factory_store, "SELECT count(*) FROM kf_outbox_state") == [(0,)]


def test_a_delivery_settled_without_a_claim_gets_its_state(factory_store: Store) -> None:
    with factory_store.transaction() as tx:
        first = table.enqueue(tx, "send", "factory", '{"n": 1}')
        table.settle_all(tx, [table.Settled(first, "failed", "refused")])
    found = table.get(factory_store.cursor(), first)
    assert found is not None and (found.status, found.attempts, found.last_error) == (
        "failed",
        0,
        "refused",
    )
