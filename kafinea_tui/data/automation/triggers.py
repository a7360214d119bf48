"""Workflows as data, fired in the transaction of the changes they watch.

`fire(cur, triggers, since)` runs just before a transaction commits (Store.transaction calls it):
for each trigger it selects, in one SQL statement, the records of its module changed in this
transaction (change-log cursor after `since`) by the trigger's operations and fields, that match
its `when`; then it inserts their deliveries into kf_outbox and applies its updates, all in the
same transaction. So a change and its deliveries commit together or not at all, whatever wrote
the change (the app, an import, a mass edit, the API, a pull).

A workflow's `update` is a change too: workflows fire again over the changes the updates made,
in the next round (every workflow of a round sees the same changes and the same records), up
to MAX_DEPTH rounds; a cascade still going then stops and is recorded in kf_workflow_fires.

Deliveries are queued as references (record id, change cursor), their payloads rendered before
the next write (store/outbox_render.py), unless an `update` action runs in the same commit: it
could change the records after they fired, so then each payload is built as it is queued.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb

from kafinea_tui.data.automation.outbox import new_batch
from kafinea_tui.data.schema import Module
from kafinea_tui.data.store.change_log import (
    BATCHES_AFTER,
    entries_after,
    log_id_set,
    modules_changed_after,
    top_cursor,
    utc_now,
)
from kafinea_tui.data.store.outbox_render import can_defer, select_sql
from kafinea_tui.data.store.results import first_row

MAX_DEPTH = 5
FIRED = "kf_fired"
# The records each trigger of a round fired for, kept until the round's updates are applied.
ROUND_UPDATES = "kf_round_updates"


@dataclass(frozen=True)
class Enqueue:
    """One send or email action: the payload expression over `r` and where it goes. What is
    the same for every record (a JSON envelope around each payload) is the `envelope`'s text
    before and after it, kept once for all the deliveries of a firing."""

    kind: str  # 'send' | 'email'
    target: str  # the endpoint's name; for email, the SMTP relay ('smtp')
    payload_sql: str
    payload_params: tuple[Any, ...] = ()
    envelope: tuple[str, str] = ("", "")


@dataclass(frozen=True)
class Trigger:
    workflow: str
    module: Module
    ops: tuple[str, ...]
    when_sql: str = "TRUE"
    when_params: tuple[Any, ...] = ()
    changed: tuple[str, ...] = ()
    enqueues: tuple[Enqueue, ...] = ()
    updates: dict[str, Any] = field(default_factory=dict)  # typed values, checked at config time


def fire(cur: duckdb.DuckDBPyConnection, triggers: Sequence[Trigger], since: int) -> None:
    """Enqueue and apply what the changes after `since` fire, round after round.

    A round is the changes between two cursors, (`since`, `top`]. Every trigger of the round
    first selects its records among those changes and queues its deliveries, all against the
    records as they are at the round's start; only then are the round's `update` actions
    applied, and their changes (past `top`) are the next round's. Why: applied as soon as its
    own workflow had selected, an update was seen by the workflows listed after it in the same
    round (on the records after the update), then again in the next round, so a workflow fired
    twice, or never, depending on its place in config.toml."""
    updating = any(t.updates for t in triggers)
    cascading: set[str] = set()  # update workflows fired by a workflow's change
    for depth in range(MAX_DEPTH + 1):
        top = top_cursor(cur)
        if top <= since:
            return
        if depth == MAX_DEPTH:
            names = cascading or {t.workflow for t in triggers if t.updates}
            _record_stop(cur, since, sorted(names))
            return
        if updating:
            cur.execute(f"CREATE OR REPLACE TEMP TABLE {ROUND_UPDATES} (n INTEGER, id BIGINT)")
        # A trigger of a module this round did not change has nothing to select: a record
        # saved in the app pays for the workflows of its own module only.
        changed = modules_changed_after(cur, since)
        now = utc_now()
        fired = [
            (n, trigger)
            for n, trigger in enumerate(triggers)
            if trigger.module.name in changed
            and _fire_one(cur, n, trigger, (since, top), depth, not updating, now)
        ]
        for n, trigger in fired:
            if trigger.updates and _apply_updates(cur, n, trigger, now) and depth > 0:
                cascading.add(trigger.workflow)
        if updating:
            cur.execute(f"DROP TABLE IF EXISTS {ROUND_UPDATES}")
        since = top


def _record_stop(cur: duckdb.DuckDBPyConnection, since: int, names: list[str]) -> None:
    """The cascade still going after MAX_DEPTH rounds: its changes fire nothing more, and the
    stop is kept in kf_workflow_fires (a `note`; `records`: how many records had changes left
    unfired), where the automation's status shows it (runs.stops). `names` are the workflows
    whose updates kept it going (those fired by a workflow's change, not only by the first)."""
    row = first_row(
        cur.execute(
            "SELECT count(*) FROM (SELECT DISTINCT module, record_id FROM kf_changes_after(?))",
            [since],
        )
    )
    cur.execute(
        "INSERT INTO kf_workflow_fires VALUES (?, ?, ?, ?, ?)",
        [
            ", ".join(names),
            utc_now(),
            int(row[0]) if row else 0,
            MAX_DEPTH,
            f"stopped after {MAX_DEPTH} rounds: the updates of these workflows keep "
            "changing records that fire them again",
        ],
    )


def _fire_one(
    cur: duckdb.DuckDBPyConnection,
    n: int,
    trigger: Trigger,
    span: tuple[int, int],
    depth: int,
    defer: bool,
    now: Any,
) -> bool:
    """Select the trigger's records among the round's changes (cursors in `span`), queue its
    deliveries and keep the ids its updates are for (in ROUND_UPDATES, under `n`); whether it
    fired for any record. Nothing here writes a record or the change log, so every trigger of
    the round sees the same changes and the same records."""
    since, top = span
    table = trigger.module.table
    ops = ", ".join("?" for _ in trigger.ops)
    # A create logs no field list (every field of a new record is new): it passes `changed`.
    changed = (
        " AND (fields IS NULL OR list_has_any(fields, ?::VARCHAR[]))" if trigger.changed else ""
    )
    params: list[Any] = [since, top, trigger.module.name, *trigger.ops]
    params += [list(trigger.changed)] if trigger.changed else []
    same, same_params = _unchanged_in_batch(trigger, since)
    # Each record's last change; one log entry (an import's set, one save) has one per record,
    # and then grouping 100,000 changes by record would cost a third of this statement.
    if entries_after(cur, trigger.module.name, since) == 1:
        latest, group = "record_id, cursor, op", ""
    else:
        latest = "record_id, max(cursor) AS cursor, arg_max(op, cursor) AS op"
        group = " GROUP BY record_id"
    cur.execute(
        f"CREATE OR REPLACE TEMP TABLE {FIRED} AS SELECT r.id, c.cursor, c.op"
        f" FROM (SELECT {latest}"
        f" FROM kf_changes_after(?) WHERE cursor <= ? AND module = ? AND op IN ({ops}){changed}"
        f"{group}) c JOIN {table} r ON r.id = c.record_id"
        f" WHERE coalesce({trigger.when_sql}, FALSE){same}",
        [*params, *trigger.when_params, *same_params],
    )
    row = first_row(cur.execute(f"SELECT count(*) FROM {FIRED}"))
    count = int(row[0]) if row else 0
    if not count:
        return False
    for enqueue in trigger.enqueues:
        later = defer and can_defer(enqueue.payload_params)
        batch = new_batch(
            cur,
            enqueue.kind,
            enqueue.target,
            workflow=trigger.workflow,
            module=trigger.module.name,
            envelope=enqueue.envelope,
            render=(select_sql(enqueue.payload_sql, table), list(enqueue.payload_params))
            if later
            else None,
        )
        if later:
            cur.execute(
                "INSERT INTO kf_outbox_rows (id, batch, record_id, change_cursor)"
                f" SELECT nextval('kf_outbox_seq'), ?, f.id, f.cursor FROM {FIRED} f",
                [batch],
            )
            continue
        cur.execute(
            "INSERT INTO kf_outbox_rows (id, batch, record_id, change_cursor, payload)"
            f" SELECT nextval('kf_outbox_seq'), ?, r.id, f.cursor, {enqueue.payload_sql}"
            f" FROM {FIRED} f JOIN {table} r ON r.id = f.id",
            [batch, *enqueue.payload_params],
        )
    if trigger.updates:
        cur.execute(f"INSERT INTO {ROUND_UPDATES} SELECT ?, id FROM {FIRED}", [n])
    cur.execute(
        "INSERT INTO kf_workflow_fires VALUES (?, ?, ?, ?, NULL)",
        [trigger.workflow, now, count, depth],
    )
    cur.execute(f"DROP TABLE IF EXISTS {FIRED}")
    return True


def _unchanged_in_batch(trigger: Trigger, since: int) -> tuple[str, list[Any]]:
    """Leave out records a batch of this transaction (an import, a mass edit) left unchanged in
    the `changed` fields. A batch logs the fields it wrote, for every record it updated; the
    values each record had before are in `<module>_prev`, so comparing them says which records
    really changed one of the watched fields. Only for column fields (lines live elsewhere)."""
    fields = [trigger.module.find_field(name) for name in trigger.changed]
    if not trigger.changed or not all(f is not None and f.is_column for f in fields):
        return "", []
    same = " AND ".join(f"p.{f.name} IS NOT DISTINCT FROM r.{f.name}" for f in fields if f)
    return (
        f" AND NOT EXISTS (SELECT 1 FROM {trigger.module.table}_prev p WHERE p.id = r.id"
        f" AND p.prev_batch_id IN ({BATCHES_AFTER}) AND {same})",
        [since, since],
    )


def _apply_updates(cur: duckdb.DuckDBPyConnection, n: int, trigger: Trigger, now: Any) -> int:
    """Set the fields on the records trigger `n` fired for this round (ROUND_UPDATES) whose
    values differ (no change, no log entry); how many records changed."""
    names = list(trigger.updates)
    sets = ", ".join(f"{name} = ?" for name in names)
    differs = " OR ".join(f"{name} IS DISTINCT FROM ?" for name in names)
    values = list(trigger.updates.values())
    table = trigger.module.table
    cur.execute(
        "CREATE OR REPLACE TEMP TABLE kf_fired_update AS SELECT id FROM"
        f" {table} WHERE id IN (SELECT id FROM {ROUND_UPDATES} WHERE n = ?) AND ({differs})",
        [n, *values],
    )
    cur.execute(
        f"UPDATE {table} SET {sets}, modified_at = ? WHERE id IN (SELECT id FROM kf_fired_update)",
        [*values, now],
    )
    count = log_id_set(
        cur,
        trigger.module.name,
        "SELECT id FROM kf_fired_update",
        "update",
        "workflow",
        fields=names,
    )
    cur.execute("DROP TABLE IF EXISTS kf_fired_update")
    return count
