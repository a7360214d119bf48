"""Email templates: `Order {order_number} for {contact.first_name}`.

A placeholder names a field of the record (`{order_number}`) or, through one of its reference
fields, a field of the related record (`{contact.email}`, `{organization.name}`). They are checked
against the schema when the config is read, so a misspelt field is an error of `automation
check`, never a failure at send time. `{{` and `}}` write literal braces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kafinea_tui.data.filter.compiler import resolve_field
from kafinea_tui.data.schema import Field, FieldType, Module, Schema

_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")


@dataclass(frozen=True)
class Path:
    """A placeholder resolved: the record's field, or a related record's field through `via`."""

    text: str
    field: Field
    via: Field | None = None


Part = str | Path


def parse_template(text: str, module: Module, schema: Schema) -> list[Part]:
    """Literal text and resolved placeholders, in order; ValueError names an unknown field."""
    parts: list[Part] = []
    last = 0
    for match in _PLACEHOLDER.finditer(text):
        parts.append(text[last : match.start()])
        last = match.end()
        token = match.group(0)
        if token in ("{{", "}}"):
            parts.append(token[0])
            continue
        parts.append(resolve_path(match.group(1).strip(), module, schema))
    parts.append(text[last:])
    return [p for p in parts if p != ""]


def resolve_path(text: str, module: Module, schema: Schema) -> Path:
    head, _, tail = text.partition(".")
    first = resolve_field(module, head)
    if first is None:
        raise ValueError(f"{module.label} has no field {head!r} (in {{{text}}})")
    if not tail:
        return Path(text, first)
    if first.type is not FieldType.REFERENCE or not first.related:
        raise ValueError(f"{first.label} is not a reference to another record (in {{{text}}})")
    related = schema.module(first.related)
    second = resolve_field(related, tail)
    if second is None or second.type is FieldType.LINE_ITEMS:
        raise ValueError(f"{related.label} has no field {tail!r} (in {{{text}}})")
    return Path(text, second, via=first)
