"""Steps in the layout manager that the local and the client-mode app tests both take."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select

from kafinea_tui.screens.add_field import AddFieldScreen
from kafinea_tui.screens.layout_manager import LayoutManagerScreen
from tests.tui.pilot_helpers import fill_focused_input, settle


async def add_loyalty_tier(pilot: Pilot[Any]) -> None:
    """From the layout manager of Contacts (16 fields): a label that clashes with a built-in
    field is refused, then the picklist "Loyalty Tier" (Gold, Silver) is added and listed,
    shown as a column of the list."""
    app = pilot.app
    assert isinstance(app.screen, LayoutManagerScreen)
    fields = app.screen.query_one(DataTable)
    assert fields.row_count == 16
    await pilot.press("n")
    assert isinstance(app.screen, AddFieldScreen)
    await fill_focused_input(pilot, "Mailing City")
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
        "[x]",  # a new field is shown as a column of the list
        "Loyalty Tier",
        "cf_loyalty_tier",
        "picklist",
    ]
