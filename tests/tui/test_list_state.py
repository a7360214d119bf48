"""The list's model on its own: paging, sorting and selecting rules, without a screen."""

from __future__ import annotations

from kafinea_tui.data.query import ListQuery, Page
from kafinea_tui.widgets.list_state import PAGE_SIZES, ListState, footer_text


def test_resize_keeps_the_first_row_and_sizes_cycle() -> None:
    state = ListState("contacts", page=3, page_size=50)  # rows 151-200
    state.resize(100)
    assert (state.page, state.page_size) == (1, 100)  # rows 101-200 hold row 151
    state.page_size = PAGE_SIZES[-1]
    assert state.next_page_size() == PAGE_SIZES[0]
    state.page_size = 37  # not one of the sizes: the cycle starts over
    assert state.next_page_size() == PAGE_SIZES[0]
    assert [state.page_count(total) for total in (0, 37, 38)] == [1, 1, 2]


def test_sort_cycles_and_goes_back_to_the_first_page() -> None:
    state = ListState("contacts", page=4)
    seen = []
    for _ in range(3):
        state.sort_on("lastname")
        seen.append(state.sort)
    assert seen == [(("lastname", False),), (("lastname", True),), ()]
    state.page = 2
    state.sort_on("city", descending=True)
    assert (state.sort, state.page) == ((("city", True),), 0)


def test_selection_toggles_pages_and_clears_with_the_hidden_count() -> None:
    state = ListState("contacts", filter="city = Lyon")
    assert state.toggle(7) is True
    assert state.toggle(7) is False
    state.toggle_page([1, 2])
    state.toggle(3)
    state.toggle_page([1, 2])  # the whole page was selected: `a` again unselects it
    assert state.selected == {3}
    state.hidden, state.hidden_for = 4, None
    state.clear_selection()
    assert (state.selected, state.hidden, state.hidden_for) == (set(), 0, ("city = Lyon", ""))


def test_hidden_selected_records_are_counted_once_per_query() -> None:
    state = ListState("contacts", selected={1, 2})
    filtered = ListQuery("contacts", filter="city = Lyon")
    assert sorted(state.to_recount(filtered) or ()) == [1, 2]
    state.settle(filtered, 0, hidden=1)
    assert state.to_recount(filtered) is None  # counted for this filter already
    assert (state.filter, state.hidden) == ("city = Lyon", 1)
    state.settle(filtered, 1, hidden=None)  # another page of it: the count holds
    assert (state.page, state.hidden) == (1, 1)
    state.settle(ListQuery("contacts"), 0, hidden=None)  # no filter hides nothing
    assert (state.hidden, state.hidden_for) == (0, ("", ""))
    state.recount_hidden()
    assert state.to_recount(ListQuery("contacts")) is None  # no filter: nothing to count


def test_footer_says_where_the_page_sits_and_what_is_hidden() -> None:
    state = ListState("contacts", page_size=100, selected={1, 2, 3}, hidden=1)
    page = Page(fields=(), rows=[], ids=list(range(100)), total=2000, offset=100, limit=100)
    assert footer_text(state, page) == "101–200 of 2,000 · 3 selected, 1 not shown · 100 a page"
    assert footer_text(state, None, "http://h:1") == "Loading… · via http://h:1"
