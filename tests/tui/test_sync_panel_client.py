"""The sync panel of an app that is a client of the workspace's owner (`serve`, through its
socket): it shows the owner's engine and outbox, retries a delivery the owner then sends,
turns a workflow off in the owner's config.toml, creates a token that works over the owner's
TCP at once and revokes it, which is refused at once; an endpoint added from the client's form
is the owner's. Over `--server` (a token, another machine) the forms save the server's
config.toml through its API alike: an endpoint edited keeps the secret it never sends, a
refused entry shows the check's sentence, an accepted one is the server engine's."""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from textual.widgets import DataTable, Static, TabbedContent, TextArea

from kafinea_tui.app import KafineaApp
from kafinea_tui.backend.remote import RemoteBackend
from kafinea_tui.cli.server_app import owner_backend
from kafinea_tui.data.automation import outbox as table
from kafinea_tui.data.store.tokens import create_token
from kafinea_tui.screens.endpoint_form import EndpointFormScreen
from kafinea_tui.screens.entry_form import EntryFormScreen
from kafinea_tui.screens.sync_panel import SyncPanelScreen
from kafinea_tui.sync.client import Client
from kafinea_tui.sync.owner import OwnerRecord, find_owner
from kafinea_tui.workspace import Workspace
from tests.sync.factory import SECRET, factory_config, open_workspace, seed
from tests.sync.servers import Factory
from tests.tui.pilot_helpers import fill_focused_input, press_button, settle
from tests.tui.served import Served
from tests.tui.sync_panel_steps import cells, fill, status_text, until

SIZE = (120, 40)


@dataclass
class Owned:
    workspace: Workspace
    server: Served
    owner: OwnerRecord
    factory: Factory
    token: str  # a read-write token of the server's, for --server


@pytest.fixture
def owned(tmp_path: Path) -> Iterator[Owned]:
    """`serve` owns a workspace whose outbox holds one delivery to a factory that answers 503
    (it fails: no retries), and runs its engine."""
    factory = Factory(SECRET).start()
    factory.answer = (503, {})
    config = factory_config(factory.url).replace("retries = 5", "retries = 0")
    workspace, store = open_workspace(tmp_path, config)
    try:
        seed(store)
        token = create_token(store, "admin")
        with store.transaction() as cur:
            table.enqueue(cur, "send", "factory", json.dumps({"type": "order", "data": {}}))
    finally:
        store.close()
    server = Served(workspace).start()
    try:
        owner = find_owner(workspace)
        assert owner is not None and owner.kind == "serve"
        yield Owned(workspace, server, owner, factory, token)
    finally:
        server.stop()
        factory.stop()


def delivery_status(owned: Owned, delivery_id: int) -> str:
    with Client.over_socket(owned.owner.socket) as client:
        return next(d.status for d in client.deliveries().deliveries if d.id == delivery_id)


async def show_tab(pilot: object, name: str) -> None:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    pilot.app.screen.query_one(TabbedContent).active = f"tab-{name}"
    pilot.app.screen.query_one(f"#sync-{name}", DataTable).focus()
    await settle(pilot)


async def test_the_panel_of_a_client_steers_the_owners_engine(owned: Owned) -> None:
    app = KafineaApp(workspace=owned.workspace, backend=owner_backend(owned.owner))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await until(lambda: delivery_status(owned, 1) == "failed", pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, SyncPanelScreen)
        engine = str(app.screen.query_one("#sync-engine").render())
        assert engine.startswith(f"Engine running in server PID {owned.owner.pid} since")
        assert "API server: the workspace's owner serves it" in str(
            app.screen.query_one("#api-line").render()
        )
        rows = cells(app, "deliveries")
        assert rows[0][:5] == ["1", "failed", "send", "factory", "1"]
        assert "503" in rows[0][7]

        # Retried from the client: the owner's engine sends it again, and now it goes through.
        owned.factory.answer = None
        await pilot.press("r")
        await settle(pilot)
        assert "Delivery 1 will be sent again" in status_text(app)
        await until(lambda: delivery_status(owned, 1) == "delivered", pilot)
        assert len(owned.factory.received) == 1
        await until(lambda: cells(app, "deliveries")[0][1] == "delivered", pilot)

        # A workflow turned off: the owner's config.toml, and its engine's config.
        await show_tab(pilot, "workflows")
        assert cells(app, "workflows")[0][:5] == [
            "send approved orders to the factory",
            "Sales Orders",
            "create_or_update",
            'status = "Approved"',
            "on",
        ]
        await pilot.press("space")
        await settle(pilot)
        assert "Workflow 'send approved orders to the factory' off" in status_text(app)
        saved = tomllib.loads(owned.workspace.config_path.read_text(encoding="utf-8"))
        assert saved["workflows"][0]["enabled"] is False
        with Client.over_socket(owned.owner.socket) as client:
            assert [w.enabled for w in client.workflows()] == [False, True]
        await until(lambda: cells(app, "workflows")[0][4] == "off", pilot)

        # A test delivery queued in the owner's outbox.
        await show_tab(pilot, "endpoints")
        assert cells(app, "endpoints") == [["factory", owned.factory.url, "json", "0", "yes"]]
        await pilot.press("t")
        await settle(pilot)
        assert "Test delivery 2 queued for factory" in status_text(app)
        await until(lambda: delivery_status(owned, 2) == "delivered", pilot)

        # A token made here works over the owner's TCP at once; revoked, it is refused at once.
        await pilot.press("n")
        await fill_focused_input(pilot, "laptop")
        await pilot.press("enter")
        await settle(pilot)
        said = re.search(r"Token 'laptop' \(copy it now.*\): (\S+)", status_text(app))
        assert said is not None
        modules = f"{owned.server.url}/api/v1/modules"
        bearer = {"Authorization": f"Bearer {said.group(1)}"}
        assert httpx.get(modules, headers=bearer).status_code == 200
        await show_tab(pilot, "tokens")
        await until(lambda: ["laptop"] in [r[:1] for r in cells(app, "tokens")], pilot)
        grid = app.screen.query_one("#sync-tokens", DataTable)
        grid.move_cursor(row=[r[0] for r in cells(app, "tokens")].index("laptop"))
        await pilot.press("d")
        await settle(pilot)
        assert "Token 'laptop' revoked." in status_text(app)
        assert httpx.get(modules, headers=bearer).status_code == 401
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, SyncPanelScreen)


