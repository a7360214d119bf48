"""The automation engine: the outbox and the schedules, run by the workspace's owner process.

`kafinea-tui serve` runs one beside the API; the app runs one while it is open. One thread
loops: deliver what is due, start the schedules that are due (each run on its own thread, never
two runs of one schedule at once), then sleep until the next poll or a `wake()` (a change just
enqueued something, a retry was asked for). `reload()` re-reads config.toml (on SIGHUP, on a
save from the sync panel) and re-installs the workflows on the store.

`stop()` lets the deliveries in flight finish and settle (or return to pending), and waits for
running schedules, so that nothing is lost or sent twice by stopping.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from kafinea_tui.data.automation import outbox as table
from kafinea_tui.data.automation import runs
from kafinea_tui.data.store.change_log import utc_now
from kafinea_tui.data.store.database import Store
from kafinea_tui.sync.config.load import read_config
from kafinea_tui.sync.config.model import AutomationConfig, Schedule
from kafinea_tui.sync.outbox import Outbox
from kafinea_tui.sync.scheduler import Scheduler, ScheduleState
from kafinea_tui.sync.workflows import install
from kafinea_tui.workspace import Workspace

POLL = 0.5  # seconds between looks at the outbox and the schedules when nothing wakes the loop


@dataclass
class EngineStatus:
    running: bool
    pid: int
    started_at: datetime | None
    errors: list[str] = field(default_factory=list)
    deliveries: dict[str, int] = field(default_factory=dict)


class Engine:
    def __init__(self, store: Store, workspace: Workspace, poll: float = POLL) -> None:
        self.store = store
        self.workspace = workspace
        self.poll = poll
        self._config = AutomationConfig()
        self.errors: list[str] = []
        self.outbox = Outbox(store, lambda: self._config)
        self.scheduler = Scheduler(store, workspace.mappings_dir)
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._runs: list[threading.Thread] = []
        self.started_at: datetime | None = None

    @property
    def config(self) -> AutomationConfig:
        return self._config

    # -- life --------------------------------------------------------------------------------

    def start(self) -> None:
        self.reload()
        self.outbox.release()
        with self.store.transaction() as cur:
            runs.abandon_running(cur)
        self.started_at = utc_now()
        self.scheduler.started_at = self.started_at
        self._thread = threading.Thread(target=self._loop, name="kafinea-engine", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join()
        for thread in list(self._runs):
            thread.join()
        self.outbox.close()
        self.outbox.release()  # nothing should be left in flight; if it is, it is kept
        self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def reload(self) -> list[str]:
        """Re-read config.toml and re-install the workflows; the sentences of invalid entries."""
        config = read_config(self.workspace.config_path, self.store.schema)
        errors = [*config.errors, *install(self.store, config)]
        self._config, self.errors = config, errors
        self.wake()
        return errors

    def wake(self) -> None:
        self._wake.set()

    # -- the loop ------------------------------------------------------------------------------

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                attempted = self.outbox.round()
                for schedule in self.scheduler.due(self._config):
                    self.start_run(schedule)
            except Exception as error:  # keep running; the next round tries again
                self.errors = [*self.errors[-9:], f"engine: {type(error).__name__}: {error}"]
                attempted = 0
            if attempted == 0:
                self._wake.wait(self.poll)
                self._wake.clear()

    def start_run(self, schedule: Schedule) -> bool:
        """Run a schedule on its own thread; False when a run of it is already going."""
        if schedule.name in self.scheduler.running:
            return False
        thread = threading.Thread(
            target=self._run, args=(schedule,), name=f"kafinea-run-{schedule.name}", daemon=True
        )
        self._runs = [t for t in self._runs if t.is_alive()] + [thread]
        thread.start()
        return True

    def _run(self, schedule: Schedule) -> None:
        try:
            self.scheduler.run(schedule)
        finally:
            self.wake()  # a send just queued a delivery

    # -- what the panel and the API show --------------------------------------------------------

    def status(self) -> EngineStatus:
        return EngineStatus(
            running=self.running,
            pid=os.getpid(),
            started_at=self.started_at,
            errors=list(self.errors),
            deliveries=table.counts(self.store.cursor()),
        )

    def schedules(self) -> list[ScheduleState]:
        return self.scheduler.states(self._config)


# What the API is given of its process's engine: the engine, none, or a function saying which
# engine runs now (the app's starts when config.toml gains automation, after the API is up).
EngineSource = Engine | Callable[[], Engine | None] | None


def current(source: EngineSource) -> Engine | None:
    return source() if callable(source) else source
