"""Records as posted (JSON-like objects) -> lines of cells -> typed values, in one statement.

An object becomes what a file row would be: its keys are the columns (a key is a field name or
label, as a header is), and a sales order's `items` become one line per item with `items.*`
cells, the order's cells repeated. The targets come from the file importer's own
`resolve_targets`, and every cell is read by `values.parse_sql`, the SQL the file importer runs
over a whole file, here over a VALUES list of the request's lines: the same text gives the same
value or the same reason on both paths.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import duckdb

from kafinea_tui.data.errors import UsageError
from kafinea_tui.data.importer.mapping import ITEM_TARGETS, Target, resolve_targets
from kafinea_tui.data.importer.plan import Duplicates
from kafinea_tui.data.importer.rules import match_fields
from kafinea_tui.data.importer.sql import key_sql
from kafinea_tui.data.numbers import signed_sql
from kafinea_tui.data.schema import FieldType, Module
from kafinea_tui.data.values import (
    IN_SQL,
    Params,
    Read,
    ValueOptions,
    clean_cell_sql,
    parse_sql,
    python_reader,
)

_NUMBERS = (FieldType.DECIMAL, FieldType.INTEGER)
READ_ONLY_FIELDS = ("id", "created_at", "modified_at", "batch_id")
ITEM_COLUMNS = ITEM_TARGETS  # items.product, items.quantity, items.list_price


@dataclass
class Line:
    """One line of an object: typed values by target name, the first unreadable cell, the match
    key (`mk`, None when a match field is empty)."""

    values: dict[str, Any]
    error: tuple[str, str] | None  # (column, reason)
    mk: str | None


@dataclass
class Parsed:
    """The request, read: targets (in column order) and each object's lines."""

    columns: list[str]
    targets: list[Target]
    match: list[str]  # the fields that identify an existing record
    lines: list[list[Line]] = field(default_factory=list)

    @property
    def record_targets(self) -> list[Target]:
        return [t for t in self.targets if not t.is_item]

    @property
    def item_targets(self) -> list[Target]:
        return [t for t in self.targets if t.is_item]


