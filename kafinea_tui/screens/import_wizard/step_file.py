"""Step 1 of the import wizard: which file, how to read it, and a live preview of the result.

The preview is the engine's own parse (`source.preview`: a CSV file, or a spreadsheet's sheet),
not a second reader in the UI, so what the user sees is exactly what will be imported: if the
accents look wrong here, the encoding is wrong. A workbook's sheets are offered with their row
counts, and the status line says which CRM's export the columns look like. Every change of a setting asks for a new preview in a thread worker; a generation number
makes the newest request win even when an older, slower read finishes last.
"""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from kafinea_tui.data.csv_dialect import DATE_FORMATS, DELIMITERS
from kafinea_tui.data.importer import saved_mappings
from kafinea_tui.data.importer.file import csv_source, source
from kafinea_tui.data.importer.plan import CsvOptions, ImportPlan
from kafinea_tui.data.importer.run import suggest
from kafinea_tui.data.schema import Module
from kafinea_tui.screens.import_wizard.choices import (
    DECIMAL_CHOICES,
    DELIMITER_CHOICES,
    ENCODING_CHOICES,
    PREVIEW_ROWS,
)
from kafinea_tui.screens.import_wizard.file_browser import FileBrowserScreen, start_folder
from kafinea_tui.widgets.path_suggester import PathSuggester
from kafinea_tui.widgets.plain import PlainSelect, PlainTable
from kafinea_tui.widgets.toggles import Check
from kafinea_tui.work import WorkFailed, reports


