"""The sync panel of an app that is a client, against the owner's own panel.

The panel reads its whole view every two seconds (engine, delivery counts, the newest 200
deliveries, workflows, schedules, endpoints, tokens). In the owner that is `LocalAutomation`
over its store; in a client, `RemoteAutomation`: one request each to `kafinea-tui serve`
through the workspace's socket (six). Both sides read copies of the same workspace with an
outbox of BENCH_ROWS / 10 failed deliveries (100,000 by default); they are timed in turn, one
view each a round, and the figures are medians, so a shared machine's load falls on both. The
difference is the constant a client pays a refresh (goal: far below the two seconds between
refreshes).

Measured on 2 shared cores (load average 6-8): 100,000 deliveries, 83.9 ms in the owner, 106.3
ms from a client, 1.27x (+22.5 ms a refresh); 10,000 deliveries, 14.7 ms and 35.7 ms, 2.42x
(+21.0 ms: six requests' constant).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bench.bench_socket import _owner
from bench.data import bench_rows
from kafinea_tui.backend.local import LocalBackend
from kafinea_tui.cli.server_app import owner_backend
from kafinea_tui.data.store.database import Store
from kafinea_tui.sync.owner import find_owner
from kafinea_tui.workspace import Workspace

RUNS = int(os.environ.get("BENCH_RUNS", "9"))
CONFIG = """
[[endpoints]]
name = "factory"
url = "http://127.0.0.1:9/build"
retries = 0

[[workflows]]
name = "send approved orders to the factory"
module = "salesorders"
on = "create_or_update"
when = 'status = "Approved"'
actions = [{ type = "send", endpoint = "factory" }]

[[schedules]]
name = "products to the factory"
cron = "0 2 * * *"
action = { type = "send", endpoint = "factory", module = "products" }
"""


def _outbox(folder: Path, count: int) -> None:
    """A workspace whose outbox holds `count` failed deliveries, written by one INSERT."""
    folder.mkdir(parents=True)
    (folder / "config.toml").write_text(CONFIG, encoding="utf-8")
    store = Store.open(folder / "kafinea.duckdb")
    try:
        with store.transaction() as cur:
            from kafinea_tui.data.automation import outbox as table

            first = table.enqueue(cur, "send", "factory", json.dumps({"type": "order", "data": {}}))
            # Copies of the first delivery in its batch (each webhook id is the batch's prefix
            # and the copy's own id), failed after one attempt.
            cur.execute(
                "INSERT INTO kf_outbox_rows SELECT o.* REPLACE (o.id + r.i AS id)"
                " FROM kf_outbox_rows AS o, range(1, ?) AS r(i)",
                [count],
            )
            cur.execute(
                "INSERT INTO kf_outbox_state (id, status, attempts)"
                " SELECT id, 'failed', 1 FROM kf_outbox_rows WHERE id <> ?",
                [first],
            )
    finally:
        store.close()


def run(data_dir: Path) -> None:
    count = max(1, bench_rows() // 10)
    work = Path(tempfile.mkdtemp(prefix="kafinea-bench-panel-", dir=data_dir))
    try:
        _outbox(work / "local", count)
        shutil.copytree(work / "local", work / "owned")
        owned = Workspace(work / "owned")
        store = Store.open(work / "local" / "kafinea.duckdb")
        try:
            local = LocalBackend(store).automation(Workspace(work / "local"))
            with _owner(owned):
                owner = find_owner(owned)
                assert owner is not None
                backend = owner_backend(owner)
                try:
                    remote = backend.automation(owned)
                    here, there = local.view(None), remote.view(None)  # warm both sides
                    assert (there.total, len(there.deliveries)) == (
                        here.total,
                        len(here.deliveries),
                    )
                    mine: list[float] = []
                    theirs: list[float] = []
                    for _ in range(RUNS):
                        started = time.perf_counter()
                        local.view(None)
                        mine.append(time.perf_counter() - started)
                        started = time.perf_counter()
                        remote.view(None)
                        theirs.append(time.perf_counter() - started)
                finally:
                    backend.close()
            local_s, remote_s = statistics.median(mine), statistics.median(theirs)
            print(
                f"sync panel view, {here.total:,} deliveries: in the owner {local_s * 1000:.1f}"
                f" ms, from a client through the socket {remote_s * 1000:.1f} ms:"
                f" {remote_s / local_s:.2f}x (+{(remote_s - local_s) * 1000:.1f} ms a refresh)",
                flush=True,
            )
        finally:
            store.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
