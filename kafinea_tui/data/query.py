"""Lists of records: filter expressions and quick search to SQL, sort, pages and counts.

Everything here is a query over the whole module table, so a page of a million-record list costs
two statements: a count, and a page query that sorts and limits first and only then joins the
related records' keys for the rows it shows. The list screen, the exporter and the API share
these functions, so "the page as the list shows it" means the same rows everywhere.

Callers on worker threads are safe: every statement goes through `store.cursor()`, a cursor of
the calling thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kafinea_tui.data.collation import ROOT_COLLATION, fold_sql
from kafinea_tui.data.errors import UsageError
from kafinea_tui.data.filter.compiler import SYSTEM_FIELDS, Compiler, resolve_field
from kafinea_tui.data.filter.parser import parse
from kafinea_tui.data.schema import (
    LINE_ITEMS_TABLE,
    SYSTEM_COLUMNS,
    TEXT_TYPES,
    Field,
    FieldType,
    Module,
    Schema,
)
from kafinea_tui.data.store.database import Store

__all__ = [
    "SYSTEM_FIELDS",
    "ListQuery",
    "Page",
    "compile_filter",
    "count",
    "count_among",
    "count_where",
    "display_select",
    "fetch_page",
    "matching_ids",
    "matching_ids_sql",
    "order_by",
    "page_fields",
    "page_rows",
    "quick_search",
    "resolve_field",
    "where_clause",
]


def compile_filter(expression: str, module: Module, schema: Schema) -> tuple[str, list[Any]]:
    """A filter expression as a SQL boolean over `r` plus its parameters; "TRUE" when empty.

    Raises FilterError (a UsageError) with the 0-based position of the problem.
    """
    tree = parse(expression, lambda name: resolve_field(module, name) is not None)
    if tree is None:
        return "TRUE", []
    return Compiler(expression, module, schema).compile(tree)


def quick_search(text: str, module: Module) -> tuple[str, list[Any]]:
    """Contains over the module's text fields, ignoring case and accents (`jaures` finds
    Jaurès). Each word must appear in some field (`jean paris` finds Jean in Paris), which is
    what a search box user expects."""
    words = text.split()
    columns = [f.name for f in module.columns if f.type in TEXT_TYPES]
    if not words or not columns:
        return "TRUE", []
    clauses: list[str] = []
    params: list[Any] = []
    for word in words:
        ors = " OR ".join(f"contains({fold_sql(f'r.{c}')}, {fold_sql('?')})" for c in columns)
        clauses.append(f"({ors})")
        params.extend([word] * len(columns))
    return "(" + " AND ".join(clauses) + ")", params


@dataclass(frozen=True)
class ListQuery:
    module: str
    filter: str = ""
    search: str = ""
    sort: tuple[tuple[str, bool], ...] = ()  # (field name, descending)
    # The fields a page shows, in order (a list's column layout); None: every field.
    columns: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Page:
    fields: tuple[Field, ...]
    rows: list[tuple[Any, ...]]  # display values: references as the related key, items as a count
    ids: list[int]
    total: int
    offset: int
    limit: int


def where_clause(store: Store, query: ListQuery) -> tuple[str, list[Any]]:
    """The filter and the quick search of a list, combined; "TRUE" when both are empty."""
    schema = store.schema
    module = _module(schema, query.module)
    parts: list[str] = []
    params: list[Any] = []
    for sql, values in (
        compile_filter(query.filter, module, schema),
        quick_search(query.search, module),
    ):
        if sql != "TRUE":
            parts.append(sql)
            params.extend(values)
    return (" AND ".join(parts) if parts else "TRUE"), params


def order_by(
    module: Module,
    schema: Schema,
    sort: Sequence[tuple[str, bool]],
    collation: str | None = ROOT_COLLATION,
) -> str:
    """ORDER BY terms for a sort; text by `collation` (the workspace's, `store.collation`:
    accents and case sort in place; None: lower-cased code points), references by the related
    key, empty values last, and `r.id` as the final tiebreak so that pages never overlap or
    skip rows."""
    terms: list[str] = []
    for name, descending in sort:
        field = resolve_field(module, name)
        if field is None:
            raise UsageError(f"{module.label} has no field {name!r} to sort by.")
        direction = "DESC" if descending else "ASC"
        terms.append(f"{_sort_expression(field, schema, collation)} {direction} NULLS LAST")
        if field.name == "id":
            return ", ".join(terms)
    terms.append("r.id ASC")
    return ", ".join(terms)


def _sort_expression(field: Field, schema: Schema, collation: str | None) -> str:
    if field.type is FieldType.REFERENCE:
        related = schema.module(field.related or "")
        key = f"(SELECT k.{related.key} FROM {related.table} k WHERE k.id = r.{field.name})"
        return _collated(key, collation)
    if field.type is FieldType.LINE_ITEMS:
        return _item_count()
    if field.type in TEXT_TYPES:
        return _collated(f"r.{field.name}", collation)
    return f"r.{field.name}"


def _collated(text_sql: str, collation: str | None) -> str:
    """The collation name is one of DuckDB's (`data.collation.collation_for` checked it)."""
    if collation is None:
        return f"lower({text_sql})"
    if not collation.replace("_", "").isalnum():
        raise ValueError(f"not a collation name: {collation!r}")
    return f"{text_sql} COLLATE {collation}"


