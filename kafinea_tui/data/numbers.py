"""Numbers as people and their spreadsheets write them, read in SQL over a whole batch.

- The import's decimal mode decides what `,` and `.` mean: `1,234.50` (point) or `1.234,50`
  (comma); `1234.5` is read in both.
- Accounting exports write a negative number in parentheses, `(1.62)`, or with a trailing minus,
  `1.62-`: both are -1.62.
- Apostrophes (`1'234'567.89`, Swiss, also the typographic `’`), no-break, narrow no-break and
  thin spaces (French, and what spreadsheets put between thousands) are thousands separators
  only, in groups of three: beside them, the `.` or `,` that follows is the decimal separator
  in either mode. One case stays ambiguous: three digits after the separator that the mode
  takes as a thousands separator (`1'234.567` in comma mode is 1234.567 or 1234567). Such a
  number is not read; its reason names both readings.

Each function gives SQL over an expression of cleaned text (trimmed, NULL when empty), built
from this module's constant patterns only: a cell never becomes SQL text.
"""

from __future__ import annotations

# Thousands separators that are never decimal separators, as a RE2 class in a SQL literal.
_GROUP = "[ \\x{00A0}\\x{202F}\\x{2009}''\\x{2019}]"
_SPACED = f"'[+-]?\\d{{1,3}}({_GROUP}\\d{{3}})+([.,]\\d+)?'"


def signed_sql(text_sql: str) -> str:
    """The text with an accounting negative, `(x)` or `x-`, written as `-x` (`(-1)` becomes
    `--1`, which nothing reads). A caller that computes it once, as a column, passes that
    column's name to `number_sql` and `number_reason_sql` as `signed`."""
    t = text_sql
    return (
        f"CASE WHEN starts_with({t}, '(') AND ends_with({t}, ')')"
        f" THEN '-' || trim(substr({t}, 2, length({t}) - 2))"
        f" WHEN ends_with({t}, '-') THEN '-' || rtrim(substr({t}, 1, length({t}) - 1))"
        f" ELSE {t} END"
    )


def _parts(s: str) -> tuple[str, str, str, str]:
    """For a signed text of the grouped form: (matches, whole part with its sign, separator
    or '', fraction digits or '')."""
    whole = (
        f"regexp_replace(regexp_extract({s}, '^[+-]?[\\d{_GROUP[1:-1]}]+'), '{_GROUP}', '', 'g')"
    )
    return (
        f"regexp_full_match({s}, {_SPACED})",
        whole,
        f"regexp_extract({s}, '([.,])\\d+$', 1)",
        f"regexp_extract({s}, '[.,](\\d+)$', 1)",
    )


def _ambiguous(sep: str, frac: str, decimal: str) -> str:
    mode_decimal = "." if decimal == "point" else ","
    return f"({sep} <> '' AND {sep} <> '{mode_decimal}' AND length({frac}) = 3)"


def number_sql(
    text_sql: str, decimal: str, scale: str = "DECIMAL(18,2)", signed: str | None = None
) -> str:
    """SQL of the number a cleaned text holds as `scale`, NULL when it holds none (or an
    ambiguous one); `signed`, when given, is SQL already holding `signed_sql(text_sql)`."""
    s = signed or signed_sql(text_sql)
    spaced, whole, sep, frac = _parts(s)
    grouped_value = (
        f"CASE WHEN NOT {_ambiguous(sep, frac, decimal)} THEN TRY_CAST({whole}"
        f" || CASE WHEN {sep} <> '' THEN '.' || {frac} ELSE '' END AS {scale}) END"
    )
    if decimal == "point":
        commas = f"regexp_full_match({s}, '[+-]?(\\d{{1,3}}(,\\d{{3}})+|\\d*)(\\.\\d+)?')"
        plain = (
            f"coalesce(TRY_CAST({s} AS {scale}),"
            f" CASE WHEN {commas} THEN TRY_CAST(replace({s}, ',', '') AS {scale}) END)"
        )
    else:
        dots = f"regexp_full_match({s}, '[+-]?(\\d{{1,3}}(\\.\\d{{3}})+|\\d*)(,\\d+)?')"
        plain_point = f"regexp_full_match({s}, '[+-]?\\d*\\.\\d+')"
        plain = (
            f"CASE WHEN {dots} THEN TRY_CAST(replace(replace({s}, '.', ''), ',', '.') AS {scale})"
            f" WHEN {plain_point} THEN TRY_CAST({s} AS {scale}) END"
        )
    return f"CASE WHEN {spaced} THEN {grouped_value} ELSE {plain} END"


def number_reason_sql(
    text_sql: str,
    decimal: str,
    reason: str,
    signed: str | None = None,
    limit: tuple[float, str] = (1e16, "at most 16 digits before the decimal point"),
) -> str:
    """SQL of the start of the sentence for a text `number_sql` did not read: the ambiguous
    number's two readings, a number past the field's `limit` (`1e20`, 17 digits in a
    DECIMAL(18,2)) said to be too large in the limit's words, else `reason` (a SQL text literal); `signed` as in
    `number_sql`. Only a cell that failed computes it."""
    s = signed or signed_sql(text_sql)
    spaced, whole, sep, frac = _parts(s)
    point = f"replace({s}, ',', '.')" if decimal == "comma" else s
    return (
        f"CASE WHEN {spaced} AND {_ambiguous(sep, frac, decimal)} THEN concat("
        f"'ambiguous number (', {whole}, '.', {frac}, ' or ', {whole}, {frac}, '): ')"
        f" WHEN abs(TRY_CAST({point} AS DOUBLE)) >= {limit[0]!r}"
        f" THEN 'too large a number ({limit[1]}): '"
        f" ELSE {reason} END"
    )
