"""A record a mass edit's reference names and that does not exist yet: created with its key.

As an import creates a missing related record (DESIGN.md "References"), a mass edit that sets
`organization = "Acme Ltd"` creates that organization once, with the key and the same text in
the related module's other mandatory text fields, in the edit's batch: undo removes it again.
"""

from __future__ import annotations

from datetime import datetime

import duckdb

from kafinea_tui.data.errors import KafineaError
from kafinea_tui.data.schema import Field, FieldType
from kafinea_tui.data.store.database import Store, log_changes
from kafinea_tui.data.store.record_ids import reserve_ids


def create_related(
    cur: duckdb.DuckDBPyConnection,
    store: Store,
    field: Field,
    key: str,
    batch: int,
    now: datetime,
    source: str,
) -> int:
    related = store.module(field.related or "")
    key_field = related.field(related.key)
    names = [key_field.name] + [
        f.name
        for f in related.columns
        if f.name != key_field.name
        and f.mandatory
        and f.type in (FieldType.TEXT, FieldType.TEXTAREA)
    ]
    try:
        new_id = reserve_ids(cur, related.table, 1)
    except duckdb.TransactionException:
        raise KafineaError(
            f"{related.label} are being imported right now; run the edit again when it is done."
        ) from None
    marks = ", ".join("?" for _ in names)
    cur.execute(
        f"INSERT INTO {related.table} (id, created_at, modified_at, batch_id, {', '.join(names)})"
        f" VALUES (?, ?, ?, ?, {marks})",
        [new_id, now, now, batch, *(key for _ in names)],
    )
    log_changes(cur, related.name, [new_id], "create", source, batch, names)
    cur.execute(
        "INSERT INTO kf_batch_rows VALUES (?, ?, ?, 'related')", [batch, related.name, new_id]
    )
    return new_id
