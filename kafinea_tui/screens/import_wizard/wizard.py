"""The import wizard: file → duplicates → mapping → run, one `ImportPlan` built across the steps.

Each step is a widget in a ContentSwitcher that writes its part of the plan when the user leaves
it (`apply_to`) and shows a saved mapping's part (`load_plan`), so Back never loses anything and a
saved mapping fills all steps at once. The screen dismisses with the report of the last real
import (the list then refreshes), or None when nothing was imported.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, ContentSwitcher, Select, Static

from kafinea_tui import keys
from kafinea_tui.backend import Backend
from kafinea_tui.data.importer import saved_mappings
from kafinea_tui.data.importer.plan import CsvOptions, ImportPlan, ImportReport
from kafinea_tui.data.importer.run import suggest
from kafinea_tui.data.schema import Field, Schema
from kafinea_tui.screens.import_wizard.run_summary import RunSummary
from kafinea_tui.screens.import_wizard.step_duplicates import StepDuplicates
from kafinea_tui.screens.import_wizard.step_file import StepFile
from kafinea_tui.screens.import_wizard.step_mapping import StepMapping
from kafinea_tui.widgets.key_footer import KeyFooter
from kafinea_tui.widgets.mapping_editor import MappingEditor
from kafinea_tui.work import reports
from kafinea_tui.workspace import Workspace


def module_label(schema: Schema, name: str) -> str:
    """A module's label (`Sales Orders`), or the name as given when no module has it."""
    module = schema.modules.get(name)
    return module.label if module is not None else name


STEPS: tuple[tuple[str, str], ...] = (
    ("step-file", "File"),
    ("step-duplicates", "Duplicates"),
    ("step-mapping", "Mapping"),
    ("step-run", "Run"),
)


