"""Schedules: when each is due (croniter for `cron`, a plain interval for `every`), and running
one without overlap, its result kept in kf_schedule_runs.

Times are computed in the config's time zone (`timezone`, default the system's), so
`cron = "0 2 * * *"` means 2 a.m. where the user is, across daylight-saving changes. A schedule's
next run follows its last run's start; a run missed while nothing was running is therefore due
at once when the engine starts, and runs once, not once per missed slot.

A schedule whose next run the calendar cannot hold (an interval past the year 9999, a cron
date that never comes) is never due: `automation check` refuses both, and should one slip by,
it must not stop the other schedules nor the API's list of them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

from croniter import CroniterError, croniter

from kafinea_tui.data.automation import runs
from kafinea_tui.data.errors import KafineaError
from kafinea_tui.data.store.change_log import utc_now
from kafinea_tui.data.store.database import Store
from kafinea_tui.sync.config.model import AutomationConfig, PullSchedule, Schedule
from kafinea_tui.sync.exchanges import RunFailed, pull, send


@dataclass(frozen=True)
class ScheduleState:
    schedule: Schedule
    next_run: datetime | None  # naive UTC
    last: runs.Run | None
    running: bool

    def as_dict(self) -> dict[str, object]:
        last = self.last
        return {
            "name": self.schedule.name,
            "when": self.schedule.when_text,
            "action": self.schedule.action.type,
            "module": self.schedule.action.module,
            "enabled": self.schedule.enabled,
            "running": self.running,
            "next_run": _iso(self.next_run),
            "last_run": None
            if last is None
            else {
                "started_at": _iso(last.started_at),
                "finished_at": _iso(last.finished_at),
                "status": last.status,
                "result": last.result,
            },
        }


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat() + "Z"


def zone(config: AutomationConfig) -> tzinfo:
    if config.timezone:
        return ZoneInfo(config.timezone)
    local = datetime.now().astimezone().tzinfo
    return local or UTC


NEVER = datetime.max  # the next run of a schedule whose next run the calendar cannot hold


def next_run(schedule: Schedule, after: datetime, tz: tzinfo) -> datetime:
    """The first run time after `after` (naive UTC in, naive UTC out); NEVER when there is
    none before the calendar's end."""
    try:
        if schedule.every is not None:
            return after + timedelta(seconds=schedule.every)
        local = after.replace(tzinfo=UTC).astimezone(tz)
        following: datetime = croniter(schedule.cron or "* * * * *", local).get_next(datetime)
        return following.astimezone(UTC).replace(tzinfo=None)
    except (OverflowError, CroniterError):
        return NEVER


class Scheduler:
    def __init__(self, store: Store, mappings: Path | None) -> None:
        self.store = store
        self.mappings = mappings
        self.started_at = utc_now()
        self.running: set[str] = set()
        self.lock = threading.Lock()

    def states(self, config: AutomationConfig) -> list[ScheduleState]:
        last = runs.last_runs(self.store.cursor())
        tz = zone(config)
        found = []
        for schedule in config.schedules:
            previous = last.get(schedule.name)
            due = None
            if schedule.enabled:
                if previous is not None:
                    due = next_run(schedule, previous.started_at, tz)
                elif schedule.every is not None:
                    due = self.started_at  # never run: the first run is at start
                else:
                    due = next_run(schedule, self.started_at, tz)
            with self.lock:
                running = schedule.name in self.running
            found.append(ScheduleState(schedule, due, previous, running))
        return found

    def due(self, config: AutomationConfig) -> list[Schedule]:
        now = utc_now()
        return [
            s.schedule
            for s in self.states(config)
            if s.next_run is not None and s.next_run <= now and not s.running
        ]

    def run(self, schedule: Schedule) -> runs.Run | None:
        """Run now, on this thread; None when a run of it is already going (no overlap)."""
        with self.lock:
            if schedule.name in self.running:
                return None
            self.running.add(schedule.name)
        try:
            with self.store.transaction() as cur:
                run_id = runs.start(cur, schedule.name)
            status, result, cursor = "ok", "", None
            try:
                if isinstance(schedule.action, PullSchedule):
                    result = pull(self.store, schedule, schedule.action, self.mappings)
                else:
                    result, cursor = send(self.store, schedule, schedule.action)
            except RunFailed as error:
                status, result = "failed", str(error)
            except KafineaError as error:
                status, result = "failed", str(error)
            with self.store.transaction() as cur:
                runs.finish(cur, run_id, status, result, cursor)
            return runs.history(self.store.cursor(), schedule.name, 1)[0]
        finally:
            with self.lock:
                self.running.discard(schedule.name)
