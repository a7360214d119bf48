"""SQL expressions that snapshot a record as JSON, over the table aliased `r`.

A firing's payloads are built by one statement over all its records (a 100,000-row import's in
one, not 100,000), as the deliveries are queued or, for deliveries queued as references, before
the next write can change those records (store/outbox_render.py): either way a delivery sends
the record as it was when the workflow fired. References are written as the
related record's key (the contact's email, the product's code), as the API and imports name them;
a sales order's `items` is the list of its lines.

Identifiers come from the schema (`[a-z0-9_]`); template text and values travel as parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb

from kafinea_tui.data.schema import LINE_ITEMS_TABLE, Field, FieldType, Module, Schema
from kafinea_tui.data.store.results import first_row


@dataclass
class Sql:
    text: str
    params: list[Any] = field(default_factory=list)


def items_json(schema: Schema) -> str:
    """The order's lines as a list of structs, in line order. `list_sort` over structs that
    start with the position orders the few lines of each order for far less than an ordered
    aggregate (`list(... ORDER BY ...)`), which on 100,000 orders cost twice as much."""
    products = schema.module("products")
    return (
        "(SELECT coalesce(list_transform(list_sort(list({'position': i.position,"
        f" 'product': p.{products.key}, 'quantity': i.quantity, 'list_price': i.list_price}})),"
        " lambda x: {'product': x.product, 'quantity': x.quantity, 'list_price': x.list_price}), [])"
        f" FROM {LINE_ITEMS_TABLE} i LEFT JOIN {products.table} p ON p.id = i.product"
        " WHERE i.salesorder_id = r.id)"
    )


def envelope(cur: duckdb.DuckDBPyConnection, event: str, workflow: str) -> tuple[str, str]:
    """The text a workflow's JSON send writes around each record: `{"type":…,"workflow":…,
    "data":` and `}`, exactly as `to_json` of the whole object writes them. It is kept once per
    firing (outbox.new_batch), not once per record."""
    row = first_row(
        cur.execute(
            "SELECT to_json({'type': ?::VARCHAR, 'workflow': ?::VARCHAR, 'data': NULL})",
            [event, workflow],
        )
    )
    text = str(row[0]) if row else ""
    if not text.endswith(',"data":null}'):
        raise ValueError(f"unexpected JSON envelope {text!r}")
    return text[: -len("null}")], "}"


def field_value(field_: Field, schema: Schema, alias: str = "r") -> str:
    """One field's value: a reference as the related key, items as a list of lines."""
    if field_.type is FieldType.LINE_ITEMS:
        return items_json(schema)
    if field_.type is FieldType.REFERENCE and field_.related:
        related = schema.module(field_.related)
        return f"(SELECT k.{related.key} FROM {related.table} k WHERE k.id = {alias}.{field_.name})"
    return f"{alias}.{field_.name}"


def record_json(module: Module, schema: Schema, names: Sequence[str] = ()) -> str:
    """The record as a struct (turned into a JSON object by `to_json`): `id`, then the named
    fields (all of them when none)."""
    chosen = [module.field(n) for n in names] if names else list(module.fields)
    pairs = ["'id': r.id"]
    pairs += [f"'{f.name}': {field_value(f, schema)}" for f in chosen if f.name != "id"]
    return "{" + ", ".join(pairs) + "}"


def text_of(field_: Field, schema: Schema, via: Field | None = None) -> str:
    """A field's value as text for a template (empty when there is none)."""
    if via is not None and via.related:
        related = schema.module(via.related)
        inner = field_value(field_, schema, alias="k")
        value = (
            f"(SELECT CAST({inner} AS VARCHAR) FROM {related.table} k WHERE k.id = r.{via.name})"
        )
    elif field_.type is FieldType.LINE_ITEMS:
        products = schema.module("products")
        value = (
            f"(SELECT string_agg(p.{products.key}, ', ' ORDER BY i.position)"
            f" FROM {LINE_ITEMS_TABLE} i JOIN {products.table} p ON p.id = i.product"
            " WHERE i.salesorder_id = r.id)"
        )
    else:
        value = f"CAST({field_value(field_, schema)} AS VARCHAR)"
    return f"coalesce({value}, '')"


def template_sql(parts: Sequence[str | tuple[Field, Field | None]], schema: Schema) -> Sql:
    """Literal pieces (parameters) and fields (`(field, via)`) concatenated as one text."""
    if not parts:
        return Sql("''")
    pieces: list[str] = []
    params: list[Any] = []
    for part in parts:
        if isinstance(part, str):
            pieces.append("CAST(? AS VARCHAR)")
            params.append(part)
        else:
            pieces.append(text_of(part[0], schema, part[1]))
    return Sql("(" + " || ".join(pieces) + ")", params)


def export_json(
    cur: duckdb.DuckDBPyConnection,
    module: Module,
    schema: Schema,
    fields: Sequence[str],
    where: tuple[str, list[Any]],
    label: str,
    changed: tuple[int, int] | None = None,
) -> tuple[int, str]:
    """A scheduled send's payload, built in one statement: the records `where` matches (only
    those changed in the change-log cursor range `changed`, when given) as
    `{"type", "schedule", "data": [...]}` in id order, and how many there are."""
    sql, params = where
    since, since_params = changed_since(module, changed)
    row = first_row(
        cur.execute(
            f"SELECT count(*), to_json({{'type': ?::VARCHAR, 'schedule': ?::VARCHAR, 'data':"
            f" coalesce(list({record_json(module, schema, fields)} ORDER BY r.id), [])}})"
            f" FROM {module.table} r WHERE coalesce({sql}, FALSE){since}",
            [f"{module.name}.export", label, *params, *since_params],
        )
    )
    return (int(row[0]), str(row[1])) if row else (0, "")


def changed_since(module: Module, changed: tuple[int, int] | None) -> tuple[str, list[Any]]:
    """The condition keeping the records changed in the change-log cursor range `changed`."""
    if changed is None:
        return "", []
    return (
        " AND r.id IN (SELECT record_id FROM kf_changes_after(?) WHERE module = ? AND cursor <= ?)",
        [changed[0], module.name, changed[1]],
    )
