"""A mass edit's previous values, kept for undo as codes into the distinct values they had.

Each changed record's `modified_at` and edited fields as they were are saved in two tables of
the batch's own: `kf_edit_<batch>_values(code, modified_at, <fields>)`, one row per distinct
combination, and `kf_edit_<batch>(id, code)`. Why codes: writing a million strings to a
persistent table cost more than the mass edit's UPDATE itself, and a million integers a
fraction of it, while the combinations a mass edit meets are few (the records of one import
share their `modified_at`; edited fields are a status, a title, an owner). At worst every record
has its own combination, and the values table holds them once each as the single table would.
Undo joins the two back (`saved_rows`). A workspace's mass edits made before the codes have a
single table `kf_edit_<batch>(id, modified_at, <fields>)`, read as it is.

The code is the combination's hash (`CODE`), computed as the records are read: no join of a
million records back to their values (the numbered codes' join cost as much as the UPDATE). The
distinct combinations are grouped by the hash and the values together, so every record's code
is in the values table; two combinations sharing a hash (a collision, or values equal for
GROUP BY but not for the hash) would make a code ambiguous, and then the combinations are
numbered and the records joined to them instead (`_save_numbered`), exact whatever the values.

Runs: when each combination's records are a run of consecutive ids (count = high - low + 1,
found in the same grouping: the records of one import holding one value), the values table
holds each run's `id_low` and `id_high` and `kf_edit_<batch>` is a view expanding them, so no
row is written per record, and undo restores each run by its range of ids instead of joining
a million ids (`saved_runs`).
"""

from __future__ import annotations

from typing import Any

import duckdb

from kafinea_tui.data.bulk.batch import edit_table

DISTINCT = "kf_edit_distinct"
# The code of a record's saved combination: a hash of `modified_at` and the edited fields.
CODE = "hash({})"


def count_changing(
    cur: duckdb.DuckDBPyConnection, table: str, fields: list[str], where: str, params: Any
) -> int:
    """Count the records `where` (a condition on `m`) names and keep their distinct previous
    values with their codes in a temporary table for `save_values`, in one scan."""
    names = ", ".join(["modified_at", *fields])
    cur.execute(
        f"CREATE OR REPLACE TEMP TABLE {DISTINCT} AS SELECT {CODE.format(names)} AS kf_code, *"
        f" FROM (SELECT {names}, count(*) AS kf_n, min(m.id) AS kf_low, max(m.id) AS kf_high"
        f" FROM {table} m WHERE {where} GROUP BY ALL)",
        params,
    )
    row = cur.execute(f"SELECT coalesce(sum(kf_n), 0) FROM {DISTINCT}").fetchone()
    return int(row[0]) if row else 0


def save_values(
    cur: duckdb.DuckDBPyConnection,
    table: str,
    fields: list[str],
    where: str,
    params: Any,
    batch: int,
) -> None:
    """Save the previous values counted by `count_changing` for the batch: the distinct ones
    with their codes, then each record's id and code, read in the same scan as its values."""
    saved = edit_table(batch)
    names = ["modified_at", *fields]
    row = cur.execute(
        f"SELECT count(*) = count(DISTINCT kf_code), bool_and(kf_high - kf_low + 1 = kf_n)"
        f" FROM {DISTINCT}"
    ).fetchone()
    if row and row[0] and row[1]:
        # Each combination's records are a run of consecutive ids (the records of one import
        # holding one value): the runs are the ids, and no record needs a row of its own.
        cur.execute(
            f"CREATE TABLE {saved}_values AS SELECT kf_code AS code, kf_low AS id_low,"
            f" kf_high AS id_high, {', '.join(names)} FROM {DISTINCT}"
        )
        cur.execute(
            f"CREATE VIEW {saved} AS SELECT unnest(range(v.id_low, v.id_high + 1)) AS id,"
            f" v.code FROM {saved}_values v"
        )
    elif row and row[0]:
        cur.execute(
            f"CREATE TABLE {saved}_values AS SELECT kf_code AS code, {', '.join(names)}"
            f" FROM {DISTINCT}"
        )
        code = CODE.format(", ".join(f"m.{n}" for n in names))
        cur.execute(
            f"CREATE TABLE {saved} AS SELECT m.id, {code} AS code FROM {table} m WHERE {where}",
            params,
        )
    else:
        _save_numbered(cur, table, names, where, params, saved)
    cur.execute(f"DROP TABLE {DISTINCT}")


def _save_numbered(
    cur: duckdb.DuckDBPyConnection,
    table: str,
    names: list[str],
    where: str,
    params: Any,
    saved: str,
) -> None:
    """The exact form when codes would be ambiguous: the combinations numbered, each record
    joined to its own by the values."""
    cur.execute(
        f"CREATE TABLE {saved}_values AS SELECT row_number() OVER () AS code, {', '.join(names)}"
        f" FROM (SELECT DISTINCT {', '.join(names)} FROM {DISTINCT})"
    )
    same = " AND ".join(f"v.{n} IS NOT DISTINCT FROM m.{n}" for n in names)
    cur.execute(
        f"CREATE TABLE {saved} AS SELECT m.id, v.code FROM {table} m"
        f" JOIN {saved}_values v ON {same} WHERE {where}",
        params,
    )


def saved_rows(cur: duckdb.DuckDBPyConnection, batch: int) -> str:
    """SQL of the saved rows `(id, modified_at, <fields>)` of a mass edit, any form."""
    saved = edit_table(batch)
    if not _exists(cur, f"{saved}_values"):
        return saved
    runs = ", id_low, id_high" if saved_runs(cur, batch) else ""
    return (
        f"(SELECT s.id, v.* EXCLUDE (code{runs}) FROM {saved} s JOIN {saved}_values v USING (code))"
    )


def saved_runs(cur: duckdb.DuckDBPyConnection, batch: int) -> str | None:
    """The table of a mass edit's saved values when they were saved as runs of ids
    (`id_low`, `id_high`, the values), else None."""
    return f"{edit_table(batch)}_values" if _exists(cur, edit_table(batch), "view") else None


def drop_saved(cur: duckdb.DuckDBPyConnection, batch: int) -> None:
    saved = edit_table(batch)
    kind = "VIEW" if _exists(cur, saved, "view") else "TABLE"
    cur.execute(f"DROP {kind} IF EXISTS {saved}")
    cur.execute(f"DROP TABLE IF EXISTS {saved}_values")


def _exists(cur: duckdb.DuckDBPyConnection, name: str, kind: str = "table") -> bool:
    row = cur.execute(
        f"SELECT count(*) FROM duckdb_{kind}s() WHERE {kind}_name = ? AND NOT temporary", [name]
    ).fetchone()
    return bool(row and row[0])
