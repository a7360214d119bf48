"""References by array lookup, so that an export of a whole table needs no JOIN and no sort.

Each related module's keys become one list indexed by id, and a reference `k.keys[r.ref - k.lo
+ 1]`: a scalar over the table scan, written in the table's order (which is the id order).
`keeps_table_order` asks DuckDB's planner whether a SELECT does keep that order. Why, the
invariant it relies on and its costs: docs/architecture.md, "Why a whole-table export needs no
ORDER BY".
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from kafinea_tui.data.schema import Field, Module, Schema
from kafinea_tui.data.store.database import Store

# EXPLAIN needs a target; nothing is written there.
_NOWHERE = "/nonexistent/kafinea-explain.csv"


def lookup_name(field: Field) -> str:
    """The CTE holding the keys of the module `field` references."""
    return f"k_{field.related}"


def lookup_value(field: Field) -> str:
    """The related record's formatted key for reference `field` of `r`, or NULL."""
    k = lookup_name(field)
    return f"CASE WHEN r.{field.name} >= {k}.lo THEN {k}.keys[r.{field.name} - {k}.lo + 1] END"


def lookup_ctes(
    schema: Schema, references: Iterable[Field], format_key: Callable[[str], str]
) -> tuple[str, list[str]]:
    """The WITH clause building one key list per related module, and the CTE names to add to
    the FROM list. `format_key(expression) -> SQL` formats the key as the export writes it."""
    ctes: dict[str, str] = {}
    for field in references:
        name = lookup_name(field)
        if name in ctes:
            continue
        related = schema.module(field.related or "")
        table = related.table
        ctes[name] = (
            f"{name} AS (SELECT min(n.id) AS lo, list({format_key(f'o.{related.key}')}"
            f" ORDER BY n.id) AS keys FROM (SELECT range AS id FROM range("
            f"(SELECT min(id) FROM {table}), (SELECT max(id) + 1 FROM {table}))) n"
            f" LEFT JOIN {table} o ON o.id = n.id)"
        )
    if not ctes:
        return "", []
    return "WITH " + ", ".join(ctes.values()) + " ", list(ctes)


def keeps_table_order(store: Store, sql: str, params: Sequence[Any], module: Module) -> bool:
    """Whether DuckDB writes `COPY (sql) TO` in the order of `module`'s table scan: the plan is
    a batch copy (order-preserving all the way down), and the scan it follows is that table."""
    explain = f"EXPLAIN (FORMAT json) COPY ({sql}) TO '{_NOWHERE}' (FORMAT csv)"
    rows = store.cursor().execute(explain, list(params)).fetchall()
    plan = json.loads(rows[0][1])
    root = plan[0] if isinstance(plan, list) else plan
    if root.get("name") != "BATCH_COPY_TO_FILE":
        return False
    node = root
    while node.get("children"):
        children = node["children"]
        # A materialised CTE's first child builds it; the rows come from the second.
        node = children[1] if node.get("name") == "CTE" and len(children) > 1 else children[0]
    table = str(node.get("extra_info", {}).get("Table", ""))
    return node.get("name") == "SEQ_SCAN" and table.split(".")[-1] == module.table
