"""Issue 4's benchmark: export BENCH_ROWS contacts (default 1,000,000) with all their fields and
organizations written as names, through `export_csv`, as a ratio to DuckDB's own
`COPY (SELECT the same columns with the join) TO` in the same run. Goal: at most 1.5.

The bare COPY writes the raw columns as DuckDB formats them, with a JOIN, in no particular order;
the export adds what makes its file import again: the formula guard, ISO dates, yes/no, empty
cells for empty text, a stable order by id, the temporary file and the rename. The stable order
costs no sort: references are looked up in id-indexed lists rather than joined, so DuckDB writes
the table's order (see `kafinea_tui.data.exporter.lookup`). The bench also prints the bare COPY
with ORDER BY id, which is what the order would cost the plain JOIN. The three run in turn,
RUNS rounds (5), and each ratio is the median of the rounds' own ratios: measured one after
the other (medians of 3 each), the same code read 1.43x and 1.64x back to back.
"""

from __future__ import annotations

import os
import statistics
import tempfile
from pathlib import Path

from bench.data import bench_rows, contacts_workspace, in_turn, median_ratio
from kafinea_tui.data.exporter.options import ExportOptions
from kafinea_tui.data.exporter.plan import plan_export
from kafinea_tui.data.exporter.run import export_csv
from kafinea_tui.data.store.database import Store

RUNS = int(os.environ.get("BENCH_RUNS", "5"))


def run(data_dir: Path) -> None:
    path = contacts_workspace(data_dir)
    store = Store.open(path)
    out = Path(tempfile.mkdtemp(prefix="kafinea-bench-", dir=data_dir))
    try:
        module = store.module("contacts")
        columns = ", ".join(
            "j.name AS organization" if f.name == "organization" else f"r.{f.name}"
            for f in module.fields
        )
        bare_sql = (
            f"COPY (SELECT {columns} FROM contacts r"
            f" LEFT JOIN organizations j ON j.id = r.organization) TO '{out / 'bare.csv'}' (HEADER)"
        )
        ordered_sql = bare_sql.replace(") TO '", " ORDER BY r.id) TO '")
        cur = store.cursor()
        ours = out / "kafinea.csv"
        times = in_turn(
            {
                "bare": lambda: cur.execute(bare_sql).fetchall(),
                "ordered": lambda: cur.execute(ordered_sql).fetchall(),
                "ours": lambda: export_csv(store, ExportOptions("contacts"), ours),
            },
            RUNS,
            warm_up=True,
        )
        bare_s, ordered_s, ours_s = (statistics.median(times[k]) for k in times)
        size = ours.stat().st_size
        table_order = plan_export(store, ExportOptions("contacts")).table_order
        bare_size = (out / "bare.csv").stat().st_size
    finally:
        store.close()
        for file in out.iterdir():
            file.unlink()
        out.rmdir()
    print(f"contacts: {bench_rows():,}, all fields, organization as name")
    print(
        f"bare DuckDB COPY ... TO:   {bare_s:7.2f} s ({bare_size / 1e6:.0f} MB, median of {RUNS})"
    )
    print(f"bare COPY, ORDER BY id:    {ordered_s:7.2f} s (a JOIN's price for a stable order)")
    print(f"export_csv:                {ours_s:7.2f} s ({size / 1e6:.0f} MB, median of {RUNS})")
    ratio = median_ratio(times["ours"], times["bare"])
    to_ordered = median_ratio(times["ours"], times["ordered"])
    print(f"ratio: {ratio:.2f}x (goal <= 1.5x); to the ordered COPY: {to_ordered:.2f}x")
    each = ", ".join(f"{o / b:.2f}" for o, b in zip(times["ours"], times["bare"], strict=True))
    print(f"each round: {each}; load average {os.getloadavg()[0]:.1f}")
    if table_order:
        print("(the export is in id order without sorting: references by id-indexed lookup lists)")
    else:
        print("(DuckDB's plan did not keep the table order: the export sorted by id)")
