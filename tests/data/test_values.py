"""Parsing text cells in SQL: numbers in both conventions, dates, booleans, emails, urls."""

from __future__ import annotations

import functools
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kafinea_tui.data.errors import UsageError
from kafinea_tui.data.importer.run import run_import
from kafinea_tui.data.schema import Field, FieldType
from kafinea_tui.data.store.database import Store
from kafinea_tui.data.values import (
    IN_SQL,
    Params,
    ValueOptions,
    check_value,
    clean_cell_sql,
    parse_sql,
    python_reader,
)
from tests.import_helpers import plan


@functools.cache
def _connection() -> duckdb.DuckDBPyConnection:
    """One in-memory database for the module's parses: connecting costs more than a parse (a
    property test parses hundreds of lists), and a parse keeps no state but its own table."""
    return duckdb.connect()


def parse(kind: FieldType, cells: list[str | None], **options: Any) -> list[tuple[Any, Any]]:
    cur = _connection()
    cur.execute(
        "CREATE OR REPLACE TEMP TABLE cells AS SELECT"
        " (generate_subscripts($1::VARCHAR[], 1) - 1)::INTEGER AS i, unnest($1::VARCHAR[]) AS v",
        [cells],
    )
    params = Params()
    field = Field("f", "F", kind, values=("Web Site", "Partner"))
    text = clean_cell_sql(field, "v")  # as the import cleans a cell
    parsed = parse_sql(field, text, ValueOptions(**options), params)
    return cur.execute(
        f"SELECT {parsed.value}, {parsed.error_sql(text)} FROM cells ORDER BY i", params.values
    ).fetchall()


def test_numbers_with_decimal_point() -> None:
    found = parse(FieldType.DECIMAL, ["1234.5", "1,234.50", " -3 ", "", None, "12abc"])
    assert [v for v, _ in found] == [
        Decimal("1234.50"),
        Decimal("1234.50"),
        Decimal("-3"),
        None,
        None,
        None,
    ]
    assert found[-1][1] == "not a number: '12abc'"
    assert [e for _, e in found[:-1]] == [None] * 5


def test_numbers_with_decimal_comma() -> None:
    found = parse(
        FieldType.DECIMAL,
        ["1 234,50", "1234,5", "1.234,50", "1\u00a0234,50", "1234.5"],
        decimal="comma",
    )
    assert [v for v, _ in found] == [Decimal("1234.50")] * 5


def test_integers() -> None:
    found = parse(FieldType.INTEGER, ["42", "1 000", "4.5", "x"])
    assert [v for v, _ in found] == [42, 1000, None, None]
    assert found[2][1] == "not a whole number: '4.5'"


def test_dates_iso_and_the_import_format() -> None:
    found = parse(FieldType.DATE, ["2026-11-26", "26/11/2026", "31/02/2026", "11/26/2026"])
    assert [v for v, _ in found[:2]] == [date(2026, 11, 26)] * 2
    assert found[2][1] == "not a date (dd/mm/yyyy or yyyy-mm-dd): '31/02/2026'"
    us = parse(FieldType.DATE, ["11/26/2026"], date_format="mm/dd/yyyy")
    assert us[0][0] == date(2026, 11, 26)


def test_dates_with_other_separators_and_two_digit_years_in_the_formats_order() -> None:
    cells = ["31.12.1990", "31-12-1990", "1990/12/31", "1990.12.31", "31/12/90", "1/2/29"]
    cells += ["1/2/30", "31/12/990", "31.12.19900"]
    found = parse(FieldType.DATE, cells)
    assert [v for v, _ in found] == [
        *[date(1990, 12, 31)] * 5,
        date(2029, 2, 1),  # as Excel reads a two-digit year: 00-29 are 20xx
        date(1930, 2, 1),
        None,  # not the year 990
        None,
    ]
    us = parse(FieldType.DATE, ["12-31-90", "12.31.1990"], date_format="mm/dd/yyyy")
    assert [v for v, _ in us] == [date(1990, 12, 31)] * 2
    german = parse(FieldType.DATE, ["31.12.90", "31/12/1990"], date_format="dd.mm.yy")
    assert [v for v, _ in german] == [date(1990, 12, 31)] * 2
    iso = parse(FieldType.DATE, ["31/12/1990"], date_format="yyyy-mm-dd")
    assert iso[0][1] == "not a date (yyyy-mm-dd): '31/12/1990'"
    # Year first, the digit counts as for the other orders: two digits as Excel reads them, one
    # or three a typo (not the years 2 and 124).
    cells = ["02-01-24", "99.12.31", "2024/1/2", "2-1-24", "124-01-02", "2024-02-30"]
    year_first = parse(FieldType.DATE, cells, date_format="yyyy-mm-dd")
    assert [v for v, _ in year_first] == [
        date(2002, 1, 24),
        date(1999, 12, 31),
        date(2024, 1, 2),
        None,
        None,
        None,
    ]


