"""Issue 4, point 2: export all, import into an empty workspace, export again: the same bytes.

Sales orders are written one line per item; the importer groups the lines of one order number
into one record, so a plain import (no duplicate handling) reads them back.

Every module, with accents, quotes, line breaks, delimiters inside values, empty values, values
that trip the formula guard, references and sales orders of several items.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from kafinea_tui.data.exporter.options import ExportOptions
from kafinea_tui.data.exporter.run import export_csv, export_file
from kafinea_tui.data.importer.plan import CsvOptions, ImportPlan
from kafinea_tui.data.schema import LINE_ITEM_FIELDS
from kafinea_tui.data.store.database import Store

importer = pytest.importorskip("kafinea_tui.data.importer.run")

# Import order: related modules first, so references resolve to the records just imported.
ORDER = ("organizations", "products", "contacts", "leads", "salesorders")
TRICKY = 'Crème brûlée, "la" vraie;\nligne 2 | pipe ^ caret\ttab'


@pytest.fixture(scope="module")
def source() -> Iterator[Store]:
    """Built once: the tests only export from it, each into a fresh store of its own."""
    s = Store.open(":memory:")
    acme = s.create(
        "organizations",
        {
            "name": 'Acme, Société "Générale"',
            "website": "https://acme.test",
            "industry": "Retail",
            "employees": 120,
            "annual_revenue": "1500000.50",
            "billing_city": "Saint-Étienne",
            "description": TRICKY,
        },
    )
    s.create("organizations", {"name": "Ørsted; Nordic", "employees": 0, "annual_revenue": "-12.3"})
    s.create("organizations", {"name": "=HYPERLINK(1)"})
    bolt = s.create(
        "products",
        {
            "product_code": "P-100",
            "name": "Boulon « inox »",
            "unit_price": "2.50",
            "qty_in_stock": 7,
            "category": "Hardware",
            "manufacturer": "Müller",
            "active": True,
            "description": TRICKY,
        },
    )
    nut = s.create("products", {"product_code": "-P200", "name": "@Écrou", "active": False})
    zoe = s.create(
        "contacts",
        {
            "first_name": "Zoé",
            "last_name": "D'Artagnan",
            "email": "zoe@acme.test",
            "phone": "+33 1 23 45 67 89",
            "title": "Directrice, achats",
            "organization": acme,
            "birthdate": date(1980, 2, 29),
            "mailing_street": '12, rue "du" Pont\nBâtiment B',
            "mailing_city": "Paris",
            "mailing_country": "France",
            "lead_source": "Web Site",
            "do_not_call": True,
            "description": TRICKY,
        },
    )
    s.create(
        "contacts",
        {"first_name": "", "last_name": "Ñoño", "email": "nono@x.test", "do_not_call": False},
    )
    s.create(
        "contacts",
        {
            "last_name": "@handle",
            "mailing_zip": "01234",
            "phone": "+39 011 42 74 54",
            "title": "'=already quoted",
            "department": "-\tdash and tab",
        },
    )
    s.create(
        "leads",
        {
            "first_name": "Åsa",
            "last_name": "Öberg",
            "company": 'Göteborg AB; "Nord"',
            "email": "asa@nord.test",
            "lead_status": "New",
            "annual_revenue": "99.99",
            "city": "Göteborg",
            "description": TRICKY,
        },
    )
    s.create("leads", {"last_name": "Plain", "company": "=SUM(A1:A9)", "phone": "+44 20 7946 0958"})
    s.create(
        "salesorders",
        {
            "order_number": "SO-1",
            "subject": "Première, commande",
            "contact": zoe,
            "organization": acme,
            "status": "Approved",
            "due_date": date(2026, 11, 26),
            "total": "1005.00",
            "items": [
                {"product": bolt, "quantity": 2, "list_price": "2.50"},
                {"product": nut, "quantity": "1.5", "list_price": "1000"},
            ],
        },
    )
    s.create(
        "salesorders",
        {
            "order_number": "-SO-2",
            "subject": '=Single "item"',
            "items": [{"product": nut, "quantity": 3, "list_price": "0.10"}],
        },
    )
    s.create("salesorders", {"order_number": "SO-3", "subject": "No items", "status": "Created"})
    s.add_custom_field("contacts", "Niveau fidélité", "picklist", ["Or", "Argent"])
    s.add_custom_field("contacts", "Score", "decimal")
    s.update("contacts", zoe, {"cf_niveau_fidelite": "Or", "cf_score": "12.5"})
    yield s
    s.close()


def mapping_for(store: Store, module_name: str, header: str) -> dict[str, str]:
    """Every exported column mapped to its field, the way the wizard's step 3 would."""
    module = store.module(module_name)
    mapping: dict[str, str] = {}
    for field in module.fields:
        if field.is_column:
            mapping[field.name if header == "names" else field.label] = field.name
        else:
            for item in LINE_ITEM_FIELDS:
                column = f"items.{item.name}" if header == "names" else item.label
                mapping[column] = f"items.{item.name}"
    return mapping


