"""The "add field" modal: label, type and picklist values for a new custom field.

Reusable: the layout manager pushes it, and so does the import wizard's mapping step when a
column has no field to go to. It dismisses with the new Field, or None when cancelled. The
backend's call (the workspace's store, or the server's `POST /{module}/fields`) runs in a
worker and reads the schema again; a refused label (a clash, no letters) shows the sentence
and leaves the dialog open to correct it.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from kafinea_tui import keys
from kafinea_tui.backend import Backend
from kafinea_tui.data.schema import CUSTOM_FIELD_TYPES, Field, FieldType
from kafinea_tui.widgets.plain import PlainSelect
from kafinea_tui.work import WorkFailed, reports


class AddFieldScreen(ModalScreen[Field | None]):
    DEFAULT_CSS = """
    AddFieldScreen { align: center middle; }
    AddFieldScreen #add-field {
        width: 60;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        overflow-y: auto;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    AddFieldScreen #add-field-title { text-style: bold; margin-bottom: 1; }
    AddFieldScreen #add-field-error { color: $error; height: auto; }
    AddFieldScreen #add-field-buttons { height: auto; align-horizontal: right; }
    AddFieldScreen #add-field-buttons Button { margin-left: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings("close_screen")

    def __init__(self, backend: Backend, module_name: str) -> None:
        super().__init__()
        self.backend = backend
        self.module_name = module_name

    def compose(self) -> ComposeResult:
        module = self.backend.module(self.module_name)
        with Vertical(id="add-field"):
            yield Static(f"Add a field to {module.label}", id="add-field-title", markup=False)
            yield Label("Label")
            yield Input(placeholder="e.g. Loyalty Tier", id="field-label")
            yield Label("Type")
            yield PlainSelect(
                [(t.value, t.value) for t in CUSTOM_FIELD_TYPES],
                value=FieldType.TEXT.value,
                allow_blank=False,
                id="field-type",
            )
            yield Label("Picklist values, comma separated", id="values-label")
            yield Input(placeholder="Gold, Silver, Bronze", id="field-values")
            yield Static("", id="add-field-error", markup=False)
            with Horizontal(id="add-field-buttons"):
                yield Button("Add", variant="primary", id="add")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self._show_values(False)
        self.query_one("#field-label", Input).focus()

    def _show_values(self, visible: bool) -> None:
        self.query_one("#values-label").display = visible
        self.query_one("#field-values").display = visible

    @on(Select.Changed, "#field-type")
    def _type_changed(self, event: Select.Changed) -> None:
        self._show_values(event.value == FieldType.PICKLIST.value)

    @on(Button.Pressed, "#cancel")
    def action_close(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#add")
    @on(Input.Submitted)
    def submit(self) -> None:
        label = self.query_one("#field-label", Input).value
        type_ = str(self.query_one("#field-type", Select).value)
        raw = self.query_one("#field-values", Input).value
        values = [v.strip() for v in raw.split(",") if v.strip()]
        if type_ != FieldType.PICKLIST.value:
            values = []
        self.query_one("#add", Button).disabled = True
        self._add(label, type_, values)

    class Added(Message):
        def __init__(self, field: Field) -> None:
            super().__init__()
            self.field = field

    @work(thread=True, exclusive=True)
    @reports
    def _add(self, label: str, type_: str, values: list[str]) -> None:
        field = self.backend.add_field(self.module_name, label, type_, values)
        self.post_message(self.Added(field))

    def on_add_field_screen_added(self, event: Added) -> None:
        event.stop()
        self.dismiss(event.field)

    def on_work_failed(self, event: WorkFailed) -> None:
        """A refused label (a clash, no letters): say why and let it be corrected."""
        event.stop()
        self.query_one("#add-field-error", Static).update(event.sentence)
        self.query_one("#add", Button).disabled = False
        self.query_one("#field-label", Input).focus()
