"""The export dialog through Pilot: in the real app (select rows on two pages, export "selected",
read the file; chosen fields in a chosen order; the list's columns) and pushed on a small app
(counts, options, overwrite confirmation, errors, an empty choice of fields)."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Button, Input, RadioButton, RadioSet, Select, Static, TabbedContent

from kafinea_tui.app import KafineaApp
from kafinea_tui.data.exporter.run import ExportResult
from kafinea_tui.data.store.database import Store
from kafinea_tui.screens.export_dialog import EMPTY_CHOICE, ExportDialog
from kafinea_tui.widgets.field_chooser import FieldChooser, FieldList
from kafinea_tui.widgets.record_table import RecordTable
from tests.tui.export_dialog_host import SIZE, Host, dialog_for, no_press_animation, read, status
from tests.tui.pilot_helpers import settle


def scope_label(app: App[None], scope: str) -> str:
    return str(app.screen.query_one(f"#scope-{scope}", RadioButton).label)


async def test_export_selected_rows_from_two_pages(app: KafineaApp, tmp_path: Path) -> None:
    target = tmp_path / "chosen.csv"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("space", "space")  # Name000, Name001
        await pilot.press("right_square_bracket")
        await settle(pilot)
        await pilot.press("space")  # Name050
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        no_press_animation(app)
        assert scope_label(app, "ids") == "Selected records (3)"
        assert scope_label(app, "page") == "This page (50)"
        assert scope_label(app, "all") == "All records (120)"
        assert dialog.query_one("#scope-ids", RadioButton).value  # selected is the default
        dialog.query_one("#export-path", Input).value = str(target)
        await pilot.click("#export-run")
        await settle(pilot)
        assert status(app) == f"Exported 3 records to {target}"
        close = dialog.query_one("#export-run", Button)
        assert str(close.label) == "Close" and close.has_focus
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, ExportDialog)
    rows = read(target)
    assert rows[0][:2] == ["First Name", "Last Name"]
    assert [r[1] for r in rows[1:]] == ["Name000", "Name001", "Name050"]
    assert [r[7] for r in rows[1:]] == ["Acme", "Globex", "Initech"]


async def test_counts_and_selected_disabled_without_selection(
    contacts_store: Store, tmp_path: Path
) -> None:
    host = Host(dialog_for(contacts_store, tmp_path, filter='mailing_city = "Nantes"'))
    async with host.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert host.screen.query_one("#scope-ids", RadioButton).disabled
        assert scope_label(host, "ids") == "Selected records (0)"
        assert scope_label(host, "page") == "This page (20)"  # page 2 of 40 matches
        assert scope_label(host, "filter") == "All matching the filter (40)"
        assert host.screen.query_one("#scope-filter", RadioButton).value
        await pilot.click("#export-run")
        await settle(pilot)
        assert status(host) == f"Exported 40 records to {tmp_path / 'contacts.csv'}"
        await pilot.press("escape")
        await settle(pilot)
    assert host.results == [ExportResult(tmp_path / "contacts.csv", 40)]
    assert len(read(tmp_path / "contacts.csv")) == 41


async def test_page_scope_with_options(contacts_store: Store, tmp_path: Path) -> None:
    host = Host(dialog_for(contacts_store, tmp_path, sort=(("last_name", True),)))
    async with host.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = host.screen
        screen.query_one("#scope-page", RadioButton).value = True
        assert screen.query_one("#export-scope", RadioSet).pressed_button is not None
        screen.query_one("#export-delimiter", Select).value = "semicolon"
        screen.query_one("#export-encoding", Select).value = "utf-8-sig"
        screen.query_one("#export-header", Select).value = "names"
        await pilot.click("#export-run")
        await settle(pilot)
        assert "Exported 20 records" in status(host)
    raw = (tmp_path / "contacts.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbffirst_name;last_name;")
    rows = read(tmp_path / "contacts.csv", ";", "utf-8-sig")
    # Page 2 (0-based index 1) of 20, sorted by last name descending: Name099 .. Name080.
    assert [r[1] for r in rows[1:]] == [f"Name{i:03d}" for i in range(99, 79, -1)]


async def test_overwrite_asks_first(contacts_store: Store, tmp_path: Path) -> None:
    target = tmp_path / "contacts.csv"
    target.write_text("keep me")
    host = Host(dialog_for(contacts_store, tmp_path))
    async with host.run_test(size=SIZE) as pilot:
        await settle(pilot)
        no_press_animation(host)
        await pilot.click("#export-run")
        await settle(pilot)
        assert "already exists" in status(host)
        assert str(host.screen.query_one("#export-run", Button).label) == "Overwrite"
        assert target.read_text() == "keep me"
        await pilot.click("#export-run")
        await settle(pilot)
        assert "Exported 120 records" in status(host)
    assert len(read(target)) == 121


async def test_errors_are_shown_as_sentences(contacts_store: Store, tmp_path: Path) -> None:
    host = Host(dialog_for(contacts_store, tmp_path))
    async with host.run_test(size=SIZE) as pilot:
        await settle(pilot)
        no_press_animation(host)
        path_input = host.screen.query_one("#export-path", Input)
        path_input.value = str(tmp_path)
        await pilot.click("#export-run")
        await settle(pilot)
        assert "is a folder" in status(host)
        assert host.screen.query_one("#export-status", Static).has_class("error")
        contacts_store.update("contacts", 1, {"last_name": "Snow ☃"})
        path_input.value = str(tmp_path / "latin.csv")
        host.screen.query_one("#export-encoding", Select).value = "iso-8859-1"
        await pilot.click("#export-run")
        await settle(pilot)
        assert "record 1: Last Name holds '☃'" in status(host)
        assert not (tmp_path / "latin.csv").exists()
        await pilot.press("escape")
        await settle(pilot)
    assert host.results == [None]


async def test_path_completion(contacts_store: Store, tmp_path: Path) -> None:
    (tmp_path / "exports").mkdir()
    host = Host(dialog_for(contacts_store, tmp_path))
    async with host.run_test(size=SIZE) as pilot:
        await settle(pilot)
        no_press_animation(host)
        path_input = host.screen.query_one("#export-path", Input)
        path_input.focus()
        path_input.value = str(tmp_path / "exp")
        path_input.cursor_position = len(path_input.value)
        await pilot.pause(0.05)
        await settle(pilot)
        await pilot.press("right")
        assert path_input.value == str(tmp_path / "exports") + "/"


async def fields_tab(pilot: Pilot[None], choice: int) -> None:
    """From the dialog as it opens (focus on the scopes), by keyboard: to the Fields tab, then
    `choice` (0 all, 1 visible, 2 chosen) picked in its radio set, which keeps the focus."""
    await pilot.press("shift+tab", "right", "tab", *["down"] * choice, "space")
    await settle(pilot)
    tabs = pilot.app.screen.query_one(TabbedContent)
    assert tabs.active == "tab-fields"


async def test_chosen_fields_in_a_chosen_order(app: KafineaApp, tmp_path: Path) -> None:
    target = tmp_path / "chosen-fields.csv"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        assert dialog.query_one(FieldChooser).disabled  # until "Chosen" is picked
        await fields_tab(pilot, 2)
        assert not dialog.query_one(FieldChooser).disabled
        # First Name, Last Name, Email...: check Last Name and Email, then move Email up.
        await pilot.press("tab", "down", "space", "down", "space", "shift+up")
        await settle(pilot)
        assert dialog.query_one(FieldChooser).chosen == ["email", "last_name"]
        tab = dialog.query_one(TabbedContent).get_tab("tab-fields")
        assert str(tab.label) == "Fields: 2 chosen"
        dialog.query_one("#export-path", Input).value = str(target)
        await pilot.click("#export-run")
        await settle(pilot)
        assert status(app) == f"Exported 120 records to {target}"
    rows = read(target)
    assert rows[0] == ["Email", "Last Name"]
    assert rows[1] == ["person000@example.com", "Name000"]


async def test_visible_columns_are_the_lists_columns(app: KafineaApp, tmp_path: Path) -> None:
    """Sales orders: the list's columns without the items, which the list shows as a count and
    which would make the file one line per item."""
    target = tmp_path / "orders.csv"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        page = app.screen.query_one(RecordTable).page
        assert page is not None
        shown = [f.label for f in page.fields if f.is_column]
        assert len(shown) == len(page.fields) - 1  # Items
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        await fields_tab(pilot, 1)
        tab = dialog.query_one(TabbedContent).get_tab("tab-fields")
        assert str(tab.label) == f"Fields: visible columns ({len(shown)})"
        dialog.query_one("#export-path", Input).value = str(target)
        await pilot.click("#export-run")
        await settle(pilot)
        assert status(app) == f"Exported 1 record to {target}"
    rows = read(target)
    assert rows[0] == shown
    assert len(rows) == 2 and rows[1][:2] == ["SO-1", "First order"]


async def test_an_empty_choice_writes_nothing(contacts_store: Store, tmp_path: Path) -> None:
    host = Host(dialog_for(contacts_store, tmp_path))
    async with host.run_test(size=SIZE) as pilot:
        await settle(pilot)
        no_press_animation(host)
        await fields_tab(pilot, 2)
        await pilot.click("#export-run")
        await settle(pilot)
        assert status(host) == EMPTY_CHOICE
        assert host.screen.query_one("#export-status", Static).has_class("error")
        assert isinstance(host.screen.focused, FieldList)
        assert not (tmp_path / "contacts.csv").exists()


async def test_the_chooser_moves_with_k_and_j_and_ends_with_system_fields(
    contacts_store: Store, tmp_path: Path
) -> None:
    host = Host(dialog_for(contacts_store, tmp_path))
    async with host.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await fields_tab(pilot, 2)
        chooser = host.screen.query_one(FieldChooser)
        rows = chooser.field_list
        names = [rows.get_option_at_index(i).value for i in range(rows.option_count)]
        assert names[-3:] == ["id", "created_at", "modified_at"]
        assert chooser.chosen == []
        await pilot.press("tab", "K", "space", "J", "J")  # K at the top does nothing
        assert rows.highlighted == 2  # the highlight follows the moved field
        await pilot.press("home", "space")  # Last Name, now at the top
        await pilot.press("end", "space", "J")  # J at the bottom does nothing
        await settle(pilot)
        assert chooser.chosen == ["last_name", "first_name", "modified_at"]
        assert rows.highlighted == rows.option_count - 1
        await pilot.press("space")  # unchecking drops it from the choice
        assert chooser.chosen == ["last_name", "first_name"]


async def test_export_as_a_workbook(app: KafineaApp, tmp_path: Path) -> None:
    """The format choice: the title and the file's extension follow it, the CSV-only options
    grey out, and the file written is a workbook with the module's sheet."""
    import openpyxl

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        no_press_animation(app)
        path_field = dialog.query_one("#export-path", Input)
        path_field.value = str(tmp_path / "people.csv")
        dialog.query_one("#export-format", Select).value = "xlsx"
        await settle(pilot)
        assert path_field.value == str(tmp_path / "people.xlsx")
        title = str(dialog.query_one("#export-title", Static).render())
        assert title == "Export Contacts to an Excel workbook"
        assert dialog.query_one("#export-delimiter", Select).disabled
        await pilot.click("#export-run")
        await settle(pilot)
        assert status(app) == f"Exported 120 records to {tmp_path / 'people.xlsx'}"
    book = openpyxl.load_workbook(tmp_path / "people.xlsx")
    assert book.sheetnames == ["Contacts"]
    sheet = book["Contacts"]
    assert [c.value for c in sheet[1]][:2] == ["First Name", "Last Name"]
    assert sheet.max_row == 121
