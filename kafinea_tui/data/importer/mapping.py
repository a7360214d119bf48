"""Columns -> fields: the targets of a module, and checking a mapping before anything runs.

A target is a field name, `items.product` / `items.quantity` / `items.list_price` for the line
items of a sales order, or `full_name` where a module has first and last name: one column
holding a person's whole name, split on its first space (`Jean-Baptiste Le Rond d'Alembert` ->
`Jean-Baptiste` / `Le Rond d'Alembert`; a single word is the last name). Mapping that column
to Last Name instead keeps the whole name there.
"""

from __future__ import annotations

from dataclasses import dataclass

from kafinea_tui.data.errors import UsageError
from kafinea_tui.data.schema import (
    LINE_ITEM_FIELDS,
    Field,
    FieldType,
    Module,
    Schema,
    normalize_label,
)

ITEM_TARGETS: tuple[str, ...] = tuple(f"items.{f.name}" for f in LINE_ITEM_FIELDS)
FULL_NAME = "full_name"
_FULL_NAME_FIELD = Field(FULL_NAME, "Full Name (first and last)", FieldType.TEXT)

# An address's parts, in the languages of the exports people bring (English, French, German,
# Spanish, Italian, Dutch), for the contacts' mailing and the organizations' billing address.
_STREET = ("street", "address", "adresse", "rue", "strasse", "direccion", "indirizzo", "adres")
_CITY = ("city", "ville", "town", "ort", "stadt", "ciudad", "citta", "plaats")
_ZIP = ("zip", "zip code", "postal code", "code postal", "cp", "postcode", "plz", "cap")
_COUNTRY = ("country", "pays", "land", "pais", "paese")
# Extra spellings people use in headers, by field name, or `module.field` for one module's
# (normalised when compared).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "first_name": (
        "prenom",
        "given name",
        "firstname",
        "forename",
        "vorname",
        "nombre",
        "nome",
        "voornaam",
    ),
    "last_name": (
        *("nom", "surname", "family name", "lastname", "nom de famille", "nachname"),
        *("apellido", "apellidos", "cognome", "achternaam"),
    ),
    "email": (
        *("e-mail", "mail", "courriel", "email address", "adresse email", "adresse e-mail"),
        *("e-mail address", "correo", "correo electronico", "e-mail-adresse"),
    ),
    "phone": (
        *("telephone", "tel", "phone number", "office phone", "numero de telephone"),
        *("telefon", "telefono", "telefoon", "work phone"),
    ),
    "mobile": (
        *("portable", "mobile phone", "cell", "cell phone", "gsm", "mobile number"),
        *("handy", "mobil", "movil", "cellulare", "mobiel"),
    ),
    "title": ("fonction", "job title", "poste", "position", "role", "cargo", "ruolo"),
    "department": ("service", "departement"),
    "organization": (
        *("company", "societe", "entreprise", "account", "account name", "organisation"),
        *("firma", "unternehmen", "empresa", "azienda", "bedrijf"),
    ),
    "name": ("nom",),
    # A module's own spellings of a field whose name other modules share (`_synonyms`).
    "organizations.name": (
        *("company", "company name", "organization", "organisation", "account", "account name"),
        *("raison sociale", "societe", "entreprise", "firma", "unternehmen", "empresa"),
        *("azienda", "bedrijf"),
    ),
    "products.name": ("product", "product name", "produit", "nom du produit", "designation"),
    "company": ("societe", "entreprise", "organization", "organisation"),
    "birthdate": (
        *("date de naissance", "birthday", "date of birth", "dob", "geburtsdatum"),
        *("fecha de nacimiento", "data di nascita", "geboortedatum"),
    ),
    "mailing_street": _STREET,
    "mailing_city": _CITY,
    "mailing_zip": _ZIP,
    "mailing_country": _COUNTRY,
    "billing_street": _STREET,
    "billing_city": _CITY,
    "billing_zip": _ZIP,
    "billing_country": _COUNTRY,
    "city": _CITY,
    "country": _COUNTRY,
    "website": ("site web", "site", "url", "web"),
    "industry": ("secteur", "secteur d'activite"),
    "employees": ("effectif", "employes", "headcount"),
    "annual_revenue": ("chiffre d'affaires", "ca", "revenue"),
    "lead_source": ("source", "origine"),
    "lead_status": ("status", "statut"),
    "do_not_call": ("ne pas appeler", "dnc"),
    "description": ("notes", "note", "commentaire", "comments"),
    "product_code": ("code", "sku", "reference", "ref", "code produit"),
    "unit_price": ("price", "prix", "prix unitaire"),
    "qty_in_stock": ("stock", "quantity in stock", "qty"),
    "category": ("categorie",),
    "manufacturer": ("fabricant", "brand", "marque"),
    "active": ("actif",),
    "order_number": ("order", "order no", "numero de commande", "commande", "order id"),
    "subject": ("objet", "title"),
    "contact": ("contact email", "customer", "client"),
    "status": ("statut", "order status"),
    "due_date": ("date", "echeance", "due"),
    "total": ("montant", "amount", "grand total"),
    "items.product": ("product", "product code", "item", "produit", "sku", "code produit"),
    "items.quantity": ("quantity", "qty", "quantite", "qte"),
    "items.list_price": ("list price", "price", "unit price", "prix", "prix unitaire"),
}


