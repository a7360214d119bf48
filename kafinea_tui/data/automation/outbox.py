"""The outbox: deliveries waiting, in flight, delivered or failed, and their history.

A row is claimed ('sending') before its attempt and settled after it; a process that stops with
rows in flight puts them back to 'pending' (`release_claimed`), at its next start at the latest,
so a delivery is never lost. It may then be attempted again: receivers drop the duplicate by its
`webhook-id` / `Idempotency-Key`, which a row keeps for life.

Deliveries are written as a batch (`new_batch`: what one enqueue's deliveries share, once) and
its rows in `kf_outbox_rows` (only what each has of its own), and a delivery's attempts in
`kf_outbox_state` from its first claim on; they are read through the view `kf_outbox`, one row
per delivery (migrations.OUTBOX_VIEW). A delivery's webhook id is its batch's random prefix and
its own id, fixed when it is queued. A workflow's deliveries may be queued as references, their
payloads rendered before the next write (store/outbox_render.py); the readers here fill those in.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import duckdb

from kafinea_tui.data.store.change_log import utc_now
from kafinea_tui.data.store.outbox_render import payloads
from kafinea_tui.data.store.results import first_row

STATUSES = ("pending", "sending", "delivered", "failed")
COLUMNS = (
    "id, webhook_id, kind, target, workflow, schedule, module, record_id, payload, status,"
    " attempts, next_attempt_at, last_attempt_at, last_error, answer, created_at, delivered_at"
)


@dataclass(frozen=True)
class Delivery:
    id: int
    webhook_id: str
    kind: str  # send | email
    target: str  # endpoint name, or 'smtp'
    workflow: str | None
    schedule: str | None
    module: str | None
    record_id: int | None
    payload: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_error: str | None
    answer: str | None
    created_at: datetime
    delivered_at: datetime | None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Delivery:
        """The delivery again from its JSON shape (listed by the workspace's owner)."""
        values = dict(data)
        values["payload"] = json.dumps(data.get("payload"))
        for key in ("next_attempt_at", "last_attempt_at", "created_at", "delivered_at"):
            text = data.get(key)
            values[key] = datetime.fromisoformat(text).replace(tzinfo=None) if text else None
        return cls(**values)

    def as_dict(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["payload"] = json.loads(self.payload) if self.payload else None
        for key in ("next_attempt_at", "last_attempt_at", "created_at", "delivered_at"):
            value = data[key]
            data[key] = None if value is None else value.isoformat() + "Z"
        return data


def _rows(cur: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[Delivery]:
    """The deliveries a query of kf_outbox returns, those queued as references rendered."""
    found = [Delivery(*row) for row in cur.execute(sql, params).fetchall()]
    rendered = payloads(cur, [d.id for d in found if d.payload is None])
    return [replace(d, payload=rendered[d.id]) if d.id in rendered else d for d in found]


# Due: never attempted (no state row: queued, so due since then), or waiting for its retry
# time. Over `kf_outbox_rows r LEFT JOIN kf_outbox_state s`; the argument is the moment.
DUE = "(s.id IS NULL OR (s.status = 'pending' AND s.next_attempt_at <= ?))"


def new_batch(
    cur: duckdb.DuckDBPyConnection,
    kind: str,
    target: str,
    workflow: str | None = None,
    schedule: str | None = None,
    module: str | None = None,
    envelope: tuple[str, str] = ("", ""),
    render: tuple[str, list[str]] | None = None,
) -> int:
    """What the deliveries of one enqueue share, written once; returns the batch's id. Each
    payload is sent as `envelope[0] + payload + envelope[1]` (a JSON object around it). With
    `render` (outbox_render.select_sql and its parameters) the rows are queued as references."""
    prefix = f"msg_{secrets.token_hex(12)}_"  # random: ids never repeat across workspaces
    sql, params = render or (None, None)
    row = first_row(
        cur.execute(
            "INSERT INTO kf_outbox_batches SELECT nextval('kf_outbox_batches_seq'), ?, ?, ?, ?, ?,"
            " ?, ?, ?, ?, ?, ?::VARCHAR[] RETURNING id",
            [kind, target, workflow, schedule, module, prefix, *envelope, utc_now(), sql, params],
        )
    )
    return int(row[0]) if row else 0


def enqueue(
    cur: duckdb.DuckDBPyConnection,
    kind: str,
    target: str,
    payload: str,
    schedule: str | None = None,
    module: str | None = None,
) -> int:
    """One delivery not fired by a workflow (a schedule's send, a test from the panel)."""
    batch = new_batch(cur, kind, target, schedule=schedule, module=module)
    row = first_row(
        cur.execute(
            "INSERT INTO kf_outbox_rows (id, batch, payload) SELECT nextval('kf_outbox_seq'), ?, ?"
            " RETURNING id",
            [batch, payload],
        )
    )
    return int(row[0]) if row else 0


def _read(cur: duckdb.DuckDBPyConnection, ids: list[int]) -> list[Delivery]:
    if not ids:
        return []
    return _rows(
        cur,
        f"SELECT {COLUMNS} FROM kf_outbox WHERE id IN (SELECT unnest(?::BIGINT[])) ORDER BY id",
        [ids],
    )


def _touch(cur: duckdb.DuckDBPyConnection, ids: list[int]) -> None:
    """Give these deliveries their state row, as the view shows them before it: pending, no
    attempts, due since queued. An id past BIGINT (a client's guess) names no delivery."""
    ids = [i for i in ids if -(2**63) <= i < 2**63]
    cur.execute(
        "INSERT INTO kf_outbox_state (id, status, attempts, next_attempt_at)"
        " SELECT r.id, 'pending', 0, b.created_at FROM kf_outbox_rows r"
        " JOIN kf_outbox_batches b ON b.id = r.batch"
        " WHERE r.id IN (SELECT unnest(?::BIGINT[]))"
        " AND r.id NOT IN (SELECT id FROM kf_outbox_state)",
        [ids],
    )


def claim_due(
    cur: duckdb.DuckDBPyConnection, limit: int, now: datetime | None = None
) -> list[Delivery]:
    """Mark up to `limit` due deliveries as in flight, oldest first, and return them."""
    moment = now or utc_now()
    ids = [
        int(row[0])
        for row in cur.execute(
            "SELECT r.id FROM kf_outbox_rows r LEFT JOIN kf_outbox_state s ON s.id = r.id"
            f" WHERE {DUE} ORDER BY r.id LIMIT ?",
            [moment, limit],
        ).fetchall()
    ]
    if not ids:
        return []
    _touch(cur, ids)
    cur.execute(
        "UPDATE kf_outbox_state SET status = 'sending', last_attempt_at = ?,"
        " attempts = attempts + 1 WHERE id IN (SELECT unnest(?::BIGINT[]))",
        [moment, ids],
    )
    return _read(cur, ids)


@dataclass(frozen=True)
class Settled:
    """The outcome of one attempt: delivered, failed for good, or pending again at `retry_at`."""

    id: int
    status: str
    error: str | None = None
    answer: str | None = None
    retry_at: datetime | None = None


def settle_all(cur: duckdb.DuckDBPyConnection, outcomes: Sequence[Settled]) -> None:
    """A round's outcomes in one statement (an UPDATE a delivery cost ~2 ms, more than its
    HTTP request). A claimed delivery has its state row; one settled without a claim is
    given it first."""
    if not outcomes:
        return
    now = utc_now()
    done = {int(row[0]) for row in cur.execute(_SETTLE, [now, *_columns(outcomes)]).fetchall()}
    missing = [o for o in outcomes if o.id not in done]
    if missing:
        _touch(cur, [o.id for o in missing])
        cur.execute(_SETTLE, [now, *_columns(missing)])


_SETTLE = (
    "UPDATE kf_outbox_state s SET status = v.status, last_error = v.error, answer = v.answer,"
    " next_attempt_at = v.retry_at,"
    " delivered_at = CASE WHEN v.status = 'delivered' THEN ? ELSE s.delivered_at END"
    " FROM (SELECT unnest(?::BIGINT[]) AS id, unnest(?::VARCHAR[]) AS status,"
    " unnest(?::VARCHAR[]) AS error, unnest(?::VARCHAR[]) AS answer,"
    " unnest(?::TIMESTAMP[]) AS retry_at) v WHERE s.id = v.id RETURNING s.id"
)


def _columns(outcomes: Sequence[Settled]) -> list[list[Any]]:
    return [
        [o.id for o in outcomes],
        [o.status for o in outcomes],
        [o.error for o in outcomes],
        [o.answer for o in outcomes],
        [o.retry_at for o in outcomes],
    ]


def release_claimed(cur: duckdb.DuckDBPyConnection, attempt_lost: bool = True) -> int:
    """Deliveries left 'sending' by a stopped process go back to 'pending', due now."""
    rows = cur.execute(
        "UPDATE kf_outbox_state SET status = 'pending', next_attempt_at = ?,"
        " attempts = CASE WHEN ? THEN greatest(attempts - 1, 0) ELSE attempts END"
        " WHERE status = 'sending' RETURNING id",
        [utc_now(), attempt_lost],
    ).fetchall()
    return len(rows)


def retry(cur: duckdb.DuckDBPyConnection, delivery_id: int) -> Delivery | None:
    """A failed (or waiting) delivery, due again now with a fresh round of retries."""
    _touch(cur, [delivery_id])
    found = cur.execute(
        "UPDATE kf_outbox_state SET status = 'pending', attempts = 0, next_attempt_at = ?"
        " WHERE id = ? AND status IN ('failed', 'pending') RETURNING id",
        [utc_now(), delivery_id],
    ).fetchall()
    return get(cur, delivery_id) if found else None


def get(cur: duckdb.DuckDBPyConnection, delivery_id: int) -> Delivery | None:
    found = _rows(cur, f"SELECT {COLUMNS} FROM kf_outbox WHERE id = ?", [delivery_id])
    return found[0] if found else None


def deliveries(
    cur: duckdb.DuckDBPyConnection, status: str | None = None, limit: int = 50, offset: int = 0
) -> tuple[int, list[Delivery]]:
    """The newest first, optionally of one status; with the total count."""
    where, params = ("WHERE status = ?", [status]) if status else ("", [])
    row = first_row(cur.execute(f"SELECT count(*) FROM kf_outbox {where}", params))
    total = int(row[0]) if row else 0
    found = _rows(
        cur,
        f"SELECT {COLUMNS} FROM kf_outbox {where} ORDER BY id DESC LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    return total, found


def counts(cur: duckdb.DuckDBPyConnection) -> dict[str, int]:
    found = dict.fromkeys(STATUSES, 0)
    for status, n in cur.execute(
        "SELECT coalesce(s.status, 'pending'), count(*) FROM kf_outbox_rows r"
        " LEFT JOIN kf_outbox_state s ON s.id = r.id GROUP BY 1"
    ).fetchall():
        found[str(status)] = int(n)
    return found


def next_due(cur: duckdb.DuckDBPyConnection) -> datetime | None:
    row = first_row(
        cur.execute("SELECT min(next_attempt_at) FROM kf_outbox WHERE status = 'pending'")
    )
    return None if row is None else row[0]


def later(seconds: float) -> datetime:
    return utc_now() + timedelta(seconds=seconds)
