"""Mass changes from the module list: which records they act on, said in words, and the dialogs.

A mass edit acts on the selection, else on every record the list's filter matches; a delete on
the selection, else on the record under the cursor. The words ("12 selected", "the 1,234
Contacts the filter matches") are what the dialogs ask with, so a person knows the reach of a
change before making it. Clearing more than a page of selection asks first too: it is work to
lose. The records themselves change in the dialogs' workers, never here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.screen import Screen

from kafinea_tui.backend import Backend
from kafinea_tui.screens.access import writes_refused
from kafinea_tui.widgets.list_state import ListState

if TYPE_CHECKING:
    from kafinea_tui.data.bulk.selection import Selection


@dataclass(frozen=True)
class ActedOn:
    """The records a mass change acts on, said in `words`, and how many they are."""

    selection: Selection
    words: str
    count: int


def acted_on(state: ListState, total: int, label: str) -> ActedOn | None:
    """The selection, else every record the list's filter matches (`total` of them, `label`
    naming the module); None when that is no record at all."""
    # Imported here: the selection module loads the engine, which start-up does not need.
    from kafinea_tui.data.bulk.selection import Selection

    if state.selected:
        count = len(state.selected)
        return ActedOn(Selection(ids=tuple(sorted(state.selected))), f"{count:,} selected", count)
    if not total:
        return None
    if state.filter or state.search:
        words = f"the {total:,} {label} the filter matches"
    else:
        words = f"all {total:,} {label}"
    return ActedOn(
        Selection(filter=state.filter or None, search=state.search or None), words, total
    )


def to_delete(state: ListState, cursor_id: int | None) -> tuple[int, ...] | None:
    """The ids a delete acts on: the selection, else the record under the cursor, else None."""
    if state.selected:
        return tuple(sorted(state.selected))
    return None if cursor_id is None else (cursor_id,)


def mass_edit(
    host: Screen[Any], backend: Backend, state: ListState, total: int, done: Callable[[Any], None]
) -> None:
    """Open the mass edit over what it acts on; `done` runs when it closes."""
    if writes_refused(host, backend):
        return
    acted = acted_on(state, total, backend.schema.modules[state.module].label)
    if acted is None:
        host.notify("There is no record to edit here.", severity="warning")
        return
    from kafinea_tui.screens.mass_edit import MassEditScreen

    screen = MassEditScreen(backend, state.module, acted.selection, acted.words)
    host.app.push_screen(screen, done)


def delete(
    host: Screen[Any],
    backend: Backend,
    state: ListState,
    cursor_id: int | None,
    done: Callable[[], None],
) -> None:
    """Ask to delete the selection, else the record under the cursor (the dialog counts them);
    the deleted ids leave the selection and `done` runs."""
    if writes_refused(host, backend):
        return
    ids = to_delete(state, cursor_id)
    if ids is None:
        host.notify("There is no record to delete here.", severity="warning")
        return
    from kafinea_tui.data.bulk.selection import Selection
    from kafinea_tui.screens.confirm_delete import ConfirmDeleteDialog

    def answered(deleted: bool | None) -> None:
        if deleted:
            state.selected.difference_update(ids)
            done()

    host.app.push_screen(ConfirmDeleteDialog(backend, state.module, Selection(ids=ids)), answered)


def ask_to_clear(host: Screen[Any], count: int, label: str, clear: Callable[[], None]) -> None:
    """More than a page selected is work to lose: ask before clearing it."""
    from kafinea_tui.screens.confirm import ConfirmDialog

    def answered(cleared: bool | None) -> None:
        if cleared:
            clear()

    question = (
        f"Clear the selection of {count:,} {label}? It is more than this page shows, "
        "and clearing it cannot be undone."
    )
    host.app.push_screen(
        ConfirmDialog(question, f"Clear {count:,} selected", "Keep them"), answered
    )
