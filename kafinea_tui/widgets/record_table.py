"""A paged table of one module's records that holds one page, never the whole table.

DataTable measures every cell it holds, so a million records would cost a million rows of
layout; this widget asks the data layer for one page (20 to 500 rows) and shows only that. Every
query runs in a thread worker that posts its page as a message; a newer request supersedes an
older one (the worker group is exclusive, and a page whose request number is no longer current
is dropped), so paging fast through a slow filter shows the last page asked for, never an older
one arriving late. A new filter becomes the list's only once its first page is in.

The selection is a set of record ids held in `ListState` (widgets/list_state.py, with the rules
of paging, sorting and selecting), so it survives pages, filters and sorts; the first column
marks the selected rows of the page.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from kafinea_tui.backend import Backend
from kafinea_tui.data.query import ListQuery, Page
from kafinea_tui.first_page import BackgroundPage
from kafinea_tui.widgets.list_state import ListState, footer_text
from kafinea_tui.widgets.page_table import MARK_COLUMN, PageTable
from kafinea_tui.work import WorkFailed, reports


class RecordTable(Vertical):
    """The paged table, its footer line, and the queries behind them."""

    DEFAULT_CSS = """
    RecordTable { height: 1fr; }
    RecordTable > PageTable { height: 1fr; }
    RecordTable > #table-footer { height: 1; padding: 0 1; background: $boost; }
    """

    class Loaded(Message):
        """A page is on screen (`page`), or the query failed (`error`, a sentence) and the list
        stayed as it was."""

        def __init__(self, page: Page | None, error: str | None) -> None:
            super().__init__()
            self.page = page
            self.error = error

    class OpenRecord(Message):
        def __init__(self, module: str, record_id: int) -> None:
            super().__init__()
            self.module = module
            self.record_id = record_id

    class PageFetched(Message):
        """A worker's page for request number `request`; `hidden` is None when not counted."""

        def __init__(
            self,
            request: int,
            query: ListQuery,
            page: Page,
            page_index: int,
            keep_cursor: bool,
            hidden: int | None,
        ) -> None:
            super().__init__()
            self.request = request
            self.query = query
            self.page = page
            self.page_index = page_index
            self.keep_cursor = keep_cursor
            self.hidden = hidden

    class MatchingIds(Message):
        """Every id the list's query matched ("select all matching")."""

        def __init__(self, query: ListQuery, ids: list[int]) -> None:
            super().__init__()
            self.query = query
            self.ids = ids

    def __init__(
        self,
        backend: Backend,
        state: ListState,
        *,
        first_page: BackgroundPage | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.backend = backend
        self.state = state
        self.page: Page | None = None
        self._request = 0
        self._first_page = first_page
        self._scroll_back = False  # the next page shown restores the state's scroll and column

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
        """Switch to another module's (or the same module's saved) place and load its page;
        the one left keeps its scroll and cursor column, the one shown gets its own back."""
        self.state.scroll_x = self.table.scroll_x
        self.state.cursor_column = self.table.cursor_column
        self.state = state
        self.page = None
        self._scroll_back = True
        self.reload()

    def reload(self, keep_cursor: bool = False) -> None:
        """Fetch the state's page again (after a sort, a page change, an import...)."""
        self._load(self.state.query, self.state.page, keep_cursor)

    def load_query(self, filter_text: str, search: str) -> None:
        """Show the first page under a new filter and search. The state takes them only when
        that page is in: a filter that fails leaves the list, its page and its cursor as they
        were, and the failure comes as a Loaded message with the sentence."""
        state = self.state
        query = ListQuery(
            state.module, filter=filter_text, search=search, sort=state.sort, columns=state.columns
        )
        self._load(query, 0, False)

    def _load(self, query: ListQuery, index: int, keep_cursor: bool) -> None:
        self._request += 1
        self._refresh_footer()
        size = self.state.page_size
        first, self._first_page = self._first_page, None
        if first is not None and (first.query, first.offset, first.limit) != (
            query,
            index * size,
            size,
        ):
            first = None  # the first page prefetched at start-up, if this is the one asked for
        if first is not None and first.future.done() and first.future.exception() is None:
            fetched = first.future.result()
            self._show(self.PageFetched(self._request, query, fetched, index, keep_cursor, None))
            return
        selected = self.state.to_recount(query)
        self._fetch(self._request, query, index, size, keep_cursor, first, selected)

    @work(thread=True, exclusive=True, group="page")
    @reports
    def _fetch(
        self,
        request: int,
        query: ListQuery,
        page_index: int,
        size: int,
        keep_cursor: bool,
        first: BackgroundPage | None = None,
        selected: tuple[int, ...] | None = None,
    ) -> None:
        """One page (past the end: the last one), and the hidden selected records if asked."""
        page = first.future.result() if first is not None else None
        if page is None:
            page = self.backend.page(query, page_index * size, size)
        if not page.ids and page.total and page_index:
            page_index = (page.total - 1) // size
            page = self.backend.page(query, page_index * size, size)
        hidden = None
        if selected is not None:
            hidden = len(selected) - self.backend.count_among(query, selected)
        fetched = self.PageFetched(request, query, page, page_index, keep_cursor, hidden)
        self.post_message(fetched)

    def on_record_table_page_fetched(self, event: PageFetched) -> None:
        event.stop()
        self._show(event)

    def _show(self, fetched: PageFetched) -> None:
        if fetched.request != self._request:
            return  # a newer request is on its way; this answer is stale
        state = self.state
        state.settle(fetched.query, fetched.page_index, fetched.hidden)
        self.page = fetched.page
        back, self._scroll_back = self._scroll_back, False
        column = state.cursor_column if back else None
        self.table.show_page(fetched.page, state.selected, state.sort, fetched.keep_cursor, column)
        if back:
            self.table.scroll_back(state.scroll_x)
        self._refresh_footer()
        self.post_message(self.Loaded(fetched.page, None))

    def on_work_failed(self, event: WorkFailed) -> None:
        """A page that failed leaves the list as it was; select-all's failure is said aloud."""
        event.stop()
        if event.work == "_fetch":
            if event.call_args and event.call_args[0] == self._request:
                if self.page is not None:  # back to the page still shown, not the one asked
                    self.state.page = self.page.offset // max(1, self.state.page_size)
                self._refresh_footer()
                self.post_message(self.Loaded(None, event.sentence))
        else:
            self.notify(event.sentence, severity="error")

    def _refresh_footer(self) -> None:
        self.query_one("#table-footer", Static).update(
            footer_text(self.state, self.page, self.backend.where)
        )

    # -- paging and sorting --------------------------------------------------------------

    @property
    def page_count(self) -> int:
        return self.state.page_count(self.page.total if self.page else 0)

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
        self.state.resize(size)
        self.reload()

    def cycle_page_size(self) -> None:
        self.set_page_size(self.state.next_page_size())

    def sort_by(self, field_name: str, descending: bool | None = None) -> None:
        """Sort by one field. With `descending` None, cycle: ascending, descending, unsorted."""
        self.state.sort_on(field_name, descending)
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
        self.table.mark(record_id, self.state.toggle(record_id))
        self._refresh_footer()
        self.table.action_cursor_down()

    def select_page(self) -> None:
        if self.page is None:
            return
        self.state.toggle_page(self.page.ids)  # `a` again on a selected page unselects it
        for record_id in self.page.ids:
            self.table.mark(record_id, record_id in self.state.selected)
        self._refresh_footer()

    def clear_selection(self) -> None:
        for record_id in self.page.ids if self.page else ():
            self.table.mark(record_id, False)
        self.state.clear_selection()
        self._refresh_footer()

    def select_all_matching(self) -> None:
        self._select_all(self.state.query)

    @work(thread=True, exclusive=True, group="select-all")
    @reports
    def _select_all(self, query: ListQuery) -> None:
        self.post_message(self.MatchingIds(query, self.backend.matching_ids(query)))

    def on_record_table_matching_ids(self, event: MatchingIds) -> None:
        event.stop()
        if event.query != self.state.query:
            return  # the filter changed meanwhile: "all matching" no longer means these
        self.state.selected.update(event.ids)
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


__all__ = ["RecordTable"]
