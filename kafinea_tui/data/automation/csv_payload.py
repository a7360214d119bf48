"""CSV payloads built in DuckDB, for endpoints whose `format` is csv.

A CSV delivery's text is made in SQL like a JSON payload, one statement for all the records of
a firing (a workflow's) or one SELECT (a scheduled send), never by a Python loop over records
at send time. It is stored as a JSON string in the outbox's payload (a workflow's
header once, in its envelope), and the delivery sends its text as it is (sync/delivery/body.py).

One line per record, or per line item for a sales order with items (the order's fields
repeated, then `items.product`, `items.quantity`, `items.list_price`), as the import reads
them back. Text cells are always quoted (a quote doubled), so a comma, a quote or a line break
in a value can never shift a column; numbers, dates and booleans (yes/no) never need it.
Identifiers come from the schema; values never become SQL text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb

from kafinea_tui.data.automation.payload import changed_since, field_value
from kafinea_tui.data.schema import LINE_ITEMS_TABLE, Field, FieldType, Module, Schema
from kafinea_tui.data.store.results import first_row

ITEM_KEYS = ("product", "quantity", "list_price")
PLAIN = (FieldType.INTEGER, FieldType.DECIMAL, FieldType.DATE)


def quoted(text_sql: str) -> str:
    """A text cell: always between quotes, a quote doubled; NULL is an empty cell."""
    return f"('\"' || replace(coalesce(CAST({text_sql} AS VARCHAR), ''), '\"', '\"\"') || '\"')"


def cell(field_: Field, schema: Schema, alias: str = "r") -> str:
    value = field_value(field_, schema, alias)
    if field_.type is FieldType.BOOLEAN:
        return f"(CASE WHEN {value} THEN 'yes' WHEN NOT {value} THEN 'no' ELSE '' END)"
    if field_.type in PLAIN:
        return f"coalesce(CAST({value} AS VARCHAR), '')"
    return quoted(value)


def _chosen(module: Module, names: Sequence[str]) -> tuple[list[Field], bool]:
    """The record's columns after `id` (first, as the JSON payload has it) and whether items
    follow them."""
    fields = [module.field(n) for n in names if n != "id"] if names else list(module.fields)
    items = any(f.type is FieldType.LINE_ITEMS for f in fields)
    return [f for f in fields if f.type is not FieldType.LINE_ITEMS], items


def header(module: Module, names: Sequence[str]) -> str:
    columns, items = _chosen(module, names)
    names_ = ["id", *(f.name for f in columns)]
    names_ += [f"items.{k}" for k in ITEM_KEYS] if items else []
    return ",".join(names_) + "\n"


def record_lines(module: Module, schema: Schema, names: Sequence[str]) -> str:
    """SQL over `r`: the record's CSV lines, each ending with a line feed."""
    columns, items = _chosen(module, names)
    row = " || ',' || ".join(["CAST(r.id AS VARCHAR)", *(cell(f, schema) for f in columns)])
    if not items:
        return f"({row} || chr(10))"
    products = schema.module("products")
    item_cells = " || ',' || ".join(
        [
            quoted(f"p.{products.key}"),
            "coalesce(CAST(i.quantity AS VARCHAR), '')",
            "coalesce(CAST(i.list_price AS VARCHAR), '')",
        ]
    )
    lines = (
        f"(SELECT list({item_cells} ORDER BY i.position)"
        f" FROM {LINE_ITEMS_TABLE} i LEFT JOIN {products.table} p ON p.id = i.product"
        " WHERE i.salesorder_id = r.id)"
    )
    return item_lines(row, lines)


