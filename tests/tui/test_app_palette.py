"""The command palette and the keymap in the running app (Pilot): every action and the list's
own commands are in it, titles once each, the footer's palette key, rebinding from config.toml."""

from __future__ import annotations

from textual.widgets import Input, Tabs
from textual.widgets._footer import FooterKey

from kafinea_tui.app import KafineaApp
from kafinea_tui.data.store.database import Store
from kafinea_tui.keys import keymap_from_config
from kafinea_tui.screens.module_list import ModuleListScreen
from kafinea_tui.screens.palette import KafineaCommands, commands
from kafinea_tui.screens.past_imports import PastImportsScreen
from kafinea_tui.workspace import Workspace
from tests.tui.pilot_helpers import fill_focused_input, palette_searched, settle, until
from tests.tui.screen_text import footer

SIZE = (100, 16)  # 9 rows of the list: what the tests read is in the first ones


async def test_every_action_is_in_the_command_palette(app: KafineaApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await fill_focused_input(pilot, "Go to Leads")
        await palette_searched(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one(Tabs).active == "tab-leads"
        assert isinstance(app.screen, ModuleListScreen)
        titles = [c.title for c in commands(app.screen, app)]
        for wanted in (
            "Toggle selection",
            "First page",
            "Last page",
            "Go to Products",
            "Import into Leads",
            "Export Leads",
            "Fields of Leads",
            "Filter",
            "Select page",
            "Select all matching",
            "Clear selection",
            "Page size 500",
        ):
            assert wanted in titles


async def test_keymap_in_config_rebinds_keys(
    contacts_workspace: Workspace, contacts_store: Store
) -> None:
    contacts_workspace.config_path.write_text('[keymap]\nnext_page = "n"\nfilter = ["ctrl+f"]\n')
    app = KafineaApp(workspace=contacts_workspace, store=contacts_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert footer(app).startswith("51–100 of 120")
        await pilot.press("ctrl+f")
        assert app.screen.query_one("#filter-input", Input).has_focus


def test_keymap_entries_are_checked() -> None:
    keymap, problems = keymap_from_config({"keymap": {"quit": "ctrl+x", "sort": 3}})
    assert keymap == {"quit_app": "ctrl+x"}  # `quit` is the older id of quit_app
    assert problems and "sort" in problems[0]


def palette_keys(app: KafineaApp) -> list[str]:
    """The keys the footer shows for the command palette (Textual puts it at the right)."""
    return [
        key.key for key in app.screen.query(FooterKey) if key.action.endswith("command_palette")
    ]


async def test_past_imports_from_the_palette_and_its_key(app: KafineaApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Past imports" in [c.title for c in commands(app.screen, app)]
        await pilot.press("I")
        await settle(pilot)
        assert isinstance(app.screen, PastImportsScreen)
        await pilot.press("I")  # already on top: not pushed twice
        await settle(pilot)
        assert len(app.screen_stack) == 3  # default screen, list, past imports
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ModuleListScreen)
        await pilot.press("ctrl+p")
        await fill_focused_input(pilot, "Past imports")
        await palette_searched(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PastImportsScreen)


async def test_palette_titles_are_not_repeated(app: KafineaApp) -> None:
    """Textual's own system commands already hold Quit, Keys, Theme...: ours add none twice."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        provider = KafineaCommands(app.screen)
        titles = [c.title for c in provider._commands()]
        assert len(titles) == len(set(titles))
        system = {c.title for c in app.get_system_commands(app.screen)}
        assert not system & set(titles)


async def test_the_footer_shows_the_palette_once(
    contacts_workspace: Workspace, contacts_store: Store
) -> None:
    app = KafineaApp(workspace=contacts_workspace, store=contacts_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: palette_keys(app) == ["ctrl+p"])
        assert palette_keys(app) == ["ctrl+p"]
        for key in ("slash", "escape", "f", "escape", "enter", "escape"):
            await pilot.press(key)
            await settle(pilot)
            await until(pilot, lambda: palette_keys(app) == ["ctrl+p"])
            assert palette_keys(app) == ["ctrl+p"], key
    # A keymap that moves the palette moves its footer key too, instead of dropping it.
    contacts_workspace.config_path.write_text('[keymap]\ncommand_palette = "ctrl+k"\n')
    app = KafineaApp(workspace=contacts_workspace, store=contacts_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: palette_keys(app) == ["ctrl+k"])
        assert palette_keys(app) == ["ctrl+k"]
        await pilot.press("ctrl+k")
        await pilot.pause()
        assert type(app.screen).__name__ == "CommandPalette"
