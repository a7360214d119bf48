"""A mass edit's record codes saved as bit planes: a few bitstrings instead of a row a record.

When a mass edit meets few combinations of previous values (a title among a handful, records
of a few imports), the combinations are numbered in the order of their hashes and each changed
record's number is written as bit planes over the changed records' range of ids: plane j holds
bit j of each record's number. `kf_edit_<batch>_planes(id_low, id_high, base, p0, p1, ...)` is
one row. When every id of the range was saved the numbers start at 0 (`base` 0: four
combinations take two planes); else at 1, 0 marking an id not saved. A million records with
four combinations are two bitstrings of 125 KB, built by one aggregate.

Why: the table of a million (id, code) rows cost about what the bare UPDATE of the field does
(60-220 ms against 40-110 ms, measured), and undo's hash join on a million ids twice the
UPDATE; undo reads each record's number from the planes by its id (`code_of`) and joins only
the combinations (85 ms against 40 ms for the bare UPDATE of a constant, three planes 107 ms).
Planes are kept for few combinations (`MAX_CODES`) over a dense range of ids (`MAX_SPREAD`),
where their size and the bits read per record stay small.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from kafinea_tui.data.bulk.batch import Span
from kafinea_tui.data.store.results import first_row

# At most this many combinations (the number is found among their hashes for each record).
MAX_CODES = 32
# The range of ids at most this many times the number of saved records (a plane has a bit for
# every id of the range).
MAX_SPREAD = 16


@dataclass(frozen=True)
class Planes:
    """How many planes a mass edit saved, and the first combination's number (0 when every
    id of the range was saved, else 1)."""

    count: int
    base: int
    # The planes' range of ids, when read back from a batch (`saved_planes`).
    low: int = field(default=0, compare=False)
    high: int = field(default=0, compare=False)

    @classmethod
    def of(cls, combinations: int, base: int) -> Planes:
        return cls(max(1, (combinations - 1 + base).bit_length()), base)


def fits(combinations: int, span: Span) -> bool:
    """Whether records saved as planes stay small: few combinations, a dense range of ids."""
    return 0 < combinations <= MAX_CODES and span.high - span.low + 1 <= MAX_SPREAD * span.count


def save_planes(
    cur: duckdb.DuckDBPyConnection,
    table: str,
    names: list[str],
    where: tuple[str, Any],
    saved: str,
    distinct: str,
    code: str,
    codes: list[int],
    span: Span,
) -> None:
    """Save the combinations of `distinct` (kf_code and the values) numbered in the order of
    their `codes`, and the number of each record `where` (a condition on `m`, its
    parameters) names as planes over the records' `span` of ids; `code` is the hash of a
    record's combination as `distinct` has it."""
    low, high = int(span.low), int(span.high)
    base = 0 if span.count == high - low + 1 else 1
    planes = Planes.of(len(codes), base)
    cur.execute(
        f"CREATE TABLE {saved}_values AS SELECT row_number() OVER (ORDER BY kf_code)"
        f" - 1 + {base} AS code, {', '.join(names)} FROM {distinct}"
    )
    # The hashes are numbers this code computed, written as literals: a CASE of constants
    # costs less per record than looking the hash up in a list.
    number = " ".join(f"WHEN {c}::UBIGINT THEN {i + base}" for i, c in enumerate(codes))
    # A record whose combination is not among them cannot be: fail rather than save it as
    # another combination.
    number += " ELSE error('a record left its combination of previous values')"
    bounds = f"{low}::BIGINT, {high}::BIGINT"
    # coalesce: a plane no record's number sets (none here: number 2^j is a combination's)
    # would be NULL rather than zeros.
    columns = ", ".join(
        f"coalesce(bitstring_agg(r.id, {bounds}) FILTER (WHERE r.code & {1 << j} <> 0),"
        f" bitstring('0', {high - low + 1})) AS p{j}"
        for j in range(planes.count)
    )
    cur.execute(
        f"CREATE TABLE {saved}_planes AS SELECT {low}::BIGINT AS id_low, {high}::BIGINT AS id_high,"
        f" {base} AS base, {columns}"
        f" FROM (SELECT m.id, CASE {code} {number} END AS code FROM {table} m WHERE {where[0]}) r",
        where[1],
    )
    create_view(cur, saved, planes)


def create_view(cur: duckdb.DuckDBPyConnection, saved: str, planes: Planes) -> None:
    """`kf_edit_<batch>(id, code)` read from the planes: each id of the range with its number,
    the ids not saved (number 0 with base 1) left out."""
    saved_code = code_of("q", "q.id", planes)
    cur.execute(
        f"CREATE VIEW {saved} AS SELECT id, code FROM (SELECT q.id, {saved_code} AS code"
        f" FROM (SELECT unnest(range(p.id_low, p.id_high + 1)) AS id, p.*"
        f" FROM {saved}_planes p) q) WHERE {planes.base} = 0 OR code <> 0"
    )


def code_of(plane: str, record_id: str, planes: Planes) -> str:
    """SQL of a record's number read from the planes row `plane` by the id `record_id`, which
    must lie in the row's range (0 with base 1: not saved)."""
    at = f"({record_id} - {plane}.id_low)::INTEGER"
    return " + ".join(f"get_bit({plane}.p{j}, {at}) * {1 << j}" for j in range(planes.count))


def saved_planes(cur: duckdb.DuckDBPyConnection, saved: str) -> Planes:
    row = first_row(
        cur.execute(
            f"SELECT (SELECT count(*) FROM {saved}_values), base, id_low, id_high FROM {saved}_planes"
        )
    )
    if not row:
        return Planes(1, 1)
    planes = Planes.of(int(row[0]), int(row[1]))
    return Planes(planes.count, planes.base, int(row[2]), int(row[3]))
