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
a million ids. Planes: when the combinations are few but their records interleaved, each
record's number among them is written as bit planes over the range of ids (`saved_planes`),
and `kf_edit_<batch>` is a view reading them. `saved_form` tells the forms apart.

Few combinations (at most `saved_planes.MAX_CODES`, all shown by the first changed records)
are found, numbered and saved as runs or planes from one scan (`few_values`); the hashed codes
are the general path, for the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from kafinea_tui.data.bulk import saved_planes
from kafinea_tui.data.bulk.batch import Span, edit_table, runs_view
from kafinea_tui.data.bulk.few_values import Few, drop_few, save_few, scan_few
from kafinea_tui.data.store.results import first_row

DISTINCT = "kf_edit_distinct"
# The code of a record's saved combination: a hash of `modified_at` and the edited fields.
CODE = "hash({})"
# A column stored without compression (see `save_values`).
AS_IS = "USING COMPRESSION uncompressed"


@dataclass(frozen=True)
class Changing:
    """What `count_changing` found: the changed records' count and range of ids, whether
    their combinations' codes are unique, whether each combination's records are a run, and
    the codes in order when they are few enough for planes; `few` when one scan found it all
    (`few_values`)."""

    span: Span
    unique: bool
    runs: bool
    codes: list[int] | None
    few: Few | None = None


def count_changing(
    cur: duckdb.DuckDBPyConnection,
    table: str,
    fields: list[str],
    where: str,
    params: Any,
    bounds: tuple[int, int],
) -> Changing:
    """Count the records `where` (a condition on `m`) names and keep what `save_values` needs
    in temporary tables: each record's number among few combinations (`few_values`, in one
    scan; `bounds`: the lowest and highest ids they can have), else their distinct previous values with
    their codes (one scan, the records read again when saved)."""
    quick = scan_few(cur, table, ["modified_at", *fields], where, params, bounds)
    if quick is not None:
        span, few = quick
        return Changing(span, True, few.runs, None, few)
    drop_few(cur)
    return count_distinct(cur, table, fields, where, params)


def count_distinct(
    cur: duckdb.DuckDBPyConnection, table: str, fields: list[str], where: str, params: Any
) -> Changing:
    """The general path: the distinct previous values with their codes, counts and ranges of
    ids in `kf_edit_distinct`, in one scan; `save_values` reads the records again."""
    names = ", ".join(["modified_at", *fields])
    cur.execute(
        f"CREATE OR REPLACE TEMP TABLE {DISTINCT} AS SELECT {CODE.format(names)} AS kf_code, *"
        f" FROM (SELECT {names}, count(*) AS kf_n, min(m.id) AS kf_low, max(m.id) AS kf_high"
        f" FROM {table} m WHERE {where} GROUP BY ALL)",
        params,
    )
    row = first_row(
        cur.execute(
            f"SELECT coalesce(sum(kf_n), 0), min(kf_low), max(kf_high),"
            f" count(*) = count(DISTINCT kf_code), bool_and(kf_high - kf_low + 1 = kf_n),"
            f" CASE WHEN count(*) <= {int(saved_planes.MAX_CODES)}"
            f" THEN list(kf_code ORDER BY kf_code) END FROM {DISTINCT}"
        )
    )
    if not row:
        return Changing(Span(0, 0, 0), True, True, [])
    span = Span(int(row[0]), int(row[1] or 0), int(row[2] or 0))
    codes = None if row[5] is None else [int(c) for c in row[5]]
    return Changing(span, bool(row[3]), bool(row[4]), codes)


def drop_counted(cur: duckdb.DuckDBPyConnection, changing: Changing) -> None:
    """Drop what `count_changing` kept, where `save_values` (which drops it) did not run."""
    if changing.few is not None:
        drop_few(cur)
    else:
        cur.execute(f"DROP TABLE IF EXISTS {DISTINCT}")


def save_values(
    cur: duckdb.DuckDBPyConnection,
    table: str,
    fields: list[str],
    where: str,
    params: Any,
    batch: int,
    changing: Changing,
) -> None:
    """Save the previous values `count_changing` found for the batch, in the smallest form
    that fits them (runs, planes, hashed codes, numbered codes)."""
    saved = edit_table(batch)
    names = ["modified_at", *fields]
    span, unique, runs = changing.span, changing.unique, changing.runs
    if changing.few is not None:
        save_few(cur, table, names, (where, params), saved, span, changing.few)
        drop_few(cur)
        return
    if unique and runs:
        # Each combination's records are a run of consecutive ids (the records of one import
        # holding one value): the runs are the ids, and no record needs a row of its own.
        cur.execute(
            f"CREATE TABLE {saved}_values AS SELECT kf_code AS code, kf_low AS id_low,"
            f" kf_high AS id_high, {', '.join(names)} FROM {DISTINCT}"
        )
        runs_view(cur, saved)
    elif unique and changing.codes and saved_planes.fits(len(changing.codes), span):
        code = CODE.format(", ".join(f"m.{n}" for n in names))
        saved_planes.save_planes(
            cur, table, names, (where, params), saved, DISTINCT, code, changing.codes, span
        )
    elif unique:
        cur.execute(
            f"CREATE TABLE {saved}_values AS SELECT kf_code AS code, {', '.join(names)}"
            f" FROM {DISTINCT}"
        )
        code = CODE.format(", ".join(f"m.{n}" for n in names))
        # Stored as they are: hashes do not compress, and trying every method on a million
        # ids and hashes cost more than writing them (DuckDB's per-column choice).
        cur.execute(f"CREATE TABLE {saved} (id BIGINT {AS_IS}, code UBIGINT {AS_IS})")
        cur.execute(f"INSERT INTO {saved} SELECT m.id, {code} FROM {table} m WHERE {where}", params)
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


