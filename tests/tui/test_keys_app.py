"""Keys a newcomer can find, driven with Pilot: help, palette, rebinding, q and escape."""

from __future__ import annotations

from textual.command import CommandList
from textual.pilot import Pilot

from kafinea_tui.app import KafineaApp
from kafinea_tui.data.store.database import Store
from kafinea_tui.screens.confirm import ConfirmDialog
from kafinea_tui.screens.help import HelpScreen
from kafinea_tui.screens.layout_manager import LayoutManagerScreen
from kafinea_tui.screens.module_list import ModuleListScreen
from kafinea_tui.screens.record_detail import RecordDetailScreen
from kafinea_tui.workspace import Workspace
from tests.tui.pilot_helpers import palette_searched, settle
from tests.tui.screen_text import footer

SIZE = (100, 16)  # 9 rows of the list: what the tests read is in the first ones


def help_rows(app: KafineaApp) -> dict[str, str]:
    """The help screen's rows as action title -> key."""
    assert isinstance(app.screen, HelpScreen)
    return {title: shown for shown, title, _ in app.screen.rows()}


async def palette_lines(pilot: Pilot[None], query: str) -> list[str]:
    """What the command palette shows for `query`: each hit's title and help."""
    await pilot.press("ctrl+p", *query)
    await palette_searched(pilot)
    options = pilot.app.screen.query_one(CommandList)
    lines = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
    await pilot.press("escape")
    return lines


async def test_question_mark_lists_the_keys_of_the_screen(app: KafineaApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        rows = help_rows(app)
        assert rows["Next page"] == "] PageDown"
        assert rows["Toggle selection"] == "space"
        assert rows["Import into Contacts"] == "i"
        assert rows["Go to Organizations"] == "2"
        assert rows["First page"] == "g"
        assert rows["Help"] == "? F1"
        assert rows["Quit"] in ("q", "ctrl+q")
        await pilot.press("q")  # closes the help, not the app
        await settle(pilot)
        assert isinstance(app.screen, ModuleListScreen)
        await pilot.press("f", "f1")
        await settle(pilot)
        rows = help_rows(app)
        assert rows["Add field"] == "n"
        assert "Next page" not in rows  # the keys of the screen below, not of the list
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LayoutManagerScreen)


async def test_a_rebinding_shows_in_the_help_and_the_palette(
    contacts_workspace: Workspace, contacts_store: Store
) -> None:
    contacts_workspace.config_path.write_text('[keymap]\nnext_page = "n"\nopen_help = "f2"\n')
    app = KafineaApp(workspace=contacts_workspace, store=contacts_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert footer(app).startswith("51–100 of 120")
        await pilot.press("question_mark")  # no longer the help key
        await settle(pilot)
        assert isinstance(app.screen, ModuleListScreen)
        await pilot.press("f2")
        await settle(pilot)
        assert help_rows(app)["Next page"] == "n"
        assert help_rows(app)["Help"] == "F2"
        await pilot.press("escape")
        await settle(pilot)
        lines = await palette_lines(pilot, "Next page")
        assert any("Show the next page" in line and line.endswith("· n") for line in lines)


async def test_the_palette_offers_every_key_of_the_list(app: KafineaApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lines = await palette_lines(pilot, "Toggle selection")
        assert any(line.endswith("· space") for line in lines)
        await pilot.press("ctrl+p", *"Last page")
        await palette_searched(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert footer(app).startswith("101–120 of 120")
        await pilot.press("g")
        await settle(pilot)
        assert footer(app).startswith("1–50 of 120")
        await pilot.press("G")
        await settle(pilot)
        assert footer(app).startswith("101–120 of 120")


async def test_q_closes_the_screens_above_the_list_and_quits_from_it(app: KafineaApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RecordDetailScreen)
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, ModuleListScreen)
        for key in ("f", "I"):
            await pilot.press(key)
            await settle(pilot)
            assert not isinstance(app.screen, ModuleListScreen)
            await pilot.press("q")
            await settle(pilot)
            assert isinstance(app.screen, ModuleListScreen), key
        assert app.is_running
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_ctrl_q_quits_from_any_screen(app: KafineaApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running


async def test_escape_asks_before_clearing_more_than_a_page(app: KafineaApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("space", "space")
        await pilot.press("escape")  # two records: cleared at once
        assert "0 selected" in footer(app)
        await pilot.press("A")
        await settle(pilot)
        assert "120 selected" in footer(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")  # escape twice keeps the selection
        await settle(pilot)
        assert isinstance(app.screen, ModuleListScreen)
        assert "120 selected" in footer(app)
        await pilot.press("escape", "enter")  # enter on the focused button: keep them
        await settle(pilot)
        assert "120 selected" in footer(app)
        await pilot.press("escape", "y")
        await settle(pilot)
        assert isinstance(app.screen, ModuleListScreen)
        assert "0 selected" in footer(app)
