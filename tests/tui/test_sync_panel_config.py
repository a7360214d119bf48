"""The sync panel edits config.toml and the app's engine follows: an endpoint added from the
panel is saved (other keys kept), used by the workflow that named it, and tested with a sample
delivery to a real receiver; a refused value is the check's sentence and changes nothing; the
engine starts when a reload (the key, or SIGHUP) finds automation, and stops when the app quits.
"""

from __future__ import annotations

import os
import signal
import tomllib
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static, TabbedContent

from kafinea_tui.app import KafineaApp
from kafinea_tui.data.automation import outbox as table
from kafinea_tui.screens.endpoint_form import EndpointFormScreen
from kafinea_tui.screens.sync_panel import SyncPanelScreen
from tests.sync.factory import SECRET, open_workspace, seed
from tests.sync.servers import Factory, free_port
from tests.tui.pilot_helpers import press_button, settle
from tests.tui.sync_panel_steps import SIZE, fill, status_text, until

WAITING_WORKFLOW = """locale = "fr"
# a comment tomli-w cannot keep

[keymap]
open_help = "f1"

[[workflows]]
name = "send approved orders to the factory"
module = "salesorders"
on = "create_or_update"
when = 'status = "Approved"'
changed = ["status"]
actions = [{ type = "send", endpoint = "factory", fields = ["order_number", "items"] }]
"""


async def open_endpoints(pilot: Pilot[Any]) -> None:
    await pilot.press("y")
    await settle(pilot)
    assert isinstance(pilot.app.screen, SyncPanelScreen)
    pilot.app.screen.query_one(TabbedContent).active = "tab-endpoints"
    pilot.app.screen.query_one("#sync-endpoints", DataTable).focus()
    await settle(pilot)


async def test_an_endpoint_added_in_the_panel_is_saved_used_and_tested(tmp_path: Path) -> None:
    factory = Factory(SECRET).start()
    workspace, store = open_workspace(tmp_path, WAITING_WORKFLOW)
    contact = seed(store)
    app = KafineaApp(workspace=workspace, store=store, module="contacts")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await until(lambda: app.engine is not None and app.engine.running, pilot)
            assert any("unknown endpoint 'factory'" in e for e in app.engine.errors)  # type: ignore[union-attr]
            await open_endpoints(pilot)
            await pilot.press("a")
            await settle(pilot)
            assert isinstance(app.screen, EndpointFormScreen)
            note = str(app.screen.query_one("#endpoint-note", Static).render())
            assert "comments are not" in note
            fill(
                app,
                name="factory",
                url=factory.url,
                secret=SECRET,
                retries="3",
                timeout="7.5",
                headers="X-Plant: Lyon\nAuthorization: Bearer abc",
            )
            await press_button(pilot, "#endpoint-save")
            assert isinstance(app.screen, SyncPanelScreen)
            await until(lambda: "added" in status_text(app), pilot)

            saved = tomllib.loads((tmp_path / "config.toml").read_text(encoding="utf-8"))
            assert saved["endpoints"] == [
                {
                    "name": "factory",
                    "url": factory.url,
                    "secret": SECRET,
                    "retries": 3,
                    "timeout": 7.5,
                    "headers": {"X-Plant": "Lyon", "Authorization": "Bearer abc"},
                }
            ]
            assert saved["locale"] == "fr" and saved["keymap"] == {"open_help": "f1"}
            assert len(saved["workflows"]) == 1
            assert app.engine is not None and app.engine.errors == []

            # The workflow that named the endpoint now sends to it.
            store.create(
                "salesorders",
                {"order_number": "SO-1", "subject": "s", "contact": contact, "status": "Approved"},
            )
            app.engine.wake()
            first = await until(lambda: factory.received, pilot)
            assert first[0]["body"]["data"]["order_number"] == "SO-1"
            assert first[0]["headers"]["x-plant"] == "Lyon"

            # The endpoint's row, and a sample delivery to it from the panel.
            await until(lambda: app.screen.query_one("#sync-endpoints", DataTable).row_count, pilot)
            await pilot.press("t")
            await settle(pilot)
            sample = await until(
                lambda: [d for d in factory.received if d["body"].get("type") == "kafinea.test"],
                pilot,
            )
            assert sample[0]["headers"]["authorization"] == "Bearer abc"
            delivered = await until(
                lambda: table.deliveries(store.cursor(), "delivered", 10)[0] == 2, pilot
            )
            assert delivered
    finally:
        store.close()
        factory.stop()


