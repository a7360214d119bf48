"""The app as a client: Pilot drives it against a real `serve` subprocess on 127.0.0.1.

The same screens and keys as over the workspace itself (list, filter, selection, mass edit,
detail, edit, new record), with the footer saying where the data lives; a read-only token
makes a read-only app; a change made by another client shows on the app's next query; a
server that dies mid-session is one sentence and ctrl+r reconnects once it is back.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Button, DataTable, Input, RadioButton, Select, Static

from kafinea_tui.app import KafineaApp
from kafinea_tui.backend.remote import RemoteBackend
from kafinea_tui.data.exporter.options import SCOPES, ExportOptions
from kafinea_tui.data.store.tokens import create_token
from kafinea_tui.screens.access import READ_ONLY
from kafinea_tui.screens.export_dialog import ExportDialog
from kafinea_tui.screens.mass_edit import MassEditScreen
from kafinea_tui.screens.module_list import ModuleListScreen
from kafinea_tui.screens.record_detail import RecordDetailScreen, ReferenceValue
from kafinea_tui.screens.record_form import RecordFormScreen
from kafinea_tui.sync.client import Client
from kafinea_tui.workspace import Workspace
from tests.tui.list_steps import type_filter
from tests.tui.pilot_helpers import press_button, settle
from tests.tui.screen_text import column, footer
from tests.tui.served import Served

SIZE = (110, 16)  # 9 rows of the list: what the tests read is in the first ones
DIALOG_SIZE = (110, 30)  # the export dialog's run button on screen, to be clicked


def serve(workspace: Workspace) -> Iterator[tuple[Served, dict[str, str]]]:
    """`kafinea-tui serve` over `workspace`, with a writer's and a reader's token."""
    store = workspace.open_store()
    try:
        tokens = {
            "writer": create_token(store, "writer"),
            "reader": create_token(store, "reader", read_only=True),
        }
    finally:
        store.close()
    server = Served(workspace).start()
    try:
        yield server, tokens
    finally:
        server.stop()


@pytest.fixture
def served(contacts_workspace: Workspace) -> Iterator[tuple[Served, dict[str, str]]]:
    """The 120-contact workspace served for one test, which may change it."""
    yield from serve(contacts_workspace)


@pytest.fixture(scope="module")
def served_to_readers(
    tmp_path_factory: pytest.TempPathFactory, template_db: Path
) -> Iterator[tuple[Served, dict[str, str]]]:
    """The 120-contact workspace served once for the tests that only read it, through the
    reader's token, which the server refuses any change: each finds it as it was made."""
    workspace = Workspace(tmp_path_factory.mktemp("served"))
    workspace.prepare()
    shutil.copyfile(template_db, workspace.db_path)
    yield from serve(workspace)


def client_app(server: Served, token: str, workspace: Workspace) -> KafineaApp:
    backend = RemoteBackend.connect(server.url, token, where=server.url)
    return KafineaApp(workspace=workspace, backend=backend)


def said(app: KafineaApp, words: str) -> bool:
    return any(words in str(n.message) for n in app._notifications)


