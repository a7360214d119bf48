"""CSV payloads of sales orders naming a reference (the contact, the organization) beside their
items: every combination of fields renders, whether the payload is built as the delivery is
queued (a workflow of the config has an `update` action), rendered before the next write
(queued as references), or sent by a schedule; the text is received by a real HTTP receiver,
then imported back into another workspace, references included.

Why: the item lines were made by a lambda that repeated the order's cells, and a reference's
cell is a subquery, which DuckDB refuses in a lambda ("subqueries in lambda expressions are not
supported"): every write that fired such a send failed, and the change was not saved."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kafinea_tui.data.automation import outbox as table
from kafinea_tui.data.importer.plan import CsvOptions, ImportPlan
from kafinea_tui.data.importer.run import run_import
from kafinea_tui.data.store.database import Store
from kafinea_tui.sync.config.load import read_config
from kafinea_tui.sync.outbox import Outbox
from kafinea_tui.sync.scheduler import Scheduler
from kafinea_tui.workspace import Workspace
from tests.cli.run_cli import cli
from tests.sync.factory import open_workspace
from tests.sync.receiver import Receiver, run_until_settled
from tests.sync.servers import wait_for

# Any workflow with an `update` action, even on another module, makes payloads built at once.
UPDATE_ELSEWHERE = """
[[workflows]]
name = "reactivate products"
module = "products"
on = "update"
when = 'active = false'
actions = [{ type = "update", set = { active = "yes" } }]
"""
FIELD_SETS = [
    ["order_number", "contact", "items"],
    ["contact", "items"],
    ["items", "organization", "contact"],
    ["order_number", "items", "contact", "subject", "status", "total"],
    [],  # every field: both references and the items
]
SUBJECT = 'Rush, "fragile"'


def config(url: str, fields: list[str], update_elsewhere: bool, schedule: bool = False) -> str:
    sent = json.dumps(fields)
    text = f"""
[[endpoints]]
name = "factory"
url = "{url}"
format = "csv"
retries = 0
timeout = 5

[[workflows]]
name = "to factory"
module = "salesorders"
on = "update"
actions = [{{ type = "send", endpoint = "factory", fields = {sent} }}]
"""
    if schedule:
        text += f"""
[[schedules]]
name = "orders as csv"
every = "1h"
action = {{ type = "send", endpoint = "factory", module = "salesorders", fields = {sent} }}
"""
    return text + (UPDATE_ELSEWHERE if update_elsewhere else "")


def orders(store: Store) -> None:
    """Two orders naming a contact (one also an organization), with two, one and no items."""
    lea = store.create("contacts", {"last_name": "Lea", "email": "lea@example.com"})
    acme = store.create("organizations", {"name": "Acme, Inc."})
    store.create("products", {"product_code": "P-1", "name": "One"})
    store.create("products", {"product_code": "P-2", "name": "Two"})
    store.create(
        "salesorders",
        {
            "order_number": "X-1",
            "subject": SUBJECT,
            "contact": lea,
            "organization": acme,
            "items": [
                {"product": 1, "quantity": 1, "list_price": 2},
                {"product": 2, "quantity": 3, "list_price": 0.5},
            ],
        },
    )
    store.create("salesorders", {"order_number": "X-2", "subject": "Bare", "contact": lea})


ALL_FIELDS = ["order_number", "subject", "contact", "organization", "status", "due_date"]
ALL_FIELDS += ["total", "items"]


def expected(fields: list[str], status: str = "") -> tuple[str, list[str]]:
    """The header and the CSV lines the two orders must give, written out by hand."""
    chosen = fields or ALL_FIELDS
    cells_1 = {
        "order_number": '"X-1"',
        "subject": '"Rush, ""fragile"""',
        "contact": '"lea@example.com"',
        "organization": '"Acme, Inc."',
        "status": f'"{status}"',
        "due_date": "",
        "total": "3.50",
    }
    cells_2 = {**cells_1, "order_number": '"X-2"', "subject": '"Bare"', "organization": '""'}
    cells_2["total"] = ""
    columns = [f for f in chosen if f != "items"]
    header = ",".join(["id", *columns, "items.product", "items.quantity", "items.list_price"])
    head_1 = ",".join(["1", *(cells_1[c] for c in columns)])
    head_2 = ",".join(["2", *(cells_2[c] for c in columns)])
    return header, [f'{head_1},"P-1",1.00,2.00', f'{head_1},"P-2",3.00,0.50', f"{head_2},,,"]


