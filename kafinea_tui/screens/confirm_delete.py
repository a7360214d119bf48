"""The question before a delete, with its count and what happens to the records that refer to
the deleted ones ("412 Contacts keep existing with Organization Name cleared"), then the delete.

The impact is counted and the delete runs in workers; the dialog stays until the delete is
done, so its result (or its failure, in a sentence) is read where the question was.
"""

from __future__ import annotations

from textual import work
from textual.message import Message
from textual.widgets import Button, Static

from kafinea_tui.backend import Backend
from kafinea_tui.data.bulk import BulkReport, DeleteImpact, Selection, counted
from kafinea_tui.screens.confirm import ConfirmDialog
from kafinea_tui.work import WorkFailed, reports

UNDO = "Past imports can undo it, references included."


class ConfirmDeleteDialog(ConfirmDialog):
    """Dismisses with True once the records are deleted, False when the person says no."""

    def __init__(self, backend: Backend, module_name: str, selection: Selection) -> None:
        super().__init__("Counting the records to delete…", "Delete")
        self.backend = backend
        self.module = backend.module(module_name)
        self.selection = selection
        self.busy = True  # counting or deleting: Yes does nothing meanwhile
        self.deleting = False

    class Counted(Message):
        def __init__(self, impact: DeleteImpact) -> None:
            super().__init__()
            self.impact = impact

    class Deleted(Message):
        def __init__(self, report: BulkReport) -> None:
            super().__init__()
            self.report = report

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#confirm-yes", Button).disabled = True
        self._count()

    @work(thread=True, exclusive=True, group="delete")
    @reports
    def _count(self) -> None:
        self.post_message(
            self.Counted(self.backend.delete_impact(self.module.name, self.selection))
        )

    def on_confirm_delete_dialog_counted(self, event: Counted) -> None:
        event.stop()
        what = counted(event.impact.count, self.module.label)
        lines = [f"Delete {what}?", *event.impact.sentences(), *event.impact.warnings, UNDO]
        self._say("\n".join(lines))
        yes = self.query_one("#confirm-yes", Button)
        yes.label = f"Delete {what}"
        yes.disabled = self.busy = event.impact.count == 0

    def action_confirm(self) -> None:
        if self.busy:
            return
        self.busy = self.deleting = True
        self.query_one("#confirm-yes", Button).disabled = True
        self.query_one("#confirm-no", Button).disabled = True
        self._say("Deleting…")
        self._delete()

    @work(thread=True, exclusive=True, group="delete")
    @reports
    def _delete(self) -> None:
        self.post_message(self.Deleted(self.backend.mass_delete(self.module.name, self.selection)))

    def on_confirm_delete_dialog_deleted(self, event: Deleted) -> None:
        event.stop()
        report = event.report
        self.app.notify(
            f"Deleted {counted(report.deleted, self.module.label)}. {UNDO}", title="Delete"
        )
        self.dismiss(True)

    def on_work_failed(self, event: WorkFailed) -> None:
        event.stop()
        self.deleting = False  # only closing is left: Yes stays off after a failure
        self.query_one("#confirm-no", Button).disabled = False
        self._say(event.sentence)

    def action_close(self) -> None:
        if not self.deleting:  # a delete under way finishes, then the dialog closes itself
            self.dismiss(False)

    def _say(self, text: str) -> None:
        self.query_one("#confirm-question", Static).update(text)
