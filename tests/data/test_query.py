"""The filter language, quick search, sort, pages and counts over a small store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest

from kafinea_tui.data.errors import FilterError, UsageError
from kafinea_tui.data.query import (
    ListQuery,
    compile_filter,
    count,
    count_among,
    display_select,
    fetch_page,
    matching_ids,
    matching_ids_sql,
    quick_search,
    where_clause,
)
from kafinea_tui.data.store.database import Store


def fill(store: Store) -> None:
    """Three organizations, five contacts with awkward values, two products, three orders."""
    acme = store.create(
        "organizations", {"name": "Acme", "employees": 120, "annual_revenue": "1500.50"}
    )
    globex = store.create("organizations", {"name": "Globex Ltd", "employees": 8})
    store.create("organizations", {"name": "Initech", "employees": None})
    people = [
        ("Jean", "Dupont", "Paris", acme, date(1980, 5, 1), True, "Buyer", "jean@acme.test"),
        ("Zoé", "Éclair", "paris ", globex, date(1992, 1, 15), False, "CTO", "zoe@globex.test"),
        ("ann", "Smith", "Lyon", None, None, None, "Head Buyer", None),
        ("Bob", "O'Neil", "", acme, date(2001, 12, 31), True, "  ", "bob@acme.test"),
        ("Carl", 'Say "hi"', None, None, date(1980, 7, 7), False, "Clerk", "carl@x.test"),
    ]
    for first, last, city, org, birth, dnc, title, email in people:
        store.create(
            "contacts",
            {
                "first_name": first,
                "last_name": last,
                "mailing_city": city,
                "organization": org,
                "birthdate": birth,
                "do_not_call": dnc,
                "title": title,
                "email": email,
            },
        )
    p1 = store.create("products", {"product_code": "P-100", "name": "Bolt", "unit_price": "2.50"})
    p2 = store.create("products", {"product_code": "P-200", "name": "Nut", "active": True})
    jean = store.find_by_key("contacts", "jean@acme.test")[0]
    store.create(
        "salesorders",
        {
            "order_number": "SO-1",
            "subject": "First",
            "contact": jean,
            "organization": acme,
            "status": "Approved",
            "items": [{"product": p1, "quantity": 2, "list_price": "2.50"}],
        },
    )
    store.create(
        "salesorders",
        {
            "order_number": "SO-2",
            "subject": "Second",
            "status": "Created",
            "items": [
                {"product": p2, "quantity": 1, "list_price": 1},
                {"product": p1, "quantity": 3, "list_price": 2},
            ],
        },
    )
    store.create("salesorders", {"order_number": "SO-3", "subject": "Empty"})


@pytest.fixture(scope="module")
def query_store() -> Iterator[Store]:
    """Built once for the module: the tests below only read it (the one that writes fills its
    own `store`)."""
    built = Store.open(":memory:")
    fill(built)
    yield built
    built.close()


def last_names(store: Store, expression: str) -> list[str]:
    page = fetch_page(store, ListQuery("contacts", filter=expression), 0, 100)
    index = [f.name for f in page.fields].index("last_name")
    return sorted(row[index] for row in page.rows)


def names(store: Store, module: str, expression: str, key: str) -> list[str]:
    page = fetch_page(store, ListQuery(module, filter=expression), 0, 100)
    index = [f.name for f in page.fields].index(key)
    return sorted(row[index] for row in page.rows)


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


# -- errors with positions --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "position", "words"),
    [
        ('citty = "Paris"', 0, "unknown field 'citty'"),
        ('mailing_city = "Paris" and nope ~ x', 27, "unknown field 'nope'"),
        ('mailing_city = "Paris', 15, "unterminated string"),
        ("mailing_city = 'Paris", 15, "unterminated string"),
        ("`Mailing City = x", 0, "unterminated"),
        ("mailing_city Paris", 13, "expected an operator"),
        ("mailing_city =", 14, "expected a value"),
        ("mailing_city = and", 15, "expected a value"),
        ('(mailing_city = "x"', 0, "expected ')'"),
        ('mailing_city = "x")', 18, "')' without '('"),
        ('mailing_city = "x" mailing_city = "y"', 19, "expected 'and', 'or'"),
        ("employees > many", 12, "is a number"),
        ('employees = "12abc"', 12, "is a number"),
        ("birthdate = 31/12/2001", 12, "is a date"),
        ("do_not_call = maybe", 14, "yes or no"),
        ("do_not_call > yes", 12, "does not apply"),
        ("mailing_city in 'x'", 16, "expected '('"),
        ('mailing_city in ("a" "b")', 21, "expected ',' or ')'"),
        ("mailing_city is full", 16, "expected 'empty'"),
        ("and", 0, "expected a field name"),
        ("mailing_city = x and", 20, "expected a field name"),
        ("mailing_city [ x", 13, "unexpected character"),
        ("employees = 1e400", 12, "is a number"),
        ("employees = 99999999999999999999999", 12, "out of range"),
    ],
)
def test_errors_point_at_the_problem(
    query_store: Store, expression: str, position: int, words: str
) -> None:
    module = query_store.module("contacts" if "employees" not in expression else "organizations")
    with pytest.raises(FilterError) as caught:
        compile_filter(expression, module, query_store.schema)
    assert caught.value.position == position
    assert words in caught.value.reason
    assert isinstance(caught.value, UsageError)
    assert f"column {position + 1}" in str(caught.value)


# -- hostile values ---------------------------------------------------------------------------


def _table_count(store: Store) -> int:
    row = store.cursor().execute("SELECT count(*) FROM information_schema.tables").fetchone()
    assert row is not None
    return int(row[0])


@pytest.mark.parametrize(
    "expression",
    [
        'last_name = "x\\"; DROP TABLE contacts; --"',
        "last_name = 'x\\' OR 1=1 --'",
        'last_name = "\') OR TRUE; DELETE FROM contacts; --"',
        'last_name ~ "%"',
        'last_name ~ "_"',
        'last_name ^ "\'"',
        "organization = \"x' OR '1'='1\"",
        'items = "\'; DROP TABLE salesorder_items; --"',
        'last_name in ("a\\\\", "b\\"c", "\'")',
        'last_name = "' + "é" * 10_000 + '"',
        'last_name ~ "' + "x'\\\"" * 3_000 + '"',
        'last_name = "日本語 🚀"',
    ],
    ids=lambda expression: expression[:40],
)
def test_hostile_values_match_nothing_and_change_nothing(
    query_store: Store, expression: str
) -> None:
    tables = _table_count(query_store)
    before = query_store.count("contacts")
    module = "salesorders" if expression.startswith("items") else "contacts"
    if module == "salesorders":
        assert fetch_page(query_store, ListQuery(module, filter=expression), 0, 10).total == 0
    else:
        sql, params = compile_filter(expression, query_store.module("contacts"), query_store.schema)
        assert all(isinstance(p, str) for p in params)
        assert "DROP" not in sql and "DELETE" not in sql and "'" not in sql.replace("''", "")
        assert last_names(query_store, expression) == []
    assert _table_count(query_store) == tables
    assert query_store.count("contacts") == before
    assert query_store.count("salesorders") == 3


def test_sql_style_quoting_is_a_syntax_error_not_sql(query_store: Store) -> None:
    tables = _table_count(query_store)
    with pytest.raises(FilterError, match="expected 'and', 'or'"):
        compile_filter(
            "last_name = 'x'' OR 1=1 --'", query_store.module("contacts"), query_store.schema
        )
    assert _table_count(query_store) == tables and query_store.count("contacts") == 5


def test_quotes_and_unicode_values_match_exactly(query_store: Store) -> None:
    assert last_names(query_store, 'last_name = "O\'Neil"') == ["O'Neil"]
    assert last_names(query_store, "last_name ~ '\"hi\"'") == ['Say "hi"']
    assert last_names(query_store, "first_name = ZOÉ") == ["Éclair"]
    assert last_names(query_store, 'last_name ~ "%"') == []


# -- quick search, sort, pages, counts --------------------------------------------------------


def test_quick_search_words_across_text_fields(query_store: Store) -> None:
    module = query_store.module("contacts")
    _sql, params = quick_search("Jean  PARIS", module)
    assert params and all(p in ("Jean", "PARIS") for p in params)
    assert quick_search("  ", module) == ("TRUE", [])
    page = fetch_page(query_store, ListQuery("contacts", search="Jean  PARIS"), 0, 10)
    assert page.total == 1
    page = fetch_page(query_store, ListQuery("contacts", search="buyer"), 0, 10)
    assert page.total == 2
    page = fetch_page(
        query_store, ListQuery("contacts", filter="do_not_call = yes", search="buyer"), 0, 10
    )
    assert page.total == 1


def test_count_among_counts_the_given_ids_the_query_matches(query_store: Store) -> None:
    buyers = ListQuery("contacts", search="buyer")  # Jean (1) and ann (3)
    assert count_among(query_store, buyers, [1, 2, 3, 4]) == 2
    assert count_among(query_store, buyers, [2, 4, 99]) == 0
    assert count_among(query_store, ListQuery("contacts"), [1, 5, 99]) == 2  # 99: no record
    assert count_among(query_store, buyers, []) == 0


def test_where_clause_combines(query_store: Store) -> None:
    assert where_clause(query_store, ListQuery("contacts")) == ("TRUE", [])
    sql, params = where_clause(query_store, ListQuery("contacts", filter="id = 1", search="x"))
    assert " AND " in sql and params[0] == 1


def test_sort_and_pages_are_stable(query_store: Store) -> None:
    query = ListQuery("contacts", sort=(("mailing_city", False),))
    seen: list[int] = []
    for offset in range(0, 5, 2):
        page = fetch_page(query_store, query, offset, 2)
        assert page.total == 5 and page.offset == offset and page.limit == 2
        seen.extend(page.ids)
    assert sorted(seen) == [1, 2, 3, 4, 5]
    # "Lyon" < "Paris" = "paris " (tie broken by id), empty last... '' sorts first as text
    page = fetch_page(query_store, query, 0, 10)
    cities = [row[10] for row in page.rows]
    assert cities == ["", "Lyon", "Paris", "paris ", None]


def test_sort_descending_by_reference_key(query_store: Store) -> None:
    page = fetch_page(query_store, ListQuery("contacts", sort=(("organization", True),)), 0, 10)
    orgs = [row[7] for row in page.rows]
    assert orgs == ["Globex Ltd", "Acme", "Acme", None, None]
    assert page.ids[1] < page.ids[2]  # ties by id


def test_sort_by_label_and_unknown(query_store: Store) -> None:
    page = fetch_page(query_store, ListQuery("contacts", sort=(("Last Name", False),)), 0, 10)
    # The root collation: É sorts with E, not after z as its code point would.
    assert [row[1] for row in page.rows] == ["Dupont", "Éclair", "O'Neil", 'Say "hi"', "Smith"]
    with pytest.raises(UsageError, match="no field 'nope'"):
        fetch_page(query_store, ListQuery("contacts", sort=(("nope", False),)), 0, 10)


def test_page_display_values(query_store: Store) -> None:
    page = fetch_page(query_store, ListQuery("salesorders", sort=(("order_number", False),)), 0, 10)
    fields = [f.name for f in page.fields]
    by_number = {row[0]: dict(zip(fields, row, strict=True)) for row in page.rows}
    assert by_number["SO-1"]["contact"] == "jean@acme.test"
    assert by_number["SO-1"]["organization"] == "Acme"
    assert by_number["SO-2"]["items"] == 2
    assert by_number["SO-3"]["items"] == 0


def test_page_beyond_the_end(query_store: Store) -> None:
    page = fetch_page(query_store, ListQuery("contacts"), 100, 20)
    assert page.rows == [] and page.ids == [] and page.total == 5


def test_count_and_matching_ids(query_store: Store) -> None:
    query = ListQuery("contacts", filter="do_not_call = yes")
    assert count(query_store, query) == 2
    assert matching_ids(query_store, query) == [1, 4]
    sql, params = matching_ids_sql(query_store, query)
    rows = query_store.cursor().execute(f"SELECT count(*) FROM ({sql})", params).fetchone()
    assert rows == (2,)


def test_unknown_module(query_store: Store) -> None:
    with pytest.raises(UsageError, match="unknown module"):
        count(query_store, ListQuery("widgets"))


def test_display_select_for_chosen_fields(query_store: Store) -> None:
    module = query_store.module("contacts")
    fields = [module.field("last_name"), module.field("organization")]
    select, joins = display_select(module, query_store.schema, fields)
    rows = (
        query_store.cursor()
        .execute(f"SELECT {select} FROM contacts r {joins} ORDER BY r.id")
        .fetchall()
    )
    assert rows[0] == ("Dupont", "Acme") and rows[2] == ("Smith", None)


def test_custom_fields_are_filterable(store: Store) -> None:
    fill(store)
    store.add_custom_field("contacts", "Loyalty Tier", "picklist", ["Gold", "Silver"])
    store.add_custom_field("contacts", "Score", "integer")
    store.update("contacts", 1, {"cf_loyalty_tier": "Gold", "cf_score": 7})
    assert last_names(store, "Loyalty Tier = gold") == ["Dupont"]
    assert last_names(store, "cf_score > 5") == ["Dupont"]
    assert last_names(store, "`Score` is empty") == ["O'Neil", 'Say "hi"', "Smith", "Éclair"]
