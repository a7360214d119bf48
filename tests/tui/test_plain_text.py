"""People's values and labels are shown as written wherever the app shows them, even where they
look like markup (`[/b]`, `[bold]`, `:fire:`): Textual reads a `str` as markup in tables,
drop-downs, checkboxes and notifications, and an unmatched closing tag stopped the app."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, Select, Static

from kafinea_tui.app import KafineaApp
from kafinea_tui.data.importer.plan import CsvOptions, ImportPlan
from kafinea_tui.data.importer.run import run_import
from kafinea_tui.data.printable import printable
from kafinea_tui.data.schema import FieldType
from kafinea_tui.data.store.database import Store
from kafinea_tui.screens.export_dialog import ExportDialog
from kafinea_tui.screens.import_wizard.file_browser import FileBrowserScreen, ImportableTree
from kafinea_tui.screens.mass_edit import MassEditScreen
from kafinea_tui.screens.record_detail import RecordDetailScreen
from kafinea_tui.screens.record_form import RecordFormScreen
from kafinea_tui.widgets.field_chooser import FieldList
from kafinea_tui.widgets.mapping_editor import MappingEditor
from kafinea_tui.widgets.page_table import PageTable
from kafinea_tui.widgets.plain import PlainTable
from kafinea_tui.workspace import Workspace
from tests.tui.pilot_helpers import press_button, settle, until
from tests.tui.wizard_host import choose_file

LABEL = "Budget [/EUR]"
LOW = "[/x] low"
NAME = "Smith [/b] :fire:"


def drawn(table: PlainTable) -> str:
    """The table's lines as drawn on the screen."""
    return "\n".join(table.render_line(y).text for y in range(table.size.height))


async def drawn_list(pilot: Pilot[Any]) -> str:
    """The list's lines once its rows are drawn (the first page is read on a thread of its
    own, and DataTable measures rows when idle)."""
    table = pilot.app.screen.query_one(PageTable)
    for _ in range(250):  # up to 5 s on a loaded machine
        if table.row_count and "Ann" in drawn(table):
            break
        await pilot.pause(0.02)
    return drawn(table)


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
        page = await drawn_list(pilot)
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


def test_control_characters_are_shown_as_pictures_never_sent() -> None:
    assert printable("a\x1b[2Jb\x07\x9bc\x7f") == "a␛[2Jb␇\ufffdc␡"
    assert printable("one\ttwo\nthree") == "one\ttwo␊three"
    assert printable("one\ttwo\nthree", newlines=True) == "one\ttwo\nthree"


async def test_a_value_holding_terminal_sequences_reaches_the_screen_as_pictures(
    workspace: Workspace, store: Store
) -> None:
    store.create("contacts", {"last_name": "Evil\x1b]0;owned\x07\x1b[2J", "first_name": "Ann"})
    app = KafineaApp(workspace=workspace, store=store)
    async with app.run_test(size=(120, 24), notifications=True) as pilot:
        await settle(pilot)
        page = await drawn_list(pilot)
        assert "Evil␛]0;owned␇␛[2J" in page and "\x1b" not in page
        await pilot.press("enter")
        await settle(pilot)
        values = [str(value.render()) for value in app.screen.query(".field-value")]
        assert "Evil␛]0;owned␇␛[2J" in values
        await pilot.press("e")
        await settle(pilot)
        assert app.screen.query_one("#field-last_name", Input).value == "Evil␛]0;owned␇␛[2J"
        await pilot.press("ctrl+s")  # nothing changed: nothing written
        await settle(pilot)
        saved = store.get("contacts", 1)
        assert saved is not None and saved["last_name"] == "Evil\x1b]0;owned\x07\x1b[2J"
        app.notify("Bad value: \x1b[2J")
        await settle(pilot)
        assert "Bad value: ␛[2J" in [str(toast.render()) for toast in app.screen.query("Toast")]


async def test_file_names_holding_terminal_sequences_are_browsed_as_pictures(
    workspace: Workspace, store: Store, tmp_path: Path
) -> None:
    folder = tmp_path / "in\x1b[2J"
    folder.mkdir()
    (folder / "odd\x1b]0;owned.csv").write_text("Last Name\nLee\n", encoding="utf-8")
    app = KafineaApp(workspace=workspace, store=store)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        app.push_screen(FileBrowserScreen(folder))  # not `settle`: the tree's loader never ends
        await until(pilot, lambda: bool(app.screen.query(ImportableTree)), 100)
        tree = app.screen.query_one(ImportableTree)
        await until(pilot, lambda: bool(tree.root.children), 200)
        await pilot.pause()
        lines = "\n".join(tree.render_line(y).text for y in range(tree.size.height))
        assert "odd␛]0;owned.csv" in lines and "\x1b" not in lines
        assert str(app.screen.query_one("#browse-where", Static).render()).endswith("in␛[2J")


async def test_justified_labels_and_file_names_show_their_control_characters_too(
    workspace: Workspace, store: Store, tmp_path: Path
) -> None:
    """What the app passes as `Text` (a number column's right-aligned label, a past import's
    file name) goes through the same pictures as plain strings."""
    store.add_custom_field("contacts", "Score\x1b[2J", FieldType.DECIMAL)
    path = tmp_path / "odd\x1b[2J.csv"
    path.write_text("Last Name,Email\nLee,lee@x.fr\n", encoding="utf-8")
    plan = ImportPlan(
        module="contacts", csv=CsvOptions(path=path), mapping={"Last Name": "last_name"}
    )
    run_import(store, plan)
    app = KafineaApp(workspace=workspace, store=store)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        labels = [str(c.label) for c in app.screen.query_one(PageTable).ordered_columns]
        assert "Score␛[2J" in labels
        await pilot.press("I")
        await settle(pilot)
        past = app.screen.query_one("#past-table", PlainTable)
        assert "odd␛[2J.csv" in drawn(past) and "\x1b" not in drawn(past)