def test_dates_with_a_month_name() -> None:
    cells = ["2 Jan 2024", "02 january 2024", "Jan 2, 2024", "JANUARY 2 2024", "02-JAN-24"]
    cells += ["Tuesday, January 2, 2024", "Tue, 02 Jan 2024", "2 Sep. 2024", "02-Jan-50"]
    cells += ["Feb 30 2024", "Smarch 2 2024"]
    found = parse(FieldType.DATE, cells, date_format="mm/dd/yyyy")
    assert [v for v, _ in found] == [
        *[date(2024, 1, 2)] * 7,
        date(2024, 9, 2),
        date(1950, 1, 2),  # a two-digit year as the numeric dates read it
        None,
        None,
    ]
    assert found[9][1] == "not a date (mm/dd/yyyy or yyyy-mm-dd): 'Feb 30 2024'"
    # In the languages of European exports, with their connecting words.
    cells = ["2 janvier 2024", "2. Januar 2024", "2 de enero de 2024", "2 gennaio 2024"]
    cells += [
        "2 januari 2024",
        "le 2 Février 2024",
        "den 2. März 24",
        "2 août 2024",
        "31 juin 2024",
    ]
    # With the weekday, as a letter's date line or a calendar export writes it.
    cells += ["le mardi 2 janvier 2024", "Dienstag, 2. Januar 2024", "martes, 2 de enero de 2024"]
    cells += [
        "martedì 2 gennaio 2024",
        "dinsdag 2 januari 2024",
        "terça-feira, 2 de janeiro de 2024",
    ]
    cells += ["Tuesday 2 January 2024", "Tue Jan 2 2024", "mardi 2024"]
    european = parse(FieldType.DATE, cells)
    assert [v for v, _ in european] == [
        *[date(2024, 1, 2)] * 5,
        date(2024, 2, 2),
        date(2024, 3, 2),
        date(2024, 8, 2),
        None,  # June has 30 days
        *[date(2024, 1, 2)] * 8,
        None,
    ]
    iso = parse(FieldType.DATE, ["2 Jan 2024", "2024-01-02"], date_format="yyyy-mm-dd")
    assert [v for v, _ in iso] == [date(2024, 1, 2)] * 2  # the API's format reads them too


def test_a_number_past_its_field_is_said_to_be_too_large() -> None:
    """Not "not a number": the cell is one, the field cannot hold it."""
    big = ["12345678901234567.5", "1e20", "-1e17", "9999999999999999.99"]
    found = parse(FieldType.DECIMAL, big)
    assert [r for _, r in found[:3]] == [
        f"too large a number (at most 16 digits before the decimal point): '{c}'" for c in big[:3]
    ]
    assert found[3] == (Decimal("9999999999999999.99"), None)
    whole = parse(FieldType.INTEGER, ["9223372036854775808", "2.5"])
    assert whole[0][1] == (
        "too large a number (at most 9,223,372,036,854,775,807): '9223372036854775808'"
    )
    assert whole[1][1] == "not a whole number: '2.5'"


def test_an_all_zero_date_is_empty() -> None:
    cells = ["0000-00-00", "0/0/00", "00.00.0000", "0000-00-00 00:00:00", "0/1/1990"]
    found = parse(FieldType.DATE, cells)
    assert found[:4] == [(None, None)] * 4  # how MySQL, vtiger and Outlook write no date
    assert found[4][1] == "not a date (dd/mm/yyyy or yyyy-mm-dd): '0/1/1990'"


