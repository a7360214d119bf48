"""People's values and labels are shown as written wherever the app shows them, even where they
look like markup (`[/b]`, `[bold]`, `:fire:`): Textual reads a `str` as markup in tables,
drop-downs, checkboxes and notifications, and an unmatched closing tag stopped the app."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, Select, Static

from kafinea_tui.app import KafineaApp
from kafinea_tui.data.schema import FieldType
from kafinea_tui.data.store.database import Store
from kafinea_tui.screens.export_dialog import ExportDialog
from kafinea_tui.screens.mass_edit import MassEditScreen
from kafinea_tui.screens.record_detail import RecordDetailScreen
from kafinea_tui.screens.record_form import RecordFormScreen
from kafinea_tui.widgets.field_chooser import FieldList
from kafinea_tui.widgets.mapping_editor import MappingEditor
from kafinea_tui.widgets.page_table import PageTable
from kafinea_tui.widgets.plain import PlainTable
from kafinea_tui.workspace import Workspace
from tests.tui.pilot_helpers import press_button, settle
from tests.tui.wizard_host import choose_file

LABEL = "Budget [/EUR]"
LOW = "[/x] low"
NAME = "Smith [/b] :fire:"


def drawn(table: PlainTable) -> str:
    """The table's lines as drawn on the screen."""
    return "\n".join(table.render_line(y).text for y in range(table.size.height))


def select_shows(pilot: Pilot[Any], selector: str) -> str:
    return str(pilot.app.screen.query_one(selector, Select).query_one("#label", Static).render())


async def test_values_and_labels_that_look_like_markup_are_shown_as_written(
    workspace: Workspace, store: Store
) -> None:
    field = store.add_custom_field("contacts", LABEL, FieldType.PICKLIST, [LOW, "[b]high"])
    store.create("contacts", {"last_name": NAME, "first_name": "[bold]Ann", field.name: LOW})
    app = KafineaApp(workspace=workspace, store=store)
    async with app.run_test(size=(160, 24), notifications=True) as pilot:
        await settle(pilot)
        page = drawn(app.screen.query_one(PageTable))
        assert NAME in page and "[bold]Ann" in page

        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RecordDetailScreen)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, RecordFormScreen)
        assert select_shows(pilot, f"#field-{field.name}") == LOW
        await pilot.press("escape", "escape")
        await settle(pilot)

        await pilot.press("space", "m")
        await settle(pilot)
        assert isinstance(app.screen, MassEditScreen)
        app.screen.query_one("#mass-field", Select).value = field.name
        await settle(pilot)
        assert select_shows(pilot, "#mass-field") == LABEL
        await pilot.press("escape")
        await settle(pilot)

        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog)
        chooser = app.screen.query_one(FieldList)
        prompts = [str(chooser.get_option_at_index(i).prompt) for i in range(chooser.option_count)]
        assert LABEL in prompts
        await pilot.press("escape")
        await settle(pilot)

        app.notify(f"Added the field {LABEL}.")
        await settle(pilot)
        toasts = [str(toast.render()) for toast in app.screen.query("Toast")]
        assert f"Added the field {LABEL}." in toasts


async def test_a_file_whose_columns_look_like_markup_is_previewed_mapped_and_imported(
    workspace: Workspace, store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "odd.csv"
    path.write_text(f"Last Name,Notes [/b]\n{NAME},[bold]x\n", encoding="utf-8")
    app = KafineaApp(workspace=workspace, store=store)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        await choose_file(pilot, path)
        preview = drawn(app.screen.query_one("#preview", PlainTable))
        assert "Notes [/b]" in preview and NAME in preview and "[bold]x" in preview
        await pilot.press("ctrl+n", "ctrl+n")
        await settle(pilot)
        await press_button(pilot, "#newfield-1")
        app.screen.query_one("#field-label", Input).value = "Notes [/b]"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one(MappingEditor).mapping["Notes [/b]"] == "cf_notes_b"
        toasts = [str(toast.render()) for toast in app.screen.query("Toast")]
        assert any("Notes [/b]" in toast for toast in toasts)
