"""References by array lookup, so that an export of a whole table needs no JOIN and no sort.

A JOIN does not keep row order in DuckDB (the hash join's output follows its threads), so an
export that resolves references with a JOIN must `ORDER BY r.id` to write the same bytes twice:
at a million contacts that sort costs more than the rest of the export. Instead, each related
module's keys are built once, set-based, into a list indexed by id:

    WITH k_organizations AS (
        SELECT min(id) AS lo, list(<key formatted> ORDER BY id) AS keys
        FROM range(min id, max id + 1) LEFT JOIN organizations ON id = range)

and a reference becomes `k.keys[r.organization - k.lo + 1]`: a scalar expression in a streaming
projection over the table scan, which DuckDB writes in the table's order (with
`preserve_insertion_order`, its default). The list's own build (an aggregate) runs before the
scan and does not touch that order.

Costs and edges:

* the list holds max(id) - min(id) + 1 entries of the related module (50,000 organization
  names for the benchmark; a million contact emails when sales orders reference a million
  contacts: tens of megabytes, built in a fraction of a second);
* ids with holes (deleted records) hold NULL, so a dangling reference is an empty cell, as with
  the LEFT JOIN; a reference outside [min, max] is NULL too (guarded: a list index of 0 or below
  would count from the end);
* an empty related table gives `lo` NULL and an empty list: every reference is NULL;
* the key is formatted (empty text as NULL, the formula guard) inside the list, once per related
  record rather than once per exported row. This also keeps the plan simple: DuckDB would turn an
  expression using the looked-up value several times into a plan that no longer keeps order.

Whether a given SELECT does keep the table's order is not guessed from its text: `keeps_table_order`
asks DuckDB's planner (`EXPLAIN COPY`), which writes with `BATCH_COPY_TO_FILE` (rows in the
source's order) only when every operator above the scan preserves order. A filter holding an
IN-subquery or a long IN list (rewritten into a hash join, duckdb issue #24398) fails that test,
and the export then falls back to the JOIN and ORDER BY.

The table's order is the id order as long as records are only appended (the importer appends in
file order; new ids come from the sequence) and updated in place (the store's updates; undo
deletes). Nothing in Kafinea rewrites a table in another order.
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
