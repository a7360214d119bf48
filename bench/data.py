"""A workspace of BENCH_ROWS contacts (default 1,000,000) with organizations, for the query and
export benchmarks. Built set-based (`INSERT ... SELECT` over `range()`), cached in the data
folder and reused while its row count matches."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from kafinea_tui.data.store.database import Store


def bench_rows() -> int:
    return int(os.environ.get("BENCH_ROWS", "1000000"))


def contacts_workspace(data_dir: Path, rows: int | None = None) -> Path:
    """The database file of a workspace with `rows` contacts and rows/20 organizations."""
    rows = rows or bench_rows()
    folder = data_dir / f"contacts_{rows}"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "kafinea.duckdb"
    store = Store.open(path)
    try:
        if store.count("contacts") == rows:
            return path
        started = time.perf_counter()
        _fill(store, rows)
        print(f"built {rows:,} contacts in {time.perf_counter() - started:.1f} s", flush=True)
    finally:
        store.close()
    return path


def _fill(store: Store, rows: int) -> None:
    organizations = max(1, rows // 20)
    with store.transaction() as cur:
        cur.execute("DELETE FROM contacts")
        cur.execute("DELETE FROM organizations")
        cur.execute(
            """
            INSERT INTO organizations (id, created_at, modified_at, name, website, phone, industry,
                employees, annual_revenue, billing_city, billing_country)
            SELECT nextval('organizations_id_seq'), TIMESTAMP '2026-01-01', TIMESTAMP '2026-01-01',
                'Organization ' || i, 'https://org' || i || '.example', '+33 1 ' || lpad(i::VARCHAR, 8, '0'),
                ['Banking', 'Retail', 'Energy', 'Technology'][1 + i % 4],
                i % 5000, (i % 100000) * 10.5,
                ['Paris', 'Lyon', 'Nantes', 'Lille', 'Montréal'][1 + i % 5], 'France'
            FROM range(?) t(i)
            """,
            [organizations],
        )
        first = cur.execute("SELECT min(id) FROM organizations").fetchall()[0][0]
        cur.execute(
            """
            INSERT INTO contacts (id, created_at, modified_at, first_name, last_name, email, phone,
                mobile, title, department, organization, birthdate, mailing_street, mailing_city,
                mailing_zip, mailing_country, lead_source, do_not_call, description)
            SELECT nextval('contacts_id_seq'), TIMESTAMP '2026-01-01', TIMESTAMP '2026-01-01',
                ['Anne', 'Bruno', 'Chloé', 'David', 'Élise', 'François'][1 + i % 6],
                'Name' || (i % 50000), 'person' || i || '@example.test',
                '+33 1 ' || lpad((i % 100000000)::VARCHAR, 8, '0'), NULL,
                ['Buyer', 'CTO', 'Head of Sales', 'Engineer'][1 + i % 4],
                ['Sales', 'IT', 'Purchasing'][1 + i % 3],
                ? + (i % ?), DATE '1950-01-01' + (i % 20000)::INTEGER,
                (i % 200) || ', rue de la Paix', ['Paris', 'Lyon', 'Nantes', 'Lille', 'Montréal'][1 + i % 5],
                lpad((i % 99999)::VARCHAR, 5, '0'), 'France',
                ['Web Site', 'Partner', 'Trade Show'][1 + i % 3], i % 7 = 0,
                CASE WHEN i % 10 = 0 THEN 'Met at the "fair", wants a quote' END
            FROM range(?) t(i)
            """,
            [first, organizations, rows],
        )
    cur.execute("CHECKPOINT")


def median_seconds(action: Callable[[], object], runs: int, warm_up: bool = False) -> float:
    """The median wall time of `runs` calls (after one untimed call when `warm_up`): the figure
    every bench compares, so one slow run on a shared machine does not decide a ratio."""
    if warm_up:
        action()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def in_turn(
    actions: dict[str, Callable[[], object]], runs: int, warm_up: bool = False
) -> dict[str, list[float]]:
    """The wall times of `runs` rounds, each round calling every action once in turn: the
    sides of a ratio meet the same load, which on a shared machine drifts between rounds."""
    if warm_up:
        for action in actions.values():
            action()
    times: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(runs):
        for name, action in actions.items():
            started = time.perf_counter()
            action()
            times[name].append(time.perf_counter() - started)
    return times


def median_ratio(numerator: list[float], denominator: list[float]) -> float:
    """The median of the rounds' own ratios (`in_turn`'s times, paired by round)."""
    return statistics.median(n / d for n, d in zip(numerator, denominator, strict=True))
