"""A paged table of one module's records that holds one page, never the whole table.

DataTable measures every cell it holds, so a million records would cost a million rows of
layout; this widget asks the data layer for one page (20 to 500 rows) and shows only that. Every
query runs in a thread worker; a newer request supersedes an older one (the worker group is
exclusive, and a result whose request number is no longer current is dropped), so paging fast
through a slow filter shows the last page asked for, never an older one arriving late.

The selection is a set of record ids held in `ListState`, so it survives pages, filters and
sorts; the first column marks the selected rows of the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static
from textual.worker import get_current_worker

from kafinea_tui.data.errors import KafineaError
from kafinea_tui.data.query import ListQuery, Page, fetch_page, matching_ids
from kafinea_tui.data.store.database import Store
from kafinea_tui.first_page import DEFAULT_PAGE_SIZE, BackgroundPage
from kafinea_tui.widgets.page_table import MARK_COLUMN, PageTable

PAGE_SIZES: tuple[int, ...] = (20, 50, 100, 500)


@dataclass
class ListState:
    """Where a person is in one module's list: filter, sort, page and selection."""

    module: str
    filter: str = ""
    search: str = ""
    sort: tuple[tuple[str, bool], ...] = ()
    page: int = 0  # 0-based
    page_size: int = DEFAULT_PAGE_SIZE
    selected: set[int] = field(default_factory=set)

    @property
    def query(self) -> ListQuery:
        return ListQuery(self.module, filter=self.filter, search=self.search, sort=self.sort)


def footer_text(state: ListState, page: Page | None) -> str:
    """`101–200 of 2,000 · 3 selected · 100 a page`: where the page sits in the whole."""
    if page is None:
        return "Loading…"
    if page.total == 0:
        where = "No records match" if state.filter or state.search else "No records yet"
    else:
        last = page.offset + len(page.ids)
        where = f"{page.offset + 1:,}–{last:,} of {page.total:,}"
    return f"{where} · {len(state.selected):,} selected · {state.page_size} a page"