def test_booleans_in_the_languages_of_european_spreadsheets() -> None:
    yes = ["Ja", "JA", "wahr", "Sí", "si", "Sì", "sim", "TAK", "sand", "waar"]
    no = ["Nein", "nee", "NEJ", "nei", "NÃO", "nao", "Nie", "falsch", "falso", "onwaar"]
    found = parse(FieldType.BOOLEAN, [*yes, *no, "vielleicht"])
    assert [v for v, _ in found] == [True] * len(yes) + [False] * len(no) + [None]


def test_booleans_in_english_and_french() -> None:
    found = parse(
        FieldType.BOOLEAN,
        ["yes", "No", "oui", "NON", "true", "false", "1", "0", "x", "", "peut-être"],
    )
    assert [v for v, _ in found] == [
        True,
        False,
        True,
        False,
        True,
        False,
        True,
        False,
        True,
        None,
        None,
    ]
    assert found[-1][1] == "not yes or no: 'peut-être'"


def test_emails_and_urls() -> None:
    emails = parse(FieldType.EMAIL, ["bob@example.com", "bob@", "a b@c.d", "MAILTO:bob@x.fr"])
    assert [e for _, e in emails] == [
        None,
        "not an email address: 'bob@'",
        "not an email address: 'a b@c.d'",
        None,
    ]
    assert emails[3][0] == "bob@x.fr"  # a link's mailto: is no part of the address
    urls = parse(FieldType.URL, ["www.example.com", "https://example.com/x?y=1", "not a url"])
    assert [e for _, e in urls] == [None, None, "not a web address: 'not a url'"]


def test_picklist_values_take_the_list_spelling() -> None:
    found = parse(FieldType.PICKLIST, ["web site", "PARTNER", "Fair"])
    assert [v for v, _ in found] == ["Web Site", "Partner", "Fair"]


def test_a_bad_default_is_a_usage_error() -> None:
    cur = duckdb.connect()
    with pytest.raises(UsageError, match="default for Birthdate"):
        check_value(cur, Field("birthdate", "Birthdate", FieldType.DATE), "soon", ValueOptions())
    assert check_value(
        cur, Field("n", "N", FieldType.DECIMAL), "2,5", ValueOptions(decimal="comma")
    ) == Decimal("2.5")


def test_unknown_options_are_usage_errors() -> None:
    with pytest.raises(UsageError):
        ValueOptions(decimal="dot")
    with pytest.raises(UsageError):
        ValueOptions(date_format="someday")


NBSP, NARROW = "\u00a0", "\u202f"


