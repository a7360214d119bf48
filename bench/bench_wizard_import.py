"""The import wizard's run in a client: `RemoteBackend.import_file` through the workspace's
owner (`kafinea-tui serve`, its Unix socket), as a ratio to `LocalBackend.import_file` (the
importer in-process) of the same plan and file, in the same run.

The file is bench_import's generated contacts CSV (BENCH_ROWS rows, 12 columns), with the
wizard's kind of plan: a mapping, defaults, organizations created. The client's side adds the
upload (the file streamed in chunks, the progress bar fed by the bytes sent), the server's
writing of it to a temporary file, the plan sent as parameters and rebuilt, and the report's
JSON with the failed rows' cells. Each side imports into a workspace of its own, both empty at
first; the two sides run in turn, a dry run each (the whole import, rolled back) a round, then
one real import each; medians of the dry runs. Goal: <= 1.3x.

The owner's body limit is raised for the bench (`--max-body-mb`): at a million rows the file
is larger than the default 100 MB.

Measured on 2 shared cores under heavy load (load average 11-14): 1,000,000 rows (138 MB),
test run 13.26 s in-process, 13.45 s through the socket, 1.01x; import 32.88 s and 24.51 s
(one of each: the load moved more than the upload costs). 100,000 rows: 0.87x and 1.06x.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.bench_import import MAPPING, generate
from bench.data import bench_rows
from kafinea_tui.backend.local import LocalBackend
from kafinea_tui.backend.remote import RemoteBackend
from kafinea_tui.cli.server_app import owner_backend
from kafinea_tui.data.importer.plan import CsvOptions, ImportPlan, ImportReport
from kafinea_tui.data.store.database import Store
from kafinea_tui.sync.owner import find_owner
from kafinea_tui.workspace import Workspace

RUNS = 3
GOAL = 1.3


def run(data_dir: Path) -> None:
    rows = bench_rows()
    csv_path = data_dir / f"contacts_{rows}.csv"
    if not csv_path.exists():
        generate(csv_path, rows)
    plan = ImportPlan(
        module="contacts",
        csv=CsvOptions(csv_path, encoding="utf-8", delimiter=";"),
        mapping=dict(MAPPING),
        defaults={"mailing_country": "France", "description": "imported by the bench"},
    )
    work = Path(tempfile.mkdtemp(prefix="kafinea-bench-wizard-", dir=data_dir))
    try:
        local_dir, owned_dir = work / "local", work / "owned"
        local_dir.mkdir()
        owned_dir.mkdir()
        store = Store.open(local_dir / "kafinea.duckdb")
        try:
            with _owner(Workspace(owned_dir)) as remote:
                _compare(LocalBackend(store), remote, plan, csv_path)
        finally:
            store.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _compare(local: LocalBackend, remote: RemoteBackend, plan: ImportPlan, path: Path) -> None:
    tests: tuple[list[float], list[float]] = ([], [])
    reports: list[ImportReport] = []
    for _ in range(RUNS):
        for backend, seen in ((local, tests[0]), (remote, tests[1])):
            started = time.perf_counter()
            reports.append(backend.import_file(plan, dry_run=True))
            seen.append(time.perf_counter() - started)
    imports: list[float] = []
    for backend in (local, remote):
        started = time.perf_counter()
        reports.append(backend.import_file(plan))
        imports.append(time.perf_counter() - started)
    counts = {(r.total, r.created, r.failed, r.related_created) for r in reports}
    assert len(counts) == 1, f"the reports differ: {counts}"
    mine, theirs = sorted(tests[0])[RUNS // 2], sorted(tests[1])[RUNS // 2]
    size = path.stat().st_size / 1e6
    print(
        f"wizard test run of {reports[0].total:,} rows ({size:.0f} MB): in-process {mine:.2f} s, "
        f"through the owner's socket {theirs:.2f} s: {theirs / mine:.2f}x (goal <= {GOAL}x)",
        flush=True,
    )
    print(
        f"wizard import: in-process {imports[0]:.2f} s, through the owner's socket "
        f"{imports[1]:.2f} s: {imports[1] / imports[0]:.2f}x (goal <= {GOAL}x)",
        flush=True,
    )


@contextmanager
def _owner(workspace: Workspace) -> Iterator[RemoteBackend]:
    """`kafinea-tui serve` owning the workspace, and the app's backend on its socket."""
    command = [sys.executable, "-m", "kafinea_tui.cli", "--workspace", str(workspace.path)]
    server = subprocess.Popen(
        [*command, "serve", "--port", "0", "--max-body-mb", "10000"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while (owner := find_owner(workspace)) is None:
            if server.poll() is not None:
                raise RuntimeError(f"serve ended: {server.communicate()[1].decode()[-500:]}")
            if time.monotonic() > deadline:
                raise RuntimeError("serve did not come up in 120 s")
            time.sleep(0.05)
        backend = owner_backend(owner)
        try:
            yield backend
        finally:
            backend.close()
    finally:
        server.terminate()
        server.wait(timeout=60)


if __name__ == "__main__":
    run(Path(__file__).parent / ".data")
