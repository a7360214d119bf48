"""Changing records from the app, as a person does it: mass edit and mass delete of a selection
(then undo from past imports), a record edited from its detail, one created with the new key,
and a reference followed to the record it names and back."""

from __future__ import annotations

from textual.widgets import Button, DataTable, Input, Select, Static

from kafinea_tui.app import KafineaApp
from kafinea_tui.data.store.database import Store
from kafinea_tui.screens.confirm_delete import ConfirmDeleteDialog
from kafinea_tui.screens.mass_edit import MassEditScreen
from kafinea_tui.screens.module_list import ModuleListScreen
from kafinea_tui.screens.past_imports import PastImportsScreen
from kafinea_tui.screens.record_detail import RecordDetailScreen, ReferenceValue
from kafinea_tui.screens.record_form import RecordFormScreen
from kafinea_tui.widgets.page_table import PageTable
from tests.tui.pilot_helpers import press_button, settle

SIZE = (100, 16)  # 9 rows of the list: what the tests read is in the first ones


def text(app: KafineaApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def cities(store: Store) -> dict[str, int]:
    rows = (
        store.cursor()
        .execute("SELECT mailing_city, count(*) FROM contacts GROUP BY ALL")
        .fetchall()
    )
    return {str(city): int(n) for city, n in rows}


async def test_mass_edit_of_a_selection_across_two_pages_then_undo(
    app: KafineaApp, contacts_store: Store
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("space", "down", "space")  # two rows of the first page
        await pilot.press("right_square_bracket")
        await settle(pilot)
        await pilot.press("space")  # and one of the second
        await pilot.press("m")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MassEditScreen)
        assert "3 selected" in text(app, "#mass-title")
        assert screen.query_one("#mass-apply", Button).disabled

        screen.query_one("#mass-field", Select).value = "mailing_city"
        screen.query_one("#mass-value", Input).value = "Zürich"
        await settle(pilot)
        assert "Mailing City becomes 'Zürich' on 3 Contacts" in text(app, "#mass-summary")
        preview = screen.query_one("#mass-preview", DataTable)
        assert preview.row_count == 3
        assert [str(c) for c in preview.get_column_at(2)] == ["Zürich"] * 3
        assert cities(contacts_store).get("Zürich") is None  # a preview writes nothing

        apply = screen.query_one("#mass-apply", Button)
        assert str(apply.label) == "Change 3 Contacts"
        await press_button(pilot, "#mass-apply")
        assert "Changed 3 Contacts" in text(app, "#mass-summary")
        assert cities(contacts_store)["Zürich"] == 3
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ModuleListScreen)

        await pilot.press("I")  # past imports: the edit is the newest batch
        await settle(pilot)
        assert isinstance(app.screen, PastImportsScreen)
        await pilot.press("u")
        await settle(pilot)
        assert "Restore 3 changed ones?" in text(app, "#confirm-question")
        await pilot.press("y")
        await settle(pilot)
        assert "Zürich" not in cities(contacts_store)
        assert cities(contacts_store) == {"Paris": 40, "Lyon": 40, "Nantes": 40}


