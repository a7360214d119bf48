"""Modules and fields: the built-in CRM modules of DESIGN.md plus the custom fields of a workspace.

A `Schema` is an immutable snapshot. The store builds one from the built-in definitions and the
`kf_custom_fields` / `kf_picklist_values` tables, and builds a new one whenever a field is added,
so code holding an old snapshot never sees a half-changed schema.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cached_property
from typing import Any


class FieldType(StrEnum):
    TEXT = "text"
    URL = "url"
    PHONE = "phone"
    EMAIL = "email"
    PICKLIST = "picklist"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"
    BOOLEAN = "boolean"
    TEXTAREA = "textarea"
    REFERENCE = "reference"
    LINE_ITEMS = "line_items"


# Types a custom field may take: every type but reference and line items (DESIGN.md).
CUSTOM_FIELD_TYPES: tuple[FieldType, ...] = tuple(
    t for t in FieldType if t not in (FieldType.REFERENCE, FieldType.LINE_ITEMS)
)

SQL_TYPES: dict[FieldType, str] = {
    FieldType.TEXT: "VARCHAR",
    FieldType.URL: "VARCHAR",
    FieldType.PHONE: "VARCHAR",
    FieldType.EMAIL: "VARCHAR",
    FieldType.PICKLIST: "VARCHAR",
    FieldType.TEXTAREA: "VARCHAR",
    FieldType.INTEGER: "BIGINT",
    FieldType.DECIMAL: "DECIMAL(18,2)",
    FieldType.DATE: "DATE",
    FieldType.BOOLEAN: "BOOLEAN",
    FieldType.REFERENCE: "BIGINT",
}

TEXT_TYPES = frozenset(
    {
        FieldType.TEXT,
        FieldType.URL,
        FieldType.PHONE,
        FieldType.EMAIL,
        FieldType.PICKLIST,
        FieldType.TEXTAREA,
    }
)

SYSTEM_COLUMNS: tuple[str, ...] = ("id", "created_at", "modified_at", "batch_id")


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    type: FieldType
    mandatory: bool = False
    unique: bool = False
    related: str | None = None  # the related module of a reference field
    values: tuple[str, ...] = ()  # picklist values, in display order
    custom: bool = False

    @property
    def sql_type(self) -> str:
        return SQL_TYPES[self.type]

    @property
    def is_column(self) -> bool:
        """Line items live in their own table; every other field is a column of the module."""
        return self.type is not FieldType.LINE_ITEMS


@dataclass(frozen=True)
class Module:
    name: str
    label: str
    fields: tuple[Field, ...]
    key: str  # the default key by which other modules, imports and the API name a record

    @property
    def table(self) -> str:
        return self.name

    @cached_property
    def columns(self) -> tuple[Field, ...]:
        """Computed once a module (the row path asks for it a hundred times a request)."""
        return tuple(f for f in self.fields if f.is_column)

    def field(self, name_or_label: str) -> Field:
        """The field with this name or label (case and spacing ignored); KeyError names the module."""
        found = self.find_field(name_or_label)
        if found is None:
            raise KeyError(f"{self.label} has no field {name_or_label!r}")
        return found

    def find_field(self, name_or_label: str) -> Field | None:
        wanted = normalize_label(name_or_label)
        for f in self.fields:
            if f.name == name_or_label:
                return f
        for f in self.fields:
            if normalize_label(f.name) == wanted or normalize_label(f.label) == wanted:
                return f
        return None


@dataclass(frozen=True)
class Schema:
    modules: dict[str, Module] = field(default_factory=dict)

    def module(self, name: str) -> Module:
        """The module by name or label; KeyError with a sentence listing the known modules."""
        if name in self.modules:
            return self.modules[name]
        wanted = normalize_label(name)
        for module in self.modules.values():
            if wanted in (normalize_label(module.name), normalize_label(module.label)):
                return module
        known = ", ".join(self.modules)
        raise KeyError(f"unknown module {name!r}; the modules are {known}")


def normalize_label(text: str) -> str:
    """Fold case, accents, spacing and punctuation, so 'E-mail ' and 'email' compare equal."""
    return re.sub(r"[^a-z0-9]+", "", _latin_letters(text))


# Latin letters that no Unicode decomposition takes to ASCII (ß is casefold's: ss).
_LETTERS = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th"}
)


def _latin_letters(text: str) -> str:
    """`text` case-folded with its accents off and its other Latin letters spelled in ASCII
    (`Größe` -> `grosse`, `Łódź` -> `lodz`); other scripts are left as they are."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_LETTERS)


