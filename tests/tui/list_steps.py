"""Steps on the module list that the local and the client-mode app tests both take."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input

from tests.tui.pilot_helpers import fill_focused_input, settle


async def type_filter(pilot: Pilot[None], text: str, *, key_by_key: bool = False) -> None:
    """Open the filter bar with `/`, enter `text` (in one change, or `key_by_key` as a person
    types it) and apply it with enter."""
    await pilot.press("slash")
    field = pilot.app.screen.query_one("#filter-input", Input)
    assert field.has_focus
    if key_by_key:
        field.value = ""
        await pilot.press(*text)
    else:
        await fill_focused_input(pilot, text)
    await pilot.press("enter")
    await settle(pilot)
