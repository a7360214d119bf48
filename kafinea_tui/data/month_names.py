"""Dates written with a month's name: in English as US spreadsheets, Outlook, Salesforce and
Oracle write them (2 Jan 2024, January 2, 2024, 02-JAN-24, Tuesday, January 2, 2024), and in
the languages of European exports (2 janvier 2024, 2. Januar 2024, 2 de enero de 2024,
2 gennaio 2024, 2 januari 2024). DuckDB's `strptime` reads English names in any case; another
language's name is first put in English, word by word. Only a cell the numeric formats did not
read comes here (`values.date_sql`), so none of this costs a file of numeric dates anything."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ENGLISH_FORMATS = [
    *("%d %b %Y", "%d %B %Y", "%d-%b-%Y", "%d-%B-%Y", "%d %b. %Y", "%d. %B %Y"),
    *("%b %d, %Y", "%B %d, %Y", "%b %d %Y", "%B %d %Y", "%A, %B %d, %Y", "%a, %d %b %Y"),
]
# After the words are put in English and the separators made single spaces.
WORD_FORMATS = ["%d %b %Y", "%b %d %Y", "%d %B %Y", "%B %d %Y"]

# Month names and their usual abbreviations in French, German, Spanish, Italian, Dutch and
# Portuguese (with and without accents), lower-cased, by English abbreviation.
_MONTHS = {
    "jan": "janvier janv januar jänner jaenner enero ene gennaio genn januari janeiro",
    "feb": "février fevrier févr fevr februar febrero febbraio febbr februari fevereiro fev",
    "mar": "mars märz maerz mär marzo maart mrt março marco",
    "apr": "avril avr abril aprile",
    "may": "mai mayo maggio mei maio",
    "jun": "juin juni junio giugno junho",
    "jul": "juillet juil juli julio luglio julho",
    "aug": "août aout augustus agosto ago",
    "sep": "septembre sept september septiembre settembre sett setembro set",
    "oct": "octobre oktober okt octubre ottobre ott outubro out",
    "nov": "novembre november noviembre novembro",
    "dec": "décembre decembre déc dezember dez diciembre dic dicembre december dezembro",
}
# Words between a date's parts: `2 de enero de 2024`, `le 2 janvier`, `den 2. Januar`.
CONNECTORS = ("de", "del", "le", "den")
# Weekdays, dropped like the connectors (`mardi 2 janvier 2024`, `Dienstag, 2. Januar 2024`,
# `terça-feira, 2 de janeiro`): full names in every language above, English abbreviations
# too; not the other languages' abbreviations, which clash with months (`mar`: martes, March).
_WEEKDAYS = {
    "en": "monday tuesday wednesday thursday friday saturday sunday"
    " mon tue tues wed thu thur thurs fri sat sun",
    "fr": "lundi mardi mercredi jeudi vendredi samedi dimanche",
    "de": "montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag",
    "es": "lunes martes miércoles miercoles jueves viernes sábado sabado domingo",
    "it": "lunedì lunedi martedì martedi mercoledì mercoledi giovedì giovedi venerdì venerdi"
    " sabato domenica",
    "nl": "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag",
    "pt": "segunda terça terca quarta quinta sexta feira sábado sabado domingo",
}
WEEKDAYS = tuple(dict.fromkeys(w for words in _WEEKDAYS.values() for w in words.split()))


def month_name_sql(text_sql: str, four_digits_sql: str, add: Callable[[Any], str]) -> str:
    """SQL of the date `text_sql` holds with a month's name; `four_digits_sql` is the text with
    its year made four digits, `add` makes a statement parameter of a value
    (`values.Params.add`). The CASE asks the cell itself whether it holds a letter: asked of
    `four_digits_sql`, it cost a million numeric dates, which never come here, 1.7x their read
    (DuckDB computes that expression for every row)."""
    t = four_digits_sql
    english = f"try_strptime({t}, {add(ENGLISH_FORMATS)}::VARCHAR[])"
    spaced = f"concat(' ', regexp_replace(lower({t}), '[\\s.,/-]+', ' ', 'g'), ' ')"
    for month, words in _MONTHS.items():
        alternatives = "|".join(words.split())
        spaced = f"regexp_replace({spaced}, ' ({alternatives}) ', ' {month} ', 'g')"
    # A run of such words at once: `le mardi 2`, where the words share their spaces.
    dropped = "|".join((*CONNECTORS, *WEEKDAYS))
    plain = f"trim(regexp_replace({spaced}, ' (?:(?:{dropped}) )+', ' ', 'g'))"
    worded = f"try_strptime({plain}, {add(WORD_FORMATS)}::VARCHAR[])"
    # Every month name of these languages has an ASCII letter (`août` has no three in a row).
    return (
        f"CASE WHEN regexp_matches({text_sql}, '[A-Za-z]')"
        f" THEN TRY_CAST(coalesce({english}, {worded}) AS DATE) END"
    )
