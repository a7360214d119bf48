"""Benchmark of issue 9: a mass edit of one field on every contact (a million by default) and its
undo, each as a ratio to a bare DuckDB `UPDATE contacts SET title = ?` (with its COMMIT) on the
same database in the same run. Goal: at most 2.0x. Two cases: the previous title the same on
every record (as the bare UPDATE leaves it), and four titles in turn (`id % 4`, set untimed
before each edit). Each round runs the bare UPDATE, the edit and the undo in turn, so that both
sides of a ratio meet the same load; medians of RUNS rounds, on a copy of the bench workspace.

The edit (bulk/update.py): one scan counts the changed records with their distinct previous
values (`modified_at` and the field); these are saved in the smallest form that fits
(bulk/saved_values.py): runs of consecutive ids beside their values, else bit planes of each
record's number among a few combinations (bulk/saved_planes.py), else a table of ids and hashed
codes; then one UPDATE of the field and `modified_at` (with no condition when every selected
record changes) and one change-log set. Undo restores by the runs' ranges, by each record's
number read from the planes (a join on the few combinations), or by a join on the saved ids.

Per statement, CPU of the process in ms (load average 5-6; bare UPDATE + COMMIT 77-98):
- the same title: edit 140-159 (distinct values 27-32, UPDATE 66-77, COMMIT 34-37, some
  twenty small statements 15); undo 118-120 (UPDATE by the run 60-66, COMMIT 38-42).
- four titles: edit 205-215 (distinct values 30-36, planes 43-49, UPDATE 68-74, COMMIT
  41-46); undo 177-202 (UPDATE through the planes 113-144, COMMIT 37-47).
Ratios, three runs each: at load average 2.8-3.2, the same title edit 1.99x / 1.78x / 1.18x,
undo 1.67x / 1.63x / 1.33x; four titles edit 2.37x / 2.74x / 2.31x, undo 2.18x / 3.03x /
1.66x. At load 6.1-6.9: the same title edit 1.44x / 1.20x / 1.65x, undo 1.30x / 1.24x /
1.16x; four titles edit 3.16x / 2.70x / 2.62x, undo 2.67x / 2.34x / 2.30x.

What is left for four titles: the edit writes two columns where the bare UPDATE writes one
(its UPDATE alone costs 0.8-0.9x the bare UPDATE and COMMIT) and reads the previous values
twice (their distinct values, then each record's number: 75-85 ms of CPU together); undo's
UPDATE reads two bits a record and joins the combinations, 2x the bare UPDATE of a constant.
Measured and left: a bitstring per combination, one UPDATE each (1.7x the planes' UPDATE); a
list of codes indexed by id (2.5x); each combination's ids listed by the first scan and the
planes built from the lists (78 against 66 ms of CPU); the planes passed as parameters (-5%);
the values as lists beside the planes instead of the join (-15% for the UPDATE, but a second
decoding when some ids of the range are not saved). Before: a change-log row per record
(1.24 s), a table of the changed records, numbered codes joined back to their values (0.74 s),
a table of a million (id, hash) rows (60-220 ms, and undo's hash join on a million ids 2x the
planes' UPDATE).
"""

from __future__ import annotations

import os
import shutil
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from bench.data import bench_rows, contacts_workspace, median_seconds
from kafinea_tui.data.bulk import Selection, mass_update
from kafinea_tui.data.importer.undo import undo_import
from kafinea_tui.data.store.database import Store

RUNS = int(os.environ.get("BENCH_BULK_RUNS", "3"))


def run(data_dir: Path) -> None:
    source = contacts_workspace(data_dir)
    copy = data_dir / "bulk" / "kafinea.duckdb"
    copy.parent.mkdir(exist_ok=True)
    copy.unlink(missing_ok=True)
    shutil.copyfile(source, copy)
    store = Store.open(copy)
    try:
        print(f"contacts: {bench_rows():,}; one field (title) on every record")
        # As the bench always measured: the bare UPDATE leaves one title on every record, so
        # the edit saves one run of ids (`bulk.saved_values`).
        _rounds(store, "previous title the same on all", vary=False)
        # Four titles in turn (id % 4): no run, a hashed code per record.
        _rounds(store, "previous titles varied (4, in turn)", vary=True)
    finally:
        store.close()
        copy.unlink(missing_ok=True)


def _rounds(store: Store, what: str, vary: bool) -> None:
    cur = store.cursor()
    counter = iter(range(10**6))
    batches: list[int] = []

    def bare() -> None:
        cur.execute("BEGIN TRANSACTION")
        cur.execute("UPDATE contacts SET title = ?", [f"Bare {next(counter)}"])
        cur.execute("COMMIT")

    def varied() -> None:  # untimed: the previous values the edit then saves
        if vary:
            cur.execute("BEGIN TRANSACTION")
            cur.execute(
                "UPDATE contacts SET title = ['Buyer', 'CTO', 'Engineer', 'Sales'][1 + id % 4]"
            )
            cur.execute("COMMIT")

    def edit() -> None:
        report = mass_update(store, "contacts", Selection(), {"title": f"T {next(counter)}"})
        assert report.updated == bench_rows(), report
        batches.append(report.batch or 0)

    def undo() -> None:
        undone = undo_import(store, batches.pop())
        assert undone.restored == bench_rows(), undone

    bare()  # warm up
    # In turn, one of each per round: a shared machine's load drifts, and both sides of a
    # ratio must meet the same drift.
    bare_times, edit_times, undo_times = [], [], []
    cpu: dict[str, list[float]] = {"bare": [], "edit": [], "undo": []}
    for _ in range(RUNS):
        bare_times.append(_timed(bare, cpu["bare"]))
        varied()
        edit_times.append(_timed(edit, cpu["edit"]))
        undo_times.append(_timed(undo, cpu["undo"]))
    bare_s, edit_s, undo_s = (statistics.median(t) for t in (bare_times, edit_times, undo_times))
    bare_c, edit_c, undo_c = (statistics.median(cpu[k]) for k in ("bare", "edit", "undo"))
    print(f"-- {what}")
    print(f"bare DuckDB UPDATE + COMMIT:   {bare_s * 1000:8.1f} ms (median of {RUNS})")
    print(f"mass_update (one batch):       {edit_s * 1000:8.1f} ms (median of {RUNS})")
    print(f"undo of that batch:            {undo_s * 1000:8.1f} ms (median of {RUNS})")
    print(f"ratio mass edit: {edit_s / bare_s:.2f}x, undo: {undo_s / bare_s:.2f}x (goal <= 2.0x)")
    each = ", ".join(
        f"{e / b:.2f}/{u / b:.2f}"
        for b, e, u in zip(bare_times, edit_times, undo_times, strict=True)
    )
    print(f"each round, edit/undo: {each}; load average {os.getloadavg()[0]:.1f}")
    # The process's CPU time (DuckDB's threads included): what a shared machine's load
    # disturbs least.
    print(f"CPU ratio mass edit: {edit_c / bare_c:.2f}x, undo: {undo_c / bare_c:.2f}x")


def _timed(action: Callable[[], None], cpu: list[float]) -> float:
    """The wall time of one call, its CPU time added to `cpu`."""
    started = time.process_time()
    wall = median_seconds(action, 1)
    cpu.append(time.process_time() - started)
    return wall
