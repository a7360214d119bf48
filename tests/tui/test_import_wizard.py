"""The import wizard driven by Pilot, from choosing the file to the summary and the undo.

A small App hosts the wizard over a real temporary workspace; the assertions read what the screen
holds (widget values, Static text, table cells) and what the store holds.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    Input,
    ProgressBar,
    RadioButton,
    Select,
    SelectionList,
    Static,
)

from kafinea_tui.backend.local import LocalBackend
from kafinea_tui.data.importer.plan import CsvOptions, ImportPlan, ImportReport
from kafinea_tui.data.importer.run import run_import
from kafinea_tui.data.store.database import Store
from kafinea_tui.screens.import_wizard import ImportWizard
from kafinea_tui.screens.past_imports import PastImportsScreen
from kafinea_tui.widgets.mapping_editor import MappingEditor
from kafinea_tui.widgets.path_suggester import complete_path
from kafinea_tui.workspace import Workspace
from tests.tui.pilot_helpers import press_button, settle
from tests.tui.screen_text import cells, text_of

HEADER = "First Name;Last Name;Email;Mailing City;Birthdate;Ville natale\r\n"
ROWS = [
    "Zoé;Lefèvre;zoe@exemple.fr;Besançon;14/03/1988;Nîmes\r\n",
    "François;Côté;francois@exemple.fr;Nîmes;02/11/1975;Brûlé\r\n",
    "Hélène;Müller;helene@exemple.fr;Köln;31/02/1991;Sète\r\n",  # no 31 February: fails
    "Søren;;soren@exemple.fr;Göteborg;17/08/1979;Åre\r\n",  # no last name: the default fills it
]


class Host(App[None]):
    """The wizard on its own, over a workspace, remembering what it dismissed with."""

    def __init__(self, store: Store, workspace: Workspace, module: str = "contacts") -> None:
        super().__init__()
        self.store = store
        self.workspace = workspace
        self.module = module
        self.dismissed: list[ImportReport | None] = []

    def on_mount(self) -> None:
        self.push_screen(
            ImportWizard(LocalBackend(self.store), self.workspace, self.module),
            self.dismissed.append,
        )


@pytest.fixture
def latin1_csv(tmp_path: Path) -> Path:
    path = tmp_path / "contacts-fr.csv"
    path.write_bytes((HEADER + "".join(ROWS)).encode("iso-8859-1"))
    return path


async def choose_file(pilot: Pilot[Any], path: Path) -> None:
    field = pilot.app.screen.query_one("#file-path", Input)
    assert field.has_focus
    field.value = str(path)
    await settle(pilot)


def contacts(store: Store) -> dict[str, dict[str, Any]]:
    rows = store.cursor().execute("SELECT email, first_name, last_name FROM contacts").fetchall()
    return {email: {"first_name": first, "last_name": last} for email, first, last in rows}


async def test_step_file_previews_latin1_semicolons_with_auto_detect(
    store: Store, workspace: Workspace, latin1_csv: Path
) -> None:
    app = Host(store, workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await choose_file(pilot, latin1_csv)
        screen = app.screen
        assert screen.query_one("#encoding", Select).value == "auto"
        assert screen.query_one("#has-header", Checkbox).value is True
        table = screen.query_one("#preview", DataTable)
        assert [str(c.label) for c in table.columns.values()][:3] == [
            "First Name",
            "Last Name",
            "Email",
        ]
        assert cells(table)[0][:4] == ["Zoé", "Lefèvre", "zoe@exemple.fr", "Besançon"]
        status = text_of(pilot, "#preview-status")
        assert "iso-8859-1" in status.lower() or "windows-1252" in status.lower()
        assert "semicolon" in status

        # Forcing UTF-8 on a Latin-1 file is refused with a sentence, not a traceback.
        screen.query_one("#encoding", Select).value = "utf-8"
        await settle(pilot)
        assert table.row_count == 0
        assert "utf" in text_of(pilot, "#preview-status").lower()

        # Back to the right encoding and no header: the header line becomes a row.
        screen.query_one("#encoding", Select).value = "iso-8859-1"
        screen.query_one("#has-header", Checkbox).value = False
        await settle(pilot)
        assert cells(table)[0][0] == "First Name"
        assert cells(table)[1][0] == "Zoé"


async def test_next_is_refused_without_a_readable_file(
    store: Store, workspace: Workspace, tmp_path: Path
) -> None:
    app = Host(store, workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await choose_file(pilot, tmp_path / "missing.csv")
        assert "no file" in text_of(pilot, "#preview-status").lower()
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert "no file" in text_of(pilot, "#wizard-message").lower()
        assert app.screen.query_one("#file-path", Input).display
        await pilot.press("escape")
        await settle(pilot)
        assert app.dismissed == [None]


def test_path_completion_from_the_directory_listing(tmp_path: Path) -> None:
    (tmp_path / "clients-2026.csv").write_text("a\n")
    (tmp_path / "archive").mkdir()
    assert complete_path(str(tmp_path / "cli")) == str(tmp_path / "clients-2026.csv")
    assert complete_path(str(tmp_path / "arc")) == str(tmp_path / "archive") + "/"
    assert complete_path(str(tmp_path / "zzz")) is None


async def test_import_from_file_to_summary_failed_rows_and_undo(
    store: Store, workspace: Workspace, latin1_csv: Path, tmp_path: Path
) -> None:
    zoe = store.create(
        "contacts", {"last_name": "Ancien", "email": "ZOE@exemple.fr", "title": "CEO"}
    )
    app = Host(store, workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        await choose_file(pilot, latin1_csv)
        screen.query_one("#delimiter", Select).value = "semicolon"
        screen.query_one("#encoding", Select).value = "iso-8859-1"
        await settle(pilot)
        assert cells(screen.query_one("#preview", DataTable))[1][:2] == ["François", "Côté"]

        # Step 2: merge on email (the contacts' key, pre-selected).
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert screen.query_one("#duplicates").has_focus
        screen.query_one("#dup-merge", RadioButton).value = True
        match = screen.query_one("#match-fields", SelectionList)
        assert match.selected == ["email"]

        # Step 3: the suggested mapping, then a default for the missing last name.
        await pilot.press("ctrl+n")
        await settle(pilot)
        editor = screen.query_one(MappingEditor)
        suggested = editor.mapping
        assert suggested["First Name"] == "first_name"
        assert suggested["Email"] == "email"
        assert suggested["Birthdate"] == "birthdate"
        assert editor.samples["First Name"].startswith("Zoé, François")
        editor.set_target("Ville natale", None)
        editor.set_target("Mailing City", "mailing_city")
        editor.set_default("mailing_country", "France")
        await settle(pilot)
        assert editor.defaults == {"mailing_country": "France"}

        # Step 4: test first; nothing is written.
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert screen.query_one("#test", Button).has_focus
        await pilot.press("enter")
        await settle(pilot)
        result = text_of(pilot, "#run-result")
        assert "Test run" in result
        assert "merged 1" in result and "created 1" in result and "failed 2" in result
        assert store.count("contacts") == 1

        # The real import: the same counts, and the records in the store.
        await press_button(pilot, "#import")
        result = text_of(pilot, "#run-result")
        assert "Imported batch" in result
        assert "merged 1" in result and "created 1" in result and "failed 2" in result
        assert screen.query_one("#import", Button).disabled
        assert screen.query_one("#run-progress", ProgressBar).percentage == 1.0
        saved = contacts(store)
        assert saved["francois@exemple.fr"] == {"first_name": "François", "last_name": "Côté"}
        assert len(saved) == 2
        record = store.get("contacts", zoe)
        assert record is not None
        assert (record["first_name"], record["last_name"]) == ("Zoé", "Lefèvre")
        assert record["title"] == "CEO" and record["mailing_country"] == "France"

        # The failed rows, in the table and in a CSV to fix and import again.
        failed = cells(screen.query_one("#failed-rows", DataTable))
        lines = {row[0] for row in failed}
        assert lines == {"4", "5"}
        assert any("Birthdate" in row[1] for row in failed)
        out = tmp_path / "failed.csv"
        screen.query_one("#failed-path", Input).value = str(out)
        await press_button(pilot, "#save-failed")
        assert str(out) in text_of(pilot, "#run-result")
        with out.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle, delimiter=";"))
        assert rows[0][:2] == ["First Name", "Last Name"]
        assert len(rows) == 3
        assert {r[0] for r in rows[1:]} == {"Hélène", "Søren"}

        # Undo: the created records are gone, the merged one is as before.
        await press_button(pilot, "#undo")
        question = text_of(pilot, "#confirm-question")
        assert "Remove 1 created record, restore 1 changed one?" in question
        assert store.count("contacts") == 2  # nothing undone before the answer
        await pilot.press("y")
        await settle(pilot)
        assert text_of(pilot, "#undo-result")
        assert store.count("contacts") == 1
        record = store.get("contacts", zoe)
        assert record is not None
        assert (record["first_name"], record["last_name"]) == (None, "Ancien")
        assert record["mailing_country"] is None

        await pilot.press("escape")
        await settle(pilot)
    assert len(app.dismissed) == 1
    report = app.dismissed[0]
    assert report is not None and report.created == 1


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


def import_twice(store: Store, path: Path) -> tuple[ImportReport, ImportReport]:
    """The same three contacts imported twice: two batches for past imports to list."""
    plan = ImportPlan(
        module="contacts",
        csv=CsvOptions(path=path, encoding="iso-8859-1", delimiter="semicolon"),
        mapping={"First Name": "first_name", "Last Name": "last_name", "Email": "email"},
    )
    return run_import(store, plan), run_import(store, plan)


class PastImportsHost(App[None]):
    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store

    def on_mount(self) -> None:
        self.push_screen(PastImportsScreen(LocalBackend(self.store)))


async def test_past_imports_lists_batches_and_undoes_the_selected_one(
    store: Store, workspace: Workspace, latin1_csv: Path
) -> None:
    first, second = import_twice(store, latin1_csv)
    assert store.count("contacts") == 6
    app = PastImportsHost(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#past-table", DataTable)
        rows = cells(table)
        assert [row[0] for row in rows] == [str(second.batch), str(first.batch)]
        assert rows[0][2:6] == ["Contacts", "", "contacts-fr.csv", "3"]  # the label
        assert table.has_focus
        await pilot.press("u")  # the newest, under the cursor
        await settle(pilot)
        assert "Remove 3 created records?" in text_of(pilot, "#confirm-question")
        await pilot.press("escape")  # no: nothing happens
        await settle(pilot)
        assert store.count("contacts") == 6
        await pilot.press("u")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert f"Undid import {second.batch}: removed 3" in text_of(pilot, "#past-status")
        assert store.count("contacts") == 3
        assert cells(table)[0][3] != ""  # marked undone
        await pilot.press("u")
        await settle(pilot)
        assert "already undone" in text_of(pilot, "#past-status")
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, PastImportsScreen)


async def test_past_imports_keeps_the_cursor_on_the_undone_batch(
    store: Store, latin1_csv: Path
) -> None:
    first, _ = import_twice(store, latin1_csv)
    app = PastImportsHost(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#past-table", DataTable)
        await pilot.press("down", "u")  # the older import
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert f"Undid import {first.batch}" in text_of(pilot, "#past-status")
        assert not app.screen.query_one("#past-status").has_class("-error")
        assert table.cursor_row == 1
        assert cells(table)[1][3] != ""  # marked undone, and still under the cursor
