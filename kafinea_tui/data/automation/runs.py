"""Schedule runs (kf_schedule_runs) and workflow fires (kf_workflow_fires), as kept history.

A workflow cascade stopped after its last round (triggers.MAX_DEPTH) is a row of
kf_workflow_fires too, with a `note`: `fires` leaves it out of the counts, `stops` reads it.

A run row is written when the run starts ('running') and settled when it ends ('ok' or
'failed', with its result as a sentence or a JSON report). Its `cursor` is the change-log
position a `since_last_run` send covered, where the next one starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

from kafinea_tui.data.store.change_log import utc_now
from kafinea_tui.data.store.results import first_row


@dataclass(frozen=True)
class Run:
    id: int
    schedule: str
    started_at: datetime
    finished_at: datetime | None
    status: str  # running | ok | failed
    result: str | None
    cursor: int | None


def start(cur: duckdb.DuckDBPyConnection, schedule: str) -> int:
    row = first_row(
        cur.execute(
            "INSERT INTO kf_schedule_runs SELECT nextval('kf_schedule_runs_seq'), ?, ?, NULL,"
            " 'running', NULL, NULL RETURNING id",
            [schedule, utc_now()],
        )
    )
    return int(row[0]) if row else 0


def finish(
    cur: duckdb.DuckDBPyConnection, run_id: int, status: str, result: str, cursor: int | None = None
) -> None:
    cur.execute(
        "UPDATE kf_schedule_runs SET finished_at = ?, status = ?, result = ?, cursor = ?"
        " WHERE id = ?",
        [utc_now(), status, result, cursor, run_id],
    )


def abandon_running(cur: duckdb.DuckDBPyConnection) -> None:
    """Runs left 'running' by a process that stopped are failed, so they never block a schedule."""
    cur.execute(
        "UPDATE kf_schedule_runs SET status = 'failed', finished_at = ?,"
        " result = 'interrupted: the process running it stopped' WHERE status = 'running'",
        [utc_now()],
    )


def last_runs(cur: duckdb.DuckDBPyConnection) -> dict[str, Run]:
    """Each schedule's latest run."""
    rows = cur.execute(
        "SELECT * FROM kf_schedule_runs QUALIFY row_number() OVER"
        " (PARTITION BY schedule ORDER BY id DESC) = 1"
    ).fetchall()
    return {str(r[1]): Run(*r) for r in rows}


def history(cur: duckdb.DuckDBPyConnection, schedule: str, limit: int = 20) -> list[Run]:
    rows = cur.execute(
        "SELECT * FROM kf_schedule_runs WHERE schedule = ? ORDER BY id DESC LIMIT ?",
        [schedule, limit],
    ).fetchall()
    return [Run(*r) for r in rows]


def last_cursor(cur: duckdb.DuckDBPyConnection, schedule: str) -> int:
    """Where a `since_last_run` send starts: the cursor its last successful run covered."""
    row = first_row(
        cur.execute(
            "SELECT cursor FROM kf_schedule_runs WHERE schedule = ? AND status = 'ok'"
            " AND cursor IS NOT NULL ORDER BY id DESC LIMIT 1",
            [schedule],
        )
    )
    return int(row[0]) if row else 0


def fires(cur: duckdb.DuckDBPyConnection) -> dict[str, tuple[datetime, int]]:
    """Per workflow: when it last fired and how many records it fired for in all."""
    rows = cur.execute(
        "SELECT workflow, max(fired_at), sum(records) FROM kf_workflow_fires"
        " WHERE note IS NULL GROUP BY workflow"
    ).fetchall()
    return {str(r[0]): (r[1], int(r[2])) for r in rows}


@dataclass(frozen=True)
class Stop:
    """The cascades of the same workflows stopped since a moment: how many, the last one's
    time, its rounds and how many records it left with changes no workflow saw."""

    workflows: str  # their names, as the stop names them ("ping, pong")
    last: datetime
    times: int
    rounds: int
    records: int


def stops(cur: duckdb.DuckDBPyConnection, since: datetime, limit: int = 3) -> list[Stop]:
    """The cascades stopped since `since`, by workflows, the latest first. Why: a stop fires
    nothing and counts no records, so `fires` alone shows a cascade as ordinary firings; the
    automation's status lists these instead, so that it is seen in the panel and the API."""
    rows = cur.execute(
        "SELECT workflow, max(fired_at), count(*), arg_max(depth, fired_at),"
        " arg_max(records, fired_at) FROM kf_workflow_fires"
        " WHERE note IS NOT NULL AND fired_at >= ? GROUP BY workflow ORDER BY 2 DESC LIMIT ?",
        [since, limit],
    ).fetchall()
    return [Stop(str(r[0]), r[1], int(r[2]), int(r[3]), int(r[4])) for r in rows]
