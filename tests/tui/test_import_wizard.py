"""The import wizard driven by Pilot, from choosing the file to the summary and the undo (its
mapping step: test_import_wizard_mapping.py; past imports: test_past_imports.py).

A small App hosts the wizard over a real temporary workspace (wizard_host.py); the assertions read what the screen
holds (widget values, Static text, table cells) and what the store holds.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    Input,
    ProgressBar,
    RadioButton,
    Select,
    SelectionList,
)

from kafinea_tui.data.store.database import Store
from kafinea_tui.widgets.mapping_editor import MappingEditor
from kafinea_tui.widgets.path_suggester import complete_path
from kafinea_tui.workspace import Workspace
from tests.tui.pilot_helpers import press_button, settle
from tests.tui.screen_text import cells, text_of
from tests.tui.wizard_host import Host, choose_file


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


async def test_the_preview_says_where_a_table_below_a_title_starts(
    store: Store, workspace: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "report.csv"
    path.write_text("Contacts - November 2026\n\nLast Name;Email\nLee;ann@x.org\n")
    app = Host(store, workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await choose_file(pilot, path)
        table = app.screen.query_one("#preview", DataTable)
        assert cells(table) == [["Lee", "ann@x.org"]]
        status = " ".join(text_of(pilot, "#preview-status").split())
        assert "the header is on line 3, the lines above are skipped." in status
        # Without a header every line is a row: the title too, which then fails as ragged.
        app.screen.query_one("#has-header", Checkbox).value = False
        await settle(pilot)
        status = " ".join(text_of(pilot, "#preview-status").split())
        assert "skipped" not in status
        assert (
            "line 1: 1 cell where the other rows have 2: too few ('Contacts - November 2026')"
            in status
        )


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