def import_back(path: Path, body: bytes) -> Store:
    """A fresh workspace importing the body as it came: references by their keys."""
    path.mkdir()
    store = Workspace(path).open_store()
    (path / "in.csv").write_bytes(body)
    report = run_import(store, ImportPlan("salesorders", CsvOptions(path / "in.csv")))
    assert report.failed == 0, report.errors
    return store


@pytest.mark.parametrize("update_elsewhere", [True, False], ids=["built-at-once", "deferred"])
@pytest.mark.parametrize("fields", FIELD_SETS, ids=lambda f: "+".join(f) or "all")
def test_a_workflow_sends_references_and_items_as_csv(
    tmp_path: Path, fields: list[str], update_elsewhere: bool
) -> None:
    with Receiver() as receiver:
        url = f"http://127.0.0.1:{receiver.port}/csv"
        (tmp_path / "a").mkdir()
        workspace, store = open_workspace(tmp_path / "a", config(url, fields, update_elsewhere))
        orders(store)
        # One write firing both orders: the change is saved, their deliveries queued.
        with store.transaction():
            store.update("salesorders", 1, {"status": "Approved"})
            store.update("salesorders", 2, {"status": "Approved"})
        assert store.cursor().execute("SELECT status FROM salesorders").fetchall() == [
            ("Approved",),
            ("Approved",),
        ]
        queued = table.deliveries(store.cursor())[1]
        assert sorted(d.record_id or 0 for d in queued) == [1, 2]
        texts = {d.record_id: json.loads(d.payload) for d in queued}
        header, lines = expected(fields, "Approved")
        assert texts[1] == "\n".join([header, *lines[:2]]) + "\n"
        assert texts[2] == "\n".join([header, lines[2]]) + "\n"
        # The next write renders references queued before it: it must not fail either.
        store.update("salesorders", 1, {"subject": SUBJECT})
        configured = read_config(workspace.config_path, store.schema)
        box = Outbox(store, lambda: configured)
        done = run_until_settled(store, box)
        assert done.status == "delivered", done.last_error
        wait_for(lambda: box.round() == 0 and len(receiver.seen) == 2)
        store.close()
    bodies = sorted(seen["body"] for seen in receiver.seen)
    assert [b.decode() for b in bodies] == [texts[1], texts[2]]
    chosen = fields or ALL_FIELDS
    if {"order_number", "subject", "contact"} <= set(chosen):
        back = import_back(tmp_path / "b", bodies[0])
        found = back.cursor().execute(
            "SELECT s.order_number, s.subject, c.email FROM salesorders s JOIN contacts c"
            " ON c.id = s.contact"
        )
        assert found.fetchall() == [("X-1", SUBJECT, "lea@example.com")]
        assert back.cursor().execute("SELECT count(*) FROM salesorder_items").fetchall() == [(2,)]
        back.close()


def test_a_scheduled_csv_send_names_references_beside_items(tmp_path: Path) -> None:
    fields = ["order_number", "contact", "items"]
    with Receiver() as receiver:
        url = f"http://127.0.0.1:{receiver.port}/csv"
        workspace, store = open_workspace(tmp_path, config(url, fields, True, schedule=True))
        orders(store)
        configured = read_config(workspace.config_path, store.schema)
        schedule = configured.schedule("orders as csv")
        assert schedule is not None
        run = Scheduler(store, workspace.mappings_dir).run(schedule)
        assert run is not None and run.status == "ok", run
        done = run_until_settled(store, Outbox(store, lambda: configured))
        assert done.status == "delivered", done.last_error
        store.close()
    header, lines = expected(fields)
    assert receiver.seen[0]["body"].decode() == "\n".join([header, *lines]) + "\n"


