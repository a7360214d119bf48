"""Add a workflow or a schedule from the sync panel: its TOML keys, from an example.

The text area starts with an example of the kind chosen; saving checks the whole config.toml
as `kafinea-tui automation check` does (sync/config/entry_edit.py, through the panel's `Automation`)
in a worker: a refused entry shows
the check's sentences and the form stays open. It dismisses with the saved sentence, or None;
the panel then reloads the engine. Comments in config.toml are not kept (the note says so).
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Button, Select, TextArea

from kafinea_tui.backend.automation import Automation
from kafinea_tui.screens.config_form import ConfigFormScreen
from kafinea_tui.sync.config.entry_edit import EXAMPLES, Kind
from kafinea_tui.widgets.plain import PlainSelect
from kafinea_tui.work import reports

NOTE = (
    "The keys of one entry, as under [[workflows]] or [[schedules]] in config.toml. Saved to "
    "config.toml, whose other keys are kept; its comments are not."
)


class EntryFormScreen(ConfigFormScreen):
    DEFAULT_CSS = """
    EntryFormScreen #entry-form { width: 100; }
    EntryFormScreen #entry-text { height: 10; }
    """

    PREFIX = "entry"

    def __init__(self, automation: Automation, kind: Kind) -> None:
        super().__init__()
        self.automation = automation
        self.kind = kind

    def compose(self) -> ComposeResult:
        with Vertical(id="entry-form", classes="config-form"):
            yield self.note(NOTE)
            yield PlainSelect(
                [("A workflow", "workflows"), ("A schedule", "schedules")],
                value=self.kind,
                allow_blank=False,
                id="entry-kind",
            )
            yield TextArea(EXAMPLES[self.kind], id="entry-text", language=None)
            yield from self.error_and_buttons("Add")

    def on_mount(self) -> None:
        self.query_one("#entry-text", TextArea).focus()

    @on(Select.Changed, "#entry-kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        kind = str(event.value)
        area = self.query_one("#entry-text", TextArea)
        if kind != self.kind and area.text in EXAMPLES.values():
            area.text = EXAMPLES[kind]  # an untouched example follows the kind
        self.kind = "schedules" if kind == "schedules" else "workflows"

    @on(Button.Pressed, "#entry-save")
    def submit(self) -> None:
        self.saving()
        self._save(self.kind, self.query_one("#entry-text", TextArea).text)

    @work(thread=True, exclusive=True, group="entry-save")
    @reports
    def _save(self, kind: Kind, text: str) -> None:
        self.post_message(self.Saved(self.automation.add_entry(kind, text)))
