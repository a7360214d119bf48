"""The filter language over a small store: operators on each kind of field, references and
line items, labels, precedence (its errors and hostile values: test_query_errors.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kafinea_tui.data.query import compile_filter
from kafinea_tui.data.store.database import Store
from tests.data.query_records import fill, last_names, names

# -- text operators ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('mailing_city = "Paris"', ["Dupont", "Éclair"]),  # trimmed, case-insensitive
        ("mailing_city = PARIS", ["Dupont", "Éclair"]),  # bare word value
        ("mailing_city != 'paris'", ["O'Neil", 'Say "hi"', "Smith"]),  # empty ones included
        ('mailing_city ~ "ar"', ["Dupont", "Éclair"]),
        ('mailing_city !~ "ar"', ["O'Neil", 'Say "hi"', "Smith"]),
        ('title ^ "head"', ["Smith"]),
        ('title ~ "BUY"', ["Dupont", "Smith"]),
        ('mailing_city in ("lyon", "nowhere")', ["Smith"]),
        ("mailing_city is empty", ["O'Neil", 'Say "hi"']),  # NULL or ''
        ("title is empty", ["O'Neil"]),  # only spaces
        ("mailing_city is not empty", ["Dupont", "Smith", "Éclair"]),
        ('mailing_city = ""', ["O'Neil", 'Say "hi"']),
        ('mailing_city != ""', ["Dupont", "Smith", "Éclair"]),
        ('first_name < "c"', ["O'Neil", "Smith"]),  # case-insensitive ordering: ann, Bob
        ('first_name >= "j"', ["Dupont", "Éclair"]),
        ('first_name <= "bob"', ["O'Neil", "Smith"]),
        ('first_name > "carl"', ["Dupont", "Éclair"]),
        ('last_name = "éclair"', ["Éclair"]),  # unicode case folding
        ("last_name = 'O\\'Neil'", ["O'Neil"]),
        ('last_name = "Say \\"hi\\""', ['Say "hi"']),
        ("email ~ acme.test", ["Dupont", "O'Neil"]),
    ],
)
def test_text_operators(query_store: Store, expression: str, expected: list[str]) -> None:
    assert last_names(query_store, expression) == sorted(expected)


# -- numbers, dates, booleans -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("employees = 120", ["Acme"]),
        ("employees != 120", ["Globex Ltd", "Initech"]),
        ("employees > 8", ["Acme"]),
        ("employees >= 8", ["Acme", "Globex Ltd"]),
        ("employees < 120", ["Globex Ltd"]),
        ("employees <= 120", ["Acme", "Globex Ltd"]),
        ("employees in (8, 9)", ["Globex Ltd"]),
        ('employees = "120"', ["Acme"]),  # a quoted number is still a number
        ("employees is empty", ["Initech"]),
        ('employees = ""', ["Initech"]),
        ("employees is not empty", ["Acme", "Globex Ltd"]),
        ("employees ~ 2", ["Acme"]),
        ("employees ^ 1", ["Acme"]),
        ("annual_revenue = 1500.5", ["Acme"]),
        ('annual_revenue >= "1 500,50"', ["Acme"]),
        ("annual_revenue < 1000", []),
        ("employees = 120.5", []),
    ],
)
def test_number_operators(query_store: Store, expression: str, expected: list[str]) -> None:
    assert names(query_store, "organizations", expression, "name") == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("birthdate = 1980-05-01", ["Dupont"]),
        ('birthdate != "1980-05-01"', ["O'Neil", 'Say "hi"', "Smith", "Éclair"]),
        ("birthdate < 1990-01-01", ["Dupont", 'Say "hi"']),
        ("birthdate <= 1980-05-01", ["Dupont"]),
        ("birthdate > 1992-01-15", ["O'Neil"]),
        ("birthdate >= 1992-01-15", ["O'Neil", "Éclair"]),
        ("birthdate in (1980-05-01, 2001-12-31)", ["Dupont", "O'Neil"]),
        ("birthdate ^ 1980", ["Dupont", 'Say "hi"']),
        ("birthdate ~ -12-", ["O'Neil"]),
        ("birthdate is empty", ["Smith"]),
        ('birthdate = ""', ["Smith"]),  # as for text: `= ""` is `is empty`
        ("birthdate != ''", ["Dupont", "O'Neil", 'Say "hi"', "Éclair"]),
        ("do_not_call = yes", ["Dupont", "O'Neil"]),
        ("do_not_call = true", ["Dupont", "O'Neil"]),
        ("do_not_call = 1", ["Dupont", "O'Neil"]),
        ("do_not_call = no", ["Smith", 'Say "hi"', "Éclair"]),  # unset counts as no
        ("do_not_call != yes", ["Smith", 'Say "hi"', "Éclair"]),
        ("do_not_call in (0, false)", ["Smith", 'Say "hi"', "Éclair"]),
        ("do_not_call is empty", ["Smith"]),
        ("id = 1", ["Dupont"]),
        ("id in (2, 3)", ["Smith", "Éclair"]),
    ],
)
def test_date_and_boolean_operators(
    query_store: Store, expression: str, expected: list[str]
) -> None:
    assert last_names(query_store, expression) == sorted(expected)


def test_timestamps_compare_as_dates(query_store: Store) -> None:
    today = date.today().isoformat()
    assert len(last_names(query_store, f"created_at <= {today}")) == 5
    assert last_names(query_store, "modified_at < 2000-01-01") == []


# -- references and line items ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('organization = "acme"', ["Dupont", "O'Neil"]),
        ("`Organization Name` = ACME", ["Dupont", "O'Neil"]),
        ('organization != "Acme"', ['Say "hi"', "Smith", "Éclair"]),
        ('organization ~ "ex"', ["Éclair"]),
        ('organization !~ "ex"', ["Dupont", "O'Neil", 'Say "hi"', "Smith"]),
        ('organization ^ "glo"', ["Éclair"]),
        ('organization in ("globex ltd", "initech")', ["Éclair"]),
        ("organization is empty", ['Say "hi"', "Smith"]),
        ("organization is not empty", ["Dupont", "O'Neil", "Éclair"]),
        ('organization > "b"', ["Éclair"]),
    ],
)
def test_reference_compares_on_related_key(
    query_store: Store, expression: str, expected: list[str]
) -> None:
    assert last_names(query_store, expression) == sorted(expected)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('contact = "jean@acme.test"', ["SO-1"]),
        ('organization = "Acme" and status = approved', ["SO-1"]),
        ('items = "p-100"', ["SO-1", "SO-2"]),
        ('items = "P-200"', ["SO-2"]),
        ('items != "P-200"', ["SO-1", "SO-3"]),
        ("items is empty", ["SO-3"]),
        ("items is not empty", ["SO-1", "SO-2"]),
    ],
)
def test_sales_orders(query_store: Store, expression: str, expected: list[str]) -> None:
    assert names(query_store, "salesorders", expression, "order_number") == expected


# -- labels, grammar, precedence --------------------------------------------------------------


@pytest.mark.parametrize(
    "expression",
    [
        'Mailing City = "Lyon"',
        '`Mailing City` = "Lyon"',
        'mailing city = "Lyon"',
        'MAILING_CITY = "Lyon"',
        'Mailing City="Lyon"',
    ],
)
def test_labels_and_names(query_store: Store, expression: str) -> None:
    assert last_names(query_store, expression) == ["Smith"]


def test_labels_with_keywords_inside(query_store: Store) -> None:
    assert last_names(query_store, "Do Not Call = yes and Mailing City is not empty") == ["Dupont"]
    assert names(query_store, "products", "Qty In Stock is empty", "product_code") == [
        "P-100",
        "P-200",
    ]
    assert names(query_store, "products", "Active = yes", "product_code") == ["P-200"]


def test_precedence_and_binds_tighter_than_or(query_store: Store) -> None:
    # or(city = Lyon, and(city = Paris, dnc = yes))
    assert last_names(
        query_store, "mailing_city = lyon or mailing_city = paris and do_not_call = yes"
    ) == [
        "Dupont",
        "Smith",
    ]
    assert last_names(
        query_store, "(mailing_city = lyon or mailing_city = paris) and do_not_call = no"
    ) == [
        "Smith",
        "Éclair",
    ]


def test_not_and_keywords_case(query_store: Store) -> None:
    assert last_names(query_store, "NOT mailing_city = paris AND NOT mailing_city IS EMPTY") == [
        "Smith"
    ]
    assert last_names(query_store, "not not do_not_call = yes") == ["Dupont", "O'Neil"]
    # `not X` is every record X does not match, including those where the field is empty.
    assert last_names(query_store, 'not mailing_city < "m"') == ["Dupont", 'Say "hi"', "Éclair"]


def test_design_example_parses(query_store: Store) -> None:
    sql, params = compile_filter(
        'mailing_city = "Paris" and (title ~ "buy" or birthdate >= 1990-01-01) and email is not empty',
        query_store.module("contacts"),
        query_store.schema,
    )
    assert "?" in sql and "Paris" not in sql
    assert params == ["Paris", "buy", date(1990, 1, 1)]
    assert last_names(
        query_store,
        'mailing_city = "Paris" and (title ~ "buy" or birthdate >= 1990-01-01) and email is not empty',
    ) == ["Dupont", "Éclair"]


def test_empty_expression_is_true(query_store: Store) -> None:
    assert compile_filter("   ", query_store.module("contacts"), query_store.schema) == ("TRUE", [])


def test_typed_parameters(query_store: Store) -> None:
    module = query_store.module("organizations")
    assert compile_filter("employees = 5", module, query_store.schema)[1] == [5]
    assert compile_filter("annual_revenue = 5.25", module, query_store.schema)[1] == [
        Decimal("5.25")
    ]


def test_custom_fields_are_filterable(store: Store) -> None:
    fill(store)
    store.add_custom_field("contacts", "Loyalty Tier", "picklist", ["Gold", "Silver"])
    store.add_custom_field("contacts", "Score", "integer")
    store.update("contacts", 1, {"cf_loyalty_tier": "Gold", "cf_score": 7})
    assert last_names(store, "Loyalty Tier = gold") == ["Dupont"]
    assert last_names(store, "cf_score > 5") == ["Dupont"]
    assert last_names(store, "`Score` is empty") == ["O'Neil", 'Say "hi"', "Smith", "Éclair"]
