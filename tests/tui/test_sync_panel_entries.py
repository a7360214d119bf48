"""Adding a workflow or a schedule from the sync panel: checked as `automation check` checks,
saved to config.toml (other keys kept), and the engine starts or reloads with it."""

from __future__ import annotations

import tomllib
from pathlib import Path

from textual.widgets import Static, TabbedContent, TextArea

from kafinea_tui.app import KafineaApp
from kafinea_tui.screens.entry_form import EntryFormScreen
from kafinea_tui.screens.sync_panel import SyncPanelScreen
from tests.sync.factory import open_workspace
from tests.sync.servers import free_port
from tests.tui.pilot_helpers import press_button, settle
from tests.tui.sync_panel_steps import SIZE, status_text, until


async def test_a_schedule_then_a_workflow_added_from_the_panel(tmp_path: Path) -> None:
    workspace, store = open_workspace(tmp_path, 'locale = "fr"\n')
    app = KafineaApp(workspace=workspace, store=store, module="contacts")
    shop = f"http://127.0.0.1:{free_port()}/orders"
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("y")
            await settle(pilot)
            assert isinstance(app.screen, SyncPanelScreen) and app.engine is None
            app.screen.query_one(TabbedContent).active = "tab-schedules"
            await settle(pilot)
            await pilot.press("w")
            await settle(pilot)
            assert isinstance(app.screen, EntryFormScreen)
            area = app.screen.query_one("#entry-text", TextArea)
            assert area.text.startswith('name = "pull shop orders"')  # the schedule example
            area.text = (
                f'name = "shop"\nevery = "1h"\n'
                f'action = {{ type = "pull", url = "{shop}", module = "salesorders" }}\n'
            )
            await press_button(pilot, "#entry-save")
            assert isinstance(app.screen, SyncPanelScreen)
            await until(lambda: "the engine runs" in status_text(app), pilot)
            assert app.engine is not None
            assert [s.schedule.name for s in app.engine.schedules()] == ["shop"]

            # A workflow naming a field that does not exist: the check's sentence, no change.
            app.screen.query_one(TabbedContent).active = "tab-workflows"
            await settle(pilot)
            before = (tmp_path / "config.toml").read_bytes()
            await pilot.press("w")
            await settle(pilot)
            area = app.screen.query_one("#entry-text", TextArea)
            area.text = (
                'name = "big orders"\nmodule = "salesorders"\nwhen = "totl > 100"\n'
                'actions = [{ type = "update", set = { status = "Delivered" } }]\n'
            )
            await press_button(pilot, "#entry-save")
            error = str(app.screen.query_one("#entry-error", Static).render())
            assert "workflows[1].when: unknown field 'totl'" in error, error
            assert (tmp_path / "config.toml").read_bytes() == before
            area.text = area.text.replace("totl", "total")
            await press_button(pilot, "#entry-save")
            assert isinstance(app.screen, SyncPanelScreen)
            await until(lambda: "Workflow 'big orders' added" in status_text(app), pilot)
            assert [w.name for w in app.engine.config.workflows] == ["big orders"]
        saved = tomllib.loads((tmp_path / "config.toml").read_text(encoding="utf-8"))
        assert saved["locale"] == "fr"
        assert saved["schedules"][0]["action"]["url"] == shop
        assert saved["workflows"][0]["actions"] == [
            {"type": "update", "set": {"status": "Delivered"}}
        ]
    finally:
        store.close()