def text(app: KafineaApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_list_filter_select_and_mass_edit_through_a_server(
    served: tuple[Served, dict[str, str]], workspace: Workspace
) -> None:
    server, tokens = served
    app = client_app(server, tokens["writer"], workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert footer(app) == f"1–50 of 120 · 0 selected · 50 a page · via {server.url}"
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert footer(app).startswith("51–100 of 120")
        await pilot.press("left_square_bracket")
        await settle(pilot)

        await type_filter(pilot, "mailing_city = ")  # the server's error, with its position
        error = text(app, "#filter-error")
        assert "(at column 15)" in error and "still shows every record" in error
        await type_filter(pilot, 'mailing_city = "Lyon"')
        assert footer(app).startswith("1–40 of 40")
        assert set(column(app, "mailing_city")) == {"Lyon"}
        assert column(app, "birthdate")[0] == "1980-02-02"  # typed again: a date, not text

        await pilot.press("space", "space")  # Name001 and Name004
        await pilot.press("A")  # all 40 of Lyon
        await settle(pilot)
        assert "40 selected" in footer(app)
        await type_filter(pilot, 'mailing_city = "Paris"')
        assert "40 selected, 40 not shown" in footer(app)  # counted by the server
        await pilot.press("escape")  # clears the selection
        await type_filter(pilot, 'mailing_city = "Lyon"')
        await pilot.press("space", "space")
        await pilot.press("m")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MassEditScreen)
        screen.query_one("#mass-field", Select).value = "title"
        screen.query_one("#mass-value", Input).value = "Buyer"
        await settle(pilot)
        assert "Title becomes 'Buyer' on 2 Contacts" in text(app, "#mass-summary")
        assert screen.query_one("#mass-preview", DataTable).row_count == 2
        with Client(server.url, tokens["reader"]) as reader:
            assert reader.records("contacts", filter='title = "Buyer"').total == 0
        await press_button(pilot, "#mass-apply")
        assert "Changed 2 Contacts" in text(app, "#mass-summary")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ModuleListScreen)
        assert column(app, "title")[:2] == ["Buyer", "Buyer"]
    with Client(server.url, tokens["reader"]) as reader:
        changed = reader.records("contacts", filter='title = "Buyer"')
        assert [r["last_name"] for r in changed.records] == ["Name001", "Name004"]


async def test_detail_edit_and_new_record_through_a_server(
    served: tuple[Served, dict[str, str]], workspace: Workspace
) -> None:
    server, tokens = served
    app = client_app(server, tokens["writer"], workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, RecordDetailScreen)
        assert text(app, "#detail-title") == "Contacts · person000@example.com"
        detail.query_one(ReferenceValue).focus()
        await pilot.press("enter")  # the organization, found by its key on the server
        await settle(pilot)
        assert text(app, "#detail-title") == "Organizations · Acme"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is detail

        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RecordFormScreen)
        assert form.query_one("#field-last_name", Input).value == "Name000"
        assert form.query_one("#field-birthdate", Input).value == "1980-01-01"
        form.query_one("#field-last_name", Input).value = "Dupont-Après"
        form.query_one("#field-birthdate", Input).value = "1980-02-30"  # checked as typed
        await settle(pilot)
        assert "1980-02-30" in text(app, "#error-birthdate")
        form.query_one("#field-birthdate", Input).value = "1981-03-04"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is detail
        shown = [str(v.render()) for v in detail.query(".field-value").results(Static)]
        assert "Dupont-Après" in shown and "1981-03-04" in shown
        await pilot.press("escape")
        await settle(pilot)

        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RecordFormScreen)
        form.query_one("#field-last_name", Input).value = "Lovelace"
        form.query_one("#field-organization", Input).value = "Analytical Engines"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RecordDetailScreen)  # the new record, by the id it got
        assert "Lovelace" in [str(v.render()) for v in app.screen.query(".field-value")]
    with Client(server.url, tokens["reader"]) as reader:
        edited = reader.records("contacts", filter='email = "person000@example.com"')
        assert edited.records[0]["last_name"] == "Dupont-Après"
        assert edited.records[0]["birthdate"] == "1981-03-04"
        assert reader.records("contacts").total == 121
        assert reader.records("organizations", filter='name = "Analytical Engines"').total == 1


async def test_a_read_only_token_gives_a_read_only_app(
    served_to_readers: tuple[Served, dict[str, str]], workspace: Workspace
) -> None:
    server, tokens = served_to_readers
    app = client_app(server, tokens["reader"], workspace)
    assert app.backend.read_only
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert footer(app).startswith("1–50 of 120")
        for key in ("m", "n", "d", "i"):
            app.clear_notifications()
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, ModuleListScreen), key
            assert said(app, READ_ONLY), key
        await pilot.press("enter")  # reading is allowed, editing is not
        await settle(pilot)
        assert isinstance(app.screen, RecordDetailScreen)
        app.clear_notifications()
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, RecordDetailScreen) and said(app, READ_ONLY)
    with Client(server.url, tokens["reader"]) as reader:
        assert reader.records("contacts", filter='last_name = "Name000"').total == 1