async def test_an_endpoint_added_from_a_client_is_the_owners(owned: Owned) -> None:
    app = KafineaApp(workspace=owned.workspace, backend=owner_backend(owned.owner))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        await show_tab(pilot, "endpoints")
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, EndpointFormScreen)
        fill(app, name="archive", url="http://127.0.0.1:9/archive", retries="2")
        await press_button(pilot, "#endpoint-save")
        assert isinstance(app.screen, SyncPanelScreen)
        await until(lambda: "read again by server PID" in status_text(app), pilot)
        assert "Endpoint 'archive' added" in status_text(app)
        with Client.over_socket(owned.owner.socket) as client:
            assert [e["name"] for e in client.endpoints()] == ["factory", "archive"]
        await until(lambda: len(cells(app, "endpoints")) == 2, pilot)
        # The edit form opens without the secret, which the API never sends, and says so.
        app.screen.query_one("#sync-endpoints", DataTable).move_cursor(row=0)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, EndpointFormScreen)
        assert app.screen.typed().secret == "" and app.screen.typed().name == "factory"
        kept = str(app.screen.query_one("#endpoint-kept").render())
        assert "left empty here, its signing secret is kept" in kept


async def test_over_a_server_elsewhere_the_forms_save_its_config(owned: Owned) -> None:
    backend = RemoteBackend.connect(owned.server.url, owned.token, where=owned.server.url)
    app = KafineaApp(workspace=Workspace(owned.workspace.path.parent / "laptop"), backend=backend)
    path = owned.workspace.config_path
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        engine = str(app.screen.query_one("#sync-engine").render())
        assert engine.startswith(f"Engine running in {owned.server.url} (process ")

        # The endpoint under the cursor, edited: its URL and retries typed, its secret and
        # headers left empty, which keeps the server's.
        await show_tab(pilot, "endpoints")
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, EndpointFormScreen)
        kept = str(app.screen.query_one("#endpoint-kept").render())
        assert kept.startswith(f"{owned.server.url} never sends secrets or header values")
        await pilot.press("tab")  # from the name to the URL
        await fill_focused_input(pilot, f"{owned.factory.url}/v2")
        app.screen.query_one("#endpoint-retries").focus()
        await pilot.pause()
        await fill_focused_input(pilot, "1")
        await press_button(pilot, "#endpoint-save")
        assert isinstance(app.screen, SyncPanelScreen)
        await until(lambda: f"read again by {owned.server.url}" in status_text(app), pilot)
        assert "Endpoint 'factory' saved in config.toml." in status_text(app)
        saved = tomllib.loads(path.read_text(encoding="utf-8"))["endpoints"][0]
        assert (saved["url"], saved["retries"]) == (f"{owned.factory.url}/v2", 1)
        assert saved["secret"] == SECRET
        await until(lambda: cells(app, "endpoints")[0][1:4] == [saved["url"], "json", "1"], pilot)

        # A schedule that names no endpoint known is refused with the check's sentence; the
        # server's file stays as it was; corrected, it is added and the server's engine has it.
        await show_tab(pilot, "schedules")
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, EntryFormScreen)
        before = path.read_bytes()
        area = app.screen.query_one("#entry-text", TextArea)
        area.text = (
            'name = "hourly"\nevery = "1h"\n'
            'action = { type = "send", endpoint = "nowhere", module = "products" }\n'
        )
        await press_button(pilot, "#entry-save")
        error = str(app.screen.query_one("#entry-error", Static).render())
        assert error.startswith("Not saved: schedules[") and "nowhere" in error
        assert path.read_bytes() == before
        area.text = area.text.replace("nowhere", "factory")
        await press_button(pilot, "#entry-save")
        assert isinstance(app.screen, SyncPanelScreen)
        await until(lambda: "Schedule 'hourly' added to config.toml." in status_text(app), pilot)
        with Client.over_socket(owned.owner.socket) as client:
            assert [s.name for s in client.schedules()] == ["hourly"]
        await until(lambda: [r[0] for r in cells(app, "schedules")] == ["hourly"], pilot)
