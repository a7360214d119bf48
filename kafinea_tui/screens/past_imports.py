"""Past imports: every batch of the workspace, newest first, and undo of the selected one.

Reachable from the import wizard and from the command palette. Undo is the engine's
(`undo_import`): it restores what the batch overwrote or merged and removes what it
created; its report (including records left alone because they changed, or were referenced,
since) stays on screen.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Static

from kafinea_tui import keys
from kafinea_tui.backend import Backend, BatchInfo, UndoReport
from kafinea_tui.screens.access import writes_refused
from kafinea_tui.screens.confirm_undo import ConfirmUndoDialog
from kafinea_tui.screens.import_wizard.run_summary import undo_text
from kafinea_tui.widgets.key_footer import KeyFooter
from kafinea_tui.widgets.plain import PlainTable
from kafinea_tui.work import WorkFailed, reports


class PastImportsScreen(Screen[None]):
    """The list of import batches with an Undo button (`u`)."""

    DEFAULT_CSS = """
    PastImportsScreen #past-title { height: 1; background: $primary; padding: 0 1; }
    PastImportsScreen #past-body { height: 1fr; padding: 0 1; }
    PastImportsScreen #past-table { height: 1fr; }
    PastImportsScreen #past-status { height: auto; max-height: 8; }
    PastImportsScreen #past-status.-error { color: $error; }
    PastImportsScreen #past-buttons { height: 1; }
    PastImportsScreen #past-buttons Button { margin: 0 1 0 0; }
    """

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings(
        "undo_import", "reload_imports", "close_screen"
    )

    def __init__(self, backend: Backend) -> None:
        super().__init__()
        self.backend = backend
        self.batches: list[BatchInfo] = []
        self._labels = {name: module.label for name, module in backend.schema.modules.items()}

    def compose(self) -> ComposeResult:
        yield Static("Past imports", id="past-title")
        with Vertical(id="past-body"):
            yield PlainTable(id="past-table", cursor_type="row", zebra_stripes=True)
            yield Static("Loading…", id="past-status", markup=False)
            with Horizontal(id="past-buttons"):
                yield Button("Undo selected import", id="past-undo", variant="error", compact=True)
                yield Button("Close", id="past-close", compact=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#past-table", PlainTable).add_columns(*COLUMNS)
        self.query_one("#past-table").focus()
        self.action_reload()

    # -- loading -----------------------------------------------------------------------------

    def action_reload(self) -> None:
        self._load()

    class Listed(Message):
        """The batches, newest first, and the sentence to show with them (None: the count)."""

        def __init__(self, batches: list[BatchInfo], message: str | None) -> None:
            super().__init__()
            self.batches = batches
            self.message = message

    class Undone(Message):
        def __init__(self, report: UndoReport) -> None:
            super().__init__()
            self.report = report

    @work(thread=True, exclusive=True, group="past-imports")
    @reports
    def _load(self, message: str | None = None) -> None:
        self.post_message(self.Listed(self.backend.batches(), message))

    def on_work_failed(self, event: WorkFailed) -> None:
        event.stop()
        self._status(event.sentence, True)

    def on_past_imports_screen_undone(self, event: Undone) -> None:
        event.stop()
        self._load(undo_text(event.report))  # the list shows "undone" now

    def on_past_imports_screen_listed(self, event: Listed) -> None:
        """Fill the table, the cursor staying on the batch it was on (the one just undone)."""
        event.stop()
        batches, message = event.batches, event.message
        table = self.query_one("#past-table", PlainTable)
        row = table.cursor_row
        current = batch_id(self.batches[row]) if 0 <= row < len(self.batches) else None
        self.batches = batches
        table.clear()
        for batch in batches:
            table.add_row(*batch_cells(batch, self._labels), key=str(batch_id(batch)))
        ids = [batch_id(b) for b in batches]
        if current in ids:
            table.move_cursor(row=ids.index(current), animate=False)
        if message is None:
            count = f"{len(batches)} import{'s' if len(batches) != 1 else ''}"
            message = (
                f"{count}. Select one and undo it with the button (or its key, in the footer)."
                if batches
                else "No imports yet in this workspace."
            )
        self._status(message, False)

    def _status(self, text: str, error: bool) -> None:
        status = self.query_one("#past-status", Static)
        status.update(text)
        status.set_class(error, "-error")

    # -- undo --------------------------------------------------------------------------------

    @on(Button.Pressed, "#past-undo")
    def action_undo(self) -> None:
        if writes_refused(self, self.backend):
            return
        table = self.query_one("#past-table", PlainTable)
        if not self.batches or table.cursor_row < 0 or table.cursor_row >= len(self.batches):
            self._status("Select an import to undo.", True)
            return
        info = self.batches[table.cursor_row]
        batch = batch_id(info)
        if info.undone_at is not None:
            self._status(
                f"Import {batch} was already undone on {info.undone_at:%Y-%m-%d %H:%M}.", True
            )
            return

        def answered(undo: bool | None) -> None:
            if undo:
                self._status(f"Undoing import {batch}…", False)
                self._undo(batch)

        self.app.push_screen(ConfirmUndoDialog(self.backend, batch), answered)

    @work(thread=True, exclusive=True, group="past-imports-undo")
    @reports
    def _undo(self, batch: int) -> None:
        self.post_message(self.Undone(self.backend.undo(batch)))

    @on(Button.Pressed, "#past-close")
    def action_close(self) -> None:
        self.dismiss(None)


COLUMNS = ("#", "Started", "Module", "Undone", "File", "Created", "Updated", "Merged", "Failed")


def batch_id(batch: BatchInfo) -> int:
    return batch.id


def batch_cells(batch: BatchInfo, labels: dict[str, str]) -> tuple[str | Text, ...]:
    """One table row: counts from the stored report, the module's label (from `labels`), the
    file's name, when it was undone."""
    report = batch.report

    def count(key: str) -> str:
        value = report.get(key)
        return f"{value:,}" if isinstance(value, int) else ""

    return (
        str(batch.id),
        f"{batch.started_at:%Y-%m-%d %H:%M}",
        labels.get(batch.module, batch.module),
        f"{batch.undone_at:%m-%d %H:%M}" if batch.undone_at else "",
        Path(batch.file).name if batch.file else batch.source,
        count("created"),
        count("updated"),
        count("merged"),
        count("failed"),
    )
