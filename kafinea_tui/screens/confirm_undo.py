"""The question before an undo, with its counts: "Remove 1,050,000 created records, restore 3
changed ones?". The counts come from running the undo and rolling it back (`undo_preview`), in a
worker, so the dialog opens at once and its Yes button waits for them.
"""

from __future__ import annotations

from textual import work
from textual.message import Message
from textual.widgets import Button, Static

from kafinea_tui.backend import Backend, UndoReport
from kafinea_tui.screens.confirm import ConfirmDialog
from kafinea_tui.work import WorkFailed, reports


class ConfirmUndoDialog(ConfirmDialog):
    """Dismisses with True when the person confirms the undo of `batch`, False otherwise."""

    def __init__(self, backend: Backend, batch: int) -> None:
        super().__init__(f"Counting what undoing import {batch} would change…", "Undo")
        self.backend = backend
        self.batch_id = batch

    class Counted(Message):
        def __init__(self, preview: UndoReport) -> None:
            super().__init__()
            self.preview = preview

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#confirm-yes", Button).disabled = True
        self._count()

    @work(thread=True, exclusive=True)
    @reports
    def _count(self) -> None:
        self.post_message(self.Counted(self.backend.undo_preview(self.batch_id)))

    def on_confirm_undo_dialog_counted(self, event: Counted) -> None:
        event.stop()
        question = f"Undo import {self.batch_id}: {event.preview.question()}"
        self.query_one("#confirm-question", Static).update(question)
        self.query_one("#confirm-yes", Button).disabled = False

    def on_work_failed(self, event: WorkFailed) -> None:
        event.stop()
        self.query_one("#confirm-question", Static).update(event.sentence)

    def action_confirm(self) -> None:
        if not self.query_one("#confirm-yes", Button).disabled:  # the counts are in
            super().action_confirm()
