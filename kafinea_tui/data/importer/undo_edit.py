"""Undoing a mass edit in the module it edited: one UPDATE ... FROM the batch's saved values.

A mass edit saved each changed record's id, `modified_at` and edited fields as they were
(bulk.saved_values: ids and codes in `kf_edit_<batch>`, the values they stand for beside, or
runs of consecutive ids beside their values). Undo leaves out the records changed since by
anything else (`LATER_WORK`: a later change-log entry of another source or batch, but for what
an undo took back since; undo never throws away later work) and marks them kept, puts the saved
values back by a join on the saved ids (on the runs' ranges of ids when saved as runs), and
logs the restored records as one change-log set. The general path of `undo` (a temporary table
of every record the batch touched, then an UPDATE filtered by it) cost 5x this on a million
records.
"""

from __future__ import annotations

import duckdb

from kafinea_tui.data.bulk.batch import edit_table
from kafinea_tui.data.bulk.saved_planes import code_of
from kafinea_tui.data.bulk.saved_values import SavedForm, saved_among, saved_rows, saved_span
from kafinea_tui.data.schema import Module
from kafinea_tui.data.store.change_log import log_id_set, modules_changed_after

# The records of `$module` with later work since a batch's last log entry (`$last`): a change
# by anything but the batch (`$batch`) itself, leaving out what an undo took back. An undo's
# own entries (source 'undo') only ever put back records the way they were before its batch,
# and a change by a batch since undone is left out for each record its undo took back, that is
# every record it changed but those its undo kept ('kept' in `kf_batch_rows`, written by the
# undo). So a later batch undone first leaves the earlier one to be undone completely, while
# the app's edits, the API's, a batch not undone and a change an undo left in place still
# count.
LATER_WORK = (
    "SELECT c.record_id AS id FROM kf_changes_after($last) c WHERE c.module = $module"
    " AND c.batch_id IS DISTINCT FROM $batch AND c.source <> 'undo'"
    " AND NOT coalesce(c.batch_id IN (SELECT u.id FROM kf_batches u"
    " WHERE u.undone_at IS NOT NULL) AND NOT EXISTS (SELECT 1 FROM kf_batch_rows k"
    " WHERE k.action = 'kept' AND k.batch_id = c.batch_id AND k.module = c.module"
    " AND k.record_id = c.record_id), false)"
)


def undo_edit(
    cur: duckdb.DuckDBPyConnection,
    module: Module,
    batch_id: int,
    last_cursor: int,
    edited: list[str],
    form: SavedForm,
) -> tuple[int, list[int]]:
    """Restore the edited fields of the records the mass edit changed (saved in `form`);
    return how many were restored and the ids of those changed since (left as they are), in
    id order."""
    saved = edit_table(batch_id)
    # Nothing logged in the module since the batch's last entry (the common case): no record
    # to look for, and the statement expanding the log's sets is not run.
    kept = (
        [
            int(r[0])
            for r in cur.execute(
                f"{saved_among(batch_id, form, LATER_WORK)} ORDER BY id",
                {"last": last_cursor, "module": module.name, "batch": batch_id},
            ).fetchall()
        ]
        if module.name in modules_changed_after(cur, last_cursor)
        else []
    )
    left = "m.id NOT IN (SELECT unnest($kept::BIGINT[]))" if kept else "true"
    if kept:
        cur.execute(
            "INSERT INTO kf_batch_rows SELECT $batch, $module, unnest($kept::BIGINT[]), 'kept'",
            {"batch": batch_id, "module": module.name, "kept": kept},
        )
    columns = ["modified_at", *(f.name for f in module.columns if f.name in edited)]
    sets = ", ".join(f"{c} = v.{c}" for c in columns)
    if form.kind == "runs":
        # One run a combination of values: a range of ids each, no join on the ids.
        source = f"{saved}_values v WHERE m.id BETWEEN v.id_low AND v.id_high"
    elif form.planes is not None:
        # Each record's combination read from the planes by its id: a join on K combinations.
        code = code_of("p", "m.id", form.planes)
        source = (
            f"{saved}_planes p, {saved}_values v"
            f" WHERE m.id BETWEEN p.id_low AND p.id_high AND v.code = {code}"
        )
    else:
        source = f"{saved_rows(batch_id, form)} v WHERE v.id = m.id"
    params = {"kept": kept} if kept else {}
    cur.execute(f"UPDATE {module.table} AS m SET {sets} FROM {source} AND {left}", params)
    span = None if kept else saved_span(cur, batch_id, form)
    restored = log_id_set(
        cur,
        module.name,
        f"SELECT id FROM {saved} m WHERE {left}",
        "update",
        "undo",
        fields=edited,
        params=params,
        span=(span.count, span.low, span.high) if span else None,
    )
    return restored, kept
