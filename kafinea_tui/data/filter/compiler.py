"""Compile a parsed filter expression into a parameterised SQL boolean over the table aliased `r`.

Semantics chosen for people who use a CRM, not SQL:

* text (`text`, `email`, `phone`, `url`, `picklist`, `textarea`): `=`, `!=` and `in` compare trimmed,
  ignoring case and accents (`city = "paris "` finds "Paris", `name = jaures` finds "Jaurès");
  `~`, `!~` and `^` are contains / not contains / starts with, ignoring case and accents too
  (`collation.fold_sql`); `<`.. `>=` compare case-insensitively. `!=` and `!~` include records
  where the field is empty.
* `= ""` means `is empty` and `!= ""` means `is not empty`; `is empty` is NULL or only spaces.
* integer and decimal fields compare as numbers, date fields as ISO dates (`2026-11-26`), yes/no
  fields take yes/no, true/false, 1/0, oui/non (an unset box counts as "no"). `~` and `^` on
  numbers and dates match their written form (`birthdate ^ 1980`).
* references compare on the related record's key (`organization = "Acme"` is the organization
  named Acme); sales orders' `items` compare on the products' codes.
* `id`, `created_at` and `modified_at` can be filtered too (the timestamps as dates).

Values only ever travel as `?` parameters; identifiers come from the Schema, whose names are
`[a-z0-9_]`, so no text from the expression reaches the SQL string.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from kafinea_tui.data.collation import fold_sql
from kafinea_tui.data.errors import FilterError
from kafinea_tui.data.filter.parser import BoolOp, Comparison, Node, Not, Value
from kafinea_tui.data.schema import (
    LINE_ITEMS_TABLE,
    TEXT_TYPES,
    Field,
    FieldType,
    Module,
    Schema,
    normalize_label,
)

Sql = tuple[str, list[Any]]

SYSTEM_FIELDS: dict[str, Field] = {
    "id": Field("id", "Id", FieldType.INTEGER),
    "created_at": Field("created_at", "Created At", FieldType.DATE),
    "modified_at": Field("modified_at", "Modified At", FieldType.DATE),
}
TRUE_WORDS = frozenset({"yes", "true", "1", "oui", "y", "x", "on"})
FALSE_WORDS = frozenset({"no", "false", "0", "non", "n", "off"})
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_ORDERING = ("<", "<=", ">", ">=")


def resolve_field(module: Module, name: str) -> Field | None:
    """A module field by name or label, or one of the system columns id/created_at/modified_at."""
    found = module.find_field(name)
    if found is not None:
        return found
    wanted = normalize_label(name)
    return next((f for f in SYSTEM_FIELDS.values() if normalize_label(f.name) == wanted), None)


class Compiler:
    def __init__(self, expression: str, module: Module, schema: Schema) -> None:
        self.expression = expression
        self.module = module
        self.schema = schema

    def error(self, message: str, position: int) -> FilterError:
        return FilterError(message, self.expression, position)

    def compile(self, node: Node) -> Sql:
        if isinstance(node, BoolOp):
            parts: list[str] = []
            params: list[Any] = []
            for operand in node.operands:
                sql, values = self.compile(operand)
                parts.append(sql)
                params += values
            return "(" + f" {node.op.upper()} ".join(parts) + ")", params
        if isinstance(node, Not):
            inner, params = self.compile(node.operand)
            return f"(NOT coalesce({inner}, FALSE))", params
        return self.comparison(node)

    def comparison(self, node: Comparison) -> Sql:
        field = resolve_field(self.module, node.field)
        if field is None:  # the parser checked; kept for callers that build trees themselves
            raise self.error(f"unknown field {node.field!r}", node.position)
        if field.type is FieldType.REFERENCE:
            return self.reference(field, node)
        if field.type is FieldType.LINE_ITEMS:
            return self.line_items(node)
        column = f"r.{field.name}"
        if field.name in ("created_at", "modified_at"):
            column = f"CAST(r.{field.name} AS DATE)"
        if field.type in TEXT_TYPES:
            return self.text(column, node)
        return self.typed(column, field, node)

    # -- text --------------------------------------------------------------------------------

    def text(self, column: str, node: Comparison) -> Sql:
        op, values = node.op, node.values
        if op in ("=", "!=") and values[0].text.strip() == "":
            op = "empty" if op == "=" else "not empty"
        if op == "empty":
            return f"({column} IS NULL OR trim({column}) = '')", []
        if op == "not empty":
            return f"({column} IS NOT NULL AND trim({column}) <> '')", []
        texts = [v.text for v in values]
        trimmed, value = fold_sql(f"trim({column})"), fold_sql("trim(?)")
        folded, pattern = fold_sql(column), fold_sql("?")
        if op == "=":
            return f"{trimmed} = {value}", texts
        if op == "!=":
            return f"{trimmed} IS DISTINCT FROM {value}", texts
        if op == "in":
            return f"{trimmed} IN ({', '.join(value for _ in texts)})", texts
        if op == "~":
            return f"contains({folded}, {pattern})", texts
        if op == "!~":
            return f"NOT coalesce(contains({folded}, {pattern}), FALSE)", texts
        if op == "^":
            return f"starts_with({folded}, {pattern})", texts
        return f"lower({column}) {op} lower(?)", texts

    def reference(self, field: Field, node: Comparison) -> Sql:
        """Compare the related record's key: a semi-join on the related table, set-based."""
        related = self.schema.module(field.related or "")
        key = f"k.{related.field(related.key).name}"
        column = f"r.{field.name}"
        op = node.op
        if op in ("=", "!=") and node.values[0].text.strip() == "":
            op = "empty" if op == "=" else "not empty"
        if op == "empty":
            return f"({column} IS NULL)", []
        if op == "not empty":
            return f"({column} IS NOT NULL)", []
        positive = {"!=": "=", "!~": "~"}.get(op, op)
        inner, params = self.text(
            key, Comparison(node.field, node.position, positive, 0, node.values)
        )
        subquery = f"SELECT k.id FROM {related.table} k WHERE {inner}"
        if positive != op:
            return f"({column} IS NULL OR {column} NOT IN ({subquery}))", params
        return f"({column} IN ({subquery}))", params

    def line_items(self, node: Comparison) -> Sql:
        """`items` compares on the product codes of a sales order's lines."""
        products = self.schema.module("products")
        key = f"k.{products.key}"
        if node.op in ("empty", "not empty"):
            neg = "NOT " if node.op == "empty" else ""
            return f"(r.id {neg}IN (SELECT salesorder_id FROM {LINE_ITEMS_TABLE}))", []
        positive = {"!=": "=", "!~": "~"}.get(node.op, node.op)
        inner, params = self.text(
            key, Comparison(node.field, node.position, positive, 0, node.values)
        )
        subquery = (
            f"SELECT i.salesorder_id FROM {LINE_ITEMS_TABLE} i"
            f" JOIN {products.table} k ON k.id = i.product WHERE {inner}"
        )
        neg = "NOT " if positive != node.op else ""
        return f"(r.id {neg}IN ({subquery}))", params

    # -- numbers, dates, booleans ------------------------------------------------------------

    def typed(self, column: str, field: Field, node: Comparison) -> Sql:
        op = node.op
        if op in ("=", "!=") and node.values[0].text.strip() == "":  # as for text
            op = "empty" if op == "=" else "not empty"
        if op == "empty":
            return f"({column} IS NULL)", []
        if op == "not empty":
            return f"({column} IS NOT NULL)", []
        if op in ("~", "!~", "^"):
            if field.type is FieldType.BOOLEAN:
                raise self.error(
                    f"{op!r} does not apply to the yes/no field {field.label}", node.op_position
                )
            text_node = Comparison(node.field, node.position, op, node.op_position, node.values)
            return self.text(f"CAST({column} AS VARCHAR)", text_node)
        if field.type is FieldType.BOOLEAN:
            if op in _ORDERING:
                raise self.error(
                    f"{op!r} does not apply to the yes/no field {field.label}", node.op_position
                )
            column = f"coalesce({column}, FALSE)"
        params = [self.typed_value(field, v) for v in node.values]
        if op == "in":
            return f"{column} IN ({', '.join('?' for _ in params)})", params
        if op == "!=":
            return f"{column} IS DISTINCT FROM ?", params
        return f"{column} {op} ?", params

    def typed_value(self, field: Field, value: Value) -> Any:
        text = value.text.strip()
        if field.type is FieldType.BOOLEAN:
            lowered = text.lower()
            if lowered in TRUE_WORDS or lowered in FALSE_WORDS:
                return lowered in TRUE_WORDS
            raise self.error(f"{field.label} is yes or no, not {value.text!r}", value.position)
        if field.type is FieldType.DATE:
            try:
                return date.fromisoformat(text)
            except ValueError:
                raise self.error(
                    f"{field.label} is a date: write it as YYYY-MM-DD, not {value.text!r}",
                    value.position,
                ) from None
        number = text.replace(" ", "").replace("_", "")
        number = number.replace(",", "") if "." in number else number.replace(",", ".")
        if not _NUMBER.fullmatch(number):
            raise self.error(f"{field.label} is a number, not {value.text!r}", value.position)
        try:
            parsed = Decimal(number)
        except InvalidOperation:  # pragma: no cover - the regex admits only valid decimals
            raise self.error(
                f"{field.label} is a number, not {value.text!r}", value.position
            ) from None
        if abs(parsed) >= 10**16 or -parsed.as_tuple().exponent > 6:  # type: ignore[operator]
            raise self.error(f"{value.text!r} is out of range for {field.label}", value.position)
        if field.type is FieldType.INTEGER and parsed == parsed.to_integral_value():
            return int(parsed)
        return parsed
