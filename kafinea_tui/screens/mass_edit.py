"""Mass edit (`m` in a list): one field set to one value on the selection or the filter's matches.

The screen is its own confirmation: choosing a field and typing a value previews the edit (the
count, a few records before and after, values that cannot be read), and only the button that
names the count ("Change 1,234 Contacts") runs it. The edit is one batch in past imports, which
undo takes back. Preview and edit run in workers; a newer preview supersedes an older one.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Input, Label, ProgressBar, Select, Static

from kafinea_tui import keys
from kafinea_tui.backend import Backend
from kafinea_tui.data.bulk import BulkReport, Selection, UpdatePreview, counted
from kafinea_tui.data.record_form import editable_fields
from kafinea_tui.widgets.key_footer import KeyFooter
from kafinea_tui.widgets.plain import PlainSelect, PlainTable
from kafinea_tui.work import Progress, WorkFailed, progress_reporter, reports

PREVIEW_RECORDS = 5


def report_text(report: BulkReport, label: str) -> str:
    """What a mass edit did, in words: counts, the first failures, and how to take it back."""
    lines = [f"Changed {counted(report.updated, label)}."]
    if report.unchanged:
        lines.append(f"{counted(report.unchanged, label)} already had this value.")
    if report.failed:
        lines.append(f"{counted(report.failed, label)} could not be changed:")
        lines += [f"  #{e.id}: {e.reason}" for e in report.errors[:5]]
    lines += report.warnings
    if report.batch is not None:
        lines.append(f"Past imports lists this edit as batch {report.batch}; undo it there.")
    return "\n".join(lines)


class MassEditScreen(Screen[BulkReport | None]):
    DEFAULT_CSS = """
    MassEditScreen #mass-title { height: 1; padding: 0 1; background: $boost; text-style: bold; }
    MassEditScreen #mass-form { height: auto; padding: 1 1 0 1; }
    MassEditScreen #mass-form Label { width: 8; padding-top: 1; }
    MassEditScreen #mass-form Horizontal { height: auto; }
    MassEditScreen #mass-field { width: 1fr; }
    MassEditScreen #mass-value { width: 1fr; }
    MassEditScreen #mass-summary { height: auto; padding: 1 1 0 1; }
    MassEditScreen #mass-summary.-error { color: $error; }
    MassEditScreen #mass-preview { height: auto; max-height: 9; margin: 0 1; }
    MassEditScreen #mass-progress { margin: 0 1; display: none; }
    MassEditScreen #mass-progress.running { display: block; }
    MassEditScreen #mass-buttons { height: auto; padding: 1 1 0 1; }
    MassEditScreen #mass-buttons Button { margin-right: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings("save_form", "close_screen")

    def __init__(
        self, backend: Backend, module_name: str, selection: Selection, scope: str
    ) -> None:
        """`scope` says in words which records: "12 selected", "the 1,234 the filter matches"."""
        super().__init__()
        self.backend = backend
        self.module = backend.module(module_name)
        self.selection = selection
        self.scope = scope
        self.preview: UpdatePreview | None = None
        self.report: BulkReport | None = None
        self.running = False

    def compose(self) -> ComposeResult:
        yield Static(
            f"Mass edit · {self.module.label} · {self.scope}", id="mass-title", markup=False
        )
        with Vertical(id="mass-form"):
            with Horizontal():
                yield Label("Field")
                fields = [(f.label, f.name) for f in editable_fields(self.module)]
                yield PlainSelect(fields, prompt="Choose a field", id="mass-field")
            with Horizontal():
                yield Label("Value")
                yield Input(placeholder="leave empty to clear the field", id="mass-value")
        yield Static("Choose a field and type its new value.", id="mass-summary", markup=False)
        yield PlainTable(id="mass-preview", cursor_type="none", show_cursor=False)
        yield ProgressBar(total=100, show_eta=False, id="mass-progress")
        with Horizontal(id="mass-buttons"):
            yield Button("Change", id="mass-apply", variant="warning", disabled=True)
            yield Button("Cancel", id="mass-cancel")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#mass-preview", PlainTable).add_columns("Record", "Before", "After")
        self.query_one("#mass-preview").display = False
        self.query_one("#mass-field", Select).focus()

    # -- preview -------------------------------------------------------------------------

    @property
    def field_name(self) -> str | None:
        value = self.query_one("#mass-field", Select).value
        return value if isinstance(value, str) else None

    @property
    def value_text(self) -> str:
        return self.query_one("#mass-value", Input).value

    @on(Select.Changed, "#mass-field")
    @on(Input.Changed, "#mass-value")
    def _changed(self) -> None:
        if self.running or self.report is not None:
            return
        self.preview = None
        self._set_apply()
        if self.field_name is not None:
            self._summary("Counting…", error=False)
            self._preview(self.field_name, self.value_text)

    class Previewed(Message):
        def __init__(self, field: str, text: str, preview: UpdatePreview) -> None:
            super().__init__()
            self.field = field
            self.text = text
            self.preview = preview

    @work(thread=True, exclusive=True, group="mass-preview")
    @reports
    def _preview(self, field: str, text: str) -> None:
        preview = self.backend.preview_update(
            self.module.name, self.selection, {field: text}, PREVIEW_RECORDS
        )
        self.post_message(self.Previewed(field, text, preview))

    def on_mass_edit_screen_previewed(self, event: Previewed) -> None:
        event.stop()
        if (event.field, event.text) != (self.field_name, self.value_text):
            return  # the person typed on meanwhile: a newer preview is coming
        preview = self.preview = event.preview
        label = self.module.field(event.field).label
        table = self.query_one("#mass-preview", PlainTable)
        table.clear()
        for record in preview.records:
            table.add_row(record.title, record.before.get(label, ""), record.after.get(label, ""))
        table.display = bool(preview.records)
        if preview.errors:
            self._summary("\n".join(preview.errors), error=True)
        else:
            new = f"'{event.text}'" if event.text.strip() else "empty"
            lines = [f"{label} becomes {new} on {counted(preview.count, self.module.label)}."]
            self._summary("\n".join([*lines, *preview.warnings]), error=False)
        self._set_apply()

    def _set_apply(self) -> None:
        button = self.query_one("#mass-apply", Button)
        preview = self.preview
        ready = preview is not None and not preview.errors and preview.count > 0
        button.disabled = self.running or not ready
        if preview is not None and ready:
            button.label = f"Change {counted(preview.count, self.module.label)}"

    def _summary(self, text: str, error: bool) -> None:
        summary = self.query_one("#mass-summary", Static)
        summary.update(text)
        summary.set_class(error, "-error")

    # -- the edit ------------------------------------------------------------------------

    @on(Button.Pressed, "#mass-apply")
    def action_save(self) -> None:
        if self.report is not None:
            self.dismiss(self.report)
            return
        field = self.field_name
        if self.running or field is None or self.query_one("#mass-apply", Button).disabled:
            return
        self.running = True
        self._set_apply()
        self.query_one("#mass-form").disabled = True
        self.query_one("#mass-progress", ProgressBar).add_class("running")
        self._summary("Changing…", error=False)
        self._apply(field, self.value_text)

    class Applied(Message):
        def __init__(self, report: BulkReport) -> None:
            super().__init__()
            self.report = report

    @work(thread=True, exclusive=True, group="mass-edit")
    @reports
    def _apply(self, field: str, text: str) -> None:
        progress = progress_reporter(self, "mass-edit")
        report = self.backend.mass_update(
            self.module.name, self.selection, {field: text}, progress=progress
        )
        self.post_message(self.Applied(report))

    def on_progress(self, event: Progress) -> None:
        event.stop()
        self.query_one("#mass-progress", ProgressBar).update(progress=round(event.fraction * 100))

    def on_mass_edit_screen_applied(self, event: Applied) -> None:
        event.stop()
        self.running = False
        self.report = event.report
        self.query_one("#mass-progress", ProgressBar).remove_class("running")
        self._summary(report_text(event.report, self.module.label), error=bool(event.report.failed))
        apply = self.query_one("#mass-apply", Button)
        apply.label, apply.disabled, apply.variant = "Close", False, "primary"
        self.query_one("#mass-cancel").display = False
        apply.focus()

    def on_work_failed(self, event: WorkFailed) -> None:
        event.stop()
        if event.work == "_apply":
            self.running = False
            self.query_one("#mass-progress", ProgressBar).remove_class("running")
            self.query_one("#mass-form").disabled = False
        self.preview = None
        self._summary(event.sentence, error=True)
        self._set_apply()

    @on(Button.Pressed, "#mass-cancel")
    def action_close(self) -> None:
        if not self.running:
            self.dismiss(self.report)