def cell_text(value: Any, what: str) -> str | None:
    """A JSON scalar as the text of a CSV cell (booleans as true/false, null as None); anything
    else is refused in a sentence about `what` (a field's label, or "Record 3: email")."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return str(value)
    raise UsageError(f"{what} takes a single value, not a {type(value).__name__}.")


def columns_of(module: Module, objects: Sequence[Any]) -> list[str]:
    """The objects' keys in first-seen order, a sales order's `items` as the `items.*` columns
    last; a UsageError for what no file could hold (not an object, a key the workspace keeps)."""
    seen: dict[str, None] = {}
    has_items = False
    for index, obj in enumerate(objects, start=1):
        if not isinstance(obj, dict):
            raise UsageError(f"Record {index} is not a JSON object.")
        for key in obj:
            if key in READ_ONLY_FIELDS:
                raise UsageError(
                    f"Record {index}: {key} is kept by the workspace and cannot be set; "
                    "to update records, post them with duplicates= and match=."
                )
            if key == "items" and module.name == "salesorders":
                has_items = True
            else:
                seen.setdefault(str(key), None)
    return [*seen, *(ITEM_COLUMNS if has_items else ())]


def shape(module: Module, objects: Sequence[Any]) -> tuple[list[str], list[list[list[str | None]]]]:
    """The columns (`columns_of`) and each object's lines of cell texts; a UsageError for a
    value no file could hold (a nested value, items that are not a list)."""
    columns = columns_of(module, objects)
    plain = [c for c in columns if c not in ITEM_COLUMNS]
    has_items = len(plain) < len(columns)
    lines: list[list[list[str | None]]] = []
    for index, obj in enumerate(objects, start=1):
        cells = [cell_text(obj.get(name), f"Record {index}: {name}") for name in plain]
        items = (obj.get("items") if has_items else None) or []
        if not isinstance(items, list):
            raise UsageError(f"Record {index}: items is a list of line items.")
        blank: list[str | None] = [None] * (len(columns) - len(plain))
        lines.append([cells + _item_cells(index, item) for item in items] or [cells + blank])
    return columns, lines


def _item_cells(index: int, item: Any) -> list[str | None]:
    if not isinstance(item, dict):
        raise UsageError(
            f"Record {index}: a line item is an object with product, quantity, list_price."
        )
    names = [c.split(".", 1)[1] for c in ITEM_COLUMNS]
    unknown = set(item) - set(names)
    if unknown:
        raise UsageError(f"Record {index}: a line item has no field {sorted(unknown)[0]!r}.")
    return [cell_text(item.get(name), f"Record {index}: {name}") for name in names]


def parse(
    cur: duckdb.DuckDBPyConnection,
    module: Module,
    objects: Sequence[Any],
    options: ValueOptions,
    duplicates: Duplicates | None = None,
    match: Sequence[str] = (),
    matching: bool = True,
) -> Parsed:
    """Read every cell of the request in one statement. The match fields (`rules.match_fields`
    of `match` and `duplicates`) give each line its key `mk`; none when not `matching` (a
    PATCH names its record by id)."""
    columns, cells = shape(module, objects)
    if not columns:
        raise UsageError(
            f"The records have no fields; send at least one field of {module.label} by name."
        )
    targets = resolve_targets(module, columns, {c: c for c in columns}, {}, True)
    mapped = {t.field.name for t in targets if not t.is_item}
    fields = match_fields(module, match, duplicates, mapped) if matching else []
    parsed = Parsed(columns, targets, fields)
    flat = [line for lines in cells for line in lines]
    if not flat:
        return parsed
    result = _typed(cur, targets, parsed.match, flat, options)
    position = 0
    for lines in cells:
        read: list[Line] = []
        for row in result[position : position + len(lines)]:
            error = next(
                (
                    (t.column or t.field.label, str(row[2 * k + 1]))
                    for k, t in enumerate(targets)
                    if row[2 * k + 1] is not None
                ),
                None,
            )
            typed_values = {t.name: row[2 * k] for k, t in enumerate(targets)}
            read.append(Line(typed_values, error, None if row[-1] is None else str(row[-1])))
        parsed.lines.append(read)
        position += len(lines)
    return parsed


def _typed(
    cur: duckdb.DuckDBPyConnection,
    targets: list[Target],
    match: list[str],
    lines: list[list[str | None]],
    options: ValueOptions,
) -> list[tuple[Any, ...]]:
    """Per line: (value, reason) per target, then the match key. A target whose every cell
    Python reads as `parse_sql` does (`values.python_reader`: text, emails, plain numbers,
    picklist values) is read in Python; the others, and the match key, by one statement of
    `parse_sql` over a VALUES list of the lines, when there are any: an order posted by a web
    shop costs no statement."""
    in_python: dict[str, list[Read]] = {}
    for target in targets:
        reader = python_reader(target.field, options)
        if reader is None:
            continue
        reads = [reader(line[(target.index or 1) - 1]) for line in lines]
        if all(read is not IN_SQL for read in reads):
            in_python[target.name] = cast(list[Read], reads)
    keys = _keys_in_python(match, in_python, len(lines))
    sql_rows: list[tuple[Any, ...]] = [()] * len(lines)
    if len(in_python) < len(targets) or keys is None:
        sql, params = _statement(targets, match, lines, options, set(in_python))
        sql_rows = cur.execute(sql, params.values).fetchall()
    result: list[tuple[Any, ...]] = []
    for number, row in enumerate(sql_rows):
        cells: list[Any] = []
        found = iter(row)
        for target in targets:
            if target.name in in_python:
                cells.extend(in_python[target.name][number])
            else:
                cells.extend([next(found), next(found)])
        cells.append(keys[number] if keys is not None else row[-1])
        result.append(tuple(cells))
    return result


def _keys_in_python(
    match: list[str], in_python: dict[str, list[Read]], count: int
) -> list[str | None] | None:
    """Each line's match key as `sql.key_sql` makes it, when every match field was read in
    Python to ASCII text (or nothing): lower-cased (the values are trimmed already), joined by
    a unit separator, None when a part is missing. None when SQL must make them."""
    if not match:
        return [None] * count
    if any(name not in in_python for name in match):
        return None
    parts = [[value for value, _ in in_python[name]] for name in match]
    if not all(v is None or (isinstance(v, str) and v.isascii()) for p in parts for v in p):
        return None
    return [
        None if any(v is None for v in line) else chr(31).join(v.lower() for v in line)
        for line in zip(*parts, strict=True)
    ]


def _statement(
    targets: list[Target],
    match: list[str],
    lines: list[list[str | None]],
    options: ValueOptions,
    plain: set[str],
) -> tuple[str, Params]:
    """`_typed`'s statement, in layers so that no expression is written twice: each cell
    cleaned once (`k<column>`), a number's signed text once (`s<column>`), each value read once
    (`v<n>`), then the reasons and the match key over those names. Nested in one expression, a
    sales order's statement was ~24 KB and DuckDB spent ~0.1 s of CPU planning it."""
    params = Params()
    rows = ", ".join(
        "(" + ", ".join(f"{params.add(cell)}::VARCHAR" for cell in line) + ")" for line in lines
    )
    names = ", ".join(f"c{i}" for i in range(1, len(lines[0]) + 1))
    used = sorted({target.index or 1 for target in targets})
    fields = {target.index or 1: target.field for target in targets}
    cleaned = ", ".join(f"{clean_cell_sql(fields[i], f'c{i}')} AS k{i}" for i in used)
    numeric = sorted({target.index or 1 for target in targets if target.field.type in _NUMBERS})
    signed = "".join(f", {signed_sql(f'k{i}')} AS s{i}" for i in numeric)
    read: list[str] = []
    out: list[str] = []
    values: dict[str, str] = {}
    for number, target in enumerate(targets):
        column = target.index or 1
        text = f"k{column}"
        sign = f"s{column}" if column in numeric else None
        if target.name in plain and target.name not in match:
            continue  # read in Python, and no key: its SQL (and parameters) would go unused
        parsed = parse_sql(target.field, text, options, params, sign)
        values[target.name] = parsed.value
        if target.name not in plain:
            read.append(f", {parsed.value} AS v{number}")
            values[target.name] = f"v{number}"
            out.append(f"v{number}, {parsed.error_sql(text, f'v{number}')} AS e{number}")
    keys = [f"({values[name]})" if name in values else "NULL" for name in match]
    out.append(f"{key_sql(keys)} AS mk" if keys else "NULL::VARCHAR AS mk")
    inner = f"SELECT {cleaned} FROM (VALUES {rows}) t({names})"
    middle = f"SELECT *{''.join(read)} FROM (SELECT *{signed} FROM ({inner}) k) s"
    return f"SELECT {', '.join(out)} FROM ({middle}) v", params
