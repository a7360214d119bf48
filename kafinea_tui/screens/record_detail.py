"""Record detail (`enter` on a list row): every field with its label, references as the related
record's key, and a sales order's items. Read in a worker, so opening a record never blocks.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Grid, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Label, Static

from kafinea_tui import keys
from kafinea_tui.backend import Backend
from kafinea_tui.data.printable import printable
from kafinea_tui.data.record_view import RecordView
from kafinea_tui.screens.access import writes_refused
from kafinea_tui.widgets.key_footer import KeyFooter
from kafinea_tui.widgets.page_table import cell_text
from kafinea_tui.widgets.plain import PlainTable
from kafinea_tui.work import WorkFailed, reports


def display(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M:%S}"  # to the second: microseconds are noise to a reader
    return printable(str(value), newlines=True)


class ReferenceValue(Static, can_focus=True):
    """A reference's value: focusable, and the follow key opens the record it names."""

    def __init__(self, label: str, text: str) -> None:
        super().__init__(text, classes="field-value -link", markup=False)
        self.label = label
        self.tooltip = "Open this record"


class RecordDetailScreen(Screen[None]):
    # Its styles live here, not in app.tcss: the app parses only what the list needs at start-up.
    DEFAULT_CSS = """
    RecordDetailScreen #detail-title {
        height: 1; padding: 0 1; background: $boost; text-style: bold;
    }
    RecordDetailScreen #detail-body { height: 1fr; padding: 0 1; }
    RecordDetailScreen #detail-fields {
        grid-size: 2; grid-columns: 20 1fr; grid-gutter: 0 1; height: auto;
    }
    RecordDetailScreen #detail-fields .field-label { color: $text-muted; }
    RecordDetailScreen #detail-fields .field-value { height: auto; }
    RecordDetailScreen #detail-fields .-link { text-style: underline; }
    RecordDetailScreen #detail-fields .-link:focus { background: $accent; color: $text; }
    RecordDetailScreen #detail-items-label { margin-top: 1; text-style: bold; }
    RecordDetailScreen #detail-items { height: auto; max-height: 12; }
    """

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings(
        "edit_record", "delete_record", "follow_reference", "close_screen"
    )

    def __init__(self, backend: Backend, module_name: str, record_id: int) -> None:
        super().__init__()
        self.backend = backend
        self.module_name = module_name
        self.record_id = record_id
        self.view: RecordView | None = None

    def compose(self) -> ComposeResult:
        yield Static("Loading…", id="detail-title", markup=False)
        with VerticalScroll(id="detail-body"):
            yield Grid(id="detail-fields")
            yield Label("Items", id="detail-items-label")
            yield PlainTable(id="detail-items", cursor_type="row", show_cursor=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#detail-items-label").display = False
        self.query_one("#detail-items").display = False
        self.query_one("#detail-body").focus()
        self._load()

    def action_close(self) -> None:
        self.dismiss(None)

    def _value_widget(self, label: str, value: object, view: RecordView) -> Static:
        if label in view.links:
            return ReferenceValue(label, display(value))
        return Static(display(value), classes="field-value", markup=False)

    def action_follow(self) -> None:
        """Open the record the focused reference names (the only one, when just one)."""
        if self.view is None:
            return
        focused = self.focused
        if isinstance(focused, ReferenceValue):
            label = focused.label
        elif len(self.view.links) == 1:
            label = next(iter(self.view.links))
        else:
            self.notify("Move to a reference (tab) to open the record it names.")
            return
        module, record_id = self.view.links[label]
        self.app.push_screen(RecordDetailScreen(self.backend, module, record_id))

    def action_edit(self) -> None:
        if writes_refused(self, self.backend):
            return
        from kafinea_tui.screens.record_form import RecordFormScreen

        def saved(record_id: int | None) -> None:
            if record_id is not None:
                self._load()

        self.app.push_screen(
            RecordFormScreen(self.backend, self.module_name, self.record_id), saved
        )

    def action_delete(self) -> None:
        if writes_refused(self, self.backend):
            return
        from kafinea_tui.data.bulk.selection import Selection
        from kafinea_tui.screens.confirm_delete import ConfirmDeleteDialog

        def answered(deleted: bool | None) -> None:
            if deleted:
                self.dismiss(None)

        selection = Selection(ids=(self.record_id,))
        self.app.push_screen(
            ConfirmDeleteDialog(self.backend, self.module_name, selection), answered
        )

    class Fetched(Message):
        """The record as the detail shows it, or None when it no longer exists."""

        def __init__(self, view: RecordView | None) -> None:
            super().__init__()
            self.view = view

    @work(thread=True, exclusive=True)
    @reports
    def _load(self) -> None:
        self.post_message(self.Fetched(self.backend.record_view(self.module_name, self.record_id)))

    def on_work_failed(self, event: WorkFailed) -> None:
        event.stop()
        self.query_one("#detail-title", Static).update(event.sentence)

    def on_record_detail_screen_fetched(self, event: Fetched) -> None:
        event.stop()
        view = event.view
        title = self.query_one("#detail-title", Static)
        if view is None:
            title.update(f"This record ({self.record_id}) no longer exists.")
            return
        self.view = view
        title.update(f"{view.module_label} · {printable(view.title)}")
        grid = self.query_one("#detail-fields", Grid)
        grid.remove_children()
        grid.mount_all(
            widget
            for label, value in view.values
            for widget in (
                Label(label, classes="field-label", markup=False),
                self._value_widget(label, value, view),
            )
        )
        if view.item_labels:
            table: PlainTable = self.query_one("#detail-items", PlainTable)
            table.clear(columns=True)
            table.add_columns(*view.item_labels)
            table.add_rows([[cell_text(v) for v in item] for item in view.items])
            self.query_one("#detail-items-label").display = True
            table.display = True
