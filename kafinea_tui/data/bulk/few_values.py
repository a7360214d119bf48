"""A mass edit's previous values found in one scan when they are few combinations.

The general path (`saved_values`) reads the changed records twice: once grouped by their
previous values (the distinct combinations, their counts and ranges of ids), then again to
give each record its number among them (`saved_planes`). When the combinations are few, the
first changed records already show them all: their distinct combinations (`PREFIX` records
read, `kf_edit_combos`) are numbered, and one scan reads every changed record. A single
combination is compared with each record (count, range of ids: one run, or one plane read
again). Several are joined to their numbers, grouped by them (`kf_edit_groups`): each number's
count and range of ids (runs, as the general path finds them) and its records as a bitstring
over the selection's ids, from which the planes are OR-ed (a row a combination, not a record).

Exact: values are compared as GROUP BY does (`IS NOT DISTINCT FROM` on each field), and a
record whose combination the first records did not show matches none: then the general path
runs instead, as it does for more combinations than planes take or ids too sparse for planes.
On a million contacts, CPU: one combination 17-30 ms, four in turn 40-49 ms, where the two
scans took 75-110.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from kafinea_tui.data.bulk import saved_planes
from kafinea_tui.data.bulk.batch import Span, runs_view
from kafinea_tui.data.store.results import first_row

COMBOS = "kf_edit_combos"
GROUPS = "kf_edit_groups"
# How many changed records show the combinations (reading them costs 1-2 ms).
PREFIX = 1024


@dataclass(frozen=True)
class Few:
    """What the one scan found: how many combinations, the selection's range of ids the
    bitstrings span, each number's records as runs or not, and whether the groups hold the
    bitstrings (not for a single combination, which is one run or one plane)."""

    combinations: int
    low: int
    high: int
    runs: bool
    bits: bool


def scan_few(
    cur: duckdb.DuckDBPyConnection,
    table: str,
    names: list[str],
    where: str,
    params: Any,
    bounds: tuple[int, int],
) -> tuple[Span, Few] | None:
    """Count the records `where` (a condition on `m`) names and number them among the
    combinations of `names` the first of them hold, in one scan; `bounds` are the lowest and
    highest ids they can have (the selection's). None when they hold more combinations than
    planes take, or one the first records did not show (the general path then counts them)."""
    columns = ", ".join(names)
    made = first_row(
        cur.execute(
            f"CREATE OR REPLACE TEMP TABLE {COMBOS} AS SELECT row_number() OVER () - 1 AS k, *"
            f" FROM (SELECT DISTINCT {columns} FROM (SELECT {', '.join(f'm.{n}' for n in names)}"
            f" FROM {table} m WHERE {where} LIMIT {PREFIX}))",
            params,
        )
    )
    combinations = int(made[0]) if made else 0  # CREATE ... AS answers its row count
    if not combinations:  # none of the selected records changes
        return Span(0, 0, 0), Few(0, 0, 0, True, False)
    if combinations > saved_planes.MAX_CODES:
        return None
    low, high = bounds
    same = " AND ".join(f"m.{n} IS NOT DISTINCT FROM c.{n}" for n in names)
    if combinations == 1:
        # One combination: compared with each record, no join nor grouping (17 ms of CPU on a
        # million contacts, where the join took 30); its records are its run, or one plane.
        got = first_row(
            cur.execute(
                f"SELECT count(*) FILTER (WHERE NOT ({same})), count(*), min(m.id), max(m.id),"
                f" count(*) = max(m.id) - min(m.id) + 1 FROM {table} m, {COMBOS} c WHERE {where}",
                params,
            )
        )
    else:
        cur.execute(
            f"CREATE OR REPLACE TEMP TABLE {GROUPS} AS SELECT c.k, count(*) AS n,"
            f" min(m.id) AS lo, max(m.id) AS hi,"
            f" bitstring_agg(m.id, {low}::BIGINT, {high}::BIGINT) AS bits"
            f" FROM {table} m LEFT JOIN {COMBOS} c ON {same} WHERE {where} GROUP BY c.k",
            params,
        )
        got = first_row(
            cur.execute(
                f"SELECT count(*) FILTER (WHERE k IS NULL), sum(n), min(lo), max(hi),"
                f" bool_and(hi - lo + 1 = n) FROM {GROUPS}"
            )
        )
    if not got or got[0]:  # a combination the first records did not show
        return None
    span = Span(int(got[1]), int(got[2]), int(got[3]))
    few = Few(combinations, low, high, bool(got[4]), combinations > 1)
    if not few.runs and high - low + 1 > saved_planes.MAX_SPREAD * span.count:
        return None  # too sparse for planes: the general path saves a table of ids
    return span, few


def save_few(
    cur: duckdb.DuckDBPyConnection,
    table: str,
    names: list[str],
    where: tuple[str, Any],
    saved: str,
    span: Span,
    few: Few,
) -> None:
    """Save what `scan_few` found as runs or planes (the forms `saved_values` reads)."""
    columns = ", ".join(f"c.{n}" for n in names)
    if few.runs:
        runs = (
            f"{GROUPS} g JOIN {COMBOS} c USING (k)"
            if few.bits
            else f"(SELECT 0 AS k, {span.low} AS lo, {span.high} AS hi) g, {COMBOS} c"
        )
        cur.execute(
            f"CREATE TABLE {saved}_values AS SELECT g.k AS code, g.lo AS id_low, g.hi AS id_high,"
            f" {columns} FROM {runs}"
        )
        runs_view(cur, saved)
        return
    base = 0 if span.count == few.high - few.low + 1 else 1
    planes = saved_planes.Planes.of(few.combinations, base)
    cur.execute(
        f"CREATE TABLE {saved}_values AS SELECT c.k + {base} AS code, {columns} FROM {COMBOS} c"
    )
    bounds = f"{few.low}::BIGINT, {few.high}::BIGINT"
    if few.bits:
        source = f"(SELECT k + {base} AS code, bits FROM {GROUPS})"
    else:  # one combination, not a run: its records' bitstring is the one plane (base 1)
        source = (
            f"(SELECT 1 AS code, bitstring_agg(m.id, {bounds}) AS bits FROM {table} m"
            f" WHERE {where[0]})"
        )
    # Every plane has a number setting its bit (2^j itself is one), so none is NULL.
    planes_sql = ", ".join(
        f"bit_or(bits) FILTER (WHERE code & {1 << j} <> 0) AS p{j}" for j in range(planes.count)
    )
    cur.execute(
        f"CREATE TABLE {saved}_planes AS SELECT {few.low}::BIGINT AS id_low,"
        f" {few.high}::BIGINT AS id_high, {base} AS base, {planes_sql} FROM {source}",
        where[1] if not few.bits else [],
    )
    saved_planes.create_view(cur, saved, planes)


def drop_few(cur: duckdb.DuckDBPyConnection) -> None:
    for name in (COMBOS, GROUPS):
        cur.execute(f"DROP TABLE IF EXISTS {name}")