def test_the_reported_command_saves_the_change(tmp_path: Path) -> None:
    """The exploratory test's own steps: import, then `update` from the command line."""
    (tmp_path / "config.toml").write_text(
        config("http://127.0.0.1:9/csv", ["order_number", "contact", "items"], True)
    )
    (tmp_path / "in.csv").write_text(
        "Order Number,Subject,Contact Name,Product,Quantity,List Price\n"
        "X-1,One,lea@example.com,P-1,1,2\n"
    )
    imported = cli(tmp_path, "import", "salesorders", str(tmp_path / "in.csv"), "--json")
    assert imported.returncode == 0, imported.stderr
    updated = cli(tmp_path, "update", "salesorders", "--ids", "1", "--set", "subject=Two")
    assert updated.returncode == 0, updated.stderr
    assert "Traceback" not in updated.stderr
    listed = cli(tmp_path, "automation", "deliveries", "--json")
    assert listed.returncode == 0, listed.stderr
    deliveries = json.loads(listed.stdout)
    payloads = [d["payload"] for d in deliveries.get("deliveries", deliveries)]
    assert payloads == [
        "id,order_number,contact,items.product,items.quantity,items.list_price\n"
        '1,"X-1","lea@example.com","P-1",1.00,2.00\n'
    ]


# A batch's payload SQL exactly as the release before the fix stored it (`to factory`, fields
# order_number, contact, items): the contact's cell, a subquery, inside the lambda.
STORED_BEFORE = (
    "SELECT r.id AS id, CAST((substr(CAST(to_json(array_to_string(list_transform(coalesce(("
    "SELECT list(('\"' || replace(coalesce(CAST(p.product_code AS VARCHAR), ''), '\"', '\"\"')"
    " || '\"') || ',' || coalesce(CAST(i.quantity AS VARCHAR), '') || ',' ||"
    " coalesce(CAST(i.list_price AS VARCHAR), '') ORDER BY i.position) FROM salesorder_items i"
    " LEFT JOIN products p ON p.id = i.product WHERE i.salesorder_id = r.id), [',,']), lambda x:"
    " CAST(r.id AS VARCHAR) || ',' || ('\"' || replace(coalesce(CAST(r.order_number AS VARCHAR),"
    " ''), '\"', '\"\"') || '\"') || ',' || ('\"' || replace(coalesce(CAST((SELECT k.email FROM"
    " contacts k WHERE k.id = r.contact) AS VARCHAR), ''), '\"', '\"\"') || '\"') || ',' || x ||"
    " chr(10)), '')) AS VARCHAR), 2)) AS VARCHAR) AS payload FROM salesorders r"
)


def test_a_workspace_holding_a_batch_queued_before_the_fix_writes_again(tmp_path: Path) -> None:
    """A firing queued as references by the release before the fix kept SQL that cannot run,
    and every write renders the pending batches first: opening the workspace repairs it."""
    fields = ["order_number", "contact", "items"]
    with Receiver() as receiver:
        url = f"http://127.0.0.1:{receiver.port}/csv"
        workspace, store = open_workspace(tmp_path, config(url, fields, False))
        orders(store)
        head = json.dumps(expected(fields)[0] + "\n")[:-1]  # the header, kept once
        with store.transaction() as cur:
            batch = table.new_batch(
                cur,
                "send",
                "factory",
                workflow="to factory",
                module="salesorders",
                envelope=(head, ""),
                render=(STORED_BEFORE, []),
            )
            cur.execute(
                "INSERT INTO kf_outbox_rows (id, batch, record_id, change_cursor)"
                " SELECT nextval('kf_outbox_seq'), ?, 1, 0",
                [batch],
            )
        store.close()
        store = workspace.open_store()  # as the next command, the app or `serve` opens it
        store.update("salesorders", 2, {"subject": "Written"})
        assert store.cursor().execute(
            "SELECT subject FROM salesorders WHERE id = 2"
        ).fetchall() == [("Written",)]
        configured = read_config(workspace.config_path, store.schema)
        done = run_until_settled(store, Outbox(store, lambda: configured))
        assert done.status == "delivered", done.last_error
        store.close()
    header, lines = expected(fields)
    # The batch queued before the fix (delivery 1) went out as it had to: X-1 and its items.
    assert done.id == 1 and json.loads(done.payload) == "\n".join([header, *lines[:2]]) + "\n"
    assert "\n".join([header, *lines[:2]]) + "\n" in [s["body"].decode() for s in receiver.seen]
