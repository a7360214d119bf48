"""The module list driven as a person drives it (Textual's Pilot), asserting on what the screen
holds: pages, filters, sort, selection, modules, records (its palette and keymap:
test_app_palette.py)."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Static, Tabs

from kafinea_tui.app import KafineaApp
from kafinea_tui.data.query import ListQuery, fetch_page
from kafinea_tui.data.store.database import Store
from kafinea_tui.screens.layout_manager import LayoutManagerScreen
from kafinea_tui.screens.module_list import ModuleListScreen
from kafinea_tui.screens.record_detail import RecordDetailScreen
from kafinea_tui.widgets.filter_bar import FILTER_EXAMPLES, FilterBar, split_filter_text
from kafinea_tui.widgets.page_table import PageTable
from kafinea_tui.widgets.record_table import RecordTable
from kafinea_tui.workspace import Workspace
from tests.tui.layout_steps import add_loyalty_tier
from tests.tui.list_steps import type_filter
from tests.tui.pilot_helpers import settle
from tests.tui.screen_text import column, footer

SIZE = (100, 16)  # 9 rows of the list: what the tests read is in the first ones


def list_screen(app: KafineaApp) -> ModuleListScreen:
    assert isinstance(app.screen, ModuleListScreen)
    return app.screen


async def test_opens_on_contacts_with_the_first_page(app: KafineaApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ModuleListScreen)
        assert app.screen.query_one(Tabs).active == "tab-contacts"
        assert footer(app) == "1–50 of 120 · 0 selected · 50 a page"
        assert app.screen.query_one(PageTable).row_count == 50
        assert column(app, "last_name")[:2] == ["Name000", "Name001"]
        assert column(app, "organization")[:3] == ["Acme", "Globex", "Initech"]


async def test_pages_forward_and_back(app: KafineaApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert footer(app).startswith("51–100 of 120")
        assert column(app, "last_name")[0] == "Name050"
        await pilot.press("pagedown")
        await settle(pilot)
        assert footer(app).startswith("101–120 of 120")
        assert app.screen.query_one(PageTable).row_count == 20
        await pilot.press("pagedown")  # past the last page: stays
        await settle(pilot)
        assert footer(app).startswith("101–120 of 120")
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert footer(app).startswith("51–100 of 120")


async def test_filter_and_quick_search(app: KafineaApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_filter(pilot, 'mailing_city = "Lyon"')
        assert footer(app).startswith("1–40 of 40")
        assert set(column(app, "mailing_city")) == {"Lyon"}
        assert app.screen.query_one(PageTable).has_focus  # enter returns to the table
        await type_filter(pilot, "name007", key_by_key=True)  # as a person types it
        assert footer(app).startswith("1–1 of 1")
        assert column(app, "last_name") == ["Name007"]
        await pilot.press("escape")  # no selection: escape clears the filter
        await settle(pilot)
        assert footer(app).startswith("1–50 of 120")


async def test_a_bad_filter_says_where_and_keeps_the_list(app: KafineaApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_filter(pilot, 'mailing_city != "Paris"')
        await pilot.press("right_square_bracket")
        await settle(pilot)
        await pilot.press("down", "down")
        table = app.screen.query_one(PageTable)
        assert footer(app).startswith("51–80 of 80")
        await type_filter(pilot, "mailing_city = ")
        error = str(app.screen.query_one("#filter-error", Static).render())
        assert "column" in error
        assert 'still shows the filter mailing_city != "Paris"' in error
        assert app.screen.query_one(FilterBar).has_class("-error")
        assert app.screen.query_one("#filter-input", Input).has_focus  # to be fixed
        assert isinstance(app.screen, ModuleListScreen)
        assert list_screen(app).state.filter == 'mailing_city != "Paris"'
        assert footer(app).startswith("51–80 of 80")
        assert table.cursor_row == 2
        await pilot.press("escape")  # leave the bar: it shows the filter in force again
        assert app.screen.query_one("#filter-input", Input).value == 'mailing_city != "Paris"'
        assert table.has_focus and table.cursor_row == 2
        await pilot.press("left_square_bracket")  # the page is still the second one
        await settle(pilot)
        assert footer(app).startswith("1–50 of 80")


async def test_sort_by_the_cursor_column_and_by_header(app: KafineaApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(PageTable)
        table.move_cursor(column=2)  # the mark column, First Name, Last Name
        await pilot.press("S")
        await settle(pilot)
        assert column(app, "last_name")[0] == "Name119"
        assert "Last Name ▼" in [str(c.label) for c in table.columns.values()]
        await pilot.press("s")  # s cycles ascending, descending, unsorted: now unsorted
        await settle(pilot)
        assert list_screen(app).state.sort == ()
        assert column(app, "last_name")[0] == "Name000"
        await pilot.press("s", "s")
        await settle(pilot)
        assert list_screen(app).state.sort == (("last_name", True),)
        # A click on a header sorts by that column (here Email, the fourth column).
        x = sum(c.get_render_width(table) for c in list(table.columns.values())[:3]) + 2
        await pilot.click(PageTable, offset=(x, 0))
        await settle(pilot)
        assert list_screen(app).state.sort == (("email", False),)
        assert column(app, "email")[0] == "person000@example.com"


async def test_selection_across_pages_filters_and_select_all(app: KafineaApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("space", "space")
        assert footer(app) == "1–50 of 120 · 2 selected · 50 a page"
        assert column(app, "__mark__")[:3] == ["●", "●", ""]
        await pilot.press("right_square_bracket")
        await settle(pilot)
        await pilot.press("space")
        assert "3 selected" in footer(app)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert column(app, "__mark__")[:2] == ["●", "●"]  # kept across pages
        await type_filter(pilot, 'mailing_city = "Nantes"')
        assert "3 selected" in footer(app)  # kept across filters
        await pilot.press("A")
        await settle(pilot)
        # 40 in Nantes, plus Name000 (Paris) and Name001 (Lyon) selected before.
        assert "42 selected" in footer(app)
        await pilot.press("escape")
        assert "0 selected" in footer(app)
        await pilot.press("a")
        assert "40 selected" in footer(app)


async def test_enter_opens_the_record_with_labels_and_related_keys(app: KafineaApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, RecordDetailScreen)
        texts = [str(w.render()) for w in app.screen.query(".field-label, .field-value")]
        pairs = dict(zip(texts[::2], texts[1::2], strict=True))
        assert pairs["Last Name"] == "Name001"
        assert pairs["Organization Name"] == "Globex"
        assert pairs["Mailing City"] == "Lyon"
        assert pairs["Birthdate"] == "1980-02-02"
        assert "person001@example.com" in str(app.screen.query_one("#detail-title").render())
        await pilot.press("escape")
        assert isinstance(app.screen, ModuleListScreen)


async def test_sales_order_detail_lists_items_by_product_code(app: KafineaApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        assert app.screen.query_one(Tabs).active == "tab-salesorders"
        assert column(app, "contact") == ["person000@example.com"]
        await pilot.press("enter")
        await settle(pilot)
        items = app.screen.query_one("#detail-items", DataTable)
        assert items.display
        assert [str(items.get_row_at(i)[0]) for i in range(items.row_count)] == ["P-100", "P-200"]


async def test_switching_modules_keeps_each_place_and_is_remembered(
    app: KafineaApp, contacts_workspace: Workspace, contacts_store: Store
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert app.screen.query_one(Tabs).active == "tab-organizations"
        assert footer(app).startswith("1–3 of 3")
        assert column(app, "name") == ["Acme", "Globex", "Initech"]
        await pilot.press("1")
        await settle(pilot)
        assert footer(app).startswith("51–100 of 120")  # contacts as they were left
        await pilot.press("4")
        await settle(pilot)
    again = KafineaApp(workspace=contacts_workspace, store=contacts_store)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert again.screen.query_one(Tabs).active == "tab-products"
        assert column(again, "product_code") == ["P-100", "P-200"]


async def test_add_a_custom_field_through_the_layout_manager(
    app: KafineaApp, contacts_store: Store
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")
        assert isinstance(app.screen, LayoutManagerScreen)
        await add_loyalty_tier(pilot)
        assert contacts_store.module("contacts").field("cf_loyalty_tier").values == (
            "Gold",
            "Silver",
        )
        await pilot.press("escape")
        await settle(pilot)
        assert "Loyalty Tier" in [
            str(c.label) for c in app.screen.query_one(PageTable).columns.values()
        ]


async def test_a_stale_page_never_replaces_a_newer_one(app: KafineaApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        records = app.screen.query_one(RecordTable)
        old_page = records.page
        assert old_page is not None
        await pilot.press("right_square_bracket")
        await settle(pilot)
        query = records.state.query
        stale = RecordTable.PageFetched(records._request - 1, query, old_page, 0, False, None)
        records.post_message(stale)  # an answer arriving late
        await pilot.pause()
        assert footer(app).startswith("51–100 of 120")
        assert column(app, "last_name")[0] == "Name050"


async def test_import_export_and_sync_keys_answer(app: KafineaApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert type(app.screen).__name__ == "SyncPanelScreen"
        await pilot.press("escape")
        await settle(pilot)
        for key, screen_name in (("i", "ImportWizard"), ("e", "ExportDialog")):
            await pilot.press(key)
            await settle(pilot)
            # Either the screen opens, or (in a build without it) a sentence says so.
            opened = type(app.screen).__name__ == screen_name
            said = any("not available" in str(n.message) for n in app._notifications)
            assert opened or said
            if opened:
                app.screen.dismiss(None)
                await settle(pilot)
            assert isinstance(app.screen, ModuleListScreen)


def test_filter_text_rule() -> None:
    assert split_filter_text('city = "Paris"') == ('city = "Paris"', "")
    assert split_filter_text("email is not empty") == ("email is not empty", "")
    assert split_filter_text('title in ("a", "b")') == ('title in ("a", "b")', "")
    assert split_filter_text("Jean Paris") == ("", "Jean Paris")
    assert split_filter_text('"a=b"') == ("", "a=b")
    assert split_filter_text("  ") == ("", "")


async def test_the_filter_example_fits_the_module(app: KafineaApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        bar = app.screen.query_one("#filter-input", Input)
        assert 'mailing_city = "Paris"' in bar.placeholder
        await pilot.press("2")
        await settle(pilot)
        assert 'billing_city = "Paris"' in bar.placeholder
    for module, example in FILTER_EXAMPLES.items():  # each one runs: its fields exist
        fetch_page(app.store, ListQuery(module, filter=example), 0, 1)


async def test_the_count_says_when_the_filter_hides_selected_records(app: KafineaApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("space", "space", "space")  # Name000 Paris, Name001 Lyon, Name002 Nantes
        await type_filter(pilot, 'mailing_city = "Lyon"')
        assert "3 selected, 2 not shown" in footer(app)
        await pilot.press("a")  # the page's 40 Lyon records, Name001 among them
        assert "42 selected, 2 not shown" in footer(app)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert "42 selected, 2 not shown" in footer(app)
        await type_filter(pilot, "")
        assert footer(app) == "1–50 of 120 · 42 selected · 50 a page"
