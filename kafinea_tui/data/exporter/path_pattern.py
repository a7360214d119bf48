"""The export dialog's remembered path as a pattern: the date in a file name follows the day.

An export written to `~/exports/contacts-2026-11-30.csv` is remembered as
`~/exports/contacts-{date}.csv`, so the dialog proposes tomorrow's name tomorrow rather than
yesterday's file to overwrite. Today's date is recognised as 2026-11-30 and as 20261130; any
other text, and a path with no date, is kept as typed. Pure text: no file is looked at.
"""

from __future__ import annotations

from datetime import date

ISO = "{date}"  # 2026-11-30
COMPACT = "{yyyymmdd}"  # 20261130


def pattern_of(path: str, today: date) -> str:
    """The path as remembered: today's date in it replaced by its placeholder."""
    return path.replace(today.isoformat(), ISO).replace(today.strftime("%Y%m%d"), COMPACT)


def path_of(pattern: str, today: date) -> str:
    """The path a remembered pattern proposes today."""
    return pattern.replace(ISO, today.isoformat()).replace(COMPACT, today.strftime("%Y%m%d"))