@pytest.mark.parametrize(
    ("delimiter", "encoding", "decimal", "header"),
    [
        ("comma", "utf-8", "point", "labels"),
        ("semicolon", "utf-8-sig", "comma", "names"),
        ("tab", "windows-1252", "point", "labels"),
    ],
)
def test_export_import_export_gives_the_same_bytes(
    source: Store, tmp_path: Path, delimiter: str, encoding: str, decimal: str, header: str
) -> None:
    fresh = Store.open(":memory:")
    try:
        fresh.add_custom_field("contacts", "Niveau fidélité", "picklist", ["Or", "Argent"])
        fresh.add_custom_field("contacts", "Score", "decimal")
        for module in ORDER:
            options = ExportOptions(
                module, delimiter=delimiter, encoding=encoding, decimal=decimal, header=header
            )
            first = tmp_path / f"{module}-1.csv"
            export_csv(source, options, first)
            plan = ImportPlan(
                module=module,
                csv=CsvOptions(path=first, encoding=encoding, delimiter=delimiter),
                mapping=mapping_for(source, module, header),
                decimal=decimal,
                date_format="yyyy-mm-dd",
            )
            report = importer.run_import(fresh, plan)
            assert report.failed == 0, report.errors
            second = tmp_path / f"{module}-2.csv"
            export_csv(fresh, options, second)
            assert second.read_bytes() == first.read_bytes(), module
            # The values themselves, not only the bytes: guarded cells lose their apostrophe.
            assert stored(fresh, module) == stored(source, module), module
    finally:
        fresh.close()


def test_xlsx_export_imports_back_with_the_same_values(source: Store, tmp_path: Path) -> None:
    """Issue 13, point 6: a workbook export into an empty workspace, with no mapping (labels
    map themselves), gives every module the same values: their CSV exports are the same."""
    fresh = Store.open(":memory:")
    try:
        fresh.add_custom_field("contacts", "Niveau fidélité", "picklist", ["Or", "Argent"])
        fresh.add_custom_field("contacts", "Score", "decimal")
        for module in ORDER:
            book = tmp_path / f"{module}.xlsx"
            export_file(source, ExportOptions(module, format="xlsx"), book)
            report = importer.run_import(fresh, ImportPlan(module, CsvOptions(path=book)))
            assert (report.failed, report.unmapped) == (0, []), report.errors
            assert fresh.count(module) == source.count(module)
            before, after = tmp_path / f"{module}-1.csv", tmp_path / f"{module}-2.csv"
            export_csv(source, ExportOptions(module), before)
            export_csv(fresh, ExportOptions(module), after)
            assert after.read_bytes() == before.read_bytes(), module
    finally:
        fresh.close()


def stored(store: Store, module: str) -> list[tuple[object, ...]]:
    """A module's stored values (ids included: the file's order is the records' order), and
    a sales order's lines; an empty text is no value, as the export writes both alike."""
    cur = store.cursor()
    found = cur.execute(
        f"SELECT * EXCLUDE (created_at, modified_at, batch_id) FROM {module} ORDER BY id"
    ).fetchall()
    if module == "salesorders":
        found += cur.execute(
            "SELECT * FROM salesorder_items ORDER BY salesorder_id, position"
        ).fetchall()
    return [tuple(None if v == "" else v for v in row) for row in found]