class StepFile(Vertical):
    """The file, its encoding, delimiter, header, number and date formats, and a preview."""

    DEFAULT_CSS = """
    StepFile { height: 1fr; }
    StepFile #path-row { height: auto; }
    StepFile #file-path { width: 1fr; }
    StepFile #file-options {
        grid-size: 4; grid-columns: 13 1fr 13 1fr; grid-rows: 1; grid-gutter: 0 1;
        height: auto; margin: 1 0 0 0;
    }
    StepFile #file-options Label { padding: 0 0; }
    StepFile #preview-status { height: auto; color: $text-muted; margin: 1 0 0 0; }
    StepFile #preview-status.-error { color: $error; }
    StepFile #preview { height: 1fr; min-height: 4; }
    """

    class MappingLoaded(Message):
        """A saved mapping was chosen: the wizard pre-fills every step with it."""

        def __init__(self, name: str, plan: ImportPlan) -> None:
            super().__init__()
            self.name = name
            self.plan = plan

    class FolderUsed(Message):
        """A file was chosen in the browser: its folder is where browsing starts next time."""

        def __init__(self, folder: Path) -> None:
            super().__init__()
            self.folder = folder

    def __init__(
        self,
        mappings_dir: Path,
        module_name: str,
        *,
        modules: list[Module] | None = None,
        samples_dir: Path | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.mappings_dir = mappings_dir
        self.samples_dir = samples_dir  # the demo's sample files: where a first browse starts
        self.last_folder: Path | None = None  # the workspace's last folder (the wizard reads it)
        self.module_name = module_name
        self.modules = modules or []  # to say which CRM's export the file looks like
        self.looks_like: str | None = None
        self.preview: csv_source.Preview | None = None
        self.preview_error: str | None = (
            "Type the path of a CSV file or a spreadsheet, or press Browse."
        )
        self._generation = 0
        self._applying_mapping = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="path-row"):
            yield Input(
                placeholder="Path of the CSV file or spreadsheet (→ completes)",
                suggester=PathSuggester(),
                id="file-path",
                compact=True,
            )
            yield Button("Browse", id="browse", compact=True)
        with Grid(id="file-options"):
            yield Label("Encoding")
            yield PlainSelect(
                ENCODING_CHOICES, value="auto", allow_blank=False, id="encoding", compact=True
            )
            yield Label("Delimiter")
            yield PlainSelect(
                DELIMITER_CHOICES, value="auto", allow_blank=False, id="delimiter", compact=True
            )
            yield Label("Date format")
            yield PlainSelect(
                [(f, f) for f in DATE_FORMATS],
                value=DATE_FORMATS[0],
                allow_blank=False,
                id="date-format",
                compact=True,
            )
            yield Label("Decimal")
            yield PlainSelect(
                DECIMAL_CHOICES, value="point", allow_blank=False, id="decimal", compact=True
            )
            yield Label("Saved mapping")
            yield PlainSelect([], prompt="(none)", id="saved-mapping", compact=True)
            yield Label("First line")
            yield Check("Header row", value=True, id="has-header", compact=True)
            yield Label("Sheet", id="sheet-label")
            yield PlainSelect([], prompt="(first)", id="sheet", compact=True)
        yield Static(self.preview_error or "", id="preview-status", markup=False)
        yield PlainTable(id="preview", zebra_stripes=True, cursor_type="row")

    def on_mount(self) -> None:
        self.query_one("#sheet", Select).display = False
        self.query_one("#sheet-label", Label).display = False
        self.reload_saved_mappings()

    # -- the settings as an ImportPlan --------------------------------------------------------

    def csv_options(self) -> CsvOptions | None:
        text = self.query_one("#file-path", Input).value.strip()
        if not text:
            return None
        return CsvOptions(
            path=Path(text).expanduser(),
            encoding=str(self.query_one("#encoding", Select).value),
            delimiter=str(self.query_one("#delimiter", Select).value),
            header=self.query_one("#has-header", Checkbox).value,
            sheet=self._sheet(),
        )

    def _sheet(self) -> str | None:
        value = self.query_one("#sheet", Select).value
        return None if value is Select.NULL else str(value)

    def apply_to(self, plan: ImportPlan) -> None:
        """Write step 1's settings into the plan (called when leaving the step)."""
        options = self.csv_options()
        if options is not None:
            plan.csv = options
        plan.date_format = str(self.query_one("#date-format", Select).value)
        plan.decimal = str(self.query_one("#decimal", Select).value)

    def load_plan(self, plan: ImportPlan) -> None:
        """Show a saved mapping's reading settings; the path typed by the user is kept."""
        self._set_select("#encoding", plan.csv.encoding)
        self._set_select("#delimiter", plan.csv.delimiter)
        self._set_select("#date-format", plan.date_format)
        self._set_select("#decimal", plan.decimal)
        self.query_one("#has-header", Checkbox).value = plan.csv.header

    def _set_select(self, selector: str, value: str) -> None:
        select: Select[str] = self.query_one(selector, Select)
        if any(value == v for _, v in select._options):
            select.value = value

    # -- file choice -----------------------------------------------------------------------

    @on(Button.Pressed, "#browse")
    def browse(self) -> None:
        typed = self.query_one("#file-path", Input).value.strip()
        start = start_folder(typed, self.last_folder, self.samples_dir)

        def chosen(path: Path | None) -> None:
            if path is not None:
                field = self.query_one("#file-path", Input)
                field.value = str(path)
                field.cursor_position = len(field.value)
                field.focus()
                self.last_folder = path.parent
                self.post_message(self.FolderUsed(path.parent))

        self.app.push_screen(FileBrowserScreen(start), chosen)

    # -- live preview ----------------------------------------------------------------------

    @on(Input.Changed, "#file-path")
    def path_changed(self) -> None:
        """Another file: its sheets are not the last one's."""
        sheet: Select[str] = self.query_one("#sheet", Select)
        if sheet.value is not Select.NULL or sheet._options[1:]:
            with sheet.prevent(Select.Changed):
                sheet.set_options([])
        self.refresh_preview()

    @on(Select.Changed, "#sheet")
    def sheet_changed(self) -> None:
        self.refresh_preview()

    @on(Select.Changed, "#encoding, #delimiter")
    @on(Checkbox.Changed, "#has-header")
    def settings_changed(self) -> None:
        self.refresh_preview()

    def refresh_preview(self) -> None:
        self._generation += 1
        options = self.csv_options()
        if options is None:
            self._show_preview(
                self._generation,
                None,
                "Type the path of a CSV file or a spreadsheet, or press Browse.",
            )
            return
        self._status("Reading…", error=False)
        self._read_preview(options, self._generation)

    class PreviewRead(Message):
        """The preview of request `generation`, or the sentence of why there is none."""

        def __init__(
            self, generation: int, result: csv_source.Preview | None, error: str | None
        ) -> None:
            super().__init__()
            self.generation = generation
            self.result = result
            self.error = error

    class MappingsListed(Message):
        def __init__(self, names: list[str], select: str | None) -> None:
            super().__init__()
            self.names = names
            self.select = select

    @work(thread=True, exclusive=True, group="preview")
    @reports
    def _read_preview(self, options: CsvOptions, generation: int) -> None:
        if options.path.is_file():
            result = source.preview(options, rows=PREVIEW_ROWS)
            self.looks_like = self._looks_like(result.columns)
            self.post_message(self.PreviewRead(generation, result, None))
            return
        error = (
            f"{options.path} is a folder; choose a file in it."
            if options.path.is_dir()
            else f"There is no file at {options.path}."
        )
        self.post_message(self.PreviewRead(generation, None, error))

    def on_step_file_preview_read(self, event: PreviewRead) -> None:
        event.stop()
        self._show_preview(event.generation, event.result, event.error)

    def on_work_failed(self, event: WorkFailed) -> None:
        """A preview that failed shows its sentence in place of the preview (if it is still
        the newest); a saved mapping that cannot be read or listed is said as a notification."""
        if event.work == "_read_preview":
            event.stop()
            self._show_preview(event.call_args[1], None, event.sentence)

    def _looks_like(self, columns: list[str]) -> str | None:
        wanted = next((m for m in self.modules if m.name == self.module_name), None)
        if wanted is None:
            return None
        found = suggest(columns, wanted, self.modules).detected
        if found is None:
            return None
        label = next(m.label for m in self.modules if m.name == found.module)
        return found.sentence(label)

    def _show_preview(
        self, generation: int, result: csv_source.Preview | None, error: str | None
    ) -> None:
        if generation != self._generation:
            return  # an older read finished after a newer request: the newest wins
        self.preview = result
        self.preview_error = error
        table = self.query_one("#preview", PlainTable)
        table.clear(columns=True)
        if result is None:
            self.query_one("#sheet", Select).display = False
            self.query_one("#sheet-label", Label).display = False
            self._status(error or "", error=error is not None)
            return
        for column in result.columns:
            table.add_column(str(column))
        for row in result.rows:
            table.add_row(*("" if cell is None else str(cell) for cell in row))
        self._show_sheets(result)
        self._status(self._describe(result), error=False)

    def _show_sheets(self, result: csv_source.Preview) -> None:
        """A workbook's sheets with their row counts; the choice is hidden for a CSV file."""
        sheet: Select[str] = self.query_one("#sheet", Select)
        shown = bool(result.sheets)
        sheet.display = self.query_one("#sheet-label", Label).display = shown
        choices = [(f"{name} ({rows:,} rows)", name) for name, rows in result.sheets]
        if shown and [v for _, v in sheet._options[1:]] != [v for _, v in choices]:
            with sheet.prevent(Select.Changed):
                sheet.set_options(choices)
                sheet.value = result.sheet or choices[0][1]

    def _describe(self, result: csv_source.Preview) -> str:
        """What was read and how; auto-detected settings are named so the user can check them."""
        names = {DELIMITERS[name]: name for name in DELIMITERS}
        delimiter = names.get(result.delimiter, repr(result.delimiter))
        read = (
            f"the sheet {result.sheet!r} of an .{result.encoding} workbook"
            if result.sheets
            else f"{result.encoding}, {delimiter}"
        )
        text = (
            f"{len(result.columns)} columns, first {len(result.rows)} rows as they will be "
            f"imported. Read as {read}{', with a header' if result.header else ', no header'}"
        )
        if result.start_line > 1:  # a title or blank lines above: say where the table starts
            unit = "row" if result.sheets else "line"
            start = "the header" if result.header else "the first row"
            text += f"; {start} is on {unit} {result.start_line}, the {unit}s above are skipped"
        text += "."
        if self.looks_like:
            text += f" The file {self.looks_like}."
        if result.problems:
            text += "\n" + "\n".join(result.problems[:3])
        return text

    def _status(self, text: str, *, error: bool) -> None:
        status = self.query_one("#preview-status", Static)
        status.update(text)
        status.set_class(error, "-error")

    # -- saved mappings --------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="mappings")
    @reports
    def reload_saved_mappings(self, select: str | None = None) -> None:
        names = list(saved_mappings.list_mappings(self.mappings_dir))
        self.post_message(self.MappingsListed(names, select))

    def on_step_file_mappings_listed(self, event: MappingsListed) -> None:
        event.stop()
        names, select = event.names, event.select
        widget: Select[str] = self.query_one("#saved-mapping", Select)
        self._applying_mapping = True
        widget.set_options([(name, name) for name in names])
        if select in names:
            widget.value = select
        self._applying_mapping = False

    @on(Select.Changed, "#saved-mapping")
    def saved_mapping_chosen(self, event: Select.Changed) -> None:
        if self._applying_mapping or event.value is Select.NULL:
            return
        self._load_mapping(str(event.value))

    @work(thread=True, exclusive=True, group="mappings")
    @reports
    def _load_mapping(self, name: str) -> None:
        data = saved_mappings.load_mapping(self.mappings_dir, name)
        module = str(data.get("module", self.module_name))
        base = ImportPlan(module=module, csv=CsvOptions(path=Path()))
        plan = saved_mappings.apply_mapping(base, data)
        self.post_message(self.MappingLoaded(name, plan))
