"""Rows -> records when rows are matched (duplicates, sales orders): groups, matches, `kf_recs`.

- `kf_groups(mk, first_rn, last_rn, n, id, nm)`: one row per match key of the file: its first and
  last row, how many rows, and the existing records with that key (`nm` of them, `id` the
  smallest). Grouping and matching are one statement: the file's keys are aggregated once and
  joined once to the module's records (no per-group id list: the ids of an ambiguous key are
  looked up afterwards, for those few keys only).
- `kf_matches`: a view of the groups that match records (`mk`, `id`, `n`).
- `kf_recs`: one row per record, built in one pass over `kf_rows` joined to `kf_groups` by key:
  each row whose group it stands for (the last under overwrite, the first otherwise) carries its
  values through; only groups of several rows under merge (and sales orders) are aggregated.

Fast path, when the file names each record once (a re-import of an export): `kf_ids(first_rn,
action, id, mk)` is the rows joined once to the records by key, and `kf_recs` a view of it, kept
when no row met two records, no record two rows and no unmatched key is on two rows; else the
full path runs (docs/architecture.md has the figures). New records' ids go to `Context.ids_table`.
"""

from __future__ import annotations

from kafinea_tui.data.importer.context import GROUPS, IDS, MATCHES, Context
from kafinea_tui.data.importer.rules import MATCH_AMBIGUOUS, action_of, reason_sql
from kafinea_tui.data.importer.sql import drop_temp, key_sql, lit
from kafinea_tui.data.store.results import first_row


def build_grouped(ctx: Context, rows: str, recs: str, fail: str, match: list[str]) -> None:
    """kf_groups, kf_matches, the failures of ambiguous keys, and kf_recs (without ids for new
    records: those are drawn in file order afterwards)."""
    cur, module = ctx.cur, ctx.module
    fields = [t.sql_name for t in ctx.record_targets]
    mode = ctx.duplicates.value if ctx.duplicates is not None else "create"
    action = action_of(ctx.duplicates)
    drop_temp(cur, MATCHES)
    # Sales orders repeat their key on each line item: the full path.
    fast = mode != "create" and module.name != "salesorders"
    if fast and _one_row_per_record(ctx, rows, recs, fail, match, action):
        return
    cur.execute(f"DROP TABLE IF EXISTS {GROUPS}")
    # The rows of one key apply in file order, and the first one made the record: a match
    # field keeps that row's spelling (`f_<field>`), whichever row's other values win.
    keys = [f"v_{m}" for m in match if f"v_{m}" in fields]
    firsts = "".join(f", arg_min({c}, rn) AS f_{c}" for c in keys)
    by_key = (
        f"SELECT mk, min(rn) AS first_rn, max(rn) AS last_rn, count(*) AS n{firsts} FROM {rows}"
        " WHERE err_reason IS NULL AND mk IS NOT NULL GROUP BY mk"
    )
    db_key = key_sql(match)
    if ctx.duplicates is not None:
        cur.execute(
            f"CREATE TEMP TABLE {GROUPS} AS SELECT g.mk, any_value(g.first_rn) AS first_rn,"
            " any_value(g.last_rn) AS last_rn, any_value(g.n) AS n,"
            f"{''.join(f' any_value(g.f_{c}) AS f_{c},' for c in keys)} min(m.id) AS id,"
            f" count(m.id) AS nm FROM ({by_key}) g LEFT JOIN {module.table} m"
            f" ON {db_key} = g.mk GROUP BY g.mk"
        )
    else:
        cur.execute(
            f"CREATE TEMP TABLE {GROUPS} AS SELECT *, NULL::BIGINT AS id, 0 AS nm FROM ({by_key})"
        )
    cur.execute(f"CREATE TEMP VIEW {MATCHES} AS SELECT mk, id, nm AS n FROM {GROUPS} WHERE nm > 0")
    _fail_ambiguous(ctx, rows, fail, db_key, match)
    pick = "last_rn" if mode == "overwrite" else "first_rn"
    # Rows of one key apply in file order: overwrite takes the last row's values, ignore the
    # first's (later rows are skipped); merge, and the lines of a new sales order, take each
    # field's last non-empty value. Match fields keep the first row's spelling throughout.
    aggregate = mode in ("merge", "create")
    single = "g.n = 1" if aggregate else "true"
    values = "".join(
        f", coalesce(g.f_{c}, r.{c}) AS {c}" if c in keys else f", r.{c}" for c in fields
    )
    record_action = "CASE WHEN g.nm = 1 THEN ? ELSE 'create' END"
    query = (
        f"SELECT CASE WHEN r.mk IS NULL THEN 'create' ELSE {record_action} END AS action, g.id,"
        f" r.mk, coalesce(g.first_rn, r.rn) AS first_rn{values}"
        f" FROM {rows} r LEFT JOIN {GROUPS} g ON g.mk = r.mk WHERE r.err_reason IS NULL"
        f" AND (r.mk IS NULL OR (r.rn = g.{pick} AND {single} AND g.nm <= 1))"
    )
    params = [action]
    if aggregate:
        lasts = "".join(
            f", {'arg_min' if c in keys else 'arg_max'}(r.{c}, r.rn) AS {c}" for c in fields
        )
        query += (
            f" UNION ALL SELECT {record_action}, g.id, g.mk, g.first_rn"
            f"{''.join(f', a.{c}' for c in fields)} FROM (SELECT r.mk{lasts} FROM {rows} r"
            f" WHERE r.err_reason IS NULL AND r.mk IN (SELECT mk FROM {GROUPS}"
            f" WHERE n > 1 AND nm <= 1) GROUP BY r.mk) a JOIN {GROUPS} g ON g.mk = a.mk"
        )
        params.append(action)
    drop_temp(cur, recs)
    cur.execute(f"CREATE TEMP TABLE {recs} AS {query}", params)
    if action == "skip":
        cur.execute(f"DELETE FROM {recs} WHERE action = 'skip'")