async def test_a_refused_endpoint_says_why_and_leaves_the_file_alone(tmp_path: Path) -> None:
    workspace, store = open_workspace(
        tmp_path,
        WAITING_WORKFLOW + '\n[[endpoints]]\nname = "factory"\nurl = "http://127.0.0.1:9/b"\n',
    )
    before = (tmp_path / "config.toml").read_bytes()
    app = KafineaApp(workspace=workspace, store=store, module="contacts")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await open_endpoints(pilot)
            await until(lambda: app.screen.query_one("#sync-endpoints", DataTable).row_count, pilot)
            await pilot.press("e")
            await settle(pilot)
            assert isinstance(app.screen, EndpointFormScreen)
            assert app.screen.query_one("#endpoint-url", Input).value == "http://127.0.0.1:9/b"

            def refused() -> str:
                return str(app.screen.query_one("#endpoint-error", Static).render())

            fill(app, url="ftp://factory")
            await press_button(pilot, "#endpoint-save")
            assert "endpoints[1].url: 'ftp://factory' is not an http:// or https:// address" in (
                refused()
            )
            fill(app, url="http://127.0.0.1:9/b", secret="not-a-secret")
            await press_button(pilot, "#endpoint-save")
            assert "endpoints[1].secret" in refused()
            fill(app, secret="", retries="many")
            await press_button(pilot, "#endpoint-save")
            assert "retries: a whole number, not 'many'" in refused()
            # A rename would leave the workflow naming an endpoint that is gone.
            fill(app, retries="", name="plant")
            await press_button(pilot, "#endpoint-save")
            assert "workflows[1].actions[1].endpoint: unknown endpoint 'factory'" in refused()
            assert (tmp_path / "config.toml").read_bytes() == before
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, SyncPanelScreen)
    finally:
        store.close()


async def test_the_engine_starts_when_a_reload_finds_automation_and_stops_on_quit(
    tmp_path: Path,
) -> None:
    workspace, store = open_workspace(tmp_path, 'locale = "fr"\n')
    schedule = f"""
[[schedules]]
name = "pull shop orders"
every = "1h"
action = {{ type = "pull", url = "http://127.0.0.1:{free_port()}/orders", module = "salesorders" }}
"""
    app = KafineaApp(workspace=workspace, store=store, module="contacts")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("y")
            await settle(pilot)
            assert app.engine is None
            engine_line = app.screen.query_one("#sync-engine", Static)
            assert "Engine stopped" in str(engine_line.render())
            with (tmp_path / "config.toml").open("a", encoding="utf-8") as handle:
                handle.write(schedule)
            await pilot.press("l")  # the panel's reload key
            await settle(pilot)
            await until(lambda: "the engine runs" in status_text(app), pilot)
            engine = app.engine
            assert engine is not None and engine.running
            assert [s.schedule.name for s in engine.schedules()] == ["pull shop orders"]
            await until(lambda: "Engine running here" in str(engine_line.render()), pilot)
            await until(
                lambda: app.screen.query_one("#sync-schedules", DataTable).row_count == 1, pilot
            )
        assert not engine.running  # quitting the app stopped it
    finally:
        store.close()


async def test_sighup_starts_the_engine_once_config_has_automation(tmp_path: Path) -> None:
    workspace, store = open_workspace(tmp_path, "")
    app = KafineaApp(workspace=workspace, store=store, module="contacts")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            os.kill(os.getpid(), signal.SIGHUP)  # nothing to run yet: still no engine
            await settle(pilot)
            await pilot.pause()
            await settle(pilot)
            assert app.engine is None
            (tmp_path / "config.toml").write_text(
                '[[endpoints]]\nname = "factory"\nurl = "http://127.0.0.1:9/b"\n',
                encoding="utf-8",
            )
            os.kill(os.getpid(), signal.SIGHUP)
            await until(lambda: app.engine is not None and app.engine.running, pilot)
            assert list(app.engine.config.endpoints) == ["factory"]  # type: ignore[union-attr]
    finally:
        store.close()
