"""The import wizard's file browser (where it starts, what it lists), stopping an import in
progress, and saving the failed rows over an existing file (which asks first)."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Input, Static

from kafinea_tui.backend import local
from kafinea_tui.data.cancel import Cancellation
from kafinea_tui.data.importer import run as importer
from kafinea_tui.data.store.database import Store
from kafinea_tui.data.store.settings import IMPORT_FOLDER, get_setting
from kafinea_tui.screens.import_wizard.file_browser import FileBrowserScreen, ImportableTree
from kafinea_tui.workspace import Workspace
from tests.tui.pilot_helpers import press_button, settle, until
from tests.tui.screen_text import text_of
from tests.tui.wizard_host import Host

CSV = "First Name,Last Name,Email,Birthdate,Lead Source\n"


def listed(screen: FileBrowserScreen) -> list[str]:
    """The names the tree lists under its root, in order."""
    return [str(node.label) for node in screen.query_one(ImportableTree).root.children]


async def open_browser(pilot: Pilot[Any]) -> FileBrowserScreen:
    """Browse, and wait for the folder's listing. Not `settle`: a DirectoryTree's loader is a
    worker that runs as long as the tree is on screen."""
    pilot.app.screen.query_one("#browse", Button).focus()
    await pilot.pause()
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(pilot.app.screen, FileBrowserScreen), 100)
    screen = pilot.app.screen
    assert isinstance(screen, FileBrowserScreen)
    await until(pilot, lambda: bool(listed(screen)), 200)
    return screen


async def toggle_all_files(pilot: Pilot[Any], screen: FileBrowserScreen) -> None:
    before = listed(screen)
    await pilot.press("a")
    await until(pilot, lambda: listed(screen) != before, 200)


async def test_the_browser_starts_in_the_samples_then_in_the_last_folder_used(
    store: Store, workspace: Workspace, tmp_path: Path
) -> None:
    workspace.samples_dir.mkdir()
    (workspace.samples_dir / "contacts.csv").write_text(CSV, encoding="utf-8")
    folder = tmp_path / "downloads"
    (folder / "old").mkdir(parents=True)
    for name in ("people.csv", "people.TSV", "list.txt", "book.xlsx", "sheet.ods"):
        (folder / name).write_text(CSV, encoding="utf-8")
    for name in ("notes.md", "photo.jpg", ".hidden.csv"):
        (folder / name).write_text("x", encoding="utf-8")

    app = Host(store, workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        browser = await open_browser(pilot)
        assert browser.start == workspace.samples_dir  # nothing used yet: the demo's samples
        assert listed(browser) == ["contacts.csv"]
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, FileBrowserScreen), 100)
        await settle(pilot)

        # Another folder, typed: the browser opens there, importable files only by default.
        field = app.screen.query_one("#file-path", Input)
        field.value = str(folder) + "/"
        browser = await open_browser(pilot)
        assert browser.start == folder
        shown = listed(browser)
        assert shown[0] == "old"  # folders first, as a tree lists them
        assert sorted(shown[1:]) == sorted(
            ["people.csv", "people.TSV", "list.txt", "book.xlsx", "sheet.ods"]
        )
        assert "CSV, TSV, TXT and spreadsheets" in text_of(pilot, "#browse-shown")

        await toggle_all_files(pilot, browser)  # every file, on request
        assert {"notes.md", "photo.jpg", ".hidden.csv"} <= set(listed(browser))
        assert "All files" in text_of(pilot, "#browse-shown")
        await toggle_all_files(pilot, browser)  # and back
        assert "notes.md" not in listed(browser)

        # Choosing a file: the path is filled in, and its folder is remembered.
        tree = browser.query_one(ImportableTree)
        node = next(n for n in tree.root.children if str(n.label) == "people.csv")
        tree.move_cursor(node)
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, FileBrowserScreen), 100)
        await settle(pilot)
        assert not isinstance(app.screen, FileBrowserScreen)
        assert app.screen.query_one("#file-path", Input).value == str(folder / "people.csv")
    assert get_setting(store, IMPORT_FOLDER) == str(folder)

    # A new wizard, nothing typed: the browser starts in the folder last used.
    again = Host(store, workspace)
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        browser = await open_browser(pilot)
        assert browser.start == folder


async def to_run_step(pilot: Pilot[Any], path: Path) -> None:
    field = pilot.app.screen.query_one("#file-path", Input)
    field.value = str(path)
    await settle(pilot)
    for _ in range(3):  # duplicates, mapping, run
        await pilot.press("ctrl+n")
        await settle(pilot)
    assert pilot.app.screen.query_one("#test", Button).has_focus


def state(store: Store) -> tuple[object, ...]:
    cur = store.cursor()
    counts = tuple(
        cur.execute(f"SELECT count(*) FROM {table}").fetchone()
        for table in ("contacts", "kf_batches", "kf_changes", "kf_picklist_values")
    )
    return (*counts, store.module("contacts").field("lead_source").values)


async def test_stopping_an_import_imports_nothing(
    store: Store, workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [f"F{i},L{i},p{i}@x.test,01/02/1980,Trade fair" for i in range(2000)]
    path = tmp_path / "contacts.csv"
    path.write_text(CSV + "\n".join(rows) + "\n", encoding="utf-8")
    reached = threading.Event()

    def run_import(
        store: Store, plan: Any, *, progress: Any, cancellation: Cancellation, **kw: Any
    ) -> Any:
        """The wizard's import, held halfway (its rows staged, inside its transaction)."""

        def hold(fraction: float) -> None:
            progress(fraction)
            if fraction >= 0.55 and not reached.is_set():
                reached.set()
                cancellation.wait(60)

        return importer.run_import(store, plan, progress=hold, cancellation=cancellation, **kw)

    monkeypatch.setattr(local, "run_import", run_import)
    before = state(store)
    app = Host(store, workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await to_run_step(pilot, path)
        screen = app.screen
        assert not screen.query_one("#run-stop", Button).display
        screen.query_one("#import", Button).focus()
        await pilot.press("enter")
        assert await asyncio.to_thread(reached.wait, 60)
        await pilot.pause()
        assert screen.query_one("#run-stop", Button).display
        await pilot.press("escape")  # the wizard stays while it runs, and says how to stop
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("ctrl+x")
        await settle(pilot)
        result = text_of(pilot, "#run-result")
        assert "cancelled" in result and "nothing was imported" in result
        assert not screen.query_one("#run-result", Static).has_class("-error")
        assert not screen.query_one("#run-stop", Button).display
        assert not screen.query_one("#import", Button).disabled  # it can run again
        assert state(store) == before

        # Run again, not stopped: everything is imported.
        monkeypatch.setattr(local, "run_import", importer.run_import)
        await press_button(pilot, "#import")
        assert "Imported batch" in text_of(pilot, "#run-result")
    assert store.count("contacts") == 2000


async def test_saving_the_failed_rows_over_a_file_asks_first(
    store: Store, workspace: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text(CSV + "Ann,Lee,ann@x.test,31/02/1980,\nBo,Kim,bo@x.test,01/02/1981,\n")
    existing = tmp_path / "failed.csv"
    existing.write_text("keep me")
    app = Host(store, workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await to_run_step(pilot, path)
        await press_button(pilot, "#import")
        assert "failed 1" in text_of(pilot, "#run-result")
        screen = app.screen
        screen.query_one("#failed-path", Input).value = str(existing)
        await press_button(pilot, "#save-failed")
        assert "already exists" in text_of(pilot, "#run-result")
        assert str(screen.query_one("#save-failed", Button).label) == "Overwrite"
        assert existing.read_text() == "keep me"

        # Another path, then back: it asks again.
        screen.query_one("#failed-path", Input).value = str(tmp_path / "other.csv")
        await pilot.pause()
        assert str(screen.query_one("#save-failed", Button).label) != "Overwrite"
        screen.query_one("#failed-path", Input).value = str(existing)
        await press_button(pilot, "#save-failed")
        assert existing.read_text() == "keep me"
        await press_button(pilot, "#save-failed")  # Overwrite: replaced
        assert "Saved 1 failed rows" in text_of(pilot, "#run-result")
    lines = existing.read_text(encoding="utf-8").splitlines()
    assert lines[0].endswith(",Reason") and lines[1].startswith("Ann,Lee,")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["contacts.csv", "failed.csv"]
