"""The import wizard in an app that is a client: of `serve` through the workspace's socket.

The same keys and steps as on the workspace itself: the file (read on this machine), the
duplicates step, the mapping (a field added on the owner from it), a test run, the import (the file streamed to the owner), the
report's counts, the failed rows saved as a CSV here, undo from the summary, the records in
the list; and Stop, which closes the request: the owner rolls the import back.
"""

from __future__ import annotations

import asyncio
import csv
from pathlib import Path

import pytest
from textual.widgets import Button, Input, ProgressBar, RadioButton, SelectionList

from kafinea_tui.app import KafineaApp
from kafinea_tui.backend.remote import RemoteBackend
from kafinea_tui.cli.server_app import owner_backend
from kafinea_tui.data.query import ListQuery
from kafinea_tui.screens.import_wizard import ImportWizard
from kafinea_tui.sync.owner import find_owner
from kafinea_tui.widgets.mapping_editor import MappingEditor
from kafinea_tui.workspace import Workspace
from tests.tui.pilot_helpers import press_button, settle, until
from tests.tui.screen_text import cells, column, footer, text_of
from tests.tui.served import Served

SIZE = (110, 30)
CSV = (
    "First Name;Last Name;Email;Birthdate;Mailing City;Ville natale\r\n"
    "Annie;Name000;PERSON000@example.com;01/01/1980;Lille;Nîmes\r\n"  # an existing one: merged
    "Zoé;Lefèvre;zoe@exemple.fr;14/03/1988;Besançon;Sète\r\n"
    "Hélène;Müller;helene@exemple.fr;31/02/1991;Köln;Brûlé\r\n"  # no 31 February: fails
    "Søren;Kierk;soren@exemple.fr;17/08/1979;;Åre\r\n"
)


@pytest.fixture
def people(tmp_path: Path) -> Path:
    path = tmp_path / "people.csv"
    path.write_bytes(CSV.encode("windows-1252"))
    return path


def client_of(workspace: Workspace) -> RemoteBackend:
    owner = find_owner(workspace)
    assert owner is not None and owner.kind == "serve"
    return owner_backend(owner)


async def open_wizard(app: KafineaApp, pilot: object, path: Path) -> ImportWizard:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await pilot.press("i")
    await settle(pilot)
    wizard = app.screen
    assert isinstance(wizard, ImportWizard)
    field = wizard.query_one("#file-path", Input)
    assert field.has_focus
    field.value = str(path)
    await settle(pilot)
    return wizard


