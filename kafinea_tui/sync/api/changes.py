"""The changes feed: a module's change-log entries after a cursor, one page at a time.

A client keeps the `cursor` of the last page and asks `since=` it next time; it never sees an
entry twice nor misses one, because the API writes one request at a time (see api.py), so
entries become visible in cursor order. An empty page returns the cursor it was given.
"""

from __future__ import annotations

from typing import Any

from kafinea_tui.data.errors import UsageError
from kafinea_tui.data.schema import Module
from kafinea_tui.data.store.changes import changes_after as read_changes
from kafinea_tui.data.store.database import Store
from kafinea_tui.sync.api.records import json_value

MAX_CHANGES = 1000


def parse_cursor(text: str | None) -> int:
    """A cursor is the digits an earlier page gave (empty: from the start)."""
    if text is None or text == "":
        return 0
    if not (text.isascii() and text.isdigit()) or len(text) > 19 or int(text) > 2**63 - 1:
        raise UsageError(f"since is a cursor from an earlier page, not {text!r}.")
    return int(text)


def changes_after(store: Store, module: Module, since: int, limit: int) -> dict[str, Any]:
    """`{"changes": [...], "cursor": "..."}`, oldest first, at most `limit` entries."""
    found = read_changes(store, module.name, since, limit)
    changes = [
        {
            "cursor": str(change.cursor),
            "op": change.op,
            "id": change.record_id,
            "source": change.source,
            "fields": change.fields,
            "at": json_value(change.changed_at),
            "batch": change.batch_id,
            "token": change.actor,
        }
        for change in found
    ]
    last = str(found[-1].cursor) if found else str(since)
    return {"changes": changes, "cursor": last, "more": len(found) == limit}
