"""The rules of an import, shared by its two paths: the set-based file importer and the row path.

Why one module: a failed row says the same sentence, a match picks the same fields and a missing
related record is filled the same way whether the rows came in a file of a million lines (SQL
over the whole batch) or as one record posted to the API (a few statements per record). The
test that feeds the same rows through both paths compares their reports field by field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kafinea_tui.data.errors import UsageError
from kafinea_tui.data.importer.plan import Duplicates
from kafinea_tui.data.schema import Field, FieldType, Module

REF_AMBIGUOUS = (
    "several {related} have {key} '{value}' (ids {ids}): which one is meant is not known"
)
REF_MISSING = "no {related} record has {key} '{value}'"
REF_UNFIT = "no {related} record has {key} '{value}', and none is created with it: {why}"
MATCH_AMBIGUOUS = "matches several {module} records by {fields} (ids {ids}); nothing was changed"
MANDATORY_EMPTY = "{field} is mandatory and empty"
MANDATORY_ABSENT = "{field} is mandatory and not in the file"
UNIQUE_TAKEN = "{field} '{value}' already belongs to {module} {id}"
UNIQUE_REPEATED = "{field} '{value}' is in the file more than once"
ITEM_NEEDS_PRODUCT = "a line item needs a product"

_SLOT = re.compile(r"\{(\w+)\}")


def reason(template: str, **values: object) -> str:
    """The sentence with its values, for the row path."""
    return template.format(**{name: str(value) for name, value in values.items()})


def reason_sql(template: str, **sql: str) -> str:
    """The sentence as a SQL `concat(...)` of its literal parts and the given SQL expressions,
    for the set-based path (the expressions are columns or parameters, never user text)."""
    parts: list[str] = []
    for number, piece in enumerate(_SLOT.split(template)):
        if number % 2:
            parts.append(sql[piece])
        elif piece:
            parts.append("'" + piece.replace("'", "''") + "'")
    return f"concat({', '.join(parts)})"


def picklist_warning(label: str, values: list[str], dry_run: bool = False) -> str:
    """The warning for values added to a picklist (ten named, the rest counted); a dry run's
    says they would be."""
    shown = ", ".join(repr(v) for v in values[:10])
    more = f" and {len(values) - 10} more" if len(values) > 10 else ""
    added = "would be added" if dry_run else "added"
    return f"{label}: {shown}{more} {added} to the list of values."


def match_fields(
    module: Module, wanted: Iterable[str], duplicates: Duplicates | None, mapped: set[str]
) -> list[str]:
    """The fields that identify an existing record: those asked for, else the module's key when
    duplicates are matched (and always for sales orders, whose lines repeat the order); each
    must be a mapped column field, or a UsageError says which is not."""
    names: list[str] = []
    for name in wanted:
        found = module.find_field(name)
        if found is None or not found.is_column:
            raise UsageError(f"{module.label} has no field {name!r} to match records on.")
        names.append(found.name)
    if not names and (duplicates is not None or module.name == "salesorders"):
        names = [module.key]
    for name in names:
        if name not in mapped:
            label = module.field(name).label
            raise UsageError(
                f"The match field {label} is not mapped to a column; map it or match on another."
            )
    return names


def related_fill(related: Module, key: Field) -> list[str]:
    """The fields a created related record gets its key in: the key itself, and the related
    module's other mandatory text fields, so that none of them is ever empty."""
    fill = [
        f.name
        for f in related.columns
        if f.name != key.name and f.mandatory and f.type in (FieldType.TEXT, FieldType.TEXTAREA)
    ]
    return [key.name, *fill]


def action_of(duplicates: Duplicates | None) -> str:
    """What a row matched to one record does: update (overwrite), merge, or skip (ignore)."""
    if duplicates is None:
        return "create"
    return {"overwrite": "update", "merge": "merge", "ignore": "skip"}[duplicates.value]