class ImportWizard(Screen[ImportReport | None]):
    """Import a CSV file into `module_name` of the workspace, in three steps and a run."""

    DEFAULT_CSS = """
    ImportWizard { layout: vertical; }
    ImportWizard #wizard-title { height: 1; background: $primary; color: $text; padding: 0 1; }
    ImportWizard #wizard-steps { height: 1fr; padding: 0 1; }
    ImportWizard #wizard-message { height: auto; color: $error; padding: 0 1; }
    ImportWizard #wizard-buttons { height: 1; padding: 0 1; }
    ImportWizard #wizard-buttons Button { margin: 0 1 0 0; }
    ImportWizard #wizard-buttons .spacer { width: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings(
        "next_step", "previous_step", "close_screen", "cancel_work"
    )

    def __init__(self, backend: Backend, workspace: Workspace, module_name: str) -> None:
        super().__init__()
        self.backend = backend
        self.workspace = workspace
        self.module = backend.module(module_name)
        self.plan = ImportPlan(module=self.module.name, csv=CsvOptions(path=workspace.path))
        self.step = 0
        self.result: ImportReport | None = None
        self._mapping_columns: list[str] | None = None
        self._loaded_mapping = False
        # Held, not queried: the footer asks `check_action` for every key at each refresh, and
        # a query walks the mapping step's hundreds of widgets.
        self.summary = RunSummary(backend, id="step-run")

    def compose(self) -> ComposeResult:
        yield Static("", id="wizard-title")
        with ContentSwitcher(initial="step-file", id="wizard-steps"):
            yield StepFile(
                self.workspace.mappings_dir,
                self.module.name,
                modules=list(self.backend.schema.modules.values()),
                samples_dir=self.workspace.samples_dir,
                id="step-file",
            )
            yield StepDuplicates(self.module, id="step-duplicates")
            yield StepMapping(id="step-mapping")
            yield self.summary
        yield Static("", id="wizard-message", markup=False)
        with Horizontal(id="wizard-buttons"):
            yield Button("Back", id="back", compact=True)
            yield Button("Next", id="next", variant="primary", compact=True)
            yield Static("", classes="spacer")
            yield Button("Past imports", id="past-imports", compact=True)
            yield Button("Close", id="cancel", compact=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self._show_step()
        self._load_last_folder()

    # -- the folder the file browser starts in -------------------------------------------------

    class LastFolder(Message):
        def __init__(self, folder: Path) -> None:
            super().__init__()
            self.folder = folder

    @work(thread=True, group="import-folder")
    @reports
    def _load_last_folder(self) -> None:
        folder = self.backend.import_folder()
        if folder is not None:
            self.post_message(self.LastFolder(folder))

    def on_import_wizard_last_folder(self, event: LastFolder) -> None:
        event.stop()
        step_file = self.query_one(StepFile)
        if step_file.last_folder is None:  # a folder chosen meanwhile is the newer one
            step_file.last_folder = event.folder

    @on(StepFile.FolderUsed)
    def _folder_used(self, event: StepFile.FolderUsed) -> None:
        self._remember_folder(event.folder)

    @work(thread=True, group="import-folder")
    @reports
    def _remember_folder(self, folder: Path) -> None:
        self.backend.remember_import_folder(folder)

    # -- navigation ---------------------------------------------------------------------------

    def _show_step(self) -> None:
        key = STEPS[self.step][0]
        self.query_one(ContentSwitcher).current = key
        labels = " › ".join(
            f"[b]{n}[/b]" if i == self.step else n for i, (_, n) in enumerate(STEPS)
        )
        self.query_one("#wizard-title", Static).update(f"Import {self.module.label}: {labels}")
        self.query_one("#back", Button).disabled = self.step == 0
        self.query_one("#next", Button).disabled = self.step == len(STEPS) - 1
        self._message("")
        focus_first = {
            "step-file": "#file-path",
            "step-duplicates": "#duplicates",
            "step-run": "#test",
        }
        if key in focus_first:
            self.query_one(focus_first[key]).focus()
        elif key == "step-mapping":
            selects = self.query_one(StepMapping).query(Select)
            if selects:
                selects.first().focus()

    def _message(self, text: str) -> None:
        self.query_one("#wizard-message", Static).update(text)

    @on(Button.Pressed, "#next")
    async def action_next(self) -> None:
        if self.step == len(STEPS) - 1:
            return
        problem = await self._leave_step()
        if problem:
            self._message(problem)
            return
        self.step += 1
        if STEPS[self.step][0] == "step-mapping":
            await self._prepare_mapping()
        if STEPS[self.step][0] == "step-run":
            preview = self.query_one(StepFile).preview
            delimiter = preview.delimiter if preview is not None else ","
            self.summary.set_plan(self.plan, delimiter)
        self._show_step()

    @on(Button.Pressed, "#back")
    async def action_back(self) -> None:
        if self.step == 0:
            return
        await self._leave_step(check=False)
        self.step -= 1
        self._show_step()

    @on(Button.Pressed, "#cancel")
    def action_close(self) -> None:
        if self.summary.running:
            stop = keys.keys_label(keys.live_keys("cancel_work", keys.app_keymap(self.app)))
            self.notify(
                f"The import is still running: wait for it to finish, or stop it ({stop}, or "
                "the Stop button); a stopped import writes nothing.",
                severity="warning",
            )
            return
        self.dismiss(self.result)

    def action_cancel_work(self) -> None:
        self.summary.stop()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Stop is offered (and shown in the footer) only while a run is in progress."""
        if action == "cancel_work":
            return self.summary.running
        return True

    @on(Button.Pressed, "#past-imports")
    async def past_imports(self) -> None:
        """The app's action (open_past_imports), so the list opens the same way everywhere."""
        await self.app.run_action("past_imports")

    async def _leave_step(self, check: bool = True) -> str | None:
        """Write the current step into the plan; the sentence that stops Next, if any."""
        key = STEPS[self.step][0]
        if key == "step-file":
            step_file = self.query_one(StepFile)
            step_file.apply_to(self.plan)
            if check and step_file.preview is None:
                return step_file.preview_error or "Wait for the preview of the file."
            if check:  # the file's folder is the one used, typed or browsed
                step_file.last_folder = self.plan.csv.path.parent
                self._remember_folder(self.plan.csv.path.parent)
        elif key == "step-duplicates":
            duplicates = self.query_one(StepDuplicates)
            if check and (problem := duplicates.problem()):
                return problem
            duplicates.apply_to(self.plan)
        elif key == "step-mapping":
            mapping = self.query_one(StepMapping)
            mapping.apply_to(self.plan)
            if check:
                return mapping.problem()
        return None

    # -- the mapping step ---------------------------------------------------------------------

    async def _prepare_mapping(self) -> None:
        """Build the editor for the file's columns, unless they are the ones already mapped."""
        preview = self.query_one(StepFile).preview
        if preview is None:
            return
        columns = [str(c) for c in preview.columns]
        if columns == self._mapping_columns:
            return
        self._mapping_columns = columns
        origins: dict[str, str] = {}
        if not self._loaded_mapping or not set(self.plan.mapping) & set(columns):
            modules = list(self.backend.schema.modules.values())
            suggested = suggest(columns, self.module, modules)
            self.plan.mapping = dict(suggested.mapping)
            origins = dict(suggested.origins)
        await self.query_one(StepMapping).show(
            self.backend.schema, self.plan, columns, preview.rows, origins
        )

    @on(MappingEditor.NewFieldRequested)
    def new_field(self, event: MappingEditor.NewFieldRequested) -> None:
        from kafinea_tui.screens.add_field import AddFieldScreen

        column = event.column

        async def added(field: Field | None) -> None:
            if field is None:
                return
            self.module = self.backend.module(self.module.name)
            editor = self.query_one(StepMapping).editor
            if editor is not None:
                await editor.set_module(self.backend.schema, select=(column, field.name))
            self.query_one(StepDuplicates).set_module(self.module)
            self.notify(f"Added the field {field.label}; column {column} now fills it.")

        self.app.push_screen(AddFieldScreen(self.backend, self.module.name), added)

    @on(StepMapping.SaveRequested)
    def save_mapping(self, event: StepMapping.SaveRequested) -> None:
        self.query_one(StepFile).apply_to(self.plan)
        self.query_one(StepDuplicates).apply_to(self.plan)
        self.query_one(StepMapping).apply_to(self.plan)
        self._save_mapping(event.name, self.plan)

    class MappingSaved(Message):
        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

    @work(thread=True, exclusive=True, group="save-mapping")
    @reports
    def _save_mapping(self, name: str, plan: ImportPlan) -> None:
        """A failure reaches the app, which says it (kafinea_tui/work.py)."""
        saved_mappings.save_mapping(self.workspace.mappings_dir, name, plan)
        self.post_message(self.MappingSaved(name))

    def on_import_wizard_mapping_saved(self, event: MappingSaved) -> None:
        event.stop()
        self.notify(f"Saved the mapping {event.name!r}.")
        self.query_one(StepFile).reload_saved_mappings(event.name)

    @on(StepFile.MappingLoaded)
    async def mapping_loaded(self, event: StepFile.MappingLoaded) -> None:
        """Pre-fill every step from a saved mapping (the file path stays as typed)."""
        loaded = event.plan
        if loaded.module != self.module.name:
            self.notify(
                f"The mapping {event.name!r} is for {module_label(self.backend.schema, loaded.module)}, "
                f"not {self.module.label}.",
                severity="warning",
            )
            return
        path = self.plan.csv.path
        self.plan = loaded
        self.plan.csv.path = path
        self._loaded_mapping = True
        self._mapping_columns = None
        self.query_one(StepFile).load_plan(loaded)
        self.query_one(StepDuplicates).load_plan(loaded)
        self.notify(f"Loaded the mapping {event.name!r}.")

    @on(RunSummary.Imported)
    def imported(self, event: RunSummary.Imported) -> None:
        self.result = event.report
