"""Benchmark of issue 9: a mass edit of one field on every contact (a million by default) and its
undo, each as a ratio to a bare DuckDB `UPDATE contacts SET title = ?` (with its COMMIT) on the
same database in the same run. Goal: at most 2.0x. Three cases, by the titles before each edit
(set untimed): the same title on every record (as the bare UPDATE leaves it), four titles in
turn (`id % 4`: few combinations, bit planes), and 300 titles in no order (`hash(id) % 300`:
the general path, which a real list of titles takes). Each round runs the bare UPDATE, the edit and the undo in turn, so that both
sides of a ratio meet the same load; each ratio is the median of RUNS rounds' own ratios (5:
with 3, one slow round on a shared machine moved a ratio by 0.3x), on a copy of the bench
workspace; wall ratios, then CPU ratios (the process's time, DuckDB's threads included).

The edit (bulk/update.py): the first 1,024 changed records give the combinations of previous
values (`modified_at`, the field); one scan compares a single combination with every record
(the same title: a run of ids), or joins several to their numbers and groups by them, each
number's records a bitstring OR-ed into bit planes (bulk/few_values.py); a record matching none
falls back to the two-scan path (bulk/saved_values.py). Then one UPDATE of the field and
`modified_at`, with no condition when every selected record changes, and one change-log set.
Undo restores by the run's range, or by each record's number read from the planes joined to
the few combinations (importer/undo_edit.py).

Both sides' COMMITs are checkpoints: DuckDB writes a million updated values to the file
rather than to its log, once no transaction is held open (data/store/results.py; before, a
result left open by the store kept every change of a session in the log, and each scan and
update read through them). Per statement, wall ms on a quiet machine (load average 1.2-1.7;
bare UPDATE + COMMIT 43-46):
- the same title: edit ~100 (the comparison scan 9, UPDATE of the field and `modified_at`
  35, COMMIT 38, some fifteen small statements 8); undo ~95 (UPDATE by the run 35, COMMIT
  36-64, small 4).
- four titles: edit ~90 (the grouped join 13, UPDATE 26, COMMIT 38, small 10); undo ~93
  (UPDATE through the planes 45-48, COMMIT 36, small 9).
Ratios, wall then CPU, medians of 5-7 rounds, five runs at load average 1.0-1.6: the same
title edit 1.67-1.86x (CPU 1.64-1.79x), undo 1.56-1.66x (CPU 1.53-1.64x); four titles edit
2.05-2.19x (CPU 1.94-2.05x), undo 1.85-2.12x (CPU 1.97-2.09x).

300 titles: the edit scans the distinct combinations (12 ms) and writes a table of a million
(id, code) rows before its UPDATE; undo joins the UPDATE to that table on a million ids (74 ms,
where a constant UPDATE of the same columns takes 19). The table is stored uncompressed: hashes
do not compress, and DuckDB's analysis of each column for a method cost more than the write
(43 -> 30 ms of wall, 63 -> 28 ms of CPU for the table alone). Ratios before (two runs, load
average 0.7-0.8): edit 2.59-2.65x, undo 2.45-2.59x (CPU 2.2-2.5x); after (three runs of 5-7
rounds, load average 1.0-1.5, the bare UPDATE 51-90 ms): edit 1.80-2.68x (CPU 2.07-2.23x),
undo 2.34-2.80x (CPU 2.28-2.42x). Measured and left for it: nine bit planes in place of the
table (made in 94-98 ms, undone in 127-147); a list of codes indexed by id, read from a one-row
table or a parameter (undone in seconds: DuckDB copies the list into every chunk of 2,048
records); 64-bit words of 32 codes joined by block (no faster than the planes, whose two
`get_bit` a record cost 20 ms over an UPDATE computing the same values from the id).

What is left for four titles: the edit's UPDATE and COMMIT write two columns where the bare
ones write one (together ~1.5x the bare UPDATE and COMMIT), so the grouped scan (the join ~20
ms of CPU, the bitstrings ~13, the grouping ~5) and the small statements are what the edit has
above that; undo's UPDATE decodes two bits a record and writes varied values (45-48 ms against
26 for a constant, measured on the same table).
Measured and left: instead of the join, a CASE comparing constants, the hash CASE, or a join on
the title alone (49-58 against 49 ms); grouping by the values themselves with a bitstring each
(42-45 against 49, but one bitstring of the whole range per distinct combination when the
first records miss many: unbounded memory); grouping by a hash modulo 64 with each column's
min/max proving one combination a group (67); for undo, the values as lists indexed by the
number (76-91 against 82-92 ms, within noise, and a statement more), a CASE on the number, the
planes as parameters, the numbers packed in a list of integers (slower to decode: 27 against
21 ms). Before: two scans (distinct values, then the planes: 75-110 ms of CPU), a bitstring
per combination with one UPDATE each, a list of codes indexed by id, a table of a million
(id, hash) rows, a change-log row per record.
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

RUNS = int(os.environ.get("BENCH_BULK_RUNS", "5"))


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
        _rounds(store, "previous title the same on all", previous=None)
        # Four titles in turn (id % 4): no run; few combinations, saved as bit planes.
        _rounds(
            store,
            "previous titles varied (4, in turn)",
            previous="['Buyer', 'CTO', 'Engineer', 'Sales'][1 + id % 4]",
        )
        # 300 titles in no order, as a real list has them: the general path, a code a record.
        _rounds(
            store, "previous titles varied (300, scattered)", previous="'Title ' || hash(id) % 300"
        )
    finally:
        store.close()
        copy.unlink(missing_ok=True)


def _rounds(store: Store, what: str, previous: str | None) -> None:
    """`previous`: SQL of each record's title before each edit (None: as the bare UPDATE
    leaves it)."""
    cur = store.cursor()
    counter = iter(range(10**6))
    batches: list[int] = []

    def bare() -> None:
        cur.execute("BEGIN TRANSACTION")
        cur.execute("UPDATE contacts SET title = ?", [f"Bare {next(counter)}"])
        cur.execute("COMMIT")

    def varied() -> None:  # untimed: the previous values the edit then saves
        if previous is not None:
            cur.execute("BEGIN TRANSACTION")
            cur.execute(f"UPDATE contacts SET title = {previous}")
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
    print(f"-- {what}")
    print(f"bare DuckDB UPDATE + COMMIT:   {bare_s * 1000:8.1f} ms (median of {RUNS})")
    print(f"mass_update (one batch):       {edit_s * 1000:8.1f} ms (median of {RUNS})")
    print(f"undo of that batch:            {undo_s * 1000:8.1f} ms (median of {RUNS})")
    rounds = list(zip(bare_times, edit_times, undo_times, strict=True))
    # Each ratio is the median of the rounds' own ratios: a round's three measures meet the
    # same load, whereas medians taken apart can come from rounds under different loads.
    edit_ratio = statistics.median(e / b for b, e, _ in rounds)
    undo_ratio = statistics.median(u / b for b, _, u in rounds)
    print(f"ratio mass edit: {edit_ratio:.2f}x, undo: {undo_ratio:.2f}x (goal <= 2.0x)")
    each = ", ".join(f"{e / b:.2f}/{u / b:.2f}" for b, e, u in rounds)
    print(f"each round, edit/undo: {each}; load average {os.getloadavg()[0]:.1f}")
    # The process's CPU time (DuckDB's threads included): what a shared machine's load
    # disturbs least.
    cpu_rounds = list(zip(cpu["bare"], cpu["edit"], cpu["undo"], strict=True))
    edit_c = statistics.median(e / b for b, e, _ in cpu_rounds)
    undo_c = statistics.median(u / b for b, _, u in cpu_rounds)
    print(f"CPU ratio mass edit: {edit_c:.2f}x, undo: {undo_c:.2f}x")


def _timed(action: Callable[[], None], cpu: list[float]) -> float:
    """The wall time of one call, its CPU time added to `cpu`."""
    started = time.process_time()
    wall = median_seconds(action, 1)
    cpu.append(time.process_time() - started)
    return wall
