"""Text cells -> typed values, as SQL expressions evaluated over a whole staged batch.

Why SQL: a million cells parse in DuckDB's vectorised engine in a fraction of a second, where a
Python loop would take minutes. Each parser yields a value expression (NULL for an empty cell)
and a reason expression that is non-NULL exactly when a non-empty cell could not be read, so a
bad value fails its row with a sentence (`not an email address: 'bob@'`) instead of becoming NULL.
User-supplied text (picklist values, date formats, defaults) only ever travels as `$pN` parameters.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import duckdb

from kafinea_tui.data import month_names
from kafinea_tui.data.errors import UsageError
from kafinea_tui.data.numbers import number_reason_sql, number_sql
from kafinea_tui.data.schema import Field, FieldType
from kafinea_tui.data.store.results import first_row

Read = tuple[Any, str | None]  # a cell's value and why it cannot be read (None: it can)
# Yes and no as the spreadsheets of a European CRM's users write them: English, French,
# German, Dutch, the Nordic languages, Spanish, Italian, Portuguese, Polish; compared lower-cased.
TRUE_WORDS: tuple[str, ...] = (
    *("yes", "y", "true", "1", "x", "oui", "o", "vrai", "ja", "j", "wahr", "waar"),
    *("sand", "sant", "sí", "si", "sì", "verdadero", "vero", "sim", "verdadeiro", "tak"),
)
FALSE_WORDS: tuple[str, ...] = (
    *("no", "n", "false", "0", "non", "faux", "nein", "falsch", "nee", "onwaar", "nej"),
    *("nei", "falsk", "falskt", "falso", "não", "nao", "nie"),
)


@dataclass(frozen=True)
class ValueOptions:
    decimal: str = "point"  # 'point' (1,234.50) or 'comma' (1 234,50)
    date_format: str = "dd/mm/yyyy"

    def __post_init__(self) -> None:
        if self.decimal not in ("point", "comma"):
            raise UsageError(f"Unknown decimal separator {self.decimal!r}; use point or comma.")
        date_format_sql(self.date_format)


@dataclass
class Params:
    """Named parameters for one statement: `add(value)` returns the `$pN` placeholder."""

    values: dict[str, Any] = field(default_factory=dict)

    def add(self, value: Any) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f"${name}"


@dataclass(frozen=True)
class Parsed:
    """`value` is SQL yielding the typed value, NULL for an empty or unreadable cell; a cell is
    unreadable exactly when its text is not NULL and its value is; `reason` is SQL for the start
    of the sentence saying why (the quoted cell follows), None when every text is readable."""

    value: str
    reason: str | None

    def error_sql(self, text_sql: str, value_sql: str | None = None) -> str:
        """SQL yielding the reason for an unreadable cell, else NULL."""
        if self.reason is None:
            return "NULL::VARCHAR"
        value = value_sql or self.value
        return (
            f"CASE WHEN {text_sql} IS NOT NULL AND ({value}) IS NULL"
            f" THEN concat({self.reason}, {quoted_sql(text_sql)}) END"
        )


def clean_sql(column_sql: str) -> str:
    """A cell as text: surrounding spaces dropped, an empty cell NULL."""
    return f"NULLIF(trim({column_sql}), '')"


def clean_cell_sql(field_: Field, column_sql: str) -> str:
    """A cell of `field_` as text (`clean_sql`); for a date, an all-zero date is empty too: it
    is how some exports write none (MySQL's and vtiger's 0000-00-00, Outlook's 0/0/00); for an
    e-mail address, a `mailto:` before it is read off."""
    text = clean_sql(column_sql)
    if field_.type is FieldType.EMAIL:
        # A link's `mailto:` (copied from a web page or a spreadsheet's hyperlink) is not part
        # of the address; `_email` reads it off the same way.
        return (
            f"CASE WHEN lower(left({text}, 7)) = 'mailto:'"
            f" THEN {clean_sql(f'substr({text}, 8)')} ELSE {text} END"
        )
    if field_.type is not FieldType.DATE:
        return text
    zero = f"starts_with({text}, '0') AND regexp_full_match({text}, '{_ZERO_DATE}')"
    return f"CASE WHEN {zero} THEN NULL ELSE {text} END"


_ZERO_DATE = "0+[./-]0+[./-]0+([ T][0:.]*)?"
_VTIGER_REFERENCE = "^[A-Za-z]+::::"
NO_CHOICE = "--None--"


# The characters DuckDB's trim() drops: Unicode's space separators (category Zs), not tabs or
# line ends. A test holds `clean_text` to `clean_sql` over every code point.
_SPACE_SEPARATORS = "\u0020\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"


def clean_text(text: str | None) -> str | None:
    """`clean_sql` in Python, for the importer's row path: a few cells do not pay a statement."""
    if text is None:
        return None
    return text.strip(_SPACE_SEPARATORS) or None


# `parse_sql`'s email check in Python's `re`: RE2's `\s` is exactly these five characters
# (Python's would take every Unicode space). A test holds the two to the same answers.
_RE2_SPACE = "\t\n\f\r "
_EMAIL = re.compile(f"[^@{_RE2_SPACE}]+@[^@{_RE2_SPACE}]+\\.[^@{_RE2_SPACE}.]+")
EMAIL_REASON = "not an email address: "


# A cell `python_reader` leaves to SQL: the row path then reads the field's cells there.
IN_SQL = None
Reader = Callable[[str | None], Read | None]


def python_reader(field_: Field, options: ValueOptions) -> Reader | None:
    """A cell read in Python exactly as `parse_sql` reads it in SQL, (value, reason), for the
    cells where that is a plain check: any text (plain text, a reference's key), an email, a
    number written plainly (`12`, `-3.5`), a picklist value in ASCII. It returns `IN_SQL` for
    the others (`1 234,50`, `(1.62)`, accents), so a record of such cells (an order posted by a
    web shop) costs the row path no statement. None for a field read in SQL always."""
    if field_.type is FieldType.REFERENCE:
        return _reference
    if field_.type is FieldType.PICKLIST:
        return _picklist(field_.values)
    if is_plain(field_, options):
        return _plain
    if field_.type is FieldType.EMAIL:
        return _email
    if field_.type is FieldType.DECIMAL:
        return _number(_PLAIN_DECIMAL[options.decimal], lambda t: Decimal(t).quantize(_CENT))
    if field_.type is FieldType.INTEGER:
        return _number(_PLAIN_INTEGER, int)
    return None


# Numbers Python reads as DuckDB's casts do (DECIMAL(18,2): 16 digits, at most 2 decimals, so
# nothing is rounded; BIGINT through DECIMAL(38,6): 18 digits); ASCII digits only. In comma
# mode `1.234` is a thousand: only whole numbers are plain there.
_PLAIN_DECIMAL = {
    "point": re.compile(r"[+-]?[0-9]{1,16}(\.[0-9]{1,2})?"),
    "comma": re.compile(r"[+-]?[0-9]{1,16}"),
}
_PLAIN_INTEGER = re.compile(r"[+-]?[0-9]{1,18}")
_CENT = Decimal("0.01")


def _number(plain: re.Pattern[str], value: Callable[[str], Any]) -> Reader:
    def read(text: str | None) -> Read | None:
        cleaned = clean_text(text)
        if cleaned is None:
            return None, None
        return (value(cleaned), None) if plain.fullmatch(cleaned) else IN_SQL

    return read


def _picklist(values: Sequence[str]) -> Reader:
    """A listed value in any case gives the list's spelling, another text itself (SQL's
    `list_position` over the lowered values); a text that is not ASCII goes to SQL, whose
    `lower` is not Python's beyond ASCII."""
    known = {v.lower(): v for v in reversed(values)}  # the first of equal spellings wins

    def read(text: str | None) -> Read | None:
        cleaned = clean_text(text)
        if cleaned is None or cleaned == NO_CHOICE:
            return None, None
        if not cleaned.isascii():
            return IN_SQL
        return known.get(cleaned.lower(), cleaned), None

    return read


def _plain(text: str | None) -> Read:
    return clean_text(text), None


def _reference(text: str | None) -> Read:
    """A reference's key as `clean_cell_sql` reads it: vtiger's `Accounts::::` read off."""
    cleaned = clean_text(text)
    if cleaned is not None and "::::" in cleaned:
        cleaned = clean_text(re.sub(_VTIGER_REFERENCE, "", cleaned))
    return cleaned, None


def _email(text: str | None) -> Read:
    cleaned = clean_text(text)
    if cleaned is not None and cleaned[:7].lower() == "mailto:":  # as `clean_cell_sql`
        cleaned = clean_text(cleaned[7:])
    if cleaned is None or _EMAIL.fullmatch(cleaned):
        return cleaned, None
    return None, f"{EMAIL_REASON}'{cleaned}'"


def is_plain(field_: Field, options: ValueOptions) -> bool:
    """Whether a field's value is its cleaned text (text, phone, textarea, a reference's key,
    a picklist without values): then `clean_text` reads it as `parse_sql` would."""
    parsed = parse_sql(field_, "x", options, Params())
    return parsed.reason is None and parsed.value == "x"


# A spreadsheet's formula guard: `'` before a text that starts with = + - @ tab or CR, which a
# spreadsheet would read as a formula. A text that already starts with `'` and one of those is
# guarded too (`''=x`), so that reading one `'` off always gives the value back. As a SQL
# literal: a text of `'`s then one of those (callers check the first `'` with `ascii` first).
GUARDED_SQL = "'^''*[=+@\\t\\r-]'"


def unguard_sql(text_sql: str) -> str:
    """A cleaned cell without the formula guard's apostrophe (see `GUARDED_SQL`)."""
    return (
        f"CASE WHEN ascii({text_sql}) = 39 AND regexp_matches({text_sql}, {GUARDED_SQL})"
        f" THEN substr({text_sql}, 2) ELSE {text_sql} END"
    )


def date_format_sql(fmt: str) -> str:
    """`dd/mm/yyyy` -> `%d/%m/%Y` (strftime formats pass through); a UsageError if unusable."""
    text = fmt.strip()
    if "%" in text:
        return text
    lowered = text.lower()
    out = lowered.replace("yyyy", "%Y").replace("yy", "%y").replace("dd", "%d")
    out = out.replace("mm", "%m")
    if not all(part in out for part in ("%d", "%m")) or ("%Y" not in out and "%y" not in out):
        raise UsageError(
            f"Unknown date format {fmt!r}; use a pattern such as dd/mm/yyyy, mm/dd/yyyy or yyyy-mm-dd."
        )
    return out


# A date in the chosen format's order (day or month first) with any of the usual separators
# (31.12.1990 or 31-12-1990 for dd/mm/yyyy) and a two- or four-digit year; a year first with
# any of them is read as ISO.
_ORDER_FIRST = "\\d{1,2}[./-]\\d{1,2}[./-](\\d{2}|\\d{4})"
_YEAR_FIRST = "\\d{4}[./-]\\d{1,2}[./-]\\d{1,2}([ T].*)?"
_YEAR_ORDER = "(\\d{2}|\\d{4})[./-]\\d{1,2}[./-]\\d{1,2}"
# A two-digit year is 20yy below this, else 19yy, as Excel reads one (DuckDB's `%Y` would
# read 90 as the year 90, and its `%y` 50 as 2050).
CENTURY_PIVOT = 30


def date_sql(text_sql: str, options: ValueOptions, params: Params) -> str:
    """SQL of the date a cleaned text holds: the chosen format (its order with any separator,
    a two-digit year as Excel reads it), or ISO (`yyyy-mm-dd`, `/` or `.` between its parts, a
    time after it ignored)."""
    fmt = date_format_sql(options.date_format)
    t = text_sql
    numeric = re.sub(r"[./-]", "/", fmt).replace("%y", "%Y")
    year_first = f"regexp_replace({t}, '^(\\d{{4}})[./-](\\d{{1,2}})[./-]', '\\1-\\2-')"
    iso = (
        f"CASE WHEN regexp_full_match({t}, '{_YEAR_FIRST}')"
        f" THEN TRY_CAST(TRY_CAST({year_first} AS TIMESTAMP) AS DATE) END"
    )
    direct = f"TRY_CAST(try_strptime({t}, {params.add(fmt)}) AS DATE)"
    digits_alone = numeric == "/".join(re.findall("%[dmY]", numeric))
    if digits_alone and fmt.startswith(("%Y", "%y")):
        # yyyy-mm-dd, the API's: a four-digit year read by the format at its cost alone; else
        # digits in the format's order with a year of two digits (as Excel reads it) or four,
        # never the year 2 of `02-01-24`.
        four_digit_year = f"substr({t}, 5, 1) IN ('/', '.', '-')"
        slashed = f"regexp_replace({t}, '[./-]', '/', 'g')"
        century = f"CASE WHEN left({t}, 2)::INTEGER < {CENTURY_PIVOT} THEN '20' ELSE '19' END"
        full = f"CASE WHEN substr({t}, 3, 1) IN ('/', '.', '-') THEN concat({century}, {slashed}) ELSE {slashed} END"
        ordered = (
            f"CASE WHEN regexp_full_match({t}, '{_YEAR_ORDER}')"
            f" THEN TRY_CAST(try_strptime({full}, {params.add(numeric)}) AS DATE) END"
        )
        return (
            f"coalesce(CASE WHEN {four_digit_year} THEN {direct} END, {ordered}, {iso},"
            f" {month_name_sql(t, params)})"
        )
    if fmt.startswith(("%Y", "%y")) or not digits_alone:
        # A format with words.
        return f"coalesce({direct}, {iso}, {month_name_sql(t, params)})"
    full = _four_digit_year(t, f"regexp_replace({t}, '[./-]', '/', 'g')", "[./-]")
    ordered = (
        f"CASE WHEN regexp_full_match({t}, '{_ORDER_FIRST}')"
        f" THEN TRY_CAST(try_strptime({full}, {params.add(numeric)}) AS DATE) END"
    )
    # The common cell first, at the cost of the format alone: a four-digit year after a
    # separator, read by the format (31/12/1990). Then digits and separators are read in the
    # format's order or not at all (a year of 1 or 3 digits is a typo, not the year 990), and
    # other texts by the format itself.
    four_digit_year = f"length({t}) >= 8 AND substr({t}, -5, 1) IN ('/', '.', '-')"
    numbers_only = f"regexp_full_match({t}, '\\d+[./-]\\d+[./-]\\d+')"
    return (
        f"coalesce(CASE WHEN {four_digit_year} THEN {direct} END,"
        f" CASE WHEN {numbers_only} THEN {ordered} ELSE {direct} END, {iso},"
        f" {month_name_sql(t, params)})"
    )


def month_name_sql(text_sql: str, params: Params) -> str:
    """SQL of the date a text with a month's name holds (`month_names`), its two-digit year
    made four digits first by `CENTURY_PIVOT`."""
    four_digits = _four_digit_year(text_sql, text_sql, "[^0-9]")
    return month_names.month_name_sql(text_sql, four_digits, params.add)


def _four_digit_year(text_sql: str, written_sql: str, before: str) -> str:
    """`written_sql` (the cell, maybe rewritten to the same length) with a last two-digit year
    after `before` (a regex class) made four digits by `CENTURY_PIVOT`."""
    t = text_sql
    century = f"CASE WHEN right({t}, 2)::INTEGER < {CENTURY_PIVOT} THEN '20' ELSE '19' END"
    return (
        f"CASE WHEN regexp_full_match({t}, '.*{before}\\d{{2}}')"
        f" THEN concat(left({written_sql}, -2), {century}, right({t}, 2)) ELSE {written_sql} END"
    )


def date_reason_sql(options: ValueOptions, params: Params) -> str:
    if date_format_sql(options.date_format) == "%Y-%m-%d":
        return "'not a date (yyyy-mm-dd): '"
    return f"concat('not a date (', {params.add(options.date_format)}, ' or yyyy-mm-dd): ')"


def quoted_sql(text_sql: str) -> str:
    """SQL for the text in single quotes, as reasons show a cell."""
    return f"concat('''', {text_sql}, '''')"


def parse_sql(
    field_: Field,
    text_sql: str,
    options: ValueOptions,
    params: Params,
    signed: str | None = None,
) -> Parsed:
    """The typed value of a field from a cleaned text expression (see `clean_sql`). `signed`:
    SQL already holding `numbers.signed_sql(text_sql)` (a column computed once), which a
    number's expressions then name instead of repeating it."""
    t = field_.type
    if t is FieldType.DECIMAL:
        value = number_sql(text_sql, options.decimal, signed=signed)
        reason = number_reason_sql(text_sql, options.decimal, "'not a number: '", signed)
        return Parsed(value, reason)
    if t is FieldType.INTEGER:
        wide = number_sql(text_sql, options.decimal, "DECIMAL(38,6)", signed)
        value = f"TRY_CAST(CASE WHEN ({wide}) = trunc({wide}) THEN {wide} END AS BIGINT)"
        reason = number_reason_sql(
            text_sql,
            options.decimal,
            "'not a whole number: '",
            signed,
            limit=(2.0**63, "at most 9,223,372,036,854,775,807"),
        )
        return Parsed(value, reason)
    if t is FieldType.DATE:
        return Parsed(date_sql(text_sql, options, params), date_reason_sql(options, params))
    if t is FieldType.BOOLEAN:
        low = f"lower({text_sql})"
        trues = ", ".join(f"'{w}'" for w in TRUE_WORDS)
        falses = ", ".join(f"'{w}'" for w in FALSE_WORDS)
        value = f"CASE WHEN {low} IN ({trues}) THEN true WHEN {low} IN ({falses}) THEN false END"
        return Parsed(value, "'not yes or no: '")
    if t is FieldType.EMAIL:
        ok = f"regexp_full_match({text_sql}, '[^@\\s]+@[^@\\s]+\\.[^@\\s.]+')"
        return Parsed(f"CASE WHEN {ok} THEN {text_sql} END", f"'{EMAIL_REASON}'")
    if t is FieldType.URL:
        ok = f"regexp_full_match({text_sql}, '(?i)([a-z][a-z0-9+.-]*://)?[^\\s/?#@]+\\.[^\\s/?#@]+([/?#]\\S*)?')"
        return Parsed(f"CASE WHEN {ok} THEN {text_sql} END", "'not a web address: '")
    if t is FieldType.REFERENCE:
        # vtiger's exports write a reference as `Accounts::::Name` (its module, then the name);
        # a regexp on every cell would cost an import of references 4x its cleaning.
        stripped = clean_sql(f"regexp_replace({text_sql}, '{_VTIGER_REFERENCE}', '')")
        return Parsed(
            f"CASE WHEN contains({text_sql}, '::::') THEN {stripped} ELSE {text_sql} END", None
        )
    if t is FieldType.PICKLIST:
        value = text_sql
        if field_.values:
            known = params.add(list(field_.values))
            lowered = params.add([v.lower() for v in field_.values])
            value = f"coalesce(list_extract({known}::VARCHAR[], list_position({lowered}::VARCHAR[], lower({text_sql}))), {text_sql})"
        # vtiger's `--None--`, its picklists' choice of nothing: no value, not a new one.
        return Parsed(f"CASE WHEN {text_sql} = '{NO_CHOICE}' THEN NULL ELSE {value} END", None)
    return Parsed(text_sql, None)


def check_value(
    cur: duckdb.DuckDBPyConnection, field_: Field, text: str, options: ValueOptions
) -> Any:
    """Parse one value (a default) with the same SQL; a UsageError names the field if unreadable."""
    value, reason = read_value(cur, field_, text, options)
    if reason is not None:
        raise UsageError(f"The default for {field_.label} is {reason}.")
    return value


def read_value(
    cur: duckdb.DuckDBPyConnection, field_: Field, text: str, options: ValueOptions
) -> tuple[Any, str | None]:
    """One text read by the import's rules: (value, None), or (None, why it cannot be read).
    In Python where `python_reader` reads it as the SQL does, else by a statement."""
    reader = python_reader(field_, options)
    read = reader(text) if reader is not None else IN_SQL
    if read is not IN_SQL:
        return read
    params = Params()
    cell = params.add(text)
    text = clean_cell_sql(field_, f"{cell}::VARCHAR")
    parsed = parse_sql(field_, text, options, params)
    row = first_row(cur.execute(f"SELECT {parsed.value}, {parsed.error_sql(text)}", params.values))
    if row is None:
        return None, None
    return row[0], None if row[1] is None else str(row[1])
