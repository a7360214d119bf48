"""A dialog that asks before something that cannot be taken back: a question, Yes and No.

It dismisses with True for yes and False for no; closing it (its close key) is no, and the
focus starts on No, so a key pressed twice by habit never says yes. The yes button names what
will happen ("Clear 120 selected"), so the answer reads without the question.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from kafinea_tui import keys


class ConfirmDialog(ModalScreen[bool]):
    DEFAULT_CSS = """
    ConfirmDialog { align: center middle; }
    ConfirmDialog > #confirm {
        width: 64; max-width: 100%; height: auto; border: thick $warning;
        background: $surface; padding: 0 1;
    }
    ConfirmDialog #confirm-question { height: auto; margin-bottom: 1; }
    ConfirmDialog #confirm-buttons { height: auto; align-horizontal: right; }
    ConfirmDialog #confirm-buttons Button { margin-left: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings("confirm_action", "close_screen")

    def __init__(self, question: str, yes: str, no: str = "Cancel") -> None:
        super().__init__()
        self.question = question
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            yield Static(self.question, id="confirm-question", markup=False)
            with Horizontal(id="confirm-buttons"):
                yield Button(self.yes, variant="warning", id="confirm-yes")
                yield Button(self.no, id="confirm-no")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    # The buttons call the actions (rather than being the actions), so a dialog that overrides
    # an action (one that works before it closes) gets the button as well as the key.
    @on(Button.Pressed, "#confirm-yes")
    def _yes_pressed(self) -> None:
        self.action_confirm()

    @on(Button.Pressed, "#confirm-no")
    def _no_pressed(self) -> None:
        self.action_close()

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_close(self) -> None:
        self.dismiss(False)
