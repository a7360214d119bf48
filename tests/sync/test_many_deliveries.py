"""Orders approved by one mass edit give one delivery each, each delivered once: 200 in the
usual run, and the 10,000 of the scale test (`slow`: ~15 CPU-seconds) in CI's slow run."""

from __future__ import annotations

from pathlib import Path

import pytest

from kafinea_tui.data.importer.plan import CsvOptions, ImportPlan
from kafinea_tui.data.importer.run import run_import
from kafinea_tui.workspace import Workspace
from tests.cli.run_cli import cli
from tests.import_helpers import write
from tests.sync.factory import SECRET, factory_config, seed
from tests.sync.servers import Factory, Serve


@pytest.mark.parametrize("orders", [200, pytest.param(10_000, marks=pytest.mark.slow)])
def test_approved_orders_are_each_delivered_once(tmp_path: Path, orders: int) -> None:
    factory = Factory(SECRET)
    (tmp_path / "config.toml").write_text(factory_config(factory.url))
    store = Workspace(tmp_path).open_store()
    try:
        seed(store)
        lines = ["Order Number,Subject,Status,Product,Quantity,List Price"]
        lines += [f"SO-{n},Order {n},Created,P-100,{n % 5 + 1},2.5" for n in range(orders)]
        report = run_import(
            store,
            ImportPlan("salesorders", CsvOptions(write(tmp_path / "so.csv", "\n".join(lines)))),
        )
        assert report.created == orders
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
        factory.wait_received(orders, timeout=600)
    finally:
        serve.stop()
        factory.stop()
    assert len(factory.received) == orders
    assert factory.attempts == orders  # nothing was sent twice
    numbers = {d["body"]["data"]["order_number"] for d in factory.received}
    assert numbers == {f"SO-{n}" for n in range(orders)}
    listed = cli(tmp_path, "automation", "deliveries", "--status", "delivered", "--json")
    assert f'"total": {orders}' in listed.stdout