def label_for(name: str) -> str:
    """`mailing_zip` -> `Mailing Zip`; `cf_` prefixes are dropped from labels."""
    base = name[3:] if name.startswith("cf_") else name
    return " ".join(part.capitalize() for part in base.split("_") if part)


def name_for_label(label: str) -> str:
    """A custom field name from a label: `Loyalty tier` -> `cf_loyalty_tier`, `Größe` ->
    `cf_grosse`."""
    slug = re.sub(r"[^a-z0-9]+", "_", _latin_letters(label)).strip("_")
    return f"cf_{slug}" if slug else ""


_T = FieldType
_LABEL_EXCEPTIONS = {
    ("organizations", "name"): "Organization Name",
    ("contacts", "organization"): "Organization Name",
    ("products", "name"): "Product Name",
    ("salesorders", "contact"): "Contact Name",
}
_ORDER_STATUSES = (
    "Created",
    "Approved",
    "In Production",
    "Manufactured",
    "Shipped",
    "Delivered",
    "Cancelled",
)
_PICKLIST_DEFAULTS: dict[tuple[str, str], tuple[str, ...]] = {
    ("organizations", "industry"): (
        "Banking",
        "Construction",
        "Consulting",
        "Education",
        "Energy",
        "Healthcare",
        "Manufacturing",
        "Retail",
        "Technology",
        "Transport",
    ),
    ("contacts", "lead_source"): (
        "Cold Call",
        "Existing Customer",
        "Partner",
        "Trade Show",
        "Web Site",
        "Word of Mouth",
    ),
    ("leads", "lead_source"): (
        "Cold Call",
        "Existing Customer",
        "Partner",
        "Trade Show",
        "Web Site",
        "Word of Mouth",
    ),
    ("leads", "lead_status"): (
        "New",
        "Contacted",
        "Qualified",
        "Unqualified",
        "Converted",
    ),
    ("products", "category"): ("Hardware", "Software", "Service", "Spare Part", "Accessory"),
    ("salesorders", "status"): _ORDER_STATUSES,
}

# (name, type, mandatory, unique, related) in schema order, per module.
_BUILTIN: dict[str, tuple[str, str, list[tuple[str, FieldType, bool, bool, str | None]]]] = {
    "organizations": (
        "Organizations",
        "name",
        [
            ("name", _T.TEXT, True, False, None),
            ("website", _T.URL, False, False, None),
            ("phone", _T.PHONE, False, False, None),
            ("email", _T.EMAIL, False, False, None),
            ("industry", _T.PICKLIST, False, False, None),
            ("employees", _T.INTEGER, False, False, None),
            ("annual_revenue", _T.DECIMAL, False, False, None),
            ("billing_street", _T.TEXT, False, False, None),
            ("billing_city", _T.TEXT, False, False, None),
            ("billing_zip", _T.TEXT, False, False, None),
            ("billing_country", _T.TEXT, False, False, None),
            ("description", _T.TEXTAREA, False, False, None),
        ],
    ),
    "contacts": (
        "Contacts",
        "email",
        [
            ("first_name", _T.TEXT, False, False, None),
            ("last_name", _T.TEXT, True, False, None),
            ("email", _T.EMAIL, False, False, None),
            ("phone", _T.PHONE, False, False, None),
            ("mobile", _T.PHONE, False, False, None),
            ("title", _T.TEXT, False, False, None),
            ("department", _T.TEXT, False, False, None),
            ("organization", _T.REFERENCE, False, False, "organizations"),
            ("birthdate", _T.DATE, False, False, None),
            ("mailing_street", _T.TEXT, False, False, None),
            ("mailing_city", _T.TEXT, False, False, None),
            ("mailing_zip", _T.TEXT, False, False, None),
            ("mailing_country", _T.TEXT, False, False, None),
            ("lead_source", _T.PICKLIST, False, False, None),
            ("do_not_call", _T.BOOLEAN, False, False, None),
            ("description", _T.TEXTAREA, False, False, None),
        ],
    ),
    "leads": (
        "Leads",
        "email",
        [
            ("first_name", _T.TEXT, False, False, None),
            ("last_name", _T.TEXT, True, False, None),
            ("company", _T.TEXT, True, False, None),
            ("email", _T.EMAIL, False, False, None),
            ("phone", _T.PHONE, False, False, None),
            ("lead_status", _T.PICKLIST, False, False, None),
            ("lead_source", _T.PICKLIST, False, False, None),
            ("annual_revenue", _T.DECIMAL, False, False, None),
            ("city", _T.TEXT, False, False, None),
            ("country", _T.TEXT, False, False, None),
            ("description", _T.TEXTAREA, False, False, None),
        ],
    ),
    "products": (
        "Products",
        "product_code",
        [
            ("product_code", _T.TEXT, True, True, None),
            ("name", _T.TEXT, True, False, None),
            ("unit_price", _T.DECIMAL, False, False, None),
            ("qty_in_stock", _T.INTEGER, False, False, None),
            ("category", _T.PICKLIST, False, False, None),
            ("manufacturer", _T.TEXT, False, False, None),
            ("active", _T.BOOLEAN, False, False, None),
            ("description", _T.TEXTAREA, False, False, None),
        ],
    ),
    "salesorders": (
        "Sales Orders",
        "order_number",
        [
            ("order_number", _T.TEXT, True, True, None),
            ("subject", _T.TEXT, True, False, None),
            ("contact", _T.REFERENCE, False, False, "contacts"),
            ("organization", _T.REFERENCE, False, False, "organizations"),
            ("status", _T.PICKLIST, False, False, None),
            ("due_date", _T.DATE, False, False, None),
            ("total", _T.DECIMAL, False, False, None),
            ("items", _T.LINE_ITEMS, False, False, "products"),
        ],
    ),
}

