"""The record form: edit a record from its detail (`e`) or create one from a list (`n`).

Each field gets the control its type wants: a picklist's values to choose from, a yes/no box,
a reference typed by the related record's key with completion, and a line for the rest, checked
by the import's own rules as it is typed (in a worker, so typing never waits on the database).
Saving goes through the importer's row path with the source `app`: a value reads here exactly
as it would in a CSV file, a missing related record or picklist value is created as an import
creates it, and the change is in the change log. An edit sends only the fields that changed.
"""

from __future__ import annotations

import asyncio
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.suggester import Suggester
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static

from kafinea_tui import keys
from kafinea_tui.backend import Backend
from kafinea_tui.data.printable import printable
from kafinea_tui.data.record_form import editable_fields
from kafinea_tui.data.schema import Field, FieldType
from kafinea_tui.widgets.key_footer import KeyFooter
from kafinea_tui.widgets.plain import PlainSelect
from kafinea_tui.widgets.toggles import Check
from kafinea_tui.work import WorkFailed, reports

YES, NO = "yes", "no"


class KeySuggester(Suggester):
    """Completes a reference with the keys of the related module, read off the event loop."""

    def __init__(self, backend: Backend, module_name: str, field_name: str) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.backend, self.module_name, self.field_name = backend, module_name, field_name

    async def get_suggestion(self, value: str) -> str | None:
        found = await asyncio.to_thread(
            self.backend.key_completions, self.module_name, self.field_name, value
        )
        return found[0] if found else None


