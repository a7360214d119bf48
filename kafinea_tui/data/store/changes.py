"""Reading the change log: a module's entries after a cursor, oldest first (the API's changes
feed). Writing it is `change_log`; `kf_changes_after` expands a set operation's single log entry
into one entry per record, so a million-record import reads as a million changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kafinea_tui.data.store.database import Store


@dataclass(frozen=True)
class Change:
    cursor: int
    op: str  # create | update | delete
    record_id: int
    source: str
    fields: list[str]  # the fields it wrote: empty for a delete and an imported create
    changed_at: datetime
    batch_id: int | None
    actor: str | None  # who made it within its source (the API token's name)


def changes_after(store: Store, module: str, since: int, limit: int) -> list[Change]:
    """At most `limit` entries of `module` with a cursor above `since`, in cursor order."""
    rows = (
        store.cursor()
        .execute(
            "SELECT cursor, op, record_id, source, fields, changed_at, batch_id, actor"
            " FROM kf_changes_after(?) WHERE module = ? ORDER BY cursor LIMIT ?",
            [since, module, limit],
        )
        .fetchall()
    )
    return [
        Change(int(cursor), op, int(record_id), source, list(fields or []), at, batch, actor)
        for cursor, op, record_id, source, fields, at, batch, actor in rows
    ]
