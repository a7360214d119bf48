"""A mass edit's values: text read by the import's rules, checked once before any record is.

The same value goes to every selected record, so what can be wrong with the value itself (not a
date, an ambiguous reference, a mandatory field emptied) is found here, once, and refuses the
whole edit in one sentence; only what depends on each record (a unique key, an order's total
fixed by its lines) fails record by record, in the edit itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kafinea_tui.data.errors import UsageError
from kafinea_tui.data.schema import SYSTEM_COLUMNS, Field, FieldType, Module
from kafinea_tui.data.store.database import Store
from kafinea_tui.data.values import ValueOptions, read_value


@dataclass
class EditValues:
    """Field name -> typed value (None clears); `texts` is what each value shows as."""

    values: dict[str, Any] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    # (what a run says, what a preview or dry run says): a preview must not claim it has done it
    notices: list[tuple[str, str]] = field(default_factory=list)
    new_related: dict[str, str] = field(default_factory=dict)  # reference field -> key to create
    new_picklist: dict[str, str] = field(default_factory=dict)  # picklist field -> value to add

    def fields(self, module: Module) -> list[Field]:
        return [module.field(name) for name in self.values]

    def warnings(self, dry_run: bool) -> list[str]:
        """What the edit creates or adds, as a run reports it ("added"), or as a preview or a
        dry run does ("would be added"), in the import dry run's words."""
        return [would if dry_run else done for done, would in self.notices]


def read_values(
    store: Store, module: Module, values: dict[str, str], options: ValueOptions | None = None
) -> EditValues:
    """Read each `FIELD=VALUE` text; UsageError for a field the module does not have (or one
    that cannot be mass-edited), value errors collected in `errors`."""
    options = options or ValueOptions()
    if not values:
        raise UsageError("Say which field to change and its new value (FIELD=VALUE).")
    edit = EditValues()
    for name, text in values.items():
        found = module.find_field(name)
        if found is None:
            if name.strip().lower() in SYSTEM_COLUMNS:
                raise UsageError(f"{name} is kept by the workspace and cannot be changed.")
            raise UsageError(f"{module.label} has no field {name!r}.")
        if found.type is FieldType.LINE_ITEMS:
            raise UsageError(
                f"{found.label} cannot be mass-edited; change an order's lines one order at a time."
            )
        if found.name in edit.values:
            raise UsageError(f"{found.label} is given twice; give each field once.")
        _read_one(store, module, found, (text or "").strip(), options, edit)
    return edit


def _read_one(
    store: Store, module: Module, f: Field, text: str, options: ValueOptions, edit: EditValues
) -> None:
    edit.values[f.name] = None
    edit.texts[f.name] = ""
    if text == "":
        if f.mandatory:
            edit.errors.append(f"{f.label} is mandatory in {module.label}; it cannot be emptied.")
        return
    if f.type is FieldType.REFERENCE:
        _read_reference(store, f, text, edit)
        return
    value, reason = read_value(store.cursor(), f, text, options)
    if reason is not None:
        edit.errors.append(f"{f.label}: {reason}.")
        return
    edit.values[f.name] = value
    edit.texts[f.name] = display(value)
    if f.type is FieldType.PICKLIST and str(value).lower() not in {v.lower() for v in f.values}:
        edit.new_picklist[f.name] = str(value)
        # The words of the importer's picklist warning (importer.rules), which bulk cannot import.
        new = f"{f.label}: {str(value)!r}"
        edit.notices.append(
            (f"{new} added to the list of values.", f"{new} would be added to the list of values.")
        )


def _read_reference(store: Store, f: Field, text: str, edit: EditValues) -> None:
    """A reference by the related module's key, as an import reads it: one record is it, none
    is created with that key (said in a warning), several is ambiguous."""
    related = store.module(f.related or "")
    key_label = related.field(related.key).label
    ids = store.find_by_key(related.name, text)
    edit.texts[f.name] = text
    if len(ids) > 1:
        listed = ", ".join(str(i) for i in ids[:10])
        edit.errors.append(
            f"{f.label}: several {related.label} have {key_label} {text!r} (ids {listed}):"
            " which one is meant is not known."
        )
    elif ids:
        edit.values[f.name] = ids[0]
    else:
        edit.new_related[f.name] = text
        missing = f"{f.label}: {related.label} has no record with {key_label} {text!r};"
        edit.notices.append((f"{missing} one is created.", f"{missing} one would be created."))


def display(value: Any) -> str:
    """A typed value as the list shows it (dates ISO, yes/no, numbers without grouping)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
