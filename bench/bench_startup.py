"""Benchmark (b) of issue 2: from starting the app to its first page shown, on a workspace with
1,000,000 contacts, as a ratio to a bare Textual app showing a 100-row DataTable the same way.

Each run is a fresh `python` subprocess (imports, workspace open, app start, first query), driven
headless with `run_test`; the parent times from spawning it to reading its "ready" line, so both
sides pay the same interpreter start. Each child prints its line when the first frame that
shows its rows goes out to the (headless) terminal, so neither pays its exit. Medians of RUNS runs.
The goal is a ratio of at most 1.5.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from kafinea_tui.data.store.database import Store

RUNS = int(os.environ.get("BENCH_RUNS", "5"))

# The same steps as `kafinea_tui.cli.main.run_app`: open the workspace, start the first page's query,
# then import the UI; but run headless, and exit once the first page has been painted.
KAFINEA_CHILD = """
import sys
from pathlib import Path
from kafinea_tui.first_page import BackgroundOpen
from kafinea_tui.workspace import Workspace

workspace = Workspace(Path(sys.argv[1]))
opening = BackgroundOpen(workspace.open_store)

from kafinea_tui.app import KafineaApp
from kafinea_tui.widgets.record_table import RecordTable

store, first_page = opening.result()

class BenchApp(KafineaApp):
    def _display(self, screen, renderable) -> None:
        super()._display(screen, renderable)
        tables = screen.query(RecordTable)
        if self.return_code is None and tables and tables.first().page is not None:
            footer = str(screen.query_one("#table-footer").render())
            print("ready", footer, flush=True)  # the first frame showing the page is out
            self.exit()

async def main() -> None:
    app = BenchApp(workspace=workspace, store=store, first_page=first_page)
    async with app.run_test(size=(100, 30)) as pilot:
        while app.is_running and app.return_code is None:
            await pilot.pause(0.001)

import asyncio
asyncio.run(main())
"""

BARE_CHILD = """
from textual.app import App, ComposeResult
from textual.widgets import DataTable

class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield DataTable()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*(f"Column {c}" for c in range(16)))
        table.add_rows([[f"value {r}-{c}" for c in range(16)] for r in range(100)])

    def _display(self, screen, renderable) -> None:
        super()._display(screen, renderable)
        tables = screen.query(DataTable)
        if self.return_code is None and tables and tables.first().row_count:
            print("ready", tables.first().row_count, flush=True)  # the first frame with rows
            self.exit()

async def main() -> None:
    app = Bare()
    async with app.run_test(size=(100, 30)) as pilot:
        while app.is_running and app.return_code is None:
            await pilot.pause(0.001)

import asyncio
asyncio.run(main())
"""


def build_workspace(path: Path, rows: int) -> None:
    """A workspace with `rows` contacts, written in one INSERT ... SELECT over range()."""
    db = path / "kafinea.duckdb"
    if db.exists():
        with duckdb.connect(str(db), read_only=True) as conn:
            found = conn.execute("SELECT count(*) FROM contacts").fetchone()
        if found and found[0] == rows:
            return
        db.unlink()
    path.mkdir(parents=True, exist_ok=True)
    (path / "mappings").mkdir(exist_ok=True)
    Store.open(db).close()  # creates the schema through the migrations
    with duckdb.connect(str(db)) as conn:
        conn.execute(
            """
            INSERT INTO contacts (id, created_at, modified_at, first_name, last_name, email,
                phone, title, department, birthdate, mailing_street, mailing_city, mailing_zip,
                mailing_country, lead_source, do_not_call)
            SELECT nextval('contacts_id_seq'), TIMESTAMP '2026-01-01', TIMESTAMP '2026-01-01',
                ['Anne', 'Bruno', 'Chloé', 'David', 'Émile', 'Fanny'][1 + i % 6],
                'Name' || lpad(CAST(i AS VARCHAR), 7, '0'),
                'person' || i || '@example.com',
                '+33 1 ' || lpad(CAST(i % 100000000 AS VARCHAR), 8, '0'),
                ['Buyer', 'CEO', 'Engineer', 'Accountant'][1 + i % 4],
                ['Sales', 'IT', 'Finance'][1 + i % 3],
                DATE '1960-01-01' + CAST(i % 15000 AS INTEGER),
                (i % 300) || ' rue de la Paix',
                ['Paris', 'Lyon', 'Nantes', 'Lille', 'Berlin', 'Madrid'][1 + i % 6],
                lpad(CAST(i % 100000 AS VARCHAR), 5, '0'),
                ['France', 'Germany', 'Spain'][1 + i % 3],
                ['Web Site', 'Partner', 'Trade Show'][1 + i % 3],
                i % 10 = 0
            FROM range(?) t(i)
            """,
            [rows],
        )


def child_env(data_dir: Path) -> dict[str, str]:
    """Both children compile their modules once and reuse the bytecode, as an installed app
    does: with PYTHONDONTWRITEBYTECODE set, the editable kafinea_tui would be compiled from
    source on every start while Textual's installed bytecode is reused, which is not a fair
    comparison. The cache goes under bench/.data, never beside the sources."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(data_dir / "pycache")
    return env


def time_child(script: str, *args: str, env: dict[str, str] | None = None) -> tuple[float, str]:
    """Seconds from spawning a fresh interpreter to its "ready" line."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    elapsed = time.perf_counter() - start
    _, err = proc.communicate()
    if not line.startswith("ready"):
        raise RuntimeError(f"benchmark child failed: {err.strip()[-2000:]}")
    return elapsed, line.strip()


def run(data_dir: Path) -> None:
    rows = int(os.environ.get("BENCH_ROWS", "1000000"))
    workspace = data_dir / f"startup_{rows}"
    started = time.perf_counter()
    build_workspace(workspace, rows)
    print(
        f"workspace with {rows:,} contacts ready in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    env = child_env(data_dir)
    time_child(BARE_CHILD, env=env)  # warm the file and bytecode caches before timing
    time_child(KAFINEA_CHILD, str(workspace), env=env)
    bare, kafinea_runs = [], []
    for _ in range(RUNS):  # interleaved, so that a busy moment of the machine hits both sides
        bare.append(time_child(BARE_CHILD, env=env)[0])
        kafinea_runs.append(time_child(KAFINEA_CHILD, str(workspace), env=env))
    kafinea = [t for t, _ in kafinea_runs]
    app_median, bare_median = statistics.median(kafinea), statistics.median(bare)
    print(f"first page: {kafinea_runs[-1][1].removeprefix('ready ')}")
    print(f"bare Textual app, 100-row DataTable: {bare_median * 1000:.0f} ms (median of {RUNS})")
    print(f"Kafinea app, first contacts page:    {app_median * 1000:.0f} ms (median of {RUNS})")
    print(f"ratio {app_median / bare_median:.2f}x (goal <= 1.5x)")
