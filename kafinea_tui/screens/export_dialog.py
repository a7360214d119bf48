"""The export dialog (`e` on a module list, or the command palette).

It offers the four scopes with the number of records each covers ("selected" is disabled when
nothing is selected; `ScopeChooser`), the file options (`ExportOptionsForm`), and a path with
completion (`ExportPathField`) on a first tab; the fields on a second ("Fields: all"): all of
the module's, the list's columns, or a chosen list in a chosen order (`ExportFieldsForm`). Two tabs keep the dialog within 80x24 with the chooser tall enough to use,
and the Export button stays outside them, one Tab away from either. Export runs in a thread
worker with a progress bar, so the app stays responsive on a million records; the result (path
and count) or the error sentence stays on screen until the user closes the dialog, which then
dismisses with the `ExportResult` (None when nothing was exported).

Overwriting an existing file asks first: the Export button turns into "Overwrite" and a second
press confirms. An export in progress can be stopped (the Cancel button, which reads "Stop" then,
or the registry's `cancel_work` key): no file is written. The dialog opens with the module's last
choices (path pattern, format, header, delimiter, encoding, numbers, guard, fields), kept in the
workspace after each export; reading and writing them are worker jobs like the export itself.
Everything the dialog does goes through `data.exporter`; it writes no SQL.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import (
    Button,
    Input,
    ProgressBar,
    Select,
    Static,
    TabbedContent,
    TabPane,
)

from kafinea_tui import keys
from kafinea_tui.backend import Backend, ExportResult
from kafinea_tui.data.cancel import Cancellation, Cancelled
from kafinea_tui.data.exporter.options import ExportOptions
from kafinea_tui.data.query import ListQuery
from kafinea_tui.widgets.export_forms import ExportFieldsForm, ExportOptionsForm
from kafinea_tui.widgets.export_path import ExportPathField
from kafinea_tui.widgets.export_scope import ScopeChooser
from kafinea_tui.work import Progress, WorkFailed, progress_reporter, reports

EMPTY_CHOICE = "Check at least one field on the Fields tab, or export all fields."


class ExportDialog(ModalScreen[ExportResult | None]):
    """`page` is the list's 0-based page index, as `ListState.page` holds it."""

    # Compact widgets (no borders) and panes of one height, so that the whole dialog, buttons
    # included, fits in 80x24 and does not jump when the tab changes.
    DEFAULT_CSS = """
    ExportDialog { align: center middle; }
    ExportDialog > #export {
        width: 78; max-width: 100%; height: auto; max-height: 100%; overflow-y: auto;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    ExportDialog #export-title { text-style: bold; }
    ExportDialog TabPane { height: 13; padding: 1 0 0 0; }
    ExportDialog RadioSet { width: 100%; height: auto; }
    ExportDialog #export-file { height: 1; margin-top: 1; }
    ExportDialog #export-file Label { width: 10; }
    ExportDialog #export-path { width: 1fr; }
    ExportDialog #export-progress { display: none; margin-top: 1; }
    ExportDialog #export-progress.running { display: block; }
    ExportDialog #export-status { height: auto; margin-top: 1; }
    ExportDialog #export-status.error { color: $error; }
    ExportDialog #export-buttons { height: 1; align-horizontal: right; margin-top: 1; }
    ExportDialog #export-buttons Button { margin-left: 2; }
    """

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings("close_screen", "cancel_work")

    def __init__(
        self,
        backend: Backend,
        module_name: str,
        query: ListQuery,
        selected_ids: frozenset[int],
        page: int,
        page_size: int,
        default_path: Path | None = None,
    ) -> None:
        super().__init__()
        self.backend = backend
        self.module_name = module_name
        self.list_query = query
        self.selected_ids = selected_ids
        self.page_index = page
        self.page_size = page_size
        self.module_label = backend.module(module_name).label
        self.default_path = default_path or Path.cwd() / f"{module_name}.csv"
        self.result: ExportResult | None = None
        self.confirm_overwrite: Path | None = None
        self.running = False
        self.cancellation: Cancellation | None = None

    def compose(self) -> ComposeResult:
        first = "ids" if self.selected_ids else ("filter" if self._filtered else "all")
        with Vertical(id="export"):
            yield Static(self._title("csv"), id="export-title", markup=False)
            with TabbedContent(id="export-tabs"):
                with TabPane("Records & file", id="tab-file"):
                    yield from self._compose_file(first)
                with TabPane("Fields: all", id="tab-fields"):
                    yield ExportFieldsForm(
                        self.backend.module(self.module_name),
                        columns=self.list_query.columns,  # the list's layout
                        id="export-fields-form",
                    )
            yield ProgressBar(total=100, show_eta=False, id="export-progress")
            yield Static("", id="export-status", markup=False)
            with Horizontal(id="export-buttons"):
                yield Button("Export", variant="primary", id="export-run", compact=True)
                yield Button("Cancel", id="export-cancel", compact=True)

    def _compose_file(self, first: str) -> ComposeResult:
        yield ScopeChooser(
            self.backend,
            self._options,
            first,
            has_selection=bool(self.selected_ids),
            filtered=self._filtered,
            id="export-scope",
        )
        yield ExportOptionsForm(id="export-options")
        yield ExportPathField(self.default_path, id="export-file")

    @property
    def _filtered(self) -> bool:
        return bool(self.list_query.filter.strip() or self.list_query.search.strip())

    def on_mount(self) -> None:
        self.query_one(ScopeChooser).focus()
        self.load_remembered()

    # -- the module's last choices -------------------------------------------------------------

    class Remembered(Message):
        """The module's choices of its last export, as the forms gave them."""

        def __init__(self, choices: dict[str, Any]) -> None:
            super().__init__()
            self.choices = choices

    @work(thread=True, group="export-remembered")
    @reports
    def load_remembered(self) -> None:
        choices = self.backend.export_choices(self.module_name)
        if choices:
            self.post_message(self.Remembered(choices))

    def on_export_dialog_remembered(self, event: Remembered) -> None:
        event.stop()
        if self.running or self.result is not None:
            return
        self.query_one(ExportOptionsForm).restore(event.choices)
        self.query_one(ExportFieldsForm).restore(event.choices)
        self.query_one(ExportPathField).restore(event.choices.get("path"), date.today())

    def _choices(self) -> dict[str, Any]:
        return {
            **self.query_one(ExportOptionsForm).remembered(),
            **self.query_one(ExportFieldsForm).remembered(),
            "path": self.query_one(ExportPathField).remembered(date.today()),
        }

    # -- options -----------------------------------------------------------------------------

    def _options(self, scope: str | None = None) -> ExportOptions:
        chosen = scope or self.query_one(ScopeChooser).scope
        options = ExportOptions(
            module=self.module_name,
            scope=chosen,
            filter=self.list_query.filter,
            search=self.list_query.search,
            ids=tuple(sorted(self.selected_ids)),
            page=self.page_index + 1,
            page_size=self.page_size,
            sort=self.list_query.sort,
        )
        if scope is None:
            self.query_one(ExportOptionsForm).apply_to(options)
            self.query_one(ExportFieldsForm).apply_to(options)
        return options

    def _title(self, fmt: str) -> str:
        return f"Export {self.module_label} to {'an Excel workbook' if fmt == 'xlsx' else 'CSV'}"

    @on(Select.Changed, "#export-format")
    def _format_changed(self, event: Select.Changed) -> None:
        """The title says the format, and the file's extension follows it (.csv <-> .xlsx)."""
        fmt = str(event.value)
        self.query_one("#export-title", Static).update(self._title(fmt))
        self.query_one(ExportPathField).follow_format(fmt)

    @on(ExportFieldsForm.Changed)
    def _fields_changed(self, event: ExportFieldsForm.Changed) -> None:
        self.query_one(TabbedContent).get_tab("tab-fields").label = f"Fields: {event.summary}"

    # -- running -----------------------------------------------------------------------------

    @on(Input.Changed, "#export-path")
    def _path_changed(self) -> None:
        self._reset_confirmation()

    @on(Button.Pressed, "#export-cancel")
    def _cancel(self) -> None:
        if self.running:
            self.action_cancel_work()
        else:
            self.action_close()

    def action_cancel_work(self) -> None:
        """Stop the export in progress: its temporary file goes, no file is written."""
        if not self.running or self.cancellation is None or self.cancellation.cancelled:
            return
        self.cancellation.cancel()  # sets a flag and interrupts DuckDB: returns at once
        self._status("Stopping… no file is written.")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The stop key works only while an export runs (elsewhere it is the fields' cut)."""
        if action == "cancel_work":
            return self.running
        return True

    @on(Button.Pressed, "#export-run")
    @on(Input.Submitted, "#export-path")
    def _run(self) -> None:
        if self.result is not None:
            self.dismiss(self.result)
            return
        if self.running:
            return
        path = self.query_one(ExportPathField).path
        if not str(path) or str(path) == ".":
            self._status("Give the name of the file to write.", error=True)
            return
        fields = self.query_one(ExportFieldsForm)
        if fields.nothing_chosen:
            self._status(EMPTY_CHOICE, error=True)
            self.query_one(TabbedContent).active = "tab-fields"
            fields.chooser.field_list.focus()
            return
        if path.is_file() and self.confirm_overwrite != path:
            self.confirm_overwrite = path
            self.query_one("#export-run", Button).label = "Overwrite"
            self._status(f"{path} already exists. Press Overwrite to replace it.", error=True)
            return
        self.running = True
        self.cancellation = Cancellation()
        self.query_one("#export-run", Button).disabled = True
        self.query_one("#export-cancel", Button).label = "Stop"
        progress = self.query_one("#export-progress", ProgressBar)
        progress.update(progress=0)
        progress.add_class("running")
        stop = keys.keys_label(keys.live_keys("cancel_work", keys.app_keymap(self.app)))
        self._status(f"Exporting to {path}… (Stop or {stop} stops it)")
        self.export(self._options(), path, self.cancellation, self._choices())

    class Exported(Message):
        def __init__(self, result: ExportResult) -> None:
            super().__init__()
            self.result = result

    @work(thread=True, exclusive=True, group="export")
    @reports
    def export(
        self,
        options: ExportOptions,
        path: Path,
        cancellation: Cancellation,
        choices: Mapping[str, Any],
    ) -> None:
        progress = progress_reporter(self, "export")
        result = self.backend.export(options, path, progress, cancellation)
        # The choices of an export that was written are the module's next defaults.
        self.backend.remember_export_choices(self.module_name, choices)
        self.post_message(self.Exported(result))

    def on_progress(self, event: Progress) -> None:
        event.stop()
        self.query_one("#export-progress", ProgressBar).update(progress=round(event.fraction * 100))

    def on_work_failed(self, event: WorkFailed) -> None:
        event.stop()
        if event.work == "export":
            self._failed(event.sentence, error=not isinstance(event.error, Cancelled))
        else:
            self._status(event.sentence, error=True)

    def on_export_dialog_exported(self, event: Exported) -> None:
        event.stop()
        result = event.result
        self.running = False
        self.result = result
        noun = "record" if result.count == 1 else "records"
        self._status(f"Exported {result.count:,} {noun} to {result.path}")
        self.query_one("#export-cancel", Button).label = "Cancel"
        run = self.query_one("#export-run", Button)
        run.label, run.disabled = "Close", False
        run.focus()

    def _failed(self, message: str, error: bool = True) -> None:
        self.running = False
        self.query_one("#export-progress", ProgressBar).remove_class("running")
        self.query_one("#export-cancel", Button).label = "Cancel"
        self._reset_confirmation()
        self.query_one("#export-run", Button).disabled = False
        self._status(message, error=error)

    def _reset_confirmation(self) -> None:
        if self.confirm_overwrite is not None and self.result is None:
            self.confirm_overwrite = None
            self.query_one("#export-run", Button).label = "Export"

    def _status(self, text: str, error: bool = False) -> None:
        status = self.query_one("#export-status", Static)
        status.update(text)
        status.set_class(error, "error")

    def action_close(self) -> None:
        if self.running:
            stop = keys.keys_label(keys.live_keys("cancel_work", keys.app_keymap(self.app)))
            self.notify(
                f"The export is still running: wait for it, or stop it (Stop, or {stop}); "
                "a stopped export writes no file."
            )
            return
        self.dismiss(self.result)
