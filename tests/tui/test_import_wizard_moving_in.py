"""The import wizard with another CRM's export and with a workbook: step 1 says which product
the file looks like and lists a workbook's sheets with their row counts; step 3 says where each
suggested field came from and offers the whole-name column; the summary names what went
nowhere."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import xlsxwriter
from textual.widgets import Select

from kafinea_tui.data.store.database import Store
from kafinea_tui.widgets.mapping_editor import MappingEditor, target_choices
from kafinea_tui.workspace import Workspace
from tests.tui.pilot_helpers import settle
from tests.tui.screen_text import text_of
from tests.tui.wizard_host import Host, choose_file

PIPEDRIVE = (
    "Person - ID,Person - Name,Person - Email - Work,Person - Phone - Mobile,Person - Owner\n"
    "12,Grace Hopper,grace@navy.example,+1 202 555 0101,Jo\n"
)


async def test_another_crm_export_from_preview_to_summary(
    store: Store, workspace: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "people.csv"
    path.write_text(PIPEDRIVE, encoding="utf-8")
    app = Host(store, workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await choose_file(pilot, path)
        assert "The file looks like a Pipedrive contacts export." in text_of(
            pilot, "#preview-status"
        )
        assert not app.screen.query_one("#sheet", Select).display
        for _ in range(2):
            await pilot.press("ctrl+n")
            await settle(pilot)
        editor = app.screen.query_one(MappingEditor)
        assert editor.mapping == {
            "Person - Name": "full_name",
            "Person - Email - Work": "email",
            "Person - Phone - Mobile": "mobile",
        }
        assert editor.origins["Person - Name"] == "Pipedrive"
        shown = [str(s.render()) for s in editor.query(".map-sample")]
        assert shown[1] == "Pipedrive: Grace Hopper → Grace | Hopper"
        editor.set_target("Person - Name", "last_name")  # the whole name into Last Name
        await settle(pilot)
        assert str(editor.query_one("#sample-1").render()) == "Pipedrive: Grace Hopper"
        editor.set_target("Person - Name", "full_name")
        await settle(pilot)
        assert ("Full name → First and Last Name", "full_name") in target_choices(editor.module)
        await pilot.press("ctrl+n")
        await settle(pilot)
        app.screen.query_one("#import").focus()
        await pilot.press("enter")
        await settle(pilot)
        result = text_of(pilot, "#run-result")
        assert "created 1" in result
        assert "Not imported (mapped to no field): Person - ID, Person - Owner." in result
    row = store.cursor().execute("SELECT first_name, last_name, mobile FROM contacts").fetchall()
    assert row == [("Grace", "Hopper", "+1 202 555 0101")]


async def test_a_workbook_lists_its_sheets_and_previews_the_chosen_one(
    store: Store, workspace: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "book.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("Readme").write_row(0, 0, ["About"])
    sheet = book.add_worksheet("People")
    sheet.write_row(0, 0, ["Last Name", "Birthdate"])
    for row, name in enumerate(["Lee", "Ray"], start=1):
        sheet.write_string(row, 0, name)
        sheet.write_datetime(row, 1, date(1980, 3, row), book.add_format({"num_format": "d/m/yy"}))
    book.close()
    app = Host(store, workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await choose_file(pilot, path)
        choice = app.screen.query_one("#sheet", Select)
        assert choice.display
        assert [str(label) for label, _ in choice._options[1:]] == [
            "Readme (0 rows)",
            "People (2 rows)",
        ]
        assert "Read as the sheet 'Readme' of an .xlsx workbook" in text_of(
            pilot, "#preview-status"
        )
        choice.value = "People"
        await settle(pilot)
        preview = app.screen.query_one("#preview")
        assert [str(c) for c in preview.get_row_at(1)] == ["Ray", "1980-03-02"]
