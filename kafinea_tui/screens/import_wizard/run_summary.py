"""Step 4 of the import wizard: test (dry run) or import, the progress, and what happened.

The run is the backend's (`Backend.import_file`: the importer here, or the file streamed to the
server) in a thread worker; its progress callback posts Progress messages and the report comes
as a message too (kafinea_tui/work.py), so the bar moves and the app stays responsive on a
million rows. The summary stays on screen until the user leaves: counts, the failed rows (line,
column, reason; their cells come with the report, from a server too), warnings, saving the
failed rows as a CSV to fix and import again (an existing file is replaced only after a second
press), and undo. A run in progress can be stopped (the Stop button, or the registry's
`cancel_work` key on the wizard): it rolls back and writes nothing.
"""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Label, ProgressBar, Static

from kafinea_tui.backend import Backend, UndoReport
from kafinea_tui.data.cancel import Cancellation, Cancelled
from kafinea_tui.data.importer.plan import ImportPlan, ImportReport
from kafinea_tui.data.importer.run import failed_rows_csv
from kafinea_tui.data.schema import Module
from kafinea_tui.screens.confirm_undo import ConfirmUndoDialog
from kafinea_tui.widgets.plain import PlainTable
from kafinea_tui.work import Progress, WorkFailed, progress_reporter, reports

MAX_ERROR_ROWS = 1000  # the table shows this many; the saved CSV holds them all


def summary_text(report: ImportReport) -> str:
    """The counts of a report as one block of text, the same words for a test and an import."""
    head = (
        f"Test run (nothing written) of {report.total:,} rows:"
        if report.dry_run
        else f"Imported batch {report.batch} from {report.total:,} rows:"
    )
    counts = (
        f"created {report.created:,} · updated {report.updated:,} · merged {report.merged:,} · "
        f"skipped {report.skipped:,} · failed {report.failed:,} · "
        f"related created {report.related_created:,} · warnings {len(report.warnings):,}"
    )
    text = f"{head}\n{counts}"
    if report.unmapped:
        text += f"\nNot imported (mapped to no field): {', '.join(report.unmapped)}."
    return text


def undo_text(undone: UndoReport) -> str:
    """What an undo did, including the records it left alone because they changed since."""
    text = (
        f"Undid import {undone.batch}: removed {undone.deleted:,} created records, "
        f"restored {undone.restored:,} changed ones."
    )
    if undone.kept:
        text += f"\nLeft as they are (changed or referenced since the import): {', '.join(undone.kept[:20])}"
        if len(undone.kept) > 20:
            text += f" and {len(undone.kept) - 20:,} more"
    return text


def field_labels(module: Module, names: list[str]) -> str:
    """Field names as a person reads them: `Product Code, Name`."""
    return ", ".join(
        found.label if (found := module.find_field(name)) is not None else name for name in names
    )


