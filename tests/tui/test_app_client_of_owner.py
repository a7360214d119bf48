"""The app on a workspace another process owns: it works through the owner's socket.

With `serve` running, the app opens as its client (`cli.server_app.owner_backend`, what
`kafinea-tui` runs when the workspace has a live owner), the footer naming the owner; with an
app open, a second one is its client, and a change made through either shows in the other's
list on its next query.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual.widgets import Input, Select

from kafinea_tui.app import KafineaApp
from kafinea_tui.backend.remote import RemoteBackend
from kafinea_tui.cli.server_app import owner_backend
from kafinea_tui.data.query import ListQuery
from kafinea_tui.data.store.database import Store
from kafinea_tui.screens.mass_edit import MassEditScreen
from kafinea_tui.sync.owner import OwnerRecord, find_owner, read_record
from kafinea_tui.workspace import Workspace
from tests.tui.pilot_helpers import press_button, settle
from tests.tui.screen_text import column, footer
from tests.tui.served import Served

SIZE = (110, 30)


@pytest.fixture
def serving(contacts_workspace: Workspace) -> Iterator[Served]:
    server = Served(contacts_workspace).start()
    try:
        yield server
    finally:
        server.stop()


async def test_with_serve_running_the_app_is_its_client(
    serving: Served, contacts_workspace: Workspace
) -> None:
    owner = find_owner(contacts_workspace)
    assert owner is not None and owner.kind == "serve"
    assert serving.process is not None and owner.pid == serving.process.pid
    app = KafineaApp(workspace=contacts_workspace, backend=owner_backend(owner))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert footer(app) == f"1–50 of 120 · 0 selected · 50 a page · via server PID {owner.pid}"
        await pilot.press("space", "m")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MassEditScreen)
        screen.query_one("#mass-field", Select).value = "department"
        screen.query_one("#mass-value", Input).value = "Socket"
        await settle(pilot)
        await press_button(pilot, "#mass-apply")
        await pilot.press("escape")
        await settle(pilot)
        assert column(app, "department")[0] == "Socket"
    other = owner_backend(owner)
    try:
        page = other.page(ListQuery("contacts", filter='department = "Socket"'), 0, 10)
        assert page.total == 1
    finally:
        other.close()


async def wait_for_owner(pilot: object, workspace: Workspace) -> OwnerRecord:
    """The app starts serving its socket just after its first page: wait for its record
    (read as written: `find_owner` skips this process's own, and the app runs in the test's)."""
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    for _ in range(1200):
        owner = read_record(workspace)
        if owner is not None:
            return owner
        await pilot.pause(0.05)
    raise AssertionError("the app never served its socket")


async def test_a_second_app_is_a_client_of_the_first(
    app: KafineaApp, contacts_workspace: Workspace, contacts_store: Store
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        owner = await wait_for_owner(pilot, contacts_workspace)
        assert owner.kind == "app"
        second: RemoteBackend = owner_backend(owner)  # what a second `kafinea-tui` opens on
        try:
            assert second.where == f"app PID {owner.pid}"
            first_id = second.page(ListQuery("contacts"), 0, 1).ids[0]
            second.update_record("contacts", first_id, {"last_name": "Changed by the second"})
            await pilot.press("right_square_bracket")  # the first app's next queries
            await settle(pilot)
            await pilot.press("left_square_bracket")
            await settle(pilot)
            assert column(app, "last_name")[0] == "Changed by the second"

            await pilot.press("down", "space", "m")  # and the other way round
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, MassEditScreen)
            screen.query_one("#mass-field", Select).value = "title"
            screen.query_one("#mass-value", Input).value = "Changed by the first"
            await settle(pilot)
            await press_button(pilot, "#mass-apply")
            seen = second.page(ListQuery("contacts", filter='title ~ "by the first"'), 0, 5)
            assert (seen.total, seen.rows[0][1]) == (1, "Name001")
        finally:
            second.close()
