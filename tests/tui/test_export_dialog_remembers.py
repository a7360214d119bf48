"""The export dialog remembers each module's last choices, and an export in progress can be
stopped from it, leaving no file (and an existing one untouched)."""

from __future__ import annotations

import asyncio
import threading
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Button, Checkbox, Input, RadioButton, Select

from kafinea_tui.backend.local import LocalBackend
from kafinea_tui.data.cancel import Cancellation
from kafinea_tui.data.query import ListQuery
from kafinea_tui.data.store.database import Store
from kafinea_tui.data.store.settings import export_choices_key, get_json_setting
from kafinea_tui.screens import export_dialog
from kafinea_tui.widgets.field_chooser import FieldChooser
from tests.tui.export_dialog_host import SIZE, Host, dialog_for, no_press_animation, read, status
from tests.tui.pilot_helpers import settle


async def test_the_dialog_reopens_with_the_modules_last_choices(
    contacts_store: Store, tmp_path: Path
) -> None:
    today = date.today().isoformat()
    target = tmp_path / f"contacts-{today}.csv"
    host = Host(dialog_for(contacts_store, tmp_path))
    async with host.run_test(size=SIZE) as pilot:
        await settle(pilot)
        no_press_animation(host)
        screen = host.screen
        screen.query_one("#export-delimiter", Select).value = "semicolon"
        screen.query_one("#export-encoding", Select).value = "windows-1252"
        screen.query_one("#export-header", Select).value = "names"
        screen.query_one("#export-decimal", Select).value = "comma"
        screen.query_one("#export-guard", Checkbox).value = False
        screen.query_one("#fields-chosen", RadioButton).value = True
        await pilot.pause()
        chooser = screen.query_one(FieldChooser)
        rows = chooser.field_list
        rows.select("email")
        rows.select("last_name")  # checked, in schema order: last name, then email
        names = [rows.get_option_at_index(i).value for i in range(rows.option_count)]
        rows.highlighted = names.index("email")
        while chooser.chosen[0] != "email":  # moved up, one place at a time, above last name
            chooser.action_move(-1)
        await pilot.pause()
        order = chooser.chosen
        assert order == ["email", "last_name"]
        screen.query_one("#export-path", Input).value = str(target)
        await pilot.click("#export-run")
        await settle(pilot)
        assert "Exported 120 records" in status(host)
    assert read(target, ";", "windows-1252")[0] == order

    saved = get_json_setting(contacts_store, export_choices_key("contacts"))
    assert saved is not None and saved["path"] == str(tmp_path / "contacts-{date}.csv")

    again = Host(dialog_for(contacts_store, tmp_path / "elsewhere"))
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = again.screen
        assert screen.query_one("#export-path", Input).value == str(target)
        assert screen.query_one("#export-delimiter", Select).value == "semicolon"
        assert screen.query_one("#export-encoding", Select).value == "windows-1252"
        assert screen.query_one("#export-header", Select).value == "names"
        assert screen.query_one("#export-decimal", Select).value == "comma"
        assert screen.query_one("#export-guard", Checkbox).value is False
        assert screen.query_one("#fields-chosen", RadioButton).value
        assert screen.query_one(FieldChooser).chosen == order
        assert not screen.query_one(FieldChooser).disabled

    # Another module keeps its own (here: none, so the defaults).
    organizations = export_dialog.ExportDialog(
        LocalBackend(contacts_store),
        "organizations",
        query=ListQuery("organizations"),
        selected_ids=frozenset(),
        page=0,
        page_size=20,
        default_path=tmp_path / "organizations.csv",
    )
    other = Host(organizations)
    async with other.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = other.screen
        assert screen.query_one("#export-path", Input).value == str(tmp_path / "organizations.csv")
        assert screen.query_one("#export-delimiter", Select).value == "comma"
        assert screen.query_one("#fields-all", RadioButton).value


def held_export(
    monkeypatch: pytest.MonkeyPatch, reached: threading.Event
) -> list[Cancellation | None]:
    """The dialog's export, held at its first progress report until it is cancelled."""
    seen: list[Cancellation | None] = []

    real = LocalBackend.export

    def export(
        backend: LocalBackend,
        options: Any,
        target: Any,
        progress: Any = None,
        cancellation: Cancellation | None = None,
    ) -> Any:
        seen.append(cancellation)
        assert cancellation is not None

        def hold(fraction: float) -> None:
            progress(fraction)
            if not reached.is_set():
                reached.set()
                cancellation.wait(60)

        return real(backend, options, target, hold, cancellation)

    monkeypatch.setattr(LocalBackend, "export", export)
    return seen


async def test_stopping_an_export_leaves_no_file(
    contacts_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reached = threading.Event()
    seen = held_export(monkeypatch, reached)
    existing = tmp_path / "contacts.csv"
    existing.write_text("keep me")
    host = Host(dialog_for(contacts_store, tmp_path))
    async with host.run_test(size=SIZE) as pilot:
        await settle(pilot)
        no_press_animation(host)
        await pilot.click("#export-run")
        await settle(pilot)
        assert "already exists" in status(host)
        await pilot.click("#export-run")  # Overwrite: the export starts, and is held
        assert await asyncio.to_thread(reached.wait, 60)
        cancel = host.screen.query_one("#export-cancel", Button)
        assert str(cancel.label) == "Stop"
        await pilot.press("escape")  # does not close a running export's dialog
        await pilot.pause()
        assert host.screen is host.dialog
        await pilot.press("ctrl+x")
        await settle(pilot)
        assert seen and seen[0] is not None and seen[0].cancelled
        assert "cancelled" in status(host) and "no file was written" in status(host)
        assert str(cancel.label) == "Cancel"
        assert not host.screen.query_one("#export-run", Button).disabled
        await pilot.press("escape")
        await settle(pilot)
    assert host.results == [None]
    assert [p.name for p in tmp_path.iterdir()] == ["contacts.csv"]
    assert existing.read_text() == "keep me"
    # A stopped export is not remembered: the dialog's next defaults are the last export's.
    assert get_json_setting(contacts_store, export_choices_key("contacts")) is None


async def test_the_stop_button_stops_an_export(
    contacts_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reached = threading.Event()
    held_export(monkeypatch, reached)
    host = Host(dialog_for(contacts_store, tmp_path))
    async with host.run_test(size=SIZE) as pilot:
        await settle(pilot)
        no_press_animation(host)
        await pilot.click("#export-run")
        assert await asyncio.to_thread(reached.wait, 60)
        await pilot.click("#export-cancel")
        await settle(pilot)
        assert "cancelled" in status(host)
        assert host.screen is host.dialog  # Stop stops; it does not close the dialog
    assert list(tmp_path.iterdir()) == []
