"""Where a person is in one module's list (filter, sort, page, selection), apart from the table.

`ListState` is the model `RecordTable` shows and the module list keeps one of per module, so a
module found again is as it was left. Paging, sorting and selecting are its own rules here, free
of Textual: the widget asks for pages and marks rows, the state decides what they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from kafinea_tui.data.query import ListQuery, Page
from kafinea_tui.first_page import DEFAULT_PAGE_SIZE

PAGE_SIZES: tuple[int, ...] = (20, 50, 100, 500)


@dataclass
class ListState:
    """Where a person is in one module's list: filter, sort, page and selection.

    `hidden` is how many selected records the filter hides, counted for `hidden_for` (the
    filter and search it was counted under): toggling rows on screen, selecting the page or all matching
    never changes it, so it is counted again only when the query changes or records changed.
    """

    module: str
    filter: str = ""
    search: str = ""
    sort: tuple[tuple[str, bool], ...] = ()
    page: int = 0  # 0-based
    page_size: int = DEFAULT_PAGE_SIZE
    selected: set[int] = field(default_factory=set)
    hidden: int = 0
    hidden_for: tuple[str, str] | None = None  # (filter, search)
    columns: tuple[str, ...] | None = None  # the layout's columns in order; None: every field
    # Where the table was scrolled and its cursor column, given back when the module comes back
    scroll_x: float = 0.0
    cursor_column: int = 0

    @property
    def query(self) -> ListQuery:
        return ListQuery(
            self.module,
            filter=self.filter,
            search=self.search,
            sort=self.sort,
            columns=self.columns,
        )

    def recount_hidden(self) -> None:
        """Records changed elsewhere: count the hidden selected ones again at the next page."""
        self.hidden_for = None

    # -- pages and sort ------------------------------------------------------------------

    def page_count(self, total: int) -> int:
        """How many pages `total` records make at this page size (one when there are none)."""
        return max(1, -(-total // self.page_size))

    def resize(self, size: int) -> None:
        """Take a new page size, keeping the first row of the current page on the new page."""
        first = self.page * self.page_size
        self.page_size = size
        self.page = first // size

    def next_page_size(self) -> int:
        """The page size after this one in PAGE_SIZES, round the cycle."""
        sizes = PAGE_SIZES
        current = sizes.index(self.page_size) if self.page_size in sizes else -1
        return sizes[(current + 1) % len(sizes)]

    def sort_on(self, field_name: str, descending: bool | None = None) -> None:
        """Sort by one field from the first page. With `descending` None, cycle: ascending,
        descending, unsorted."""
        current = dict(self.sort).get(field_name) if self.sort else None
        if descending is None:
            if current is None:
                self.sort = ((field_name, False),)
            elif current is False:
                self.sort = ((field_name, True),)
            else:
                self.sort = ()
        else:
            self.sort = ((field_name, descending),)
        self.page = 0

    def to_recount(self, query: ListQuery) -> tuple[int, ...] | None:
        """The selected ids to count under `query` for `hidden`, or None when the count held
        is still the one for its filter and search (or nothing could be hidden)."""
        recount = (query.filter or query.search) and (query.filter, query.search) != (
            self.hidden_for
        )
        return tuple(self.selected) if recount and self.selected else None

    def settle(self, query: ListQuery, page_index: int, hidden: int | None) -> None:
        """A page of `query` is in: the query becomes the list's, with its hidden count
        (`hidden` None: not counted, so zero when nothing can be hidden, else kept)."""
        self.filter, self.search, self.sort = query.filter, query.search, query.sort
        self.page = page_index
        if hidden is not None:
            self.hidden, self.hidden_for = hidden, (query.filter, query.search)
        elif not (query.filter or query.search) or not self.selected:
            self.hidden, self.hidden_for = 0, (query.filter, query.search)

    # -- selection -----------------------------------------------------------------------

    def toggle(self, record_id: int) -> bool:
        """Select or unselect one record; True when it is selected now."""
        self.selected.symmetric_difference_update({record_id})
        return record_id in self.selected

    def toggle_page(self, page_ids: Iterable[int]) -> None:
        """Select the page's records, or unselect them when all already are (`a` again)."""
        ids = set(page_ids)
        if ids <= self.selected:
            self.selected -= ids
        else:
            self.selected |= ids

    def clear_selection(self) -> None:
        """Nothing selected, so nothing hidden under the filter in force."""
        self.selected.clear()
        self.hidden, self.hidden_for = 0, (self.filter, self.search)


def in_force(state: ListState) -> str:
    """What the list shows, as the end of a sentence: `every record`, `the filter city = "X"`."""
    if state.filter:
        return f"the filter {state.filter}"
    if state.search:
        return f"the search {state.search}"
    return "every record"


def footer_text(state: ListState, page: Page | None, location: str | None = None) -> str:
    """`101–200 of 2,000 · 3 selected, 1 not shown · 100 a page`: where the page sits in the
    whole, and how many selected records the filter hides; in a client, where the data lives
    (`· via http://host:8765`)."""
    via = f" · via {location}" if location else ""
    if page is None:
        return "Loading…" + via
    if page.total == 0:
        where = "No records match" if state.filter or state.search else "No records yet"
    else:
        last = page.offset + len(page.ids)
        where = f"{page.offset + 1:,}–{last:,} of {page.total:,}"
    selected = f"{len(state.selected):,} selected"
    if state.selected and state.hidden:
        selected += f", {state.hidden:,} not shown"
    return f"{where} · {selected} · {state.page_size} a page{via}"
