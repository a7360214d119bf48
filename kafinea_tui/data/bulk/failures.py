"""The records a mass edit cannot change, each with its reason, found set-based.

The values themselves were read before (`edit_values`); what is left depends on each record:
a unique field (a product code, an order number) can be given to one record only, and not to one
whose value another record holds; a sales order's total is the sum of its lines whenever it has
lines (DESIGN.md), so it can be set only on orders without lines.
"""

from __future__ import annotations

from typing import Any

import duckdb

from kafinea_tui.data.bulk.report import RecordError
from kafinea_tui.data.bulk.selection import BULK_IDS
from kafinea_tui.data.schema import LINE_ITEMS_TABLE, Module
from kafinea_tui.data.store.order_totals import ORDER_TOTAL_FIXED

FAIL = "kf_bulk_fail"
MAX_LISTED_ERRORS = 100_000


def find_failures(
    cur: duckdb.DuckDBPyConnection, module: Module, values: dict[str, Any], selected: int
) -> bool:
    """Fill `kf_bulk_fail(id, field, reason)` for the selected records that cannot take
    `values` (field name -> typed value); return False, with no table made, when no rule
    applies to these fields (nothing can fail)."""
    unique = [n for n, v in values.items() if module.field(n).unique and v is not None]
    order_total = module.name == "salesorders" and "total" in values
    if not unique and not order_total:
        return False
    cur.execute(f"CREATE OR REPLACE TEMP TABLE {FAIL} (id BIGINT, field VARCHAR, reason VARCHAR)")
    for name in unique:
        f, value = module.field(name), values[name]
        if selected > 1:
            cur.execute(
                f"INSERT INTO {FAIL} SELECT id, ?, ? FROM {BULK_IDS}",
                [
                    f.label,
                    f"{f.label} {str(value)!r} is unique: it cannot be given to"
                    f" {selected:,} records",
                ],
            )
            continue
        cur.execute(
            f"INSERT INTO {FAIL} SELECT b.id, ?, concat(?, min(m.id)) FROM {BULK_IDS} b,"
            f" {module.table} m WHERE m.id NOT IN (SELECT id FROM {BULK_IDS})"
            f" AND lower(trim(CAST(m.{f.name} AS VARCHAR))) = lower(trim(?)) GROUP BY b.id",
            [f.label, f"{f.label} {str(value)!r} already belongs to {module.label} ", value],
        )
    if order_total:
        cur.execute(
            f"INSERT INTO {FAIL} SELECT id, ?, ? FROM {BULK_IDS} WHERE id IN"
            f" (SELECT salesorder_id FROM {LINE_ITEMS_TABLE})",
            [module.field("total").label, ORDER_TOTAL_FIXED],
        )
    return True


def collect_errors(cur: duckdb.DuckDBPyConnection) -> list[RecordError]:
    """The first reason of each failed record, in id order."""
    rows = cur.execute(
        f"SELECT id, field, reason FROM {FAIL}"
        " QUALIFY row_number() OVER (PARTITION BY id ORDER BY field) = 1"
        f" ORDER BY id LIMIT {MAX_LISTED_ERRORS}"
    ).fetchall()
    return [RecordError(int(r[0]), r[1], str(r[2])) for r in rows]
