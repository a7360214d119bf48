"""A list's columns as a person arranges them: hidden and moved in the layout manager with its
keys, applied when it closes, kept in the workspace for the next start; numbers aligned on the
right; each module's horizontal scroll kept while another module is shown."""

from __future__ import annotations

import csv
from pathlib import Path

from textual.widgets import DataTable, Input, RadioButton

from kafinea_tui.app import KafineaApp
from kafinea_tui.data.list_layout import read_layout
from kafinea_tui.data.store.database import Store
from kafinea_tui.screens.export_dialog import ExportDialog
from kafinea_tui.screens.layout_manager import LayoutManagerScreen
from kafinea_tui.screens.module_list import ModuleListScreen
from kafinea_tui.widgets.page_table import PageTable
from kafinea_tui.workspace import Workspace
from tests.tui.pilot_helpers import settle
from tests.tui.screen_text import list_columns, manager_rows

SIZE = (100, 16)  # 9 rows of the list: what the tests read is in the first ones
DIALOG_SIZE = (100, 30)  # the export dialog's run button on screen, to be clicked


async def test_hide_and_move_columns_then_find_them_so_after_a_restart(
    contacts_workspace: Workspace, contacts_store: Store
) -> None:
    app = KafineaApp(workspace=contacts_workspace, store=contacts_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = list_columns(app)
        assert before[:4] == ["first_name", "last_name", "email", "phone"]
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, LayoutManagerScreen)
        assert manager_rows(app)[:2] == [("[x]", "first_name"), ("[x]", "last_name")]
        # The cursor on Last Name: hide it; on Phone: move it up twice, above Email and the
        # hidden Last Name (the order is every field's, shown or not).
        await pilot.press("down", "space")
        assert manager_rows(app)[1] == ("[ ]", "last_name")
        await pilot.press("down", "down", "shift+up", "K")
        order = [name for _, name in manager_rows(app)]
        assert order[:4] == ["first_name", "phone", "last_name", "email"]
        await pilot.press("J")
        assert [name for _, name in manager_rows(app)][:4] == [
            "first_name",
            "last_name",
            "phone",
            "email",
        ]
        await pilot.press("shift+down", "up")  # down past Email, then the cursor back on it
        await pilot.press("K", "K", "K")  # Email first; a third move stops at the top
        order = [name for _, name in manager_rows(app)]
        assert order[:5] == ["email", "first_name", "last_name", "phone", "mobile"]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ModuleListScreen)
        shown = list_columns(app)
        assert shown == [name for name in order if name != "last_name"]
        assert read_layout(contacts_store, "contacts").hidden == {"last_name"}

    again = KafineaApp(workspace=contacts_workspace, store=contacts_store)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert list_columns(again) == shown
        # Other modules were never arranged: every field, in the schema's order.
        await pilot.press("2")
        await settle(pilot)
        assert list_columns(again)[0] == "name"


async def test_numbers_line_up_on_the_right(app: KafineaApp, contacts_store: Store) -> None:
    contacts_store.create(
        "products", {"product_code": "P-300", "name": "Crate", "unit_price": "1234.5"}
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        table = app.screen.query_one(PageTable)
        lines = [table.render_line(y).text for y in range(4)]  # the header, then three rows
        ends = {
            line.rindex(text) + len(text)
            for line, text in zip(lines, ("Unit Price", "1.50", "2.00", "1234.50"), strict=True)
        }
        assert len(ends) == 1, lines  # one right edge for the header and every price
        code_starts = {
            line.index(text) for line, text in zip(lines[1::2], ("P-100", "P-300"), strict=True)
        }
        assert len(code_starts) == 1, lines  # text stays on the left


async def test_each_module_keeps_its_horizontal_scroll(app: KafineaApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(PageTable)
        # Across to the 12th column, then back to the 9th: the view stays where it was, which
        # the cursor alone would not tell.
        await pilot.press(*["right"] * 12, *["left"] * 3)
        await settle(pilot)
        contacts_x, contacts_column = table.scroll_x, table.cursor_column
        assert contacts_x > 0 and contacts_column == 9
        await pilot.press("2")
        await settle(pilot)
        assert table.scroll_x == 0 and table.cursor_column == 0  # its own place, never moved
        await pilot.press("right", "right")
        await pilot.press("1")
        await settle(pilot)
        await pilot.pause()
        assert (table.scroll_x, table.cursor_column) == (contacts_x, contacts_column)
        await pilot.press("2")
        await settle(pilot)
        await pilot.pause()
        assert table.cursor_column == 2


async def test_the_export_of_visible_columns_follows_the_layout(
    app: KafineaApp, tmp_path: Path
) -> None:
    target = tmp_path / "visible.csv"
    async with app.run_test(size=DIALOG_SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("space", "down", "down", "K")  # First Name hidden, Email moved up
        await pilot.press("escape")
        await settle(pilot)
        labels = [str(c.label) for c in app.screen.query_one(PageTable).ordered_columns][1:]
        assert labels[:2] == ["Email", "Last Name"]
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        dialog.query_one("#fields-visible", RadioButton).value = True
        dialog.query_one("#export-path", Input).value = str(target)
        await settle(pilot)
        await pilot.click("#export-run")
        await settle(pilot)
    with target.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert header == labels


async def test_the_layout_manager_names_modules_and_types_in_words(app: KafineaApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5", "f")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert [str(c) for c in table.get_row("items")][3] == "line items"
        assert [str(c) for c in table.get_row("contact")][4] == "→ Contacts"
