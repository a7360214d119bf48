"""Issue 12's benchmark: working through the workspace's owner against working in-process.

- a filtered page plus its count (`mailing_city = "Paris"`, sorted by last name, 50 records at
  a few offsets) through the owner's Unix socket with the typed client, as a ratio to the same
  call in-process (`sync.api.records.list_records`, what the owner itself runs) (goal <= 1.3x);
- an export of every contact through the socket to a file, as a ratio to the local export
  (`export_file`) of the same data (goal <= 1.3x): the owner writes the client's file in place
  (`POST /{module}/export`, sync/api/export/to_path.py),
on the BENCH_ROWS contacts of bench/data.py (default 1,000,000).

The owner is `kafinea-tui serve` in its own process on a copy of the data (DuckDB lets one
process open a file), as in use: the client's process does not share the server's interpreter.
The two sides of each ratio are timed in turn, one call of each, so that a shared machine's
changing load falls on both; the figures are medians.

Measured on 2 shared cores, load average 4.5-6 (1,000,000 contacts, 200,000 matching), three
runs: filtered page + count 0.96x, 0.98x, 1.00x (79-131 ms a call); export 1.17x, 0.94x, 1.19x
(local 1.04-1.22 s). Before, the owner wrote the export to a temporary file and then sent its
160 MB through the socket into the client's file: 1.34-1.45x.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.data import bench_rows, contacts_workspace
from kafinea_tui import __version__
from kafinea_tui.client import Client
from kafinea_tui.data.exporter.options import ExportOptions
from kafinea_tui.data.exporter.run import export_file
from kafinea_tui.data.query import ListQuery
from kafinea_tui.data.store.database import Store
from kafinea_tui.sync.api.records import list_records
from kafinea_tui.sync.owner import find_owner, reachable
from kafinea_tui.workspace import Workspace

RUNS = int(os.environ.get("BENCH_RUNS", "3"))
PAGES = 8  # page calls a side a round
FILTER = 'mailing_city = "Paris"'
SORT = "last_name"


def run(data_dir: Path) -> None:
    source = contacts_workspace(data_dir)
    work = Path(tempfile.mkdtemp(prefix="kafinea-bench-socket-", dir=data_dir))
    try:
        local_dir, owned_dir = work / "local", work / "owned"
        for folder in (local_dir, owned_dir):
            folder.mkdir()
            shutil.copyfile(source, folder / "kafinea.duckdb")
        store = Store.open(local_dir / "kafinea.duckdb")
        try:
            with _owner(Workspace(owned_dir)) as client:
                _pages(store, client)
                _exports(store, client, work)
        finally:
            store.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _pages(store: Store, client: Client) -> None:
    query = ListQuery(module="contacts", filter=FILTER, sort=((SORT, False),))
    offsets = [0, 50, 5_000, 20_000]

    def local() -> object:
        return [list_records(store, query, offset, 50) for offset in offsets * (PAGES // 4)]

    def remote() -> object:
        return [
            client.records("contacts", filter=FILTER, sort=SORT, limit=50, offset=offset)
            for offset in offsets * (PAGES // 4)
        ]

    same = list_records(store, query, 0, 50)
    page = client.records("contacts", filter=FILTER, sort=SORT, limit=50)
    assert page.total == same["total"] and page.records == same["records"], "different pages"
    mine, theirs = _in_turn(local, remote, RUNS * 3)
    print(
        f"filtered page + count ({page.total:,} of {bench_rows():,} contacts): in-process "
        f"{mine / PAGES * 1000:.1f} ms, through the socket {theirs / PAGES * 1000:.1f} ms: "
        f"{theirs / mine:.2f}x (goal <= 1.3x)",
        flush=True,
    )


def _exports(store: Store, client: Client, work: Path) -> None:
    options = ExportOptions(module="contacts")
    local_file, remote_file = work / "local.csv", work / "remote.csv"
    counts: list[int] = []

    def local() -> object:
        return counts.append(export_file(store, options, local_file).count)

    def remote() -> object:
        return counts.append(client.export_csv("contacts", remote_file, format="csv"))

    mine, theirs = _in_turn(local, remote, RUNS)
    assert len(set(counts)) == 1, f"the exports differ: {counts}"
    assert local_file.stat().st_size == remote_file.stat().st_size
    print(
        f"export of {counts[0]:,} contacts: local {mine:.2f} s, through the socket "
        f"{theirs:.2f} s: {theirs / mine:.2f}x (goal <= 1.3x)",
        flush=True,
    )


def _in_turn(
    first: Callable[[], object], second: Callable[[], object], runs: int
) -> tuple[float, float]:
    """Median seconds of each, timed alternately after one untimed call each."""
    first(), second()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for action, seen in ((first, times[0]), (second, times[1])):
            started = time.perf_counter()
            action()
            seen.append(time.perf_counter() - started)
    return statistics.median(times[0]), statistics.median(times[1])


@contextmanager
def _owner(workspace: Workspace) -> Iterator[Client]:
    """`kafinea-tui serve` owning the workspace, and a client of its socket."""
    command = [sys.executable, "-m", "kafinea_tui.cli", "--workspace", str(workspace.path)]
    server = subprocess.Popen(
        [*command, "serve", "--port", "0"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 120
        while find_owner(workspace) is None:
            if server.poll() is not None:
                raise RuntimeError(f"serve ended: {server.communicate()[1].decode()[-500:]}")
            if time.monotonic() > deadline:
                raise RuntimeError("serve did not come up in 120 s")
            time.sleep(0.05)
        with Client.over_socket(reachable(workspace.socket_path), __version__) as client:
            yield client
    finally:
        server.terminate()
        server.wait(timeout=60)