def item_lines(row: str, lines: str) -> str:
    """An order's CSV lines: one per item (`lines`, each item's cells), the order's cells
    (`row`) first; an order without items is one line whose item cells are empty.

    The order's cells are made once, as a column (`o.head`) of a one-row subquery that the
    lambda then reads. Why: a reference's cell is a subquery (the related record's key), and
    DuckDB refuses a subquery inside a lambda ("subqueries in lambda expressions are not
    supported"), which failed every write that fired such a send, and every write after a
    firing queued as references. Reading a column costs less than the cells repeated per item
    (0.11 s against 0.19 s for 100,000 orders of two items)."""
    return (
        "(SELECT array_to_string(list_transform(coalesce(o.lines, [',,']),"
        " lambda x: o.head || ',' || x || chr(10)), '')"
        f" FROM (SELECT {row} AS head, {lines} AS lines) o)"
    )


# The item lines as releases before `item_lines` wrote them, in the payload SQL that batches
# queued as references keep (kf_outbox_batches.render_sql): the order's cells inside the lambda.
# A stored cell starts with the record's id, never with `o.head`, so a repaired one never
# matches again.
_OLD_ITEM_LINES = (
    r"array_to_string\(list_transform\(coalesce\((.*?), \[',,'\]\),"
    r" lambda x: (CAST\(r\.id AS VARCHAR\).*?) \|\| ',' \|\| x \|\| chr\(10\)\), ''\)"
)


def repair_queued(cur: duckdb.DuckDBPyConnection) -> int:
    """Rewrite the payload SQL of batches queued as references by releases that put a
    subquery in the lambda (a reference beside items), as `item_lines` makes it; how many.

    Why: such a batch could never be rendered, and every write renders the batches pending
    before its own statements (store/outbox_render.py), so a workspace holding one refused
    every write. One UPDATE over the pending batches, run when workflows are installed, before
    the process writes; a batch it does not match is left as it was."""
    matching = "render_sql IS NOT NULL AND regexp_matches(render_sql, ?)"
    row = first_row(
        cur.execute(f"SELECT count(*) FROM kf_outbox_batches WHERE {matching}", [_OLD_ITEM_LINES])
    )
    count = int(row[0]) if row else 0
    if count:
        cur.execute(
            f"UPDATE kf_outbox_batches SET render_sql = regexp_replace(render_sql, ?, ?)"
            f" WHERE {matching}",
            [_OLD_ITEM_LINES, item_lines(r"\2", r"\1"), _OLD_ITEM_LINES],
        )
    return count


def workflow_payload(
    cur: duckdb.DuckDBPyConnection, module: Module, schema: Schema, names: Sequence[str]
) -> tuple[str, tuple[str, str]]:
    """A workflow's send to a CSV endpoint: the payload is a JSON string holding the header and
    the record's lines. The header, the same for every record, is the envelope's opening text
    (the string's opening quote and the escaped header), kept once per firing; the payload SQL
    over `r` is the rest (the escaped lines and the closing quote). Escaping is per character,
    so the two pieces joined are `to_json` of the whole text."""
    row = cur.execute("SELECT CAST(to_json(?::VARCHAR) AS VARCHAR)", [header(module, names)])
    quoted_header = str((first_row(row) or ("",))[0])
    lines = record_lines(module, schema, names)
    return f"substr(CAST(to_json({lines}) AS VARCHAR), 2)", (quoted_header[:-1], "")


def export_csv(
    cur: duckdb.DuckDBPyConnection,
    module: Module,
    schema: Schema,
    names: Sequence[str],
    where: tuple[str, list[Any]],
    changed: tuple[int, int] | None = None,
) -> tuple[int, str]:
    """A scheduled send to a CSV endpoint, in one statement: the records `where` matches (and
    changed in the cursor range `changed`, when given), in id order, as one CSV text (a JSON
    string), and how many records there are."""
    sql, params = where
    since, since_params = changed_since(module, changed)
    row = first_row(
        cur.execute(
            f"SELECT count(*), to_json(?::VARCHAR || coalesce(string_agg("
            f"{record_lines(module, schema, names)}, '' ORDER BY r.id), ''))"
            f" FROM {module.table} r WHERE coalesce({sql}, FALSE){since}",
            [header(module, names), *params, *since_params],
        )
    )
    return (int(row[0]), str(row[1])) if row else (0, "")