MODULE_ORDER: tuple[str, ...] = ("contacts", "organizations", "leads", "products", "salesorders")

# The columns of one sales-order line item, as mapping targets `items.<name>`.
LINE_ITEM_FIELDS: tuple[Field, ...] = (
    Field("product", "Product", FieldType.REFERENCE, mandatory=True, related="products"),
    Field("quantity", "Quantity", FieldType.DECIMAL),
    Field("list_price", "List Price", FieldType.DECIMAL),
)
LINE_ITEMS_TABLE = "salesorder_items"


def builtin_modules() -> dict[str, Module]:
    modules: dict[str, Module] = {}
    for name in MODULE_ORDER:
        label, key, specs = _BUILTIN[name]
        fields = tuple(
            Field(
                name=fname,
                label=_LABEL_EXCEPTIONS.get((name, fname), label_for(fname)),
                type=ftype,
                mandatory=mandatory,
                unique=unique,
                related=related,
                values=_PICKLIST_DEFAULTS.get((name, fname), ()),
            )
            for fname, ftype, mandatory, unique, related in specs
        )
        modules[name] = Module(name=name, label=label, fields=fields, key=key)
    return modules


def builtin_picklist_values() -> dict[tuple[str, str], tuple[str, ...]]:
    return dict(_PICKLIST_DEFAULTS)


def build_schema(
    custom_fields: list[tuple[str, Field]],
    picklist_values: dict[tuple[str, str], tuple[str, ...]],
) -> Schema:
    """The built-in modules extended with custom fields (module, field) and stored picklist values."""
    modules = builtin_modules()
    extra: dict[str, list[Field]] = {name: [] for name in modules}
    for module_name, custom in custom_fields:
        extra[module_name].append(custom)
    result: dict[str, Module] = {}
    for name, module in modules.items():
        fields = []
        for f in (*module.fields, *extra[name]):
            if f.type is FieldType.PICKLIST and (name, f.name) in picklist_values:
                f = replace(f, values=picklist_values[(name, f.name)])
            fields.append(f)
        result[name] = replace(module, fields=tuple(fields))
    return Schema(modules=result)


def module_as_dict(module: Module) -> dict[str, Any]:
    """The JSON shape of a module, shared by `modules --json` and the API."""
    return {
        "name": module.name,
        "label": module.label,
        "key": module.key,
        "fields": [
            {
                "name": f.name,
                "label": f.label,
                "type": f.type.value,
                "mandatory": f.mandatory,
                "unique": f.unique,
                "related": f.related,
                "values": list(f.values),
                "custom": f.custom,
            }
            for f in module.fields
        ],
    }
