"""10,000 orders approved by one mass edit give 10,000 deliveries, each delivered once."""

from __future__ import annotations

from pathlib import Path

from kafinea_tui.data.importer.plan import CsvOptions, ImportPlan
from kafinea_tui.data.importer.run import run_import
from kafinea_tui.workspace import Workspace
from tests.cli.run_cli import cli
from tests.import_helpers import write
from tests.sync.factory import SECRET, factory_config, seed
from tests.sync.servers import Factory, Serve, wait_for

ORDERS = 10_000


def test_ten_thousand_approved_orders_are_each_delivered_once(tmp_path: Path) -> None:
    factory = Factory(SECRET)
    (tmp_path / "config.toml").write_text(factory_config(factory.url))
    store = Workspace(tmp_path).open_store()
    try:
        seed(store)
        lines = ["Order Number,Subject,Status,Product,Quantity,List Price"]
        lines += [f"SO-{n},Order {n},Created,P-100,{n % 5 + 1},2.5" for n in range(ORDERS)]
        report = run_import(
            store,
            ImportPlan("salesorders", CsvOptions(write(tmp_path / "so.csv", "\n".join(lines)))),
        )
        assert report.created == ORDERS
        assert store.cursor().execute("SELECT count(*) FROM kf_outbox").fetchone() == (0,)
    finally:
        store.close()
    # One mass edit, by the command line, with no server running: the deliveries are queued
    # in its transaction, and the server sends them when it starts.
    edit = cli(
        tmp_path,
        "update",
        "salesorders",
        "--filter",
        'status = "Created"',
        "--set",
        "status=Approved",
    )
    assert edit.returncode == 0, edit.stderr
    factory.start()
    serve = Serve(tmp_path).start()
    try:
        wait_for(lambda: len(factory.received) >= ORDERS, timeout=600, every=0.5)
    finally:
        serve.stop()
        factory.stop()
    assert len(factory.received) == ORDERS
    assert factory.attempts == ORDERS  # nothing was sent twice
    numbers = {d["body"]["data"]["order_number"] for d in factory.received}
    assert numbers == {f"SO-{n}" for n in range(ORDERS)}
    listed = cli(tmp_path, "automation", "deliveries", "--status", "delivered", "--json")
    assert '"total": 10000' in listed.stdout
