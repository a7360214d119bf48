"""The app as a client: a list page through a server against the same page in-process.

What the list screen asks for each page (`Backend.page`: the page and the count of every match)
through `RemoteBackend` (one `GET .../records` to a `kafinea-tui serve` subprocess over HTTP on
127.0.0.1) as a ratio to `LocalBackend` (the data layer in this process) on a copy of the same
workspace of BENCH_ROWS contacts: an unfiltered first page, and a filtered, sorted page further
on. The two sides are timed in turn, so a shared machine's changing load falls on both; the
difference of the medians is the constant a client pays a page. Goal: <= 1.3x on the filtered
page of a million contacts.

Measured on 2 shared cores under a load average of 20-25, 7 runs each side, two runs of the
benchmark: the first page 1.68x (+4 ms) and 2.88x (+70 ms); the filtered, sorted page 1.39x
(+137 ms) and 1.04x (+10 ms). Before the API read a page with the list's own query (it read the
page's ids again from the whole table), the same run gave 2.67x (+235 ms) and 1.67x (+457 ms).
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from bench.bench_api import _server
from bench.data import contacts_workspace
from kafinea_tui.backend.local import LocalBackend
from kafinea_tui.backend.remote import RemoteBackend
from kafinea_tui.data.query import ListQuery
from kafinea_tui.data.store.database import Store

RUNS = int(os.environ.get("BENCH_RUNS", "7"))
PAGES = (
    ("first page", ListQuery("contacts"), 0),
    (
        "filtered, sorted page",
        ListQuery(
            "contacts",
            filter='mailing_city = "Lyon" and title ~ "buy"',
            sort=(("last_name", False),),
        ),
        500,
    ),
)


def _copy(source: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / source.name
    if not target.exists() or target.stat().st_size != source.stat().st_size:
        shutil.copyfile(source, target)
    return target


def run(data_dir: Path) -> None:
    source = contacts_workspace(data_dir)
    local_path = _copy(source, data_dir / f"client_local_{source.parent.name}")
    served = _copy(source, data_dir / f"client_served_{source.parent.name}").parent
    store = Store.open(local_path)
    try:
        local = LocalBackend(store)
        with _server(served) as (base, token):
            remote = RemoteBackend.connect(base, token, where=base)
            try:
                for title, query, offset in PAGES:
                    local.page(query, offset, 50)  # warm both sides
                    remote.page(query, offset, 50)
                    mine: list[float] = []
                    theirs: list[float] = []
                    for _ in range(RUNS):
                        started = time.perf_counter()
                        here = local.page(query, offset, 50)
                        mine.append(time.perf_counter() - started)
                        started = time.perf_counter()
                        there = remote.page(query, offset, 50)
                        theirs.append(time.perf_counter() - started)
                        assert (there.ids, there.total) == (here.ids, here.total)
                    local_s, remote_s = sorted(mine)[RUNS // 2], sorted(theirs)[RUNS // 2]
                    print(
                        f"{title} of {store.count('contacts'):,} contacts (total {here.total:,}):"
                        f" local {local_s * 1000:.1f} ms, through the server"
                        f" {remote_s * 1000:.1f} ms: {remote_s / local_s:.2f}x"
                        f" (+{(remote_s - local_s) * 1000:.1f} ms a page)",
                        flush=True,
                    )
            finally:
                remote.close()
    finally:
        store.close()
