"""The app's hold on the automation engine: started as soon as config.toml describes automation.

The app owns the workspace while it is open, so it runs the engine, but only when there is
something to run: at launch when config.toml has `smtp`, `endpoints`, `workflows` or `schedules`,
and later whenever config.toml gains them (a save from the sync panel, SIGHUP, the reload key).
`stop()` at quit lets the deliveries in flight finish or return to pending (Engine.stop).
A lock makes a reload racing the launch's start (two threads) start one engine, not two.
"""

from __future__ import annotations

import threading

from kafinea_tui.data.errors import KafineaError
from kafinea_tui.data.store.database import Store
from kafinea_tui.sync.config.write import load
from kafinea_tui.sync.engine import Engine
from kafinea_tui.workspace import Workspace

AUTOMATION_KEYS = ("smtp", "endpoints", "workflows", "schedules")


def has_automation(workspace: Workspace) -> bool:
    """True when config.toml has an automation table, valid or not (the engine then reports
    what is wrong with it); False without a file, or for a file that does not parse."""
    try:
        data = load(workspace.config_path)
    except KafineaError:
        return False
    return any(key in data for key in AUTOMATION_KEYS)


class EngineHost:
    def __init__(self, store: Store, workspace: Workspace) -> None:
        self.store = store
        self.workspace = workspace
        self.engine: Engine | None = None
        self._lock = threading.Lock()
        self._stopped = False

    def reload(self) -> list[str]:
        """Read config.toml again: start the engine if it now has automation and none runs,
        else hand the new config to the running one. The sentences of invalid entries."""
        with self._lock:
            if self._stopped:
                return []
            if self.engine is not None:
                return self.engine.reload()
            if not has_automation(self.workspace):
                return []
            engine = Engine(self.store, self.workspace)
            engine.start()
            self.engine = engine
            return list(engine.errors)

    def stop(self) -> None:
        """Stop the engine for good (the app is quitting); later reloads start nothing."""
        with self._lock:
            self._stopped = True
            engine, self.engine = self.engine, None
        if engine is not None:
            engine.stop()

    @property
    def running(self) -> bool:
        return self.engine is not None and self.engine.running
