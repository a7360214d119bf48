"""The import wizard's mapping step through Pilot: a new field made from a column, a mapping
saved and loaded in a new wizard, and the mapping editor's reference keys and line items."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import (
    Input,
    RadioButton,
    Select,
    Static,
)

from kafinea_tui.backend.local import LocalBackend
from kafinea_tui.data.store.database import Store
from kafinea_tui.screens.import_wizard import ImportWizard
from kafinea_tui.widgets.mapping_editor import MappingEditor
from kafinea_tui.workspace import Workspace
from tests.tui.pilot_helpers import press_button, settle
from tests.tui.wizard_host import Host, choose_file


async def to_mapping_step(pilot: Pilot[Any], path: Path) -> MappingEditor:
    await choose_file(pilot, path)
    await pilot.press("ctrl+n")
    await settle(pilot)
    await pilot.press("ctrl+n")
    await settle(pilot)
    return pilot.app.screen.query_one(MappingEditor)


async def test_new_field_from_the_mapping_step(
    store: Store, workspace: Workspace, latin1_csv: Path
) -> None:
    app = Host(store, workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        editor = await to_mapping_step(pilot, latin1_csv)
        await press_button(pilot, "#newfield-5")  # the "Ville natale" column
        field_label = app.screen.query_one("#field-label", Input)
        assert field_label.has_focus
        field_label.value = "Ville natale"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ImportWizard)
        added = store.module("contacts").find_field("cf_ville_natale")
        assert added is not None
        editor = app.screen.query_one(MappingEditor)
        assert editor.mapping["Ville natale"] == "cf_ville_natale"
        assert editor.mapping["First Name"] == "first_name"  # other choices kept

        # Cancelling the dialog changes nothing.
        await press_button(pilot, "#newfield-0")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.query_one(MappingEditor).mapping["First Name"] == "first_name"


async def test_save_a_mapping_and_load_it_in_a_new_wizard(
    store: Store, workspace: Workspace, latin1_csv: Path
) -> None:
    app = Host(store, workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        await choose_file(pilot, latin1_csv)
        screen.query_one("#encoding", Select).value = "iso-8859-1"
        screen.query_one("#decimal", Select).value = "comma"
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        screen.query_one("#dup-overwrite", RadioButton).value = True
        await pilot.press("ctrl+n")
        await settle(pilot)
        editor = screen.query_one(MappingEditor)
        editor.set_target("Mailing City", None)
        editor.set_target("Ville natale", "mailing_city")
        editor.set_default("lead_source", "Web Site")
        screen.query_one("#mapping-name", Input).value = "fr contacts"
        await press_button(pilot, "#save-mapping")
        assert list(workspace.mappings_dir.iterdir())
        await pilot.press("escape")
        await settle(pilot)
        assert app.dismissed == [None]

        app.push_screen(
            ImportWizard(LocalBackend(store), workspace, "contacts"), app.dismissed.append
        )
        await settle(pilot)
        screen = app.screen
        await choose_file(pilot, latin1_csv)
        saved: Select[str] = screen.query_one("#saved-mapping", Select)
        assert [value for _, value in saved._options if value != Select.NULL] == ["fr contacts"]
        saved.value = "fr contacts"
        await settle(pilot)
        assert screen.query_one("#encoding", Select).value == "iso-8859-1"
        assert screen.query_one("#decimal", Select).value == "comma"
        assert screen.query_one("#file-path", Input).value == str(latin1_csv)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert screen.query_one("#dup-overwrite", RadioButton).value
        await pilot.press("ctrl+n")
        await settle(pilot)
        editor = screen.query_one(MappingEditor)
        assert editor.mapping.get("Ville natale") == "mailing_city"
        assert "Mailing City" not in editor.mapping
        assert editor.defaults == {"lead_source": "Web Site"}


class EditorHost(App[None]):
    def __init__(self, store: Store, module: str, columns: list[str]) -> None:
        super().__init__()
        self.store = store
        self.module = module
        self.columns = columns

    def compose(self) -> Any:
        yield MappingEditor(
            self.store.schema,
            self.module,
            self.columns,
            {c: "" for c in self.columns},
            {},
            id="editor",
        )


async def test_mapping_editor_reference_keys_and_line_items(store: Store) -> None:
    columns = ["Order", "Subject", "Customer", "Product", "Qty"]
    app = EditorHost(store, "salesorders", columns)
    async with app.run_test(size=(80, 40)) as pilot:
        editor = app.query_one(MappingEditor)
        targets = [value for _, value in app.query_one("#map-3", Select)._options]
        assert {"items.product", "items.quantity", "items.list_price"} <= set(targets)
        # Reference keys appear only for mapped reference targets, with the default key.
        assert not app.query_one("#refkeys-title").display
        editor.set_target("Customer", "contact")
        editor.set_target("Product", "items.product")
        editor.set_target("Qty", "items.quantity")
        await pilot.pause()
        assert app.query_one("#refkeys-title").display
        assert editor.reference_keys == {"contact": "email", "items.product": "product_code"}
        app.query_one("#refkey-0", Select).value = "last_name"
        await pilot.pause()
        assert editor.reference_keys["contact"] == "last_name"
        # Mandatory fields with no column are named; two columns on one field stop the step.
        notes = str(app.query_one("#mapping-notes", Static).render())
        assert "Order Number is mandatory" in notes
        editor.set_target("Order", "subject")
        editor.set_target("Subject", "subject")
        await pilot.pause()
        assert editor.problems() == ["Columns Order, Subject all fill Subject."]
        # A default is offered only for an unmapped field.
        editor.set_default("order_number", "SO-1")
        editor.set_default("subject", "ignored: mapped")
        assert editor.defaults == {"order_number": "SO-1"}
