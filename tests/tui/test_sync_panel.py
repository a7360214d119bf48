"""The sync panel driven with Pilot: the delivery log, its filter, retry, workflows on/off."""

from __future__ import annotations

import tomllib
from pathlib import Path

from textual.widgets import DataTable, Static, TabbedContent

from kafinea_tui.app import KafineaApp
from kafinea_tui.data.automation import outbox as table
from kafinea_tui.screens.sync_panel import SyncPanelScreen
from tests.sync.factory import factory_config, open_workspace, seed
from tests.sync.servers import free_port
from tests.tui.pilot_helpers import settle
from tests.tui.sync_panel_steps import cells

SIZE = (120, 30)


async def test_the_panel_shows_and_retries_a_failed_delivery(tmp_path: Path) -> None:
    workspace, store = open_workspace(
        tmp_path, factory_config(f"http://127.0.0.1:{free_port()}/build")
    )
    contact = seed(store)
    store.create(
        "salesorders",
        {"order_number": "SO-7", "subject": "s", "contact": contact, "status": "Approved"},
    )
    with store.transaction() as cur:
        table.settle_all(cur, [table.Settled(1, "failed", "cannot connect: connection refused")])
    app = KafineaApp(workspace=workspace, store=store, module="contacts")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("y")
            await settle(pilot)
            assert isinstance(app.screen, SyncPanelScreen)
            rows = cells(app, "deliveries")
            assert rows[0][:4] == ["1", "failed", "send", "factory"]
            assert "connection refused" in rows[0][7]
            await pilot.press("f")  # pending only: none
            await settle(pilot)
            assert cells(app, "deliveries") == []
            for _ in range(3):  # back to all
                await pilot.press("f")
            await settle(pilot)
            await pilot.press("r")
            await settle(pilot)
            status = str(app.screen.query_one("#sync-status", Static).render())
            assert "Delivery 1 will be sent again" in status
            app.screen.query_one(TabbedContent).active = "tab-workflows"
            await settle(pilot)
            app.screen.query_one("#sync-workflows", DataTable).focus()
            assert [r[0] for r in cells(app, "workflows")] == [
                "send approved orders to the factory",
                "tell the customer",
            ]
            assert cells(app, "workflows")[0][5] != "never"
            # The module as the tabs name it, not config.toml's `salesorders`.
            assert {r[1] for r in cells(app, "workflows")} == {"Sales Orders"}
            await pilot.press("space")
            await settle(pilot)
            saved = tomllib.loads((tmp_path / "config.toml").read_text())
            assert saved["workflows"][0]["enabled"] is False
            assert saved["smtp"]["port"] == 9  # the other keys are kept
            await pilot.press("escape")
            await settle(pilot)
            assert not isinstance(app.screen, SyncPanelScreen)
    finally:
        store.close()


async def test_space_on_the_schedules_tab_turns_a_schedule_off_and_on(tmp_path: Path) -> None:
    extra = """
[[schedules]]
name = "products to the factory"
every = "1h"
action = { type = "send", endpoint = "factory", module = "products" }
"""
    workspace, store = open_workspace(
        tmp_path, factory_config(f"http://127.0.0.1:{free_port()}/build", extra=extra)
    )
    app = KafineaApp(workspace=workspace, store=store, module="contacts")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("y")
            await settle(pilot)
            app.screen.query_one(TabbedContent).active = "tab-schedules"
            app.screen.query_one("#sync-schedules", DataTable).focus()
            await settle(pilot)
            assert cells(app, "schedules")[0][:3] == [
                "products to the factory",
                "every 3600s",
                "send Products",
            ]
            await pilot.press("space")
            await settle(pilot)
            saved = tomllib.loads((tmp_path / "config.toml").read_text())
            assert saved["schedules"][0]["enabled"] is False
            assert saved["workflows"][0].get("enabled", True) is True  # the workflow untouched
            assert cells(app, "schedules")[0][3] == "off"  # no next run
            await pilot.press("space")
            await settle(pilot)
            saved = tomllib.loads((tmp_path / "config.toml").read_text())
            assert saved["schedules"][0]["enabled"] is True
    finally:
        store.close()