class RunSummary(Vertical):
    """Buttons to test or import, a progress bar, and the report of the last run."""

    DEFAULT_CSS = """
    RunSummary { height: 1fr; }
    RunSummary #run-plan { height: auto; color: $text-muted; }
    RunSummary #run-buttons { height: 1; margin: 1 0 0 0; }
    RunSummary #run-buttons Button { margin: 0 1 0 0; }
    RunSummary #run-progress { height: 1; }
    RunSummary #run-output { height: 1fr; }
    RunSummary #run-result { height: auto; }
    RunSummary #run-result.-error { color: $error; }
    RunSummary #failed-rows { height: auto; max-height: 10; }
    RunSummary #run-warnings { height: auto; color: $warning; }
    RunSummary #failed-save { height: 1; margin: 1 0 0 0; }
    RunSummary #failed-save Label { width: 18; }
    RunSummary #failed-path { width: 1fr; }
    RunSummary #failed-save Button { margin: 0 0 0 1; }
    RunSummary #undo-result { height: auto; }
    """

    class Imported(Message):
        """A real (not dry) import finished: the wizard returns this report when it closes."""

        def __init__(self, report: ImportReport) -> None:
            super().__init__()
            self.report = report

    def __init__(self, backend: Backend, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.backend = backend
        self.plan: ImportPlan | None = None
        self.report: ImportReport | None = None
        self.delimiter = ","
        self.running = False
        self.cancellation: Cancellation | None = None
        self.confirm_overwrite: Path | None = None  # the failed rows' file a press replaces

    def compose(self) -> ComposeResult:
        yield Static("", id="run-plan", markup=False)
        with Horizontal(id="run-buttons"):
            yield Button("Test (dry run)", id="test", compact=True)
            yield Button("Import", id="import", variant="primary", compact=True)
            yield Button(
                "Undo this import", id="undo", variant="error", compact=True, disabled=True
            )
            yield Button("Stop", id="run-stop", variant="warning", compact=True)
        yield ProgressBar(total=100, show_eta=False, id="run-progress")
        with VerticalScroll(id="run-output"):
            yield Static(
                "Test first to see what would happen; nothing is written.",
                id="run-result",
                markup=False,
            )
            yield PlainTable(id="failed-rows", zebra_stripes=True, cursor_type="row")
            yield Static("", id="run-warnings", markup=False)
            with Horizontal(id="failed-save"):
                yield Label("Failed rows to")
                yield Input(placeholder="path of a CSV to write", id="failed-path", compact=True)
                yield Button("Save failed rows as CSV", id="save-failed", compact=True)
            yield Static("", id="undo-result", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#failed-rows", PlainTable)
        table.add_columns("Line", "Column", "Reason")
        self.query_one("#failed-save").display = False
        self.query_one("#run-stop").display = False
        table.display = False

    def set_plan(self, plan: ImportPlan, delimiter: str = ",") -> None:
        """Show what is about to run. After a real import, Import stays off until it is undone:
        importing the same file twice is almost never what the user means.

        `delimiter` is the file's own (as read), so the saved failed rows look like the file.
        """
        self.plan = plan
        self.delimiter = delimiter
        module = self.backend.module(plan.module)
        duplicates = (
            f"{plan.duplicates.value} on {field_labels(module, plan.match)}"
            if plan.duplicates is not None
            else "every row creates a record"
        )
        self.query_one("#run-plan", Static).update(
            f"{plan.csv.path.name} → {module.label}: {len(plan.mapping)} columns mapped, "
            f"{len(plan.defaults)} defaults; duplicates: {duplicates}."
        )

    # -- running -----------------------------------------------------------------------------

    @on(Button.Pressed, "#test")
    def test(self) -> None:
        self.start(dry_run=True)

    @on(Button.Pressed, "#import")
    def import_(self) -> None:
        self.start(dry_run=False)

    def start(self, *, dry_run: bool) -> None:
        if self.plan is None or self.running:
            return
        self.running = True
        self.cancellation = Cancellation()
        self._set_buttons()
        self.query_one("#run-progress", ProgressBar).update(progress=0)
        self._result("Testing…" if dry_run else "Importing…", error=False)
        self._run(self.plan, dry_run, self.cancellation)

    @on(Button.Pressed, "#run-stop")
    def stop(self) -> bool:
        """Stop the test or import in progress (it rolls back); False when none runs."""
        if not self.running or self.cancellation is None or self.cancellation.cancelled:
            return False
        self.cancellation.cancel()  # sets a flag and interrupts DuckDB: returns at once
        self._result("Stopping… nothing is written.", error=False)
        return True

    class Finished(Message):
        """A test or an import ran: its report."""

        def __init__(self, report: ImportReport) -> None:
            super().__init__()
            self.report = report

    class FailedRowsSaved(Message):
        def __init__(self, report: ImportReport, count: int, path: Path) -> None:
            super().__init__()
            self.report = report
            self.count = count
            self.path = path

    class Undone(Message):
        def __init__(self, undone: UndoReport) -> None:
            super().__init__()
            self.undone = undone

    @work(thread=True, exclusive=True, group="import")
    @reports
    def _run(self, plan: ImportPlan, dry_run: bool, cancellation: Cancellation) -> None:
        progress = progress_reporter(self, "import")
        report = self.backend.import_file(plan, dry_run, progress, cancellation)
        self.post_message(self.Finished(report))

    def on_progress(self, event: Progress) -> None:
        event.stop()
        self.query_one("#run-progress", ProgressBar).update(progress=event.fraction * 100)

    def on_work_failed(self, event: WorkFailed) -> None:
        """The run or the undo failed: say so where its result would be; a save that failed
        is said as a notification, the summary staying as it was."""
        event.stop()
        if event.work == "_run":
            self.running = False
            self._set_buttons()
            stopped = isinstance(event.error, Cancelled)
            if stopped:
                self.query_one("#run-progress", ProgressBar).update(progress=0)
            self._result(event.sentence, error=not stopped)
        elif event.work == "_undo":
            self._undo_done(event.sentence, False)
        else:
            self.app.notify(event.sentence, severity="error")

    def on_run_summary_finished(self, event: Finished) -> None:
        event.stop()
        report = event.report
        self.running = False
        self.report = report
        self.query_one("#run-progress", ProgressBar).update(progress=100)
        self._result(summary_text(report), error=False)
        table = self.query_one("#failed-rows", PlainTable)
        table.clear()
        for error in report.errors[:MAX_ERROR_ROWS]:
            table.add_row(str(error.line), error.column or "", error.reason)
        table.display = bool(report.errors)
        self.query_one("#failed-save").display = bool(report.errors)
        if (
            report.errors
            and self.plan is not None
            and not self.query_one("#failed-path", Input).value
        ):
            source = self.plan.csv.path
            self.query_one("#failed-path", Input).value = str(
                source.with_name(f"{source.stem}-failed.csv")
            )
        more = len(report.errors) - MAX_ERROR_ROWS
        warnings = list(report.warnings[:20])
        if more > 0:
            warnings.insert(0, f"{more:,} more failed rows are in the saved CSV.")
        self.query_one("#run-warnings", Static).update("\n".join(warnings))
        self.query_one("#undo-result", Static).update("")
        self._set_buttons()
        if not report.dry_run:
            target = "#failed-rows" if report.errors else "#test"
            self.query_one(target).focus()
            self.post_message(self.Imported(report))

    def _set_buttons(self) -> None:
        """Import is off once done (no double import), Undo on only for a real import.

        Test and Import stay enabled while running (a second press is ignored): disabling the
        focused button would throw the keyboard focus somewhere else.
        """
        real = self.report is not None and not self.report.dry_run and self.report.batch is not None
        self.query_one("#import", Button).disabled = real
        self.query_one("#undo", Button).disabled = self.running or not real
        self.query_one("#run-stop").display = self.running
        self.screen.refresh_bindings()  # the wizard's Stop key shows only while running

    def _result(self, text: str, *, error: bool) -> None:
        result = self.query_one("#run-result", Static)
        result.update(text)
        result.set_class(error, "-error")

    # -- failed rows -------------------------------------------------------------------------

    @on(Button.Pressed, "#save-failed")
    @on(Input.Submitted, "#failed-path")
    def save_failed(self, event: Message) -> None:
        if isinstance(event, Input.Submitted):
            event.stop()
        text = self.query_one("#failed-path", Input).value.strip()
        if not text or self.plan is None or self.report is None:
            self.app.notify("Type the path of the CSV to write.", severity="warning")
            return
        path = Path(text).expanduser()
        if path.is_file() and self.confirm_overwrite != path:
            self.confirm_overwrite = path
            self.query_one("#save-failed", Button).label = "Overwrite"
            self._result(
                f"{summary_text(self.report)}\n{path} already exists. "
                "Press Overwrite to replace it.",
                error=False,
            )
            return
        self._reset_overwrite()
        self._save_failed(self.report, path, self.delimiter)

    @on(Input.Changed, "#failed-path")
    def _reset_overwrite(self) -> None:
        """Another path (or a save made): the next press asks again for an existing file."""
        if self.confirm_overwrite is not None:
            self.confirm_overwrite = None
            self.query_one("#save-failed", Button).label = "Save failed rows as CSV"

    @work(thread=True, exclusive=True, group="failed-rows")
    @reports
    def _save_failed(self, report: ImportReport, path: Path, delimiter: str) -> None:
        count = failed_rows_csv(report, path, delimiter=delimiter)
        self.post_message(self.FailedRowsSaved(report, count, path))

    def on_run_summary_failed_rows_saved(self, event: FailedRowsSaved) -> None:
        event.stop()
        message = f"Saved {event.count:,} failed rows with a Reason column to {event.path}."
        self._result(summary_text(event.report) + "\n" + message, error=False)

    # -- undo --------------------------------------------------------------------------------

    @on(Button.Pressed, "#undo")
    def undo(self) -> None:
        if self.report is None or self.report.batch is None or self.running:
            return
        batch = self.report.batch

        def answered(undo: bool | None) -> None:
            if undo and not self.running:
                self.running = True
                self._set_buttons()
                self._undo(batch)

        self.app.push_screen(ConfirmUndoDialog(self.backend, batch), answered)

    @work(thread=True, exclusive=True, group="import")
    @reports
    def _undo(self, batch: int) -> None:
        self.post_message(self.Undone(self.backend.undo(batch)))

    def on_run_summary_undone(self, event: Undone) -> None:
        event.stop()
        self._undo_done(undo_text(event.undone), True)

    def _undo_done(self, text: str, ok: bool) -> None:
        self.running = False
        if ok:
            self.report = None
        self._set_buttons()
        self.query_one("#undo-result", Static).update(text)
        self.query_one("#test").focus()