def _one_row_per_record(
    ctx: Context, rows: str, recs: str, fail: str, match: list[str], action: str
) -> bool:
    """The fast path: `kf_ids` (a record's row, action, id) from the rows joined to the records
    by key, and `recs` a view of it with the row's values, kept when each row met at most one
    record and each record (or unmatched key) at most one row; else dropped, False."""
    cur, module = ctx.cur, ctx.module
    drop_temp(cur, IDS)
    # Narrow on purpose: the values stay in the staged table and are read through the view, so
    # the import does not hold (and, under its memory bound, spill) a second copy of the file.
    # The key is kept for unmatched rows only: it is how the check below finds repeated ones.
    cur.execute(
        f"CREATE TEMP TABLE {IDS} AS SELECT r.rn AS first_rn, CASE WHEN m.id IS NULL"
        " THEN 'create' ELSE ? END AS action, m.id, CASE WHEN m.id IS NULL THEN r.mk END AS mk"
        f" FROM {rows} r LEFT JOIN {module.table} m"
        f" ON {key_sql(['m.' + c for c in match])} = r.mk WHERE r.err_reason IS NULL",
        [action],
    )
    # A row meeting two records adds a row; two rows of one key meet one record twice (or,
    # unmatched, repeat their key). Two statements: the unmatched keys are read only when there
    # are some, with a WHERE the scan applies (a FILTER clause read all 1M keys: 0.08 s more).
    ok = first_row(cur.execute(f"SELECT {int(ctx.rows)} - count(DISTINCT rn) FROM {fail}"))
    row = first_row(cur.execute(f"SELECT count(*), count(id), count(DISTINCT id) FROM {IDS}"))
    distinct = bool(ok and row and row[0] == ok[0] and row[1] == row[2])
    if distinct and row and row[1] < row[0]:
        new = cur.execute(f"SELECT count(mk) = count(DISTINCT mk) FROM {IDS} WHERE id IS NULL")
        distinct = bool((first_row(new) or [False])[0])
    if not distinct:
        drop_temp(cur, IDS)
        return False
    if action == "skip":
        cur.execute(f"DELETE FROM {IDS} WHERE action = 'skip'")
    values = "".join(f", r.{t.sql_name}" for t in ctx.record_targets)
    # Rows that fail later (mandatory, unique) drop out by kf_fail, as in the plain path.
    cur.execute(
        f"CREATE TEMP VIEW {recs} AS SELECT i.action, i.id, i.mk, i.first_rn{values}"
        f" FROM {IDS} i JOIN {rows} r ON r.rn = i.first_rn"
        f" WHERE i.first_rn NOT IN (SELECT rn FROM {fail})"
    )
    ctx.ids_table = IDS
    return True


def _fail_ambiguous(ctx: Context, rows: str, fail: str, db_key: str, match: list[str]) -> None:
    """Rows whose key matches several records fail, naming the records (nothing is guessed)."""
    cur, module = ctx.cur, ctx.module
    found = first_row(cur.execute(f"SELECT count(*) FROM {GROUPS} WHERE nm > 1"))
    if not found or not found[0]:
        return
    label = ", ".join(module.field(m).label for m in match)
    text = reason_sql(MATCH_AMBIGUOUS, module=lit(module.label), fields="?", ids="a.ids")
    cur.execute(
        f"INSERT INTO {fail} SELECT r.rn, ?, {text} FROM {rows} r JOIN"
        f" (SELECT g.mk, string_agg(CAST(m.id AS VARCHAR), ', ' ORDER BY m.id) AS ids"
        f" FROM {GROUPS} g JOIN {module.table} m ON {db_key} = g.mk WHERE g.nm > 1"
        " GROUP BY g.mk) a ON a.mk = r.mk WHERE r.err_reason IS NULL",
        [label, label],
    )
