"""Snapshot of the contacts list (pytest-textual-snapshot). The list shows no timestamps, so the
deterministic workspace renders the same every run. Update with `pytest --snapshot-update`."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from kafinea_tui.app import KafineaApp
from tests.app_workspace import (  # noqa: F401
    app_fixture,
    store_fixture,
    template_db_fixture,
    workspace_fixture,
)


async def settle(pilot: Pilot[None]) -> None:
    for _ in range(20):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if not any(w.is_running for w in pilot.app.workers):
            return


def test_contacts_list(app: KafineaApp, snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("space", "space")  # two selected rows show their marks and the count

    assert snap_compare(app, terminal_size=(100, 30), run_before=run_before)
