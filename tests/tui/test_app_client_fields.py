"""The layout manager in an app that is a client of the workspace's owner (`serve`, through
its socket): a field added there is a field of the owner's workspace, shown at once as a
column; columns hidden or moved there are kept in the workspace, so the next app, client or
owner, opens with them."""

from __future__ import annotations

import pytest

from kafinea_tui.app import KafineaApp
from kafinea_tui.cli.server_app import owner_backend
from kafinea_tui.screens.layout_manager import LayoutManagerScreen
from kafinea_tui.screens.module_list import ModuleListScreen
from kafinea_tui.sync.client import Client
from kafinea_tui.sync.owner import OwnerRecord, find_owner
from kafinea_tui.workspace import Workspace
from tests.tui.layout_steps import add_loyalty_tier
from tests.tui.pilot_helpers import settle
from tests.tui.screen_text import list_columns, manager_rows
from tests.tui.served import Served

SIZE = (110, 16)  # 9 rows of the list: what the tests read is in the first ones


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
        await add_loyalty_tier(pilot)
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
