"""Benchmark (a) of issue 2: a filtered page of the contacts list plus its count, through
`fetch_page`, as a ratio to the same two queries run bare on DuckDB. Goal: at most 1.5.

Both sides run the identical SQL on the same connection; the difference is what the list pays
for parsing the filter, building the SQL and turning rows into a Page. Medians of RUNS runs,
after one warm-up each. Text comparisons fold case and accents (`strip_accents(lower(...))`)
and text sorts by collation since issue 9: measured back to back on a 2-core machine under a
load average of 25, the filtered page took 1445-1573 ms before (0.87-0.99x) and 1510 ms after
(1.18x); alone, `strip_accents(lower(city)) = ...` counts a million rows as fast as `lower`.

Issue 9 adds the sort: the page 100-150 of every contact sorted by last name with the
workspace's ICU collation (here `fr`) against the same page sorted by lower-cased code points
(the order before collations), both through `fetch_page`.
"""

from __future__ import annotations

import os
from pathlib import Path

from bench.data import bench_rows, contacts_workspace, median_seconds
from kafinea_tui.data.query import ListQuery, display_select, fetch_page, order_by, where_clause
from kafinea_tui.data.store.database import Store

RUNS = int(os.environ.get("BENCH_RUNS", "7"))
QUERY = ListQuery(
    "contacts",
    filter='mailing_city = "Lyon" and (title ~ "buy" or do_not_call = yes) and email is not empty',
    sort=(("last_name", False),),
)
OFFSET, LIMIT = 100, 50


def run(data_dir: Path) -> None:
    path = contacts_workspace(data_dir)
    store = Store.open(path)
    try:
        module = store.module("contacts")
        where, params = where_clause(store, QUERY)
        order = order_by(module, store.schema, QUERY.sort)
        select, joins = display_select(module, store.schema)
        count_sql = f"SELECT count(*) FROM contacts r WHERE {where}"
        page_sql = (
            f"SELECT r.id, {select} FROM (SELECT r.* FROM contacts r WHERE {where}"
            f" ORDER BY {order} LIMIT ? OFFSET ?) r {joins} ORDER BY {order}"
        )
        cur = store.cursor()

        def bare() -> object:
            total = cur.execute(count_sql, params).fetchall()
            rows = cur.execute(page_sql, [*params, LIMIT, OFFSET]).fetchall()
            return total, rows

        def kafinea() -> object:
            return fetch_page(store, QUERY, OFFSET, LIMIT)

        page = fetch_page(store, QUERY, OFFSET, LIMIT)
        assert [r[0] for r in bare()[1]] == page.ids  # type: ignore[index]
        bare_s = median_seconds(bare, RUNS, warm_up=True)
        ours_s = median_seconds(kafinea, RUNS, warm_up=True)
        sorted_query = ListQuery("contacts", sort=(("last_name", False),))
        store.collation = None

        def uncollated() -> object:
            return fetch_page(store, sorted_query, OFFSET, LIMIT)

        plain_s = median_seconds(uncollated, RUNS, warm_up=True)
        store.collation = "fr"

        def collated() -> object:
            return fetch_page(store, sorted_query, OFFSET, LIMIT)

        collated_s = median_seconds(collated, RUNS, warm_up=True)
    finally:
        store.close()
    print(
        f"contacts: {bench_rows():,}; filter matches {page.total:,}; page {OFFSET}-{OFFSET + LIMIT}"
    )
    print(f"bare DuckDB count + page:      {bare_s * 1000:8.1f} ms (median of {RUNS})")
    print(f"fetch_page (parse + both):     {ours_s * 1000:8.1f} ms (median of {RUNS})")
    print(f"ratio: {ours_s / bare_s:.2f}x (goal <= 1.5x)", flush=True)
    print(f"sort by last name, lower():    {plain_s * 1000:8.1f} ms (median of {RUNS})")
    print(f"sort by last name, COLLATE fr: {collated_s * 1000:8.1f} ms (median of {RUNS})")
    print(f"collated sort ratio: {collated_s / plain_s:.2f}x", flush=True)