def _item_count() -> str:
    return f"(SELECT count(*) FROM {LINE_ITEMS_TABLE} i WHERE i.salesorder_id = r.id)"


def display_select(
    module: Module, schema: Schema, fields: Sequence[Field] | None = None
) -> tuple[str, str]:
    """A SELECT list over `r` showing `fields` (default: all the module's fields) as a person
    reads them, and the LEFT JOINs that turn references into the related record's key.

    Sales orders' `items` become the number of lines. Columns are aliased by field name.
    """
    chosen = module.fields if fields is None else tuple(fields)
    columns: list[str] = []
    joins: list[str] = []
    for field in chosen:
        if field.type is FieldType.REFERENCE:
            related = schema.module(field.related or "")
            alias = f"j_{field.name}"
            joins.append(f"LEFT JOIN {related.table} {alias} ON {alias}.id = r.{field.name}")
            columns.append(f"{alias}.{related.key} AS {field.name}")
        elif field.type is FieldType.LINE_ITEMS:
            columns.append(f"{_item_count()} AS {field.name}")
        else:
            columns.append(f"r.{field.name} AS {field.name}")
    return ", ".join(columns) or "r.id AS id", " ".join(joins)


def count(store: Store, query: ListQuery) -> int:
    """How many records match the list's filter and search."""
    module = _module(store.schema, query.module)
    where, params = where_clause(store, query)
    return count_where(store, module.table, where, params)


def matching_ids_sql(store: Store, query: ListQuery) -> tuple[str, list[Any]]:
    """`SELECT r.id FROM <table> r WHERE ...`: the matching ids as a subquery for set-based use."""
    module = _module(store.schema, query.module)
    where, params = where_clause(store, query)
    return f"SELECT r.id FROM {module.table} r WHERE {where}", params


def matching_ids(store: Store, query: ListQuery) -> list[int]:
    """Every id matching the list's filter and search, in id order ("select all matching")."""
    sql, params = matching_ids_sql(store, query)
    rows = store.cursor().execute(f"{sql} ORDER BY r.id", params).fetchall()
    return [int(r[0]) for r in rows]


def count_among(store: Store, query: ListQuery, ids: Sequence[int]) -> int:
    """How many of `ids` match the list's filter and search (the others it hides)."""
    if not ids:
        return 0
    module = _module(store.schema, query.module)
    where, params = where_clause(store, query)
    among = f"({where}) AND r.id IN (SELECT unnest(CAST(? AS BIGINT[])))"
    return count_where(store, module.table, among, [*params, [int(i) for i in ids]])


def fetch_page(store: Store, query: ListQuery, offset: int, limit: int) -> Page:
    """One page of the list and the total count: two statements whatever the table size."""
    module = _module(store.schema, query.module)
    offset, limit = max(0, offset), max(0, limit)
    fields = page_fields(module, query.columns)
    total, rows = page_rows(store, query, offset, limit, fields)
    return Page(
        fields=fields,
        rows=[tuple(row[1:]) for row in rows],
        ids=[int(row[0]) for row in rows],
        total=total,
        offset=offset,
        limit=limit,
    )


def page_fields(module: Module, columns: Sequence[str] | None) -> tuple[Field, ...]:
    """The fields `columns` names, in its order (names no longer in the module are skipped);
    every field when None or when none is left."""
    by_name = {f.name: f for f in module.fields}
    chosen = tuple(by_name[n] for n in dict.fromkeys(columns or ()) if n in by_name)
    return chosen or module.fields


def page_rows(
    store: Store,
    query: ListQuery,
    offset: int,
    limit: int,
    fields: Sequence[Field],
    extra: Sequence[str] = (),
) -> tuple[int, list[tuple[Any, ...]]]:
    """The count of every match, and one page's rows: `id`, `fields` as `display_select`
    shows them, then the columns `extra` names (system columns such as `created_at`). The
    page is sorted and limited first; only its rows are joined to the related keys."""
    schema = store.schema
    module = _module(schema, query.module)
    where, params = where_clause(store, query)
    order = order_by(module, schema, query.sort, store.collation)
    offset, limit = max(0, offset), max(0, limit)
    total = count_where(store, module.table, where, params)
    select, joins = display_select(module, schema, fields)
    more = "".join(f", r.{name}" for name in extra if name in SYSTEM_COLUMNS)
    sql = (
        f"SELECT r.id, {select}{more} FROM (SELECT r.* FROM {module.table} r WHERE {where}"
        f" ORDER BY {order} LIMIT ? OFFSET ?) r {joins} ORDER BY {order}"
    )
    rows = store.cursor().execute(sql, [*params, limit, offset]).fetchall() if limit else []
    return total, rows


def count_where(store: Store, table: str, where: str, params: list[Any]) -> int:
    """How many rows of `table` match `where`, a SQL boolean over `r`. fetchall, not fetchone:
    DuckDB 2 keeps a half-read result open on the cursor and refuses the next relational call
    (a CSV export) until it is read to the end."""
    sql = f"SELECT count(*) FROM {table} r WHERE {where}"
    rows = store.cursor().execute(sql, params).fetchall()
    return int(rows[0][0]) if rows else 0


def _module(schema: Schema, name: str) -> Module:
    try:
        return schema.module(name)
    except KeyError as error:
        raise UsageError(error.args[0]) from None
