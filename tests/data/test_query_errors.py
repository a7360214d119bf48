"""The filter language's errors, said at their column, and hostile values that match nothing
and change nothing: no user value ever becomes SQL text."""

from __future__ import annotations

import pytest

from kafinea_tui.data.errors import FilterError, UsageError
from kafinea_tui.data.query import ListQuery, compile_filter, fetch_page
from kafinea_tui.data.store.database import Store
from tests.data.query_records import last_names

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