async def test_a_change_by_another_client_shows_on_the_next_query(
    served: tuple[Served, dict[str, str]], workspace: Workspace
) -> None:
    server, tokens = served
    app = client_app(server, tokens["writer"], workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert column(app, "last_name")[0] == "Name000"
        with Client(server.url, tokens["writer"]) as other:
            first = other.records("contacts", limit=1).records[0]
            other.update("contacts", first["id"], {"last_name": "Changed elsewhere"})
            other.delete("contacts", other.records("contacts", limit=2).records[1]["id"])
        await pilot.press("right_square_bracket")
        await settle(pilot)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert column(app, "last_name")[:2] == ["Changed elsewhere", "Name002"]
        assert footer(app).startswith("1–50 of 119")


async def test_a_server_that_dies_is_one_sentence_and_ctrl_r_reconnects(
    served: tuple[Served, dict[str, str]], workspace: Workspace
) -> None:
    server, tokens = served
    app = client_app(server, tokens["writer"], workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        server.kill()
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert isinstance(app.screen, ModuleListScreen)
        assert said(app, f"The server at {server.url} does not answer")
        assert said(app, "Press ctrl+r to reconnect")
        assert footer(app).startswith("1–50 of 120")  # the list stays as it was
        app.clear_notifications()
        await pilot.press("ctrl+r")  # still down: said again
        await settle(pilot)
        assert said(app, f"The server at {server.url} does not answer")

        server.start()
        app.clear_notifications()
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert said(app, f"Connected again to {server.url}")
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert footer(app).startswith("51–100 of 120")


def test_an_export_through_a_server_is_written_here(
    served_to_readers: tuple[Served, dict[str, str]], tmp_path: Path
) -> None:
    server, tokens = served_to_readers
    backend = RemoteBackend.connect(server.url, tokens["reader"], where=server.url)
    try:
        lyon = ExportOptions(
            "contacts",
            scope="filter",
            filter='mailing_city = "Lyon"',
            sort=(("last_name", True),),
            fields=("last_name", "mailing_city", "organization"),
        )
        assert backend.count_scope(lyon) == 40
        page = ExportOptions("contacts", scope="page", page=3, page_size=50)
        assert backend.count_scope(page) == 20
        chosen = ExportOptions("contacts", scope="ids", ids=(1, 2, 999_999))
        assert backend.count_scope(chosen) == 2
        result = backend.export(lyon, tmp_path / "lyon.csv")
        assert (result.path, result.count) == (tmp_path / "lyon.csv", 40)
        with (tmp_path / "lyon.csv").open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        assert rows[0] == ["Last Name", "Mailing City", "Organization Name"]
        assert len(rows) == 41 and rows[1][0] == "Name118" and {r[1] for r in rows[1:]} == {"Lyon"}
        assert sorted(p.name for p in tmp_path.iterdir()) == ["lyon.csv"]  # no part file left
    finally:
        backend.close()


async def test_the_export_dialog_through_a_server_with_a_read_only_token(
    served_to_readers: tuple[Served, dict[str, str]], workspace: Workspace, tmp_path: Path
) -> None:
    server, tokens = served_to_readers
    target = tmp_path / "chosen.csv"
    app = client_app(server, tokens["reader"], workspace)  # reading is all an export needs
    async with app.run_test(size=DIALOG_SIZE) as pilot:
        await settle(pilot)
        await pilot.press("space", "space")  # Name000, Name001
        await pilot.press("right_square_bracket")
        await settle(pilot)
        await pilot.press("space")  # Name050
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        for button in dialog.query(Button):
            button.active_effect_duration = 0
        labels = {s: str(dialog.query_one(f"#scope-{s}", RadioButton).label) for s in SCOPES}
        assert labels["ids"] == "Selected records (3)" and labels["all"] == "All records (120)"
        assert labels["page"] == "This page (50)"
        dialog.query_one("#export-path", Input).value = str(target)
        await pilot.click("#export-run")
        await settle(pilot)
        assert text(app, "#export-status") == f"Exported 3 records to {target}"
    with target.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert [r[1] for r in rows[1:]] == ["Name000", "Name001", "Name050"]
    assert [r[7] for r in rows[1:]] == ["Acme", "Globex", "Initech"]