async def test_import_through_the_owner_from_file_to_undo(
    serving: Served, contacts_workspace: Workspace, people: Path, tmp_path: Path
) -> None:
    other = client_of(contacts_workspace)  # a second client, to see what the owner holds
    app = KafineaApp(workspace=contacts_workspace, backend=client_of(contacts_workspace))
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert footer(app).startswith("1–50 of 120")
            wizard = await open_wizard(app, pilot, people)
            assert "windows-1252" in text_of(pilot, "#preview-status").lower()

            # Duplicates: merge, on the contacts' key (email, pre-selected).
            await pilot.press("ctrl+n")
            await settle(pilot)
            assert wizard.query_one("#duplicates").has_focus
            await pilot.press("down", "down", "enter")
            await settle(pilot)
            assert wizard.query_one("#dup-merge", RadioButton).value
            assert wizard.query_one("#match-fields", SelectionList).selected == ["email"]

            # Mapping: the suggested one; a field added on the owner for the last column.
            await pilot.press("ctrl+n")
            await settle(pilot)
            editor = wizard.query_one(MappingEditor)
            suggested = {
                "First Name": "first_name",
                "Last Name": "last_name",
                "Email": "email",
                "Birthdate": "birthdate",
                "Mailing City": "mailing_city",
            }
            assert editor.mapping == suggested
            await press_button(pilot, "#newfield-5")
            field_label = app.screen.query_one("#field-label", Input)
            assert field_label.has_focus
            field_label.value = "Ville natale"
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen is wizard
            editor = wizard.query_one(MappingEditor)
            assert editor.mapping == suggested | {"Ville natale": "cf_ville_natale"}
            assert other.refresh_schema().module("contacts").find_field("cf_ville_natale")

            # Test run: nothing written on the owner.
            await pilot.press("ctrl+n")
            await settle(pilot)
            assert wizard.query_one("#test", Button).has_focus
            await pilot.press("enter")
            await settle(pilot)
            result = text_of(pilot, "#run-result")
            assert "Test run (nothing written) of 4 rows" in result, result
            assert "created 2 · updated 0 · merged 1" in result and "failed 1" in result
            assert other.page(ListQuery("contacts"), 0, 0).total == 120

            # The import: the file goes to the owner, its report comes back.
            await press_button(pilot, "#import")
            result = text_of(pilot, "#run-result")
            assert "Imported batch" in result, result
            assert "created 2 · updated 0 · merged 1" in result and "failed 1" in result
            assert wizard.query_one("#import", Button).disabled
            assert wizard.query_one("#run-progress", ProgressBar).percentage == 1.0
            assert other.page(ListQuery("contacts"), 0, 0).total == 122
            batch = other.batches()[0]
            assert (batch.source, batch.file) == ("import", str(people))

            # The failed row, in the table and saved here as a CSV to fix.
            failed = cells(wizard.query_one("#failed-rows"))
            assert [row[0] for row in failed] == ["4"] and "Birthdate" in failed[0][1]
            out = tmp_path / "failed.csv"
            wizard.query_one("#failed-path", Input).value = str(out)
            await press_button(pilot, "#save-failed")
            assert str(out) in text_of(pilot, "#run-result")
            with out.open(encoding="utf-8-sig", newline="") as handle:
                rows = list(csv.reader(handle, delimiter=";"))
            assert rows[0] == [
                "First Name",
                "Last Name",
                "Email",
                "Birthdate",
                "Mailing City",
                "Ville natale",
                "Reason",
            ]
            assert rows[1][:4] == ["Hélène", "Müller", "helene@exemple.fr", "31/02/1991"]

            # Undo from the summary: asked first, then done by the owner.
            await press_button(pilot, "#undo")
            assert "Remove 2 created records, restore 1 changed one?" in text_of(
                pilot, "#confirm-question"
            )
            await pilot.press("y")
            await settle(pilot)
            assert f"Undid import {batch.id}" in text_of(pilot, "#undo-result")
            assert other.page(ListQuery("contacts"), 0, 0).total == 120
            assert not wizard.query_one("#import", Button).disabled

            # Again, then back to the list: it shows the records the owner imported.
            await press_button(pilot, "#import")
            assert "Imported batch" in text_of(pilot, "#run-result")
            await pilot.press("escape")
            await settle(pilot)
            await until(pilot, lambda: footer(app).startswith("1–50 of 122"))
            assert footer(app).startswith("1–50 of 122")
            assert column(app, "first_name")[0] == "Annie"
            zoe = other.page(ListQuery("contacts", filter='email = "zoe@exemple.fr"'), 0, 1)
            assert other.record_texts("contacts", zoe.ids[0])["cf_ville_natale"] == "Sète"
    finally:
        other.close()


async def test_stopping_an_import_through_the_owner_writes_nothing(
    contacts_workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "held"
    # The owner holds its import with every row written, nothing committed, until cancelled.
    monkeypatch.setenv("KAFINEA_TEST_HOLD_AT", f"0.9:{marker}")
    server = Served(contacts_workspace).start()
    path = tmp_path / "many.csv"
    path.write_text(
        "Last Name,Email\n" + "".join(f"N{n},n{n}@x.fr\n" for n in range(3000)), encoding="utf-8"
    )
    other = client_of(contacts_workspace)
    app = KafineaApp(workspace=contacts_workspace, backend=client_of(contacts_workspace))
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            wizard = await open_wizard(app, pilot, path)
            for _ in range(3):  # duplicates, mapping, run
                await pilot.press("ctrl+n")
                await settle(pilot)
            wizard.query_one("#import", Button).focus()
            await pilot.press("enter")
            for _ in range(2400):
                if marker.exists():
                    break
                await pilot.pause(0.05)
            assert marker.exists(), "the owner never reached its hold"
            assert wizard.query_one("#run-progress", ProgressBar).percentage == 0.5  # uploaded
            await pilot.press("ctrl+x")
            await settle(pilot)
            result = text_of(pilot, "#run-result")
            assert "cancelled" in result and "nothing was imported" in result, result
            assert not wizard.query_one("#run-stop", Button).display
            assert not wizard.query_one("#import", Button).disabled

            # The owner rolled back: its next write is not queued behind a held import.
            created = await asyncio.wait_for(
                asyncio.to_thread(other.create_record, "contacts", {"last_name": "After"}), 60
            )
            assert created[0] is not None
            assert other.page(ListQuery("contacts"), 0, 0).total == 121
            assert other.batches() == [] or all(b.source != "import" for b in other.batches())
    finally:
        other.close()
        server.stop()