@dataclass(frozen=True)
class Target:
    """One mapped or defaulted field of an import."""

    name: str  # field name, or items.<name>
    field: Field
    column: str | None  # the file column it reads, None when only a default feeds it
    index: int | None  # 1-based position of that column in the file
    default: str | None = None
    # For the two targets a full_name column feeds: 'first' (up to the first space) or 'last'.
    part: str | None = None

    @property
    def is_item(self) -> bool:
        return self.name.startswith("items.")

    @property
    def sql_name(self) -> str:
        """The column name of this target in the importer's temporary tables."""
        return "i_" + self.field.name if self.is_item else "v_" + self.field.name

    @property
    def is_reference(self) -> bool:
        return self.field.type is FieldType.REFERENCE


def targets(module: Module) -> dict[str, Field]:
    """Every mapping target of a module: its column fields, and line-item fields for orders."""
    found = {f.name: f for f in module.columns}
    if any(f.type is FieldType.LINE_ITEMS for f in module.fields):
        found.update({f"items.{f.name}": f for f in LINE_ITEM_FIELDS})
    if "first_name" in found and "last_name" in found:
        found[FULL_NAME] = _FULL_NAME_FIELD
    return found


def find_target(module: Module, text: str) -> str | None:
    """The target a person means by a name or label (`Email`, `items.quantity`, `Quantity`)."""
    available = targets(module)
    if text in available:
        return text
    wanted = normalize_label(text)
    for name, f in available.items():
        if wanted in (normalize_label(name), normalize_label(f.label)):
            return name
    for name in available:
        if name.startswith("items.") and wanted == normalize_label(name.split(".", 1)[1]):
            return name
    return None


def resolve_targets(
    module: Module,
    columns: list[str],
    mapping: dict[str, str],
    defaults: dict[str, str],
    header: bool,
) -> list[Target]:
    """Check a mapping against the file's columns and the module's fields (UsageError naming the
    unknown column or field) and return the targets in file order, defaults last."""
    available = targets(module)
    by_name = {c: i for i, c in enumerate(columns, start=1)}
    by_norm = {normalize_label(c): i for i, c in enumerate(columns, start=1)}
    chosen: dict[str, Target] = {}
    for column, wanted in mapping.items():
        if not wanted or wanted.strip() in ("", "-", "skip"):
            continue
        index = by_name.get(column)
        if index is None and column.strip().isdigit():
            number = int(column.strip())
            if 1 <= number <= len(columns) and (not header or column not in by_name):
                index = number
        if index is None:
            index = by_norm.get(normalize_label(column))
        if index is None:
            known = ", ".join(columns)
            raise UsageError(f"The file has no column {column!r}; its columns are {known}.")
        name = find_target(module, wanted)
        if name is None:
            raise UsageError(f"{module.label} has no field {wanted!r} to map {column!r} to.")
        parts: list[tuple[str, str | None]] = [(name, None)]
        if name == FULL_NAME:
            parts = [("first_name", "first"), ("last_name", "last")]
        for field_name, _part in parts:
            if field_name in chosen:
                raise UsageError(
                    f"Two columns ({chosen[field_name].column!r} and {column!r}) are mapped to "
                    f"{available[field_name].label}; map one column per field."
                )
        for field_name, part in parts:
            chosen[field_name] = Target(
                field_name, available[field_name], columns[index - 1], index, part=part
            )
    for wanted, value in defaults.items():
        if not value.strip():  # fills empty cells with nothing: no default (not a blank key)
            continue
        name = find_target(module, wanted)
        if name is None or name == FULL_NAME:
            raise UsageError(f"{module.label} has no field {wanted!r} for a default value.")
        if name in chosen:
            t = chosen[name]
            chosen[name] = Target(t.name, t.field, t.column, t.index, value, t.part)
        else:
            chosen[name] = Target(name, available[name], None, None, value)
    ordered = sorted(chosen.values(), key=lambda t: (t.index is None, t.index or 0))
    return ordered


def check_reference_keys(module: Module, schema: Schema, keys: dict[str, str]) -> None:
    """Each `--reference-key FIELD=KEY` names a reference field of the module and a field of
    the related module (UsageError otherwise: a key nothing reads would be ignored in
    silence, and an unknown one failed mid-import)."""
    available = targets(module)
    references = [n for n, f in available.items() if f.type is FieldType.REFERENCE]
    for name, key in keys.items():
        target = find_target(module, name)
        if target not in references:
            listed = ", ".join(references) or "none"
            raise UsageError(
                f"{module.label} has no reference field {name!r} to choose a key for;"
                f" its reference fields: {listed}."
            )
        field = available[target]
        related = schema.module(field.related or "")
        if related.find_field(key) is None or not related.field(key).is_column:
            raise UsageError(
                f"{related.label} has no field {key!r} to find the {field.label} by;"
                f" {related.label} are found by {related.field(related.key).label} by default."
            )


def with_suggestions(
    module: Module,
    columns: list[str],
    given: dict[str, str],
    suggested: dict[str, str],
    header: bool,
) -> dict[str, str]:
    """`given` (some columns' fields, as `--map` names them) completed by the suggestions for
    the other columns, leaving out a suggestion whose field a given column takes."""
    chosen = resolve_targets(module, columns, given, {}, header) if given else []
    taken_columns = {t.index for t in chosen}
    taken_fields = {t.name for t in chosen}
    rest = {}
    for column, wanted in suggested.items():
        name = find_target(module, wanted)
        fields = {"first_name", "last_name"} if name == FULL_NAME else {name}
        if columns.index(column) + 1 in taken_columns or fields & taken_fields:
            continue
        rest[column] = wanted
    return {**rest, **given}
