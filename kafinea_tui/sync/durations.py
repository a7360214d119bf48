"""`every = "5m"`: a schedule's interval, in seconds, from one second to 366 days.

The longest interval is a leap year: longer is a mistake (`every = "3000000d"` once passed
the check, then each next run fell past the calendar's year 9999 and the scheduler stopped);
a rarer run is a cron (`cron = "0 2 1 1 *"`, once a year).
"""

from __future__ import annotations

import re

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd])")
LONGEST_DAYS = 366
LONGEST = LONGEST_DAYS * 86400.0  # seconds


def parse_duration(text: str) -> float:
    """`30s`, `5m`, `1h30m`, `2d`; ValueError with a sentence for anything else."""
    compact = text.strip().lower()
    parts = _PART.findall(compact)
    if not parts or _PART.sub("", compact).strip():
        raise ValueError(f"{text!r} is not a duration such as 30s, 5m, 1h30m or 1d")
    seconds = sum(float(n) * _UNITS[u] for n, u in parts)
    if seconds < 1:
        raise ValueError(f"{text!r} is shorter than one second")
    if not seconds <= LONGEST:  # also inf, from a number of hundreds of digits
        raise ValueError(
            f"{text!r} is longer than {LONGEST_DAYS} days, the longest interval;"
            ' for rarer runs write a cron, e.g. cron = "0 2 1 1 *"'
        )
    return seconds