class TestNumbersAsAccountingAndSpreadsheetExportsWriteThem:
    """Negative numbers in parentheses or with a trailing minus; apostrophes, no-break and
    narrow no-break spaces as thousands separators, in both decimal modes where the reading is
    unambiguous; an ambiguous number fails its row naming both readings."""

    @pytest.mark.parametrize("decimal", ["point", "comma"])
    def test_negatives(self, decimal: str) -> None:
        sep = "." if decimal == "point" else ","
        cells = [f"(1{sep}62)", f"1{sep}62-", f"( 1{sep}62 )", f"1{sep}62 -", "(12)", "-3", "+4"]
        found = parse(FieldType.DECIMAL, cells, decimal=decimal)
        assert [v for v, _ in found] == [Decimal("-1.62")] * 4 + [
            Decimal("-12"),
            Decimal("-3"),
            Decimal("4"),
        ]
        assert parse(FieldType.INTEGER, ["(1 000)", "7-"], decimal=decimal) == [
            (-1000, None),
            (-7, None),
        ]

    @pytest.mark.parametrize("decimal", ["point", "comma"])
    def test_thousands_separators_that_are_never_decimal_separators(self, decimal: str) -> None:
        cells = [
            "1'234'567.89",
            "1\u2019234\u2019567.89",
            f"1{NBSP}234{NBSP}567.89",
            f"1{NARROW}234{NARROW}567,89",
            "1 234 567,89",
            "(1'234'567.89)",
            f"1{NBSP}234{NBSP}567,89-",
        ]
        found = parse(FieldType.DECIMAL, cells, decimal=decimal)
        assert [v for v, _ in found] == [Decimal("1234567.89")] * 5 + [Decimal("-1234567.89")] * 2
        assert parse(FieldType.INTEGER, ["1'234", f"12{NBSP}345{NBSP}678"], decimal=decimal) == [
            (1234, None),
            (12345678, None),
        ]

    def test_the_import_decimal_mode_decides_a_three_digit_fraction(self) -> None:
        assert parse(FieldType.DECIMAL, ["1'234.567"], decimal="point")[0][0] == Decimal("1234.57")
        assert parse(FieldType.INTEGER, ["1 234,000"], decimal="comma") == [(1234, None)]

    @pytest.mark.parametrize(
        ("cell", "decimal", "readings"),
        [
            ("1'234.567", "comma", "1234.567 or 1234567"),
            ("1 234,567", "point", "1234.567 or 1234567"),
            (f"(1{NBSP}234,567)", "point", "-1234.567 or -1234567"),
            ("12'345.678-", "comma", "-12345.678 or -12345678"),
        ],
    )
    def test_what_stays_ambiguous_fails_naming_both_readings(
        self, cell: str, decimal: str, readings: str
    ) -> None:
        for kind in (FieldType.DECIMAL, FieldType.INTEGER):
            [(value, reason)] = parse(kind, [cell], decimal=decimal)
            assert value is None
            assert reason == f"ambiguous number ({readings}): '{cell}'"

    @pytest.mark.parametrize("decimal", ["point", "comma"])
    def test_what_is_not_a_number(self, decimal: str) -> None:
        cells = ["12 34", "1'2", "'-5", "(-1)", "--1", "(1.5", "-", "()", "1 2 3", "1'234'56"]
        found = parse(FieldType.DECIMAL, cells, decimal=decimal)
        assert [v for v, _ in found] == [None] * len(cells)
        assert [e for _, e in found] == [f"not a number: '{c}'" for c in cells]


EMAIL_CELLS = [
    "ann@example.com",
    "  ann@example.com\u00a0",
    "ann@example",
    "ann@@example.com",
    "ann@example.com.",
    "a@b.c",
    "a b@c.d",
    "a\tb@c.d",
    "a\u00a0b@c.d",  # a no-break space is no RE2 space: still an address
    "a\u2003b@c.d",
    "a\vb@c.d",
    "a\u0085b@c.d",
    "ann@ex ample.com",
    "@example.com",
    "ann@.com",
    "ann@ex.c.m",
    "élodie@exemple.fr",
    "mailto:ann@example.com",
    "MailTo: ann@example.com",
    "mailto:",
    "mailto:bob@",
    "",
    "   ",
    None,
]


# Few examples of many cells each: a query for each example is what costs, not a cell.
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.lists(
        st.text(
            alphabet=st.sampled_from("ab@.: \t\n\r\f\v\u00a0\u2003\u0085émailtoMAİK"), max_size=12
        ),
        min_size=10,
        max_size=60,
    )
)
def test_python_reads_emails_as_the_sql_does(cells: list[str]) -> None:
    """The row path reads email cells in Python (`python_reader`): every cell gets the value
    and the reason `parse_sql` gives it, RE2's spaces being five ASCII characters."""
    field = Field("f", "F", FieldType.EMAIL)
    reader = python_reader(field, ValueOptions())
    assert reader is not None
    every: list[str | None] = [*EMAIL_CELLS, *cells]
    assert [reader(cell) for cell in every] == parse(FieldType.EMAIL, every)


def test_references_read_in_python_as_in_sql() -> None:
    """vtiger writes a reference as `Accounts::::Acme`: both paths read the key `Acme`."""
    field = Field("f", "F", FieldType.REFERENCE, related="organizations")
    reader = python_reader(field, ValueOptions())
    assert reader is not None
    cells = ["Accounts::::Acme", " Contacts:::: ann@x.fr ", "Accounts::::", "a::::b::::c"]
    cells += ["Acme::Corp", "x ::::y", "Acme", None]
    read = [reader(cell) for cell in cells]
    assert read == parse(FieldType.REFERENCE, cells)
    assert [v for v, _ in read] == [
        "Acme",
        "ann@x.fr",
        None,
        "b::::c",
        "Acme::Corp",
        "x ::::y",
        "Acme",
        None,
    ]


