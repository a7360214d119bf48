"""What a mass change from the list acts on, and the words its dialog asks with."""

from __future__ import annotations

from kafinea_tui.data.bulk.selection import Selection
from kafinea_tui.screens.bulk_actions import acted_on, to_delete
from kafinea_tui.widgets.list_state import ListState, in_force


def test_the_selection_comes_first_in_id_order() -> None:
    state = ListState("contacts", filter="city = Lyon", selected={9, 2, 5})
    acted = acted_on(state, 1234, "Contacts")
    assert acted is not None
    assert (acted.selection, acted.words, acted.count) == (
        Selection(ids=(2, 5, 9)),
        "3 selected",
        3,
    )
    assert to_delete(state, cursor_id=7) == (2, 5, 9)


def test_without_a_selection_the_filter_or_every_record() -> None:
    filtered = ListState("contacts", search="lee")
    acted = acted_on(filtered, 1234, "Contacts")
    assert acted is not None
    assert acted.selection == Selection(filter=None, search="lee")
    assert (acted.words, acted.count) == ("the 1,234 Contacts the filter matches", 1234)
    every = acted_on(ListState("leads"), 2, "Leads")
    assert every is not None
    assert (every.selection, every.words) == (Selection(), "all 2 Leads")
    assert acted_on(ListState("leads"), 0, "Leads") is None


def test_a_delete_without_selection_takes_the_cursor_row_or_nothing() -> None:
    assert to_delete(ListState("contacts"), cursor_id=7) == (7,)
    assert to_delete(ListState("contacts"), cursor_id=None) is None


def test_in_force_names_the_filter_then_the_search() -> None:
    assert (
        in_force(ListState("contacts", filter='city = "X"', search="a")) == 'the filter city = "X"'
    )
    assert in_force(ListState("contacts", search="lee")) == "the search lee"
    assert in_force(ListState("contacts")) == "every record"
