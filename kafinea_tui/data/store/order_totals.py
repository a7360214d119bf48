"""A sales order with line items has `total` = the sum of quantity x list price of its lines.

Public names: `sum_totals(cur, orders_sql, params)`, `ORDERS`.

One rule for every writer: `Store.create` and `Store.update` (the app, the API's PATCH) and the
importer (files, the API's POST) call `sum_totals` over the orders they wrote, in their own
transaction and after the lines. A line without a quantity or a price adds nothing; an order
without lines keeps the total it was given. It is one set statement, so a million imported
orders cost one aggregate over their lines.
"""

from __future__ import annotations

from typing import Any

import duckdb

from kafinea_tui.data.schema import LINE_ITEMS_TABLE

ORDERS = "salesorders"
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
