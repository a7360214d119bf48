"""Past imports and undoing one.

Undo works from what the batch recorded: the records it created carry its id in their
`batch_id` column (an update never changes that column); `kf_batch_rows` names the records it
updated or merged (and, in workspaces imported before, the created ones too), and
`<module>_prev` holds their previous values. A record changed after the import by anything else (a
later `kf_changes` entry of another source or batch, `undo_edit.LATER_WORK`) is left as it is and
named in the report: undo never throws away somebody's later work. What an undo took back is no
later work: a later batch undone first lets the earlier one be undone completely. So undo marks
the records it leaves as they are ('kept' in `kf_batch_rows`): a change of its batch on those
was not taken back, and still counts for the undo of an earlier batch.

A record the batch created (a row, or a related record) that records outside the batch
reference at the time of the undo (a later import's contacts, an order's lines, a record of the
batch left as it is) is kept too, and named: removing it would clear their references. The
created records are removed last, the referring modules' before those they refer to (a batch's
orders before its contacts and products), so what only the batch's removed records referred to
goes with them. It runs in one transaction, set-based.

Mass edits and mass deletes are batches too: a mass delete lists its records 'deleted' (their
rows in `<module>_prev`), and undo inserts them back, then rewrites the table's tail past the
first restored id in id order (the exporter relies on a table's order being its id order).

An undo is final: the batch is marked undone and cannot be undone twice, and an undo is not a
batch itself (its changes are logged with the source 'undo'). To redo a mass edit, run it again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from graphlib import TopologicalSorter
from typing import Any

import duckdb

from kafinea_tui.data.bulk.references import referrers
from kafinea_tui.data.bulk.saved_values import SavedForm, drop_saved, saved_form, saved_rows
from kafinea_tui.data.errors import KafineaError, NotFound
from kafinea_tui.data.importer.undo_deleted import recreate_deleted
from kafinea_tui.data.importer.undo_edit import LATER_WORK, undo_edit
from kafinea_tui.data.schema import LINE_ITEMS_TABLE
from kafinea_tui.data.store.change_log import batch_last_cursor, log_id_set
from kafinea_tui.data.store.database import Store, utc_now
from kafinea_tui.data.store.results import first_row


@dataclass
class BatchInfo:
    id: int
    module: str
    source: str
    file: str | None
    started_at: datetime
    finished_at: datetime | None
    undone_at: datetime | None
    report: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "batch": self.id,
            "module": self.module,
            "source": self.source,
            "file": self.file,
            "started_at": self.started_at.isoformat(sep=" ", timespec="seconds"),
            "finished_at": self.finished_at.isoformat(sep=" ", timespec="seconds")
            if self.finished_at
            else None,
            "undone_at": self.undone_at.isoformat(sep=" ", timespec="seconds")
            if self.undone_at
            else None,
            "report": self.report,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BatchInfo:
        """The entry again from its JSON shape (past imports listed by the workspace's owner)."""

        def moment(key: str) -> datetime | None:
            value = data.get(key)
            return datetime.fromisoformat(value) if value else None

        return cls(
            int(data["batch"]),
            str(data["module"]),
            str(data["source"]),
            data.get("file"),
            moment("started_at") or datetime.min,
            moment("finished_at"),
            moment("undone_at"),
            dict(data.get("report") or {}),
        )


@dataclass
class UndoReport:
    batch: int
    deleted: int = 0  # records the import created, removed
    restored: int = 0  # records it overwrote or merged, put back
    recreated: int = 0  # records it deleted (a mass delete), brought back
    # records changed since, or created and referenced since, left as they are
    kept: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "batch": self.batch,
            "deleted": self.deleted,
            "restored": self.restored,
            "recreated": self.recreated,
            "kept": list(self.kept),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> UndoReport:
        return cls(
            int(data["batch"]),
            int(data["deleted"]),
            int(data["restored"]),
            int(data["recreated"]),
            [str(k) for k in data["kept"]],
        )

    def question(self) -> str:
        """What the confirmation asks: "Remove 1,050,000 created records, restore 3 changed
        ones?" (counts of `undo_preview`)."""
        parts = []
        if self.deleted:
            parts.append(f"remove {self.deleted:,} created record{_s(self.deleted)}")
        if self.restored:
            parts.append(f"restore {self.restored:,} changed one{_s(self.restored)}")
        if self.recreated:
            parts.append(f"bring back {self.recreated:,} deleted one{_s(self.recreated)}")
        text = ", ".join(parts) or "nothing left to take back; mark it undone"
        used = sum(REFERENCED in line for line in self.kept)
        kinds = [
            f"{n:,} {kind} since"
            for n, kind in ((len(self.kept) - used, "changed"), (used, "referenced"))
            if n
        ]
        left = "is left as it is" if len(self.kept) == 1 else "are left as they are"
        kept = f" ({' and '.join(kinds)} {left})" if self.kept else ""
        return f"{text[0].upper()}{text[1:]}{kept}? This cannot be undone."


# What names a created record kept because others refer to it, in `UndoReport.kept`.
REFERENCED = " is referenced by "


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def list_batches(store: Store) -> list[BatchInfo]:
    """Every import, newest first."""
    rows = (
        store.cursor()
        .execute(
            "SELECT id, module, source, file, started_at, finished_at, undone_at, report"
            " FROM kf_batches ORDER BY id DESC"
        )
        .fetchall()
    )
    return [
        BatchInfo(int(r[0]), str(r[1]), str(r[2]), r[3], r[4], r[5], r[6], json.loads(r[7] or "{}"))
        for r in rows
    ]


def undo_preview(store: Store, batch_id: int) -> UndoReport:
    """The counts `undo_import` would report, computed by running it and rolling back."""
    with store.transaction(dry_run=True) as cur:
        return _undo(store, cur, batch_id)


def undo_import(store: Store, batch_id: int) -> UndoReport:
    """Remove what a batch created, restore what it overwrote or merged, bring back what it
    deleted."""
    with store.transaction() as cur:
        return _undo(store, cur, batch_id)


def _undo(store: Store, cur: duckdb.DuckDBPyConnection, batch_id: int) -> UndoReport:
    row = first_row(
        cur.execute(
            "SELECT module, undone_at, finished_at, report FROM kf_batches WHERE id = ?", [batch_id]
        )
    )
    if row is None:
        raise NotFound(
            f"There is no import {batch_id}; `kafinea-tui imports` lists them.",
            screen=f"There is no import {batch_id}; read the list of imports again.",
        )
    if row[1] is not None:
        raise KafineaError(f"Import {batch_id} was already undone on {row[1]:%Y-%m-%d %H:%M}.")
    summary = json.loads(row[3] or "{}")
    edited = list(summary.get("fields", [])) if summary.get("operation") == "update" else None
    report = UndoReport(batch_id)
    now = utc_now()
    last_cursor = batch_last_cursor(cur, batch_id)
    # The modules the batch listed records of, and its own (a mass edit lists none of its own
    # unless it created a related record there: then the general path undoes it).
    listed = {
        str(r[0])
        for r in cur.execute(
            "SELECT DISTINCT module FROM kf_batch_rows WHERE batch_id = ?", [batch_id]
        ).fetchall()
    }
    form = saved_form(cur, batch_id) if edited is not None else None
    created: list[str] = []  # the modules with created records to remove
    for name in sorted(listed | {str(row[0])}):
        module = store.module(name)
        mine = edited if name == str(row[0]) else None
        if mine is not None and form is not None and name not in listed:
            restored, kept = undo_edit(cur, module, batch_id, last_cursor, mine, form)
            report.restored += restored
            report.kept += [
                f"{module.label} {rid} (updated by the import) was changed since; left as it is."
                for rid in kept
            ]
            continue
        if _undo_module(store, cur, name, batch_id, last_cursor, mine, form, report):
            created.append(name)
    _remove_created(store, cur, batch_id, created, report)
    if form is not None:
        drop_saved(cur, batch_id, form)
    cur.execute("UPDATE kf_batches SET undone_at = ? WHERE id = ?", [now, batch_id])
    return report


def _undo_module(
    store: Store,
    cur: duckdb.DuckDBPyConnection,
    name: str,
    batch_id: int,
    last_cursor: int,
    edited: list[str] | None,
    form: SavedForm | None,
    report: UndoReport,
) -> bool:
    """Restore what the batch changed in a module and bring back what it deleted; leave the
    records it created and nothing changed since in `kf_undo_gone_<module>`, for
    `_remove_created`, and say whether there are any.

    `edited`: the fields a mass edit changed in this module (its records and their previous
    values of those fields are in `kf_edit_<batch>`, saved in `form`), None for an import or a
    delete (whole rows in `<module>_prev`, records listed in `kf_batch_rows`)."""
    module = store.module(name)
    table = module.table
    prev = (
        saved_rows(batch_id, form) if edited is not None and form is not None else f"{table}_prev"
    )
    # What the batch did to this module: created (by batch_id, or listed by older workspaces;
    # UNION makes one row of both) and updated or merged (listed, or saved by a mass edit).
    done = (
        f"SELECT id, 'created' AS action FROM {table} WHERE batch_id = $batch"
        " UNION SELECT record_id, CASE action WHEN 'related' THEN 'created' ELSE action END"
        " FROM kf_batch_rows WHERE batch_id = $batch AND module = $module AND action <> 'kept'"
    )
    if edited is not None:
        done += f" UNION ALL SELECT id, 'updated' FROM {prev}"
    params = {"batch": batch_id, "module": name, "last": last_cursor}
    cur.execute(
        "CREATE OR REPLACE TEMP TABLE kf_undo_rows AS SELECT b.id, b.action,"
        f" b.id IN ({LATER_WORK}) AS changed_since FROM ({done}) b",
        params,
    )
    for rid, action in cur.execute(
        "SELECT id, action FROM kf_undo_rows WHERE changed_since ORDER BY id"
    ).fetchall():
        what = str(action)
        report.kept.append(
            f"{module.label} {rid} ({what} by the import) was changed since; left as it is."
        )
    _mark_kept(cur, batch_id, name, "SELECT id FROM kf_undo_rows WHERE changed_since")
    create_q = "SELECT id FROM kf_undo_rows WHERE NOT changed_since AND action = 'created'"
    cur.execute(
        f"CREATE OR REPLACE TEMP TABLE kf_undo_gone_{name} AS"
        f" SELECT id FROM {table} WHERE id IN ({create_q})"
    )
    restore_q = (
        "SELECT id FROM kf_undo_rows WHERE NOT changed_since AND action IN ('updated', 'merged')"
    )
    if edited is not None:
        cols = ["modified_at", *(f.name for f in module.columns if f.name in edited)]
    else:
        cols = ["created_at", "modified_at", "batch_id", *(f.name for f in module.columns)]
    sets = ", ".join(f"{c} = p.{c}" for c in cols)
    count = first_row(cur.execute(f"SELECT count(*) FROM ({restore_q})"))
    restored = int(count[0]) if count else 0
    report.restored += restored
    if restored:
        batch_rows = "p.prev_batch_id = ? AND " if edited is None else ""
        cur.execute(
            f"UPDATE {table} SET {sets} FROM {prev} p WHERE {batch_rows}"
            f"p.id = {table}.id AND {table}.id IN ({restore_q})",
            [batch_id] if edited is None else [],
        )
        log_id_set(cur, name, restore_q, "update", "undo", fields=edited)
        if name == "salesorders" and edited is None:
            cur.execute(f"DELETE FROM {LINE_ITEMS_TABLE} WHERE salesorder_id IN ({restore_q})")
            cur.execute(
                f"INSERT INTO {LINE_ITEMS_TABLE} SELECT salesorder_id, position, product,"
                f" quantity, list_price FROM {LINE_ITEMS_TABLE}_prev WHERE prev_batch_id = ?"
                f" AND salesorder_id IN ({restore_q})",
                [batch_id],
            )
    report.recreated += recreate_deleted(cur, module, batch_id)
    gone = first_row(cur.execute(f"SELECT count(*) FROM kf_undo_gone_{name}"))
    if gone and gone[0]:
        return True
    cur.execute(f"DROP TABLE kf_undo_gone_{name}")
    return False


def _remove_created(
    store: Store,
    cur: duckdb.DuckDBPyConnection,
    batch_id: int,
    names: list[str],
    report: UndoReport,
) -> None:
    """Remove the records the batch created that nothing changed since (`kf_undo_gone_<module>`
    of `names`), but for those that records left in place refer to: those are kept and named.
    The modules that refer to others go first, so that what only the batch's removed records
    referred to is removed with them."""
    schema = store.schema
    referring = {
        name: {r.module.name for r in referrers(schema, store.module(name))} & (set(names) - {name})
        for name in names
    }
    for name in TopologicalSorter(referring).static_order():
        module = store.module(name)
        gone = f"kf_undo_gone_{name}"
        # Each record referring to one of them once (a module's record, an order for its
        # lines), whatever the field.
        uses = [
            f"SELECT '{r.module.name}' AS m, salesorder_id AS rid, product AS target"
            f" FROM {LINE_ITEMS_TABLE} WHERE product IN (SELECT id FROM {gone})"
            if r.is_items
            else f"SELECT '{r.module.name}' AS m, id AS rid, {f} AS target FROM {r.module.table}"
            f" WHERE {f} IN (SELECT id FROM {gone})"
            for r in referrers(schema, module)
            for f in r.fields
        ] or ["SELECT NULL AS m, NULL::BIGINT AS rid, NULL::BIGINT AS target WHERE false"]
        cur.execute(
            "CREATE OR REPLACE TEMP TABLE kf_undo_used AS SELECT target AS id, count(*) AS n"
            f" FROM ({' UNION '.join(uses)}) u GROUP BY target"
        )
        for rid, n in cur.execute("SELECT id, n FROM kf_undo_used ORDER BY id").fetchall():
            report.kept.append(
                f"{module.label} {rid} (created by the import){REFERENCED}{n:,} record{_s(n)}"
                " since; left as it is."
            )
        _mark_kept(cur, batch_id, name, "SELECT id FROM kf_undo_used")
        free = f"SELECT id FROM {gone} WHERE id NOT IN (SELECT id FROM kf_undo_used)"
        report.deleted += log_id_set(cur, name, free, "delete", "undo")
        cur.execute(f"DELETE FROM {module.table} WHERE id IN ({free})")
        if name == "salesorders":
            cur.execute(f"DELETE FROM {LINE_ITEMS_TABLE} WHERE salesorder_id IN ({free})")
        cur.execute(f"DROP TABLE {gone}")
        cur.execute("DROP TABLE kf_undo_used")


def _mark_kept(cur: duckdb.DuckDBPyConnection, batch_id: int, module: str, ids_sql: str) -> None:
    """Name in `kf_batch_rows` the records an undo leaves as they are: the batch's changes on
    them were not taken back, and still count as later work for the undo of an earlier batch
    (`undo_edit.LATER_WORK`)."""
    cur.execute(
        f"INSERT INTO kf_batch_rows SELECT DISTINCT ?, ?, id, 'kept' FROM ({ids_sql}) q",
        [batch_id, module],
    )
