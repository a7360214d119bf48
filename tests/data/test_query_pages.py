"""A list's pages over a small store: quick search, sort, pages, counts and display values."""

from __future__ import annotations

import pytest

from kafinea_tui.data.errors import UsageError
from kafinea_tui.data.query import (
    ListQuery,
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