def test_vtigers_choice_of_nothing_is_no_value(store: Store, tmp_path: Path) -> None:
    """vtiger exports an unset picklist as `--None--`: no value, and not a value to add."""
    listed = Field("f", "F", FieldType.PICKLIST, values=("Web Site", "Partner"))
    reader = python_reader(listed, ValueOptions())
    assert reader is not None
    cells = ["--None--", "web site", "Fair", None]
    assert [reader(c) for c in cells] == parse(FieldType.PICKLIST, cells)
    assert [v for v, _ in parse(FieldType.PICKLIST, cells)] == [None, "Web Site", "Fair", None]
    path = tmp_path / "c.csv"
    path.write_text("Last Name,Lead Source\nLee,--None--\n")
    report = run_import(store, plan("contacts", path))
    assert (report.created, report.warnings) == (1, [])
    assert store.cursor().execute("SELECT lead_source FROM contacts").fetchall() == [(None,)]


def test_fields_read_in_python() -> None:
    options = ValueOptions()
    kinds = [t for t in FieldType if t is not FieldType.LINE_ITEMS]
    read = {t for t in kinds if python_reader(Field("f", "F", t), options) is not None}
    assert read == {
        FieldType.TEXT,
        FieldType.PHONE,
        FieldType.EMAIL,
        FieldType.PICKLIST,  # one with no values: any text
        FieldType.TEXTAREA,
        FieldType.REFERENCE,  # its key
        FieldType.DECIMAL,  # written plainly; the others in SQL
        FieldType.INTEGER,
    }
    listed = Field("f", "F", FieldType.PICKLIST, values=("Web Site",))
    assert python_reader(listed, options) is not None  # ASCII texts; the others in SQL


NUMBER_CELLS: list[str | None] = [
    "12", "-3", "+7", "007", " 2.5 ", "2.55", "-0.01", "0", "-0", "1234567890123456",
    "12345678901234567", "2.555", "1,234.50", "1.234", "1 234,5", "(1.62)", "1.62-", "١٢",
    "9223372036854775807", "999999999999999999", "", None, "abc", ".5", "5.",
]  # fmt: skip


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.lists(
        st.text(alphabet=st.sampled_from("0123456789+-.,( )\u00a0'e"), max_size=12),
        min_size=10,
        max_size=40,
    ),
    st.sampled_from([FieldType.DECIMAL, FieldType.INTEGER]),
    st.sampled_from(["point", "comma"]),
)
def test_python_reads_plain_numbers_as_the_sql_does(
    cells: list[str], kind: FieldType, decimal: str
) -> None:
    """The row path reads a number written plainly in Python: the value and reason SQL gives
    it, and every other number is left to SQL (`IN_SQL`)."""
    reader = python_reader(Field("f", "F", kind), ValueOptions(decimal=decimal))
    assert reader is not None
    every: list[str | None] = [*NUMBER_CELLS, *cells]
    by_sql = parse(kind, every, decimal=decimal)
    by_python = [reader(cell) for cell in every]
    for cell, mine, theirs in zip(every, by_python, by_sql, strict=True):
        if mine is not IN_SQL:
            assert mine == theirs, cell
            assert type(mine[0]) is type(theirs[0]), cell
    assert sum(read is not IN_SQL for read in by_python) >= 8  # "12", "-3", ..., "", None


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.text(alphabet=st.sampled_from("wWebSsitP partnerİKKé\u00a0"), max_size=10)))
def test_python_reads_picklist_values_as_the_sql_does(cells: list[str]) -> None:
    """A listed picklist's cell in ASCII: the list's spelling in any case, another text as
    it is, as SQL reads it; a cell beyond ASCII is left to SQL."""
    field = Field("f", "F", FieldType.PICKLIST, values=("Web Site", "Partner"))
    reader = python_reader(field, ValueOptions())
    assert reader is not None
    every: list[str | None] = ["web site", " PARTNER ", "Web  Site", "Café", "", None, *cells]
    by_sql = parse(FieldType.PICKLIST, every)
    for cell, theirs in zip(every, by_sql, strict=True):
        mine = reader(cell)
        if mine is not IN_SQL:
            assert mine == theirs, cell
    assert reader("web site") == ("Web Site", None)
    assert reader("Café") is IN_SQL
