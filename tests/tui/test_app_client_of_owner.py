"""The app on a workspace another process owns: it works through the owner's socket.

With `serve` running, the app opens as its client (`cli.server_app.owner_backend`, what
`kafinea-tui` runs when the workspace has a live owner), the footer naming the owner; with an
app open, a second one is its client, and a change made through either shows in the other's
list on its next query.
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, Select

from kafinea_tui.app import KafineaApp
from kafinea_tui.cli.server_app import owner_backend
from kafinea_tui.data.query import ListQuery
from kafinea_tui.data.store.database import Store
from kafinea_tui.screens.mass_edit import MassEditScreen
from kafinea_tui.sync.owner import OwnerRecord, find_owner, read_record
from kafinea_tui.workspace import Workspace
from tests.tui.pilot_helpers import press_button, settle
from tests.tui.screen_text import column, footer
from tests.tui.served import Served

SIZE = (110, 16)  # 9 rows of the list: what the tests read is in the first ones


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
        await mass_edit_selected(pilot, "department", "Socket")
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


async def mass_edit_selected(pilot: Pilot[Any], field: str, value: str) -> None:
    """Select the row under the cursor and set `field` on it, with the keys a person presses."""
    await pilot.press("space", "m")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, MassEditScreen)
    screen.query_one("#mass-field", Select).value = field
    screen.query_one("#mass-value", Input).value = value
    await settle(pilot)
    await press_button(pilot, "#mass-apply")
    await pilot.press("escape")
    await settle(pilot)


async def query_again(pilot: Pilot[Any]) -> None:
    """The list's next query: to the next module and back."""
    for key in ("right_square_bracket", "left_square_bracket"):
        await pilot.press(key)
        await settle(pilot)


async def test_a_second_app_is_a_client_of_the_first(
    app: KafineaApp, contacts_workspace: Workspace, contacts_store: Store
) -> None:
    """Two apps on one workspace, both driven by keys: the second is the first's client, and
    what either changes shows in the other's list on its next query."""
    async with app.run_test(size=SIZE) as first:
        await settle(first)
        owner = await wait_for_owner(first, contacts_workspace)
        assert owner.kind == "app"
        other = KafineaApp(workspace=contacts_workspace, backend=owner_backend(owner))
        try:
            async with other.run_test(size=SIZE) as second:
                await settle(second)
                assert footer(other).endswith(f" · via app PID {owner.pid}")
                assert column(other, "last_name")[:2] == column(app, "last_name")[:2]

                await mass_edit_selected(second, "department", "Changed by the second")
                assert column(other, "department")[0] == "Changed by the second"
                await query_again(first)
                assert column(app, "department")[0] == "Changed by the second"

                await first.press("down")  # and the other way round
                await mass_edit_selected(first, "department", "Changed by the first")
                assert column(app, "department")[:2] == [
                    "Changed by the second",
                    "Changed by the first",
                ]
                await query_again(second)
                assert column(other, "department")[:2] == [
                    "Changed by the second",
                    "Changed by the first",
                ]
        finally:
            other.backend.close()
