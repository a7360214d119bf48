"""Deliveries queued as references, rendered before anything can change what they show.

Why: a `send` workflow fired by an import of 100,000 orders rendered 100,000 payloads inside the
import's transaction (each order's lines gathered, `to_json`, the strings compressed when the
file is written): a third of the import's own time. A firing without `update` actions now
queues references only (each delivery's record id and change cursor) and keeps its payload's
SQL once, in its batch (`render_sql`, a SELECT of `id, payload` over the record `r`, and
`render_params`); the payloads are made later, in one statement per batch.

What keeps the bytes exact (a delivery carries the record as it was when the workflow fired):
references are only ever rendered against a database no write has touched since they were
queued. Every write transaction (Store.transaction) renders all pending batches first
(`render_pending`), before its own statements, so the records, their lines and the related
records it reads are still those of the firing; a rollback puts the references back. A reader
(the delivery log, the API) renders the deliveries it shows on the fly (`payloads`) from the
same unchanged records, or takes the stored payload when a writer rendered it meanwhile. A
firing whose commit also runs a workflow's `update` renders at once, as before (triggers.fire).
"""

from __future__ import annotations

from typing import Any

import duckdb

from kafinea_tui.data.store.results import first_row

PENDING = "SELECT id, render_sql, render_params FROM kf_outbox_batches WHERE render_sql IS NOT NULL"


def select_sql(payload_sql: str, table: str) -> str:
    """What a batch keeps to render its rows: each record's id and payload text. The payload
    is cast to text as the outbox stores it (a JSON value's text, unchanged)."""
    return f"SELECT r.id AS id, CAST(({payload_sql}) AS VARCHAR) AS payload FROM {table} r"


def can_defer(params: tuple[Any, ...]) -> bool:
    """Only text parameters are kept with a batch (templates' literal pieces): other values
    would come back through VARCHAR[] changed."""
    return all(isinstance(p, str) for p in params)


def has_pending(cur: duckdb.DuckDBPyConnection) -> bool:
    return first_row(cur.execute(f"SELECT EXISTS ({PENDING})")) == (True,)


def render_pending(cur: duckdb.DuckDBPyConnection) -> int:
    """Store the payloads of every batch queued as references, in the caller's transaction
    (before its writes); returns how many batches."""
    batches = cur.execute(f"{PENDING} ORDER BY id").fetchall()
    for batch, sql, params in batches:
        cur.execute(
            f"UPDATE kf_outbox_rows o SET payload = p.payload FROM ({sql} WHERE r.id IN"
            " (SELECT record_id FROM kf_outbox_rows WHERE batch = ?)) p"
            " WHERE o.batch = ? AND o.record_id = p.id",
            [*(params or []), batch, batch],
        )
        cur.execute(
            "UPDATE kf_outbox_batches SET render_sql = NULL, render_params = NULL WHERE id = ?",
            [batch],
        )
    return len(batches)


def payloads(cur: duckdb.DuckDBPyConnection, ids: list[int]) -> dict[int, str]:
    """The full payloads (envelope included) of those of these deliveries still queued as
    references, rendered from the records without storing them."""
    if not ids:
        return {}
    found: dict[int, str] = {}
    batches = cur.execute(
        "SELECT DISTINCT b.id, b.render_sql, b.render_params, b.payload_head, b.payload_tail"
        " FROM kf_outbox_rows o JOIN kf_outbox_batches b ON b.id = o.batch"
        " WHERE o.id IN (SELECT unnest(?::BIGINT[])) AND b.render_sql IS NOT NULL",
        [ids],
    ).fetchall()
    for batch, sql, params, head, tail in batches:
        # A writer may have rendered the batch since the line above read it: then the rows hold
        # their payloads (and the records may have changed), and those are what is sent.
        rows = cur.execute(
            f"SELECT o.id, coalesce(o.payload, p.payload) FROM kf_outbox_rows o LEFT JOIN"
            f" ({sql} WHERE r.id IN (SELECT record_id FROM kf_outbox_rows WHERE batch = ?"
            " AND id IN (SELECT unnest(?::BIGINT[])))) p ON p.id = o.record_id"
            " WHERE o.batch = ? AND o.id IN (SELECT unnest(?::BIGINT[]))",
            [*(params or []), batch, ids, batch, ids],
        ).fetchall()
        found.update({int(i): f"{head}{text}{tail}" for i, text in rows if text is not None})
    return found
