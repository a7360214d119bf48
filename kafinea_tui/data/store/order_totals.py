"""A sales order with line items has `total` = the sum of quantity x list price of its lines.

One rule for every writer: `Store.create` and `Store.update` (the app) and the file importer
(files, long lists posted to the API) call `sum_totals` over the orders they wrote, in their own
transaction and after the lines: one set statement, so a million imported orders cost one
aggregate over their lines. The importer's row path (a record posted or patched over the API)
takes an order's total from `lines_total` before it writes, so that its change detection sees
it; both evaluate the same SQL sum. A line without a quantity or a price adds nothing; an order
without lines keeps the total it was given.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb

from kafinea_tui.data.schema import LINE_ITEMS_TABLE
from kafinea_tui.data.store.results import first_row

ORDERS = "salesorders"
# Why a total other than the lines' sum is refused (a PATCH, a mass edit).
ORDER_TOTAL_FIXED = "the total of an order with lines is the sum of its lines"
_SUM = "CAST(sum(coalesce(quantity, 0) * coalesce(list_price, 0)) AS DECIMAL(18,2))"


def sum_totals(
    cur: duckdb.DuckDBPyConnection, orders_sql: str, params: list[Any] | None = None
) -> None:
    """Set the total of the orders `orders_sql` selects (one column of ids) that have lines."""
    cur.execute(
        f"UPDATE {ORDERS} SET total = s.total FROM (SELECT salesorder_id AS id, {_SUM} AS total"
        f" FROM {LINE_ITEMS_TABLE} WHERE salesorder_id IN ({orders_sql}) GROUP BY salesorder_id)"
        f" s WHERE {ORDERS}.id = s.id AND {ORDERS}.total IS DISTINCT FROM s.total",
        params or [],
    )


def lines_total(cur: duckdb.DuckDBPyConnection, lines: Sequence[Sequence[Any]]) -> Any:
    """The total of one order's lines, each (product, quantity, list price)."""
    row = first_row(
        cur.execute(
            f"SELECT {_SUM} FROM (SELECT unnest(?::DECIMAL(18,2)[]) AS quantity,"
            " unnest(?::DECIMAL(18,2)[]) AS list_price)",
            [[line[1] for line in lines], [line[2] for line in lines]],
        )
    )
    return row[0] if row else None
