"""The layout manager in an app that is a client of the workspace's owner (`serve`, through
its socket): a field added there is a field of the owner's workspace, shown at once as a
column; columns hidden or moved there are kept in the workspace, so the next app, client or
owner, opens with them."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Select

from kafinea_tui.app import KafineaApp
from kafinea_tui.cli.server_app import owner_backend
from kafinea_tui.screens.add_field import AddFieldScreen
from kafinea_tui.screens.layout_manager import LayoutManagerScreen
from kafinea_tui.screens.module_list import ModuleListScreen
from kafinea_tui.sync.client import Client
from kafinea_tui.sync.owner import OwnerRecord, find_owner
from kafinea_tui.workspace import Workspace
from tests.tui.pilot_helpers import fill_focused_input, settle
from tests.tui.served import Served
from tests.tui.test_list_columns import list_columns, manager_rows

SIZE = (110, 30)


@pytest.fixture
def owner(serving: Served, contacts_workspace: Workspace) -> OwnerRecord:
    """`kafinea-tui serve` owns the 120-contact workspace; an app on it is its client."""
    found = find_owner(contacts_workspace)
    assert found is not None and found.kind == "serve"
    return found


def client_app(owner: OwnerRecord, workspace: Workspace) -> KafineaApp:
    return KafineaApp(workspace=workspace, backend=owner_backend(owner))


async def test_a_field_added_from_a_client_is_the_owners_and_a_column_at_once(
    owner: OwnerRecord, contacts_workspace: Workspace
) -> None:
    app = client_app(owner, contacts_workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "cf_loyalty_tier" not in list_columns(app)
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, LayoutManagerScreen)
        fields = app.screen.query_one(DataTable)
        assert fields.row_count == 16
        await pilot.press("n")
        assert isinstance(app.screen, AddFieldScreen)
        await fill_focused_input(pilot, "Mailing City")  # the server refuses the clash
        await pilot.press("enter")
        await settle(pilot)
        assert "already has a field" in str(app.screen.query_one("#add-field-error").render())
        app.screen.query_one("#field-label", Input).value = "Loyalty Tier"
        app.screen.query_one("#field-type", Select).value = "picklist"
        await pilot.pause()
        app.screen.query_one("#field-values", Input).value = "Gold, Silver"
        app.screen.query_one("#field-values", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LayoutManagerScreen)
        assert fields.row_count == 17
        assert [str(v) for v in fields.get_row("cf_loyalty_tier")][:4] == [
            "[x]",
            "Loyalty Tier",
            "cf_loyalty_tier",
            "picklist",
        ]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ModuleListScreen)
        assert list_columns(app)[-1] == "cf_loyalty_tier"
        # The app's own schema knows it (the record form, the mass edit offer it) ...
        assert app.backend.module("contacts").field("cf_loyalty_tier").values == ("Gold", "Silver")
    # ... and so does the owner's workspace, for every other client.
    with Client.over_socket(owner.socket) as other:
        added = [f for f in other.fields("contacts") if f["name"] == "cf_loyalty_tier"]
        assert added and added[0]["values"] == ["Gold", "Silver"]


async def test_columns_arranged_in_a_client_are_kept_for_the_next_app(
    owner: OwnerRecord, contacts_workspace: Workspace
) -> None:
    app = client_app(owner, contacts_workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert list_columns(app)[:3] == ["first_name", "last_name", "email"]
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("space")  # First Name hidden
        await pilot.press("down", "down", "K")  # Email above Last Name
        assert manager_rows(app)[:3] == [
            ("[ ]", "first_name"),
            ("[x]", "email"),
            ("[x]", "last_name"),
        ]
        await pilot.press("escape")
        await settle(pilot)
        shown = list_columns(app)
        assert shown[:2] == ["email", "last_name"] and "first_name" not in shown
    with Client.over_socket(owner.socket) as other:
        kept = other.layouts()["contacts"]
        assert kept["hidden"] == ["first_name"]
        assert kept["order"][:3] == ["first_name", "email", "last_name"]

    again = client_app(owner, contacts_workspace)  # a new app, on the same owner
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert list_columns(again) == shown
        await pilot.press("2")  # a module never arranged: every field
        await settle(pilot)
        assert list_columns(again)[0] == "name"