class RecordTable(Vertical):
    """The paged table, its footer line, and the queries behind them."""

    DEFAULT_CSS = """
    RecordTable { height: 1fr; }
    RecordTable > PageTable { height: 1fr; }
    RecordTable > #table-footer { height: 1; padding: 0 1; background: $boost; }
    """

    class Loaded(Message):
        """A page is on screen (`page`), or the query failed (`error`, a sentence)."""

        def __init__(self, page: Page | None, error: KafineaError | None) -> None:
            super().__init__()
            self.page = page
            self.error = error

    class OpenRecord(Message):
        def __init__(self, module: str, record_id: int) -> None:
            super().__init__()
            self.module = module
            self.record_id = record_id

    def __init__(
        self,
        store: Store,
        state: ListState,
        *,
        first_page: BackgroundPage | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.store = store
        self.state = state
        self.page: Page | None = None
        self._request = 0
        self._first_page = first_page

    def compose(self) -> ComposeResult:
        yield PageTable(id="page-table")
        yield Static("Loading…", id="table-footer", markup=False)

    @property
    def table(self) -> PageTable:
        return self.query_one(PageTable)

    def on_mount(self) -> None:
        self.reload()

    # -- loading -------------------------------------------------------------------------

    def show_state(self, state: ListState) -> None:
        """Switch to another module's (or the same module's saved) place and load its page."""
        self.state = state
        self.page = None
        self.reload()

    def reload(self, keep_cursor: bool = False) -> None:
        """Fetch the state's page again (after a filter, a sort, an import...)."""
        self._request += 1
        self._refresh_footer()
        query, index, size = self.state.query, self.state.page, self.state.page_size
        first, self._first_page = self._first_page, None
        if first is not None and (first.query, first.offset, first.limit) != (
            query,
            index * size,
            size,
        ):
            first = None  # the first page prefetched at start-up, if this is the one asked for
        if first is not None and first.future.done():
            error = first.future.exception()
            if error is None:
                self._apply_page(self._request, first.future.result(), index, keep_cursor)
                return
            if isinstance(error, KafineaError):
                self._apply_error(self._request, error)
                return
            first = None  # anything else: query again in the worker, which reports it
        self._fetch(self._request, query, index, size, keep_cursor, first)

    @work(thread=True, exclusive=True, group="page")
    def _fetch(
        self,
        request: int,
        query: ListQuery,
        page_index: int,
        size: int,
        keep_cursor: bool,
        first: BackgroundPage | None = None,
    ) -> None:
        worker = get_current_worker()
        try:
            if first is not None:
                page = first.future.result()
            else:
                page = fetch_page(self.store, query, page_index * size, size)
            if not page.ids and page.total and page_index:
                page_index = (page.total - 1) // size  # past the end: show the last page
                page = fetch_page(self.store, query, page_index * size, size)
        except KafineaError as error:
            if not worker.is_cancelled:
                self.app.call_from_thread(self._apply_error, request, error)
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._apply_page, request, page, page_index, keep_cursor)

    def _apply_page(self, request: int, page: Page, page_index: int, keep_cursor: bool) -> None:
        if request != self._request:
            return  # a newer request is on its way; this answer is stale
        self.page = page
        self.state.page = page_index
        self.table.show_page(page, self.state.selected, self.state.sort, keep_cursor)
        self._refresh_footer()
        self.post_message(self.Loaded(page, None))

    def _apply_error(self, request: int, error: KafineaError) -> None:
        if request == self._request:
            self._refresh_footer()
            self.post_message(self.Loaded(None, error))

    def _refresh_footer(self) -> None:
        self.query_one("#table-footer", Static).update(footer_text(self.state, self.page))

    # -- paging and sorting --------------------------------------------------------------

    @property
    def page_count(self) -> int:
        total = self.page.total if self.page else 0
        return max(1, -(-total // self.state.page_size))

    def go_to_page(self, index: int) -> None:
        index = max(0, min(index, self.page_count - 1))
        if index != self.state.page or self.page is None:
            self.state.page = index
            self.reload()

    def next_page(self) -> None:
        self.go_to_page(self.state.page + 1)

    def previous_page(self) -> None:
        self.go_to_page(self.state.page - 1)

    def first_page(self) -> None:
        self.go_to_page(0)

    def last_page(self) -> None:
        self.go_to_page(self.page_count - 1)

    def set_page_size(self, size: int) -> None:
        """Keep the first row of the current page on screen at the new size."""
        first = self.state.page * self.state.page_size
        self.state.page_size = size
        self.state.page = first // size
        self.reload()

    def cycle_page_size(self) -> None:
        sizes = PAGE_SIZES
        current = sizes.index(self.state.page_size) if self.state.page_size in sizes else -1
        self.set_page_size(sizes[(current + 1) % len(sizes)])

    def sort_by(self, field_name: str, descending: bool | None = None) -> None:
        """Sort by one field. With `descending` None, cycle: ascending, descending, unsorted."""
        current = dict(self.state.sort).get(field_name) if self.state.sort else None
        if descending is None:
            if current is None:
                self.state.sort = ((field_name, False),)
            elif current is False:
                self.state.sort = ((field_name, True),)
            else:
                self.state.sort = ()
        else:
            self.state.sort = ((field_name, descending),)
        self.state.page = 0
        self.reload()

    def sort_cursor_column(self, descending: bool | None = None) -> None:
        name = self.table.cursor_field
        if name is not None:
            self.sort_by(name, descending)

    # -- selection -----------------------------------------------------------------------

    def toggle_cursor_row(self) -> None:
        record_id = self.table.cursor_id
        if record_id is None:
            return
        self.state.selected.symmetric_difference_update({record_id})
        self.table.mark(record_id, record_id in self.state.selected)
        self._refresh_footer()
        self.table.action_cursor_down()

    def select_page(self) -> None:
        if self.page is None:
            return
        page_ids = set(self.page.ids)
        if page_ids <= self.state.selected:
            self.state.selected -= page_ids  # `a` again on a selected page unselects it
        else:
            self.state.selected |= page_ids
        for record_id in page_ids:
            self.table.mark(record_id, record_id in self.state.selected)
        self._refresh_footer()

    def clear_selection(self) -> None:
        for record_id in self.page.ids if self.page else ():
            self.table.mark(record_id, False)
        self.state.selected.clear()
        self._refresh_footer()

    def select_all_matching(self) -> None:
        self._select_all(self._request, self.state.query)

    @work(thread=True, exclusive=True, group="select-all")
    def _select_all(self, request: int, query: ListQuery) -> None:
        try:
            ids = matching_ids(self.store, query)
        except KafineaError as error:
            self.app.call_from_thread(self._apply_error, request, error)
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._apply_select_all, query, ids)

    def _apply_select_all(self, query: ListQuery, ids: list[int]) -> None:
        if query != self.state.query:
            return  # the filter changed meanwhile: "all matching" no longer means these
        self.state.selected.update(ids)
        for record_id in self.page.ids if self.page else ():
            self.table.mark(record_id, True)
        self._refresh_footer()

    # -- events from the inner table -----------------------------------------------------

    def on_page_table_open(self, event: PageTable.Open) -> None:
        event.stop()
        self.post_message(self.OpenRecord(self.state.module, event.record_id))

    def on_page_table_command(self, event: PageTable.Command) -> None:
        event.stop()
        getattr(self, event.name)(*event.args)

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        name = str(event.column_key.value)
        if name != MARK_COLUMN:
            self.sort_by(name)


__all__ = ["PAGE_SIZES", "ListState", "RecordTable", "footer_text"]
