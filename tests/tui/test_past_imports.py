"""Past imports through Pilot: the batches listed newest first, one undone after a question,
and the cursor kept on it."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.widgets import (
    DataTable,
)

from kafinea_tui.backend.local import LocalBackend
from kafinea_tui.data.importer.plan import CsvOptions, ImportPlan, ImportReport
from kafinea_tui.data.importer.run import run_import
from kafinea_tui.data.store.database import Store
from kafinea_tui.screens.past_imports import PastImportsScreen
from kafinea_tui.workspace import Workspace
from tests.tui.pilot_helpers import settle
from tests.tui.screen_text import cells, text_of


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
