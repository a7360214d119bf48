"""What the sync panel's forms share: a modal that saves to config.toml in a thread worker.

Saving checks the whole config.toml as `kafinea-tui automation check` does, which reads files
and may refuse: the check's sentence shows under the fields and the form stays open to correct
it (the Save button comes back); a save dismisses with the saved sentence, Cancel with None.
A form names its widgets `#<PREFIX>-form`, `-note`, `-error`, `-save` and `-cancel`.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from kafinea_tui import keys
from kafinea_tui.work import WorkFailed


class ConfigFormScreen(ModalScreen[str | None]):
    DEFAULT_CSS = """
    ConfigFormScreen { align: center middle; }
    ConfigFormScreen .config-form {
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    ConfigFormScreen .config-note { color: $text-muted; }
    ConfigFormScreen .config-error { color: $error; height: auto; }
    ConfigFormScreen .config-buttons { height: auto; align-horizontal: right; }
    ConfigFormScreen .config-buttons Button { margin-left: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings("close_screen")
    PREFIX: ClassVar[str]

    class Saved(Message):
        def __init__(self, sentence: str) -> None:
            super().__init__()
            self.sentence = sentence

    def note(self, text: str) -> Static:
        return Static(text, id=f"{self.PREFIX}-note", classes="config-note", markup=False)

    def error_and_buttons(self, save_label: str) -> ComposeResult:
        """The check's sentence, then Save and Cancel."""
        yield Static("", id=f"{self.PREFIX}-error", classes="config-error", markup=False)
        with Horizontal(id=f"{self.PREFIX}-buttons", classes="config-buttons"):
            yield Button(save_label, variant="primary", id=f"{self.PREFIX}-save")
            yield Button("Cancel", id=f"{self.PREFIX}-cancel", classes="config-cancel")

    def saving(self) -> None:
        """The save has started in a worker: no second one until it answers."""
        self.query_one(f"#{self.PREFIX}-save", Button).disabled = True

    @on(Button.Pressed, ".config-cancel")
    def action_close(self) -> None:
        self.dismiss(None)

    def on_config_form_screen_saved(self, event: Saved) -> None:
        event.stop()
        self.dismiss(event.sentence)

    def on_work_failed(self, event: WorkFailed) -> None:
        """A refused value: the check's sentence, and the form stays open to correct it."""
        event.stop()
        self.query_one(f"#{self.PREFIX}-error", Static).update(event.sentence)
        self.query_one(f"#{self.PREFIX}-save", Button).disabled = False
