"""The export dialog's remembered path: today's date in it follows the day; nothing else moves."""

from __future__ import annotations

from datetime import date

from kafinea_tui.data.exporter.path_pattern import path_of, pattern_of

MONDAY = date(2026, 11, 30)
TUESDAY = date(2026, 12, 1)


def test_todays_date_becomes_the_next_days() -> None:
    pattern = pattern_of("~/exports/contacts-2026-11-30.csv", MONDAY)
    assert pattern == "~/exports/contacts-{date}.csv"
    assert path_of(pattern, TUESDAY) == "~/exports/contacts-2026-12-01.csv"
    compact = pattern_of("/data/20261130/contacts_20261130.xlsx", MONDAY)
    assert path_of(compact, TUESDAY) == "/data/20261201/contacts_20261201.xlsx"


def test_other_dates_and_plain_names_stay_as_typed() -> None:
    for path in ("/tmp/contacts.csv", "/tmp/contacts-2025-01-02.csv", "/tmp/2026-11-29.csv"):
        assert path_of(pattern_of(path, MONDAY), TUESDAY) == path