@dataclass(frozen=True)
class SavedForm:
    """The form a mass edit's previous values were saved in: 'runs', 'planes' (with how many
    planes and their base), 'codes' (a table of ids and codes, hashed or numbered) or 'rows'
    (the single table of workspaces before the codes)."""

    kind: str
    planes: saved_planes.Planes | None = None


def saved_form(cur: duckdb.DuckDBPyConnection, batch: int) -> SavedForm:
    saved = edit_table(batch)
    found = {
        (str(r[0]), str(r[1]))
        for r in cur.execute(
            "SELECT table_name, 'table' FROM duckdb_tables() WHERE NOT temporary"
            " AND table_name IN ($1 || '_values', $1 || '_planes')"
            " UNION ALL SELECT view_name, 'view' FROM duckdb_views() WHERE NOT temporary"
            " AND view_name = $1",
            [saved],
        ).fetchall()
    }
    if (f"{saved}_planes", "table") in found:
        return SavedForm("planes", saved_planes.saved_planes(cur, saved))
    if (saved, "view") in found:
        return SavedForm("runs")
    return SavedForm("codes" if (f"{saved}_values", "table") in found else "rows")


def saved_rows(batch: int, form: SavedForm) -> str:
    """SQL of the saved rows `(id, modified_at, <fields>)` of a mass edit saved in `form`."""
    saved = edit_table(batch)
    if form.kind == "rows":
        return saved
    runs = ", id_low, id_high" if form.kind == "runs" else ""
    return (
        f"(SELECT s.id, v.* EXCLUDE (code{runs}) FROM {saved} s JOIN {saved}_values v USING (code))"
    )


def saved_span(cur: duckdb.DuckDBPyConnection, batch: int, form: SavedForm) -> Span:
    """The saved records' count and range of ids, without expanding runs or planes."""
    saved = edit_table(batch)
    planes = form.planes
    if planes is not None and planes.base == 0 and planes.high:  # every id of the range
        return Span(planes.high - planes.low + 1, planes.low, planes.high)
    if form.kind == "runs":
        sql = f"SELECT sum(id_high - id_low + 1), min(id_low), max(id_high) FROM {saved}_values"
    elif form.planes is not None:
        ones = " | ".join(f"p{j}" for j in range(form.planes.count))
        sql = (
            f"SELECT CASE base WHEN 0 THEN id_high - id_low + 1 ELSE bit_count({ones}) END,"
            f" id_low, id_high FROM {saved}_planes"
        )
    else:
        sql = f"SELECT count(*), min(id), max(id) FROM {saved}"
    row = first_row(cur.execute(sql))
    return Span(int(row[0] or 0), int(row[1] or 0), int(row[2] or 0)) if row else Span(0, 0, 0)


def saved_among(batch: int, form: SavedForm, ids_sql: str) -> str:
    """SQL of the ids of `ids_sql` (one `id` column) that the mass edit saved, read from the
    runs' ranges or the planes by id rather than by expanding them."""
    saved = edit_table(batch)
    if form.kind == "runs":
        return (
            f"SELECT DISTINCT q.id FROM ({ids_sql}) q JOIN {saved}_values v"
            " ON q.id BETWEEN v.id_low AND v.id_high"
        )
    if form.planes is not None:
        code = saved_planes.code_of("p", "q.id", form.planes)
        return (
            f"SELECT DISTINCT q.id FROM ({ids_sql}) q, {saved}_planes p"
            f" WHERE q.id BETWEEN p.id_low AND p.id_high AND (p.base = 0 OR {code} <> 0)"
        )
    return f"SELECT id FROM {saved} WHERE id IN ({ids_sql})"


def drop_saved(cur: duckdb.DuckDBPyConnection, batch: int, form: SavedForm | None = None) -> None:
    """Drop a mass edit's saved values, in `form` when the caller has read it."""
    saved = edit_table(batch)
    kind = (form or saved_form(cur, batch)).kind
    cur.execute(f"DROP {'VIEW' if kind in ('runs', 'planes') else 'TABLE'} IF EXISTS {saved}")
    if kind != "rows":
        cur.execute(f"DROP TABLE IF EXISTS {saved}_values")
    if kind == "planes":
        cur.execute(f"DROP TABLE IF EXISTS {saved}_planes")