class RecordFormScreen(Screen[int | None]):
    """Dismisses with the record's id once saved, None when closed without saving."""

    DEFAULT_CSS = """
    RecordFormScreen #form-title { height: 1; padding: 0 1; background: $boost; text-style: bold; }
    RecordFormScreen #form-fields { height: 1fr; padding: 0 1; }
    RecordFormScreen .form-row { height: auto; }
    RecordFormScreen .form-row > Label { width: 22; padding-top: 1; }
    RecordFormScreen .form-row > Input, RecordFormScreen .form-row > Select { width: 1fr; }
    RecordFormScreen .form-error { color: $error; height: auto; padding-left: 22; }
    RecordFormScreen #form-status { height: auto; padding: 0 1; }
    RecordFormScreen #form-status.-error { color: $error; }
    RecordFormScreen #form-buttons { height: auto; padding: 0 1; }
    RecordFormScreen #form-buttons Button { margin-right: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings("save_form", "close_screen")

    def __init__(self, backend: Backend, module_name: str, record_id: int | None = None) -> None:
        super().__init__()
        self.backend = backend
        self.module = backend.module(module_name)
        self.record_id = record_id
        self.initial: dict[str, str] = {}
        self.saving = False

    # -- building --------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        what = "New record" if self.record_id is None else "Edit"
        yield Static(f"{self.module.label} · {what}", id="form-title", markup=False)
        with VerticalScroll(id="form-fields"):
            for field in editable_fields(self.module):
                mark = " *" if field.mandatory else ""
                with Horizontal(classes="form-row"):
                    yield Label(f"{field.label}{mark}", markup=False)
                    yield self._control(field)
                yield Static("", id=f"error-{field.name}", classes="form-error", markup=False)
        yield Static("", id="form-status", markup=False)
        with Horizontal(id="form-buttons"):
            yield Button("Save", id="form-save", variant="primary")
            yield Button("Cancel", id="form-cancel")
        yield KeyFooter()

    def _control(self, field: Field) -> Widget:
        control_id = f"field-{field.name}"
        if field.type is FieldType.PICKLIST:
            return PlainSelect([(v, v) for v in field.values], prompt="(none)", id=control_id)
        if field.type is FieldType.BOOLEAN:
            return Check(field.label, id=control_id)
        suggester = None
        if field.type is FieldType.REFERENCE:
            suggester = KeySuggester(self.backend, self.module.name, field.name)
        placeholder = {
            FieldType.DATE: "YYYY-MM-DD",
            FieldType.DECIMAL: "1234.50",
            FieldType.INTEGER: "1234",
        }.get(field.type, "")
        if field.type is FieldType.REFERENCE and field.related:
            related = self.backend.module(field.related)
            placeholder = f"{related.field(related.key).label} of a {related.label[:-1]}"
        return Input(placeholder=placeholder, suggester=suggester, id=control_id)

    def on_mount(self) -> None:
        if self.record_id is None:
            self._focus_first()
            return
        self.query_one("#form-fields").disabled = True
        self._status("Loading…", error=False)
        self._load()

    def _focus_first(self) -> None:
        controls = self.query(".form-row > *").exclude("Label")
        if controls:
            controls.first().focus()

    class Loaded(Message):
        def __init__(self, texts: dict[str, str] | None) -> None:
            super().__init__()
            self.texts = texts

    @work(thread=True, exclusive=True, group="form-load")
    @reports
    def _load(self) -> None:
        assert self.record_id is not None
        self.post_message(self.Loaded(self.backend.record_texts(self.module.name, self.record_id)))

    def on_record_form_screen_loaded(self, event: Loaded) -> None:
        event.stop()
        if event.texts is None:
            self._status(f"This record ({self.record_id}) no longer exists.", error=True)
            return
        # Control characters shown as pictures (data/printable.py), and counted as unchanged
        # unless the field is edited: then the pictures are what is saved.
        self.initial = {name: printable(text, newlines=True) for name, text in event.texts.items()}
        for name, text in self.initial.items():
            self._set_text(self.module.field(name), text)
        self.query_one("#form-fields").disabled = False
        self._status("", error=False)
        self._focus_first()

    # -- values ----------------------------------------------------------------------------

    def _set_text(self, field: Field, text: str) -> None:
        control = self.query_one(f"#field-{field.name}")
        if isinstance(control, Select):
            if text and text not in field.values:
                control.set_options([(v, v) for v in (*field.values, text)])
            if text:
                control.value = text
            else:
                control.clear()
        elif isinstance(control, Check):
            control.value = text == YES
        elif isinstance(control, Input):
            control.value = text

    def _text(self, field: Field) -> str:
        control = self.query_one(f"#field-{field.name}")
        if isinstance(control, Select):
            value = control.value
            return value if isinstance(value, str) else ""
        if isinstance(control, Check):
            return YES if control.value else NO
        if isinstance(control, Input):
            return control.value
        return ""

    def texts(self) -> dict[str, str]:
        """Every field's text as the form holds it, by field name."""
        return {field.name: self._text(field) for field in editable_fields(self.module)}

    def changes(self) -> dict[str, str]:
        """The fields to send: all of them for a new record, the changed ones for an edit."""
        texts = self.texts()
        if self.record_id is None:
            return {name: text for name, text in texts.items() if text.strip()}
        return {name: text for name, text in texts.items() if text != self.initial.get(name, "")}

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        if event.input.id and event.input.id.startswith("field-"):
            name = event.input.id.removeprefix("field-")
            self._check(name, event.value)

    class Checked(Message):
        def __init__(self, field: str, text: str, error: str | None) -> None:
            super().__init__()
            self.field = field
            self.text = text
            self.error = error

    @work(thread=True, exclusive=False, group="form-check")
    @reports
    def _check(self, name: str, text: str) -> None:
        self.post_message(
            self.Checked(name, text, self.backend.value_error(self.module.name, name, text))
        )

    def on_record_form_screen_checked(self, event: Checked) -> None:
        event.stop()
        field = self.module.field(event.field)
        if self._text(field) == event.text:  # an older check of a value typed over is dropped
            self.query_one(f"#error-{field.name}", Static).update(event.error or "")

    # -- saving ----------------------------------------------------------------------------

    @on(Button.Pressed, "#form-save")
    def action_save(self) -> None:
        if self.saving:
            return
        changes = self.changes()
        if not changes:
            if self.record_id is not None:
                self.dismiss(self.record_id)  # nothing changed: nothing to write
                return
            self._status("Type at least the mandatory fields (marked *).", error=True)
            return
        self.saving = True
        self._status("Saving…", error=False)
        self._save(changes)

    class Saved(Message):
        def __init__(self, record_id: int | None, errors: list[tuple[str, str]]) -> None:
            super().__init__()
            self.record_id = record_id
            self.errors = errors  # (column label, reason)

    @work(thread=True, exclusive=True, group="form-save")
    @reports
    def _save(self, changes: dict[str, str]) -> None:
        if self.record_id is not None:
            self.backend.update_record(self.module.name, self.record_id, dict(changes))
            self.post_message(self.Saved(self.record_id, []))
            return
        record_id, errors = self.backend.create_record(self.module.name, dict(changes))
        self.post_message(self.Saved(record_id, errors))

    def on_record_form_screen_saved(self, event: Saved) -> None:
        event.stop()
        self.saving = False
        if event.errors or event.record_id is None:
            text = "; ".join(f"{c}: {r}" if c else r for c, r in event.errors)
            self._status(f"Not saved. {text}", error=True)
            return
        self.dismiss(event.record_id)

    def on_work_failed(self, event: WorkFailed) -> None:
        event.stop()
        self.saving = False
        self._status(
            f"Not saved. {event.sentence}" if event.work == "_save" else event.sentence, error=True
        )

    def _status(self, text: str, error: bool) -> None:
        status = self.query_one("#form-status", Static)
        status.update(text)
        status.set_class(error, "-error")

    @on(Button.Pressed, "#form-cancel")
    def action_close(self) -> None:
        self.dismiss(None)
