"""Words a user reads: labels, not options or internal names; controls that read without colour."""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Input, RadioSet

from kafinea_tui.app import KafineaApp
from kafinea_tui.backend.local import LocalBackend
from kafinea_tui.data.errors import KafineaError
from kafinea_tui.data.importer.file.controls import control_error
from kafinea_tui.data.importer.file.encoding import encoding_error
from kafinea_tui.data.importer.plan import CsvOptions, Duplicates, ImportPlan
from kafinea_tui.data.importer.run import run_import
from kafinea_tui.data.importer.undo import undo_import
from kafinea_tui.data.store.database import Store
from kafinea_tui.screens.import_wizard.run_summary import RunSummary
from kafinea_tui.screens.past_imports import PastImportsScreen
from kafinea_tui.widgets.mapping_editor import MappingEditor
from kafinea_tui.widgets.toggles import Check, CheckList, Radio
from kafinea_tui.work import sentence
from tests.tui.pilot_helpers import settle


class Toggles(App[None]):
    def compose(self) -> ComposeResult:
        with RadioSet():
            yield Radio("one", value=True, id="one")
            yield Radio("two", id="two")
        yield Check("header", id="on", value=True)
        yield Check("header", id="off")
        yield CheckList(("Email", "email", True), ("City", "city", False), id="list")


async def test_radios_and_checks_read_without_colour() -> None:
    app = Toggles()
    async with app.run_test() as pilot:
        one, two = app.query_one("#one", Radio), app.query_one("#two", Radio)
        assert str(one.render()).startswith("(•)") and str(two.render()).startswith("( )")
        assert str(app.query_one("#on", Check).render()).startswith("[x]")
        assert str(app.query_one("#off", Check).render()).startswith("[ ]")
        two.value = True  # the set turns the other one off
        await pilot.pause()
        assert str(one.render()).startswith("( )") and str(two.render()).startswith("(•)")
        rows = app.query_one(CheckList)
        lines = ["".join(s.text for s in rows.render_line(y)) for y in range(2)]
        assert lines[0].startswith("[x] Email") and lines[1].startswith("[ ] City")


async def test_the_focused_cursor_is_underlined_not_only_coloured(app: KafineaApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert table.has_focus
        assert table.get_component_rich_style("datatable--cursor").underline
        await pilot.press("slash")  # the table loses the focus: its cursor is plain
        await pilot.pause()
        assert not table.get_component_rich_style("datatable--cursor").underline


def test_an_encoding_error_names_the_field_in_the_app_and_the_option_in_the_cli(
    tmp_path: Path,
) -> None:
    path = tmp_path / "clients.csv"
    data = "Prénom;Nom\nZoé;Lefèvre\n".encode("iso-8859-1")
    path.write_bytes(data)
    error = encoding_error(path, "utf-8", 3, data)
    assert "--encoding" in str(error)
    assert "--" not in sentence(error) and "Encoding" in sentence(error)
    assert sentence(KafineaError("plain")) == "plain"


def test_an_error_naming_a_command_has_a_sentence_for_the_app(contacts_store: Store) -> None:
    try:
        undo_import(contacts_store, 999)
    except KafineaError as error:
        assert "`kafinea-tui imports`" in str(error)  # the command line's sentence
        assert "kafinea-tui" not in sentence(error) and "999" in sentence(error)
    else:
        raise AssertionError("undoing an import that does not exist must fail")


def test_a_control_character_error_names_the_field_in_the_app(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    data = "a\u0000b\n".encode("utf-32")
    path.write_bytes(data)
    error = control_error(path, "utf-16", 1, "\x00", data)
    assert "--encoding" in str(error)  # the command line's sentence
    on_screen = sentence(error)
    assert "--" not in on_screen and "choose it as the Encoding" in on_screen


async def test_a_reference_default_hints_at_labels(contacts_store: Store) -> None:
    """The mapping step's default for a reference says what to type by labels, not by the
    module's internal name (`key of the related organizations record`)."""
    schema = contacts_store.schema

    class Mapping(App[None]):
        def compose(self) -> ComposeResult:
            yield MappingEditor(schema, "contacts", ["Nom"], {"Nom": "Lefèvre"}, {})

    app = Mapping()
    async with app.run_test(size=(100, 60)):
        hints = [str(i.placeholder) for i in app.query(".default-row Input").results(Input)]
        assert "Organization Name (in Organizations)" in hints
        assert not any("organizations" in hint for hint in hints)


async def test_labels_not_internal_names(
    app: KafineaApp, contacts_store: Store, tmp_path: Path
) -> None:
    store = contacts_store
    path = tmp_path / "products.csv"
    path.write_text("product_code,name\nP-100,Bolt again\n", encoding="utf-8")
    plan = ImportPlan(
        module="products",
        csv=CsvOptions(path=path),
        mapping={"product_code": "product_code", "name": "name"},
        duplicates=Duplicates.OVERWRITE,
        match=["product_code"],
    )
    run_import(store, plan)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        summary = RunSummary(LocalBackend(store))
        await app.screen.mount(summary)
        summary.set_plan(plan)
        text = str(summary.query_one("#run-plan").render())
        assert "→ Products" in text and "overwrite on Product Code" in text
        assert "product_code" not in text
        await summary.remove()
        await pilot.press("I")
        await settle(pilot)
        assert isinstance(app.screen, PastImportsScreen)
        past = app.screen.query_one(DataTable)
        assert str(past.get_row_at(0)[2]) == "Products"