async def test_mass_edit_refuses_a_value_that_cannot_be_read(app: KafineaApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("space", "m")
        await settle(pilot)
        screen = app.screen
        screen.query_one("#mass-field", Select).value = "birthdate"
        screen.query_one("#mass-value", Input).value = "31/02/1990"
        await settle(pilot)
        assert screen.query_one("#mass-summary").has_class("-error")
        assert "31/02/1990" in text(app, "#mass-summary")
        assert screen.query_one("#mass-apply", Button).disabled


async def test_mass_edit_preview_says_a_new_picklist_value_would_be_added(
    app: KafineaApp, contacts_store: Store
) -> None:
    """Before it is confirmed, the preview must not claim the value is added; once applied, the
    summary says it was."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("space", "m")
        await settle(pilot)
        screen = app.screen
        screen.query_one("#mass-field", Select).value = "lead_source"
        screen.query_one("#mass-value", Input).value = "Fair"
        await settle(pilot)
        summary = text(app, "#mass-summary")
        assert "Lead Source: 'Fair' would be added to the list of values." in summary
        assert "'Fair' added" not in summary
        assert "Fair" not in contacts_store.module("contacts").field("lead_source").values
        await press_button(pilot, "#mass-apply")
        assert "Lead Source: 'Fair' added to the list of values." in text(app, "#mass-summary")


async def test_mass_delete_says_what_happens_to_references_and_undo_brings_all_back(
    app: KafineaApp, contacts_store: Store
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")  # Organizations
        await settle(pilot)
        await pilot.press("space")  # Acme, which 40 contacts belong to
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDeleteDialog)
        question = text(app, "#confirm-question")
        assert "Delete 1 Organization?" in question
        assert "40 Contacts" in question
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ModuleListScreen)
        assert contacts_store.count("organizations") == 2
        orphans = (
            contacts_store.cursor()
            .execute("SELECT count(*) FROM contacts WHERE organization IS NULL")
            .fetchone()
        )
        assert orphans == (40,)

        await pilot.press("I")
        await settle(pilot)
        await pilot.press("u", "y")
        await settle(pilot)
        await settle(pilot)
        assert contacts_store.count("organizations") == 3
        orphans = (
            contacts_store.cursor()
            .execute("SELECT count(*) FROM contacts WHERE organization IS NULL")
            .fetchone()
        )
        assert orphans == (0,)


async def test_delete_asks_and_no_keeps_the_record(app: KafineaApp, contacts_store: Store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")  # nothing selected: the record under the cursor
        await settle(pilot)
        assert "Delete 1 Contact?" in text(app, "#confirm-question")
        await pilot.press("d", "enter")  # keys pressed by habit land on No, the focused button
        await settle(pilot)
        assert isinstance(app.screen, ModuleListScreen)
        assert contacts_store.count("contacts") == 120


async def test_edit_a_record_from_its_detail_and_see_it_in_the_list(
    app: KafineaApp, contacts_store: Store
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RecordDetailScreen)
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RecordFormScreen)
        last_name = form.query_one("#field-last_name", Input)
        assert last_name.value == "Name000"
        last_name.value = "Dupont-Après"
        birthdate = form.query_one("#field-birthdate", Input)
        birthdate.value = "1980-02-30"  # checked as typed
        await settle(pilot)
        assert "1980-02-30" in text(app, "#error-birthdate")
        birthdate.value = "1981-03-04"
        await settle(pilot)
        assert text(app, "#error-birthdate") == ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RecordDetailScreen)
        shown = [str(v.render()) for v in app.screen.query(".field-value").results(Static)]
        assert "Dupont-Après" in shown and "1981-03-04" in shown
        await pilot.press("escape")
        await settle(pilot)
        table = app.screen.query_one(PageTable)
        assert "Dupont-Après" in [str(v) for v in table.get_column("last_name")]
    source = (
        contacts_store.cursor()
        .execute("SELECT source FROM kf_changes WHERE module = 'contacts' AND op = 'update'")
        .fetchall()
    )
    assert source == [("app",)]


async def test_create_a_record_with_a_new_organization(
    app: KafineaApp, contacts_store: Store
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RecordFormScreen)
        await pilot.press("ctrl+s")  # nothing typed: refused with a sentence
        await settle(pilot)
        assert "mandatory" in text(app, "#form-status")
        form.query_one("#field-last_name", Input).value = "Lovelace"
        form.query_one("#field-organization", Input).value = "Analytical Engines"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RecordDetailScreen)  # the new record is shown
        assert contacts_store.count("contacts") == 121
        assert contacts_store.find_by_key("organizations", "Analytical Engines")


async def test_follow_a_reference_and_come_back(app: KafineaApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, RecordDetailScreen)
        link = detail.query_one(ReferenceValue)
        link.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RecordDetailScreen)
        assert app.screen is not detail
        assert "Organizations · Acme" in text(app, "#detail-title")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is detail


async def test_q_in_the_form_closes_only_the_form(app: KafineaApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ModuleListScreen)
