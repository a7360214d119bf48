"""Email templates: `Order {order_number} for {contact.first_name}`.

A placeholder names a field of the record (`{order_number}`) or, through one of its reference
fields, a field of the related record (`{contact.email}`, `{organization.name}`). They are checked
against the schema when the config is read, so a misspelt field is an error of `automation
check`, never a failure at send time. `{{` and `}}` write literal braces; a brace alone (`Order
{order_numbr`) is a mistake of the check too, rather than an email sent with the literal text.

A header's value is rendered from records, which may hold anything: `header_text` folds each
line break and control character into a space (a subject holding CR LF is sent on one line,
and never adds a header), and `addresses` reads a recipient list (`ann@x.fr`, `Ann Lee
<ann@x.fr>`) taking a display name as plain text, so that a name holding a colon or a comma
stays a name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.errors import MessageError
from email.headerregistry import Address

from kafinea_tui.data.filter.compiler import resolve_field
from kafinea_tui.data.schema import Field, FieldType, Module, Schema

_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")
_BRACE = re.compile(r"[{}]")


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
        _no_brace(text, last, match.start())
        parts.append(text[last : match.start()])
        last = match.end()
        token = match.group(0)
        if token in ("{{", "}}"):
            parts.append(token[0])
            continue
        parts.append(resolve_path(match.group(1).strip(), module, schema))
    _no_brace(text, last, len(text))
    parts.append(text[last:])
    return [p for p in parts if p != ""]


def _no_brace(text: str, start: int, end: int) -> None:
    """ValueError for a brace alone in the literal text `text[start:end]`."""
    stray = _BRACE.search(text, start, end)
    if stray is None:
        return
    at = stray.start() + 1
    if stray.group() == "{":
        raise ValueError(f"an unclosed {{ at character {at}; write {{{{ for a brace itself")
    raise ValueError(f"a }} without its {{ at character {at}; write }}}} for a brace itself")


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


# -- header values -------------------------------------------------------------------------------

# Line breaks (CR, LF, and the Unicode ones a mail reader may honour) and the other controls.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
# One address of a list: `ann@x.fr`, or `Any name <ann@x.fr>`, up to a comma or the end.
_ADDRESS = re.compile(
    r"\s*(?:(?P<bare>[^\s,<>@\"]+@[^\s,<>@\"]+)|(?P<name>[^<>]*?)\s*<(?P<spec>[^<>\s]+)>)\s*(?:,|$)"
)


def header_text(value: str) -> str:
    """A header's value as one line: each run of line breaks and control characters becomes
    one space (`Evil\\r\\nBcc: x@y` -> `Evil Bcc: x@y`), the ends trimmed."""
    return _CONTROLS.sub(" ", value).strip()


def addresses(text: str) -> list[Address] | None:
    """The addresses of a list written `ann@x.fr, Ann Lee <ann@x.fr>` (quotes around a name
    are optional; the name is plain text), or None when it is not one."""
    text = header_text(text)
    found: list[Address] = []
    at = 0
    while at < len(text):
        match = _ADDRESS.match(text, at)
        if match is None or match.end() == at:
            return None
        at = match.end()
        name = (match.group("name") or "").strip()
        if len(name) > 1 and name[0] == name[-1] == '"':
            name = name[1:-1].replace('\\"', '"')
        spec = match.group("bare") or match.group("spec")
        try:
            address = Address(display_name=name, addr_spec=spec)
        except (ValueError, IndexError, MessageError):  # what the parser raises, by case
            return None
        if not address.username or not address.domain:
            return None
        found.append(address)
    return found or None
