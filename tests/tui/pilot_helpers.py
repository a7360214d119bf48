"""Helpers for driving the app with Textual's Pilot, shared by the app, dialog and snapshot tests."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot


async def settle(pilot: Pilot[Any]) -> None:
    """Wait until every worker is done and its results are on screen (a worker's result may
    start another worker, so wait again until none runs, up to 50 rounds)."""
    for _ in range(50):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if not any(w.is_running for w in pilot.app.workers):
            return
