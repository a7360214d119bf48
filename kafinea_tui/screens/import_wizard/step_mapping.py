"""Step 3 of the import wizard: which field each column fills, defaults, and saving the mapping.

The editor itself is the reusable `MappingEditor`; this step adds what belongs to the wizard:
building the editor from the preview (columns and sample values) and the suggested mapping,
"Save this mapping" under a name, and asking the screen to add a field (the screen owns the
backend and the modal).
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Label, Static

from kafinea_tui.data.importer.plan import ImportPlan
from kafinea_tui.data.schema import Schema
from kafinea_tui.widgets.mapping_editor import MappingEditor

SAMPLES = 3


def sample_values(columns: list[str], rows: Sequence[Sequence[object]]) -> dict[str, str]:
    """The first few distinct non-empty values of each column, to show beside it."""
    samples: dict[str, str] = {}
    for index, column in enumerate(columns):
        seen: list[str] = []
        for row in rows:
            cell = row[index] if index < len(row) else None
            text = "" if cell is None else str(cell).strip()
            if text and text not in seen:
                seen.append(text)
            if len(seen) == SAMPLES:
                break
        samples[column] = ", ".join(seen)
    return samples


class StepMapping(Vertical):
    """The mapping editor in a scroll, and a row to save the mapping under a name."""

    DEFAULT_CSS = """
    StepMapping { height: 1fr; }
    StepMapping #mapping-body { height: 1fr; }
    StepMapping #save-row { height: 1; margin: 1 0 0 0; }
    StepMapping #save-row Label { width: 18; }
    StepMapping #mapping-name { width: 1fr; }
    StepMapping #save-row Button { margin: 0 0 0 1; }
    """

    class SaveRequested(Message):
        """Save the wizard's whole plan (steps 1 to 3) as a named mapping."""

        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.columns: list[str] = []

    def compose(self) -> ComposeResult:
        yield VerticalScroll(Static("Choose a file first."), id="mapping-body")
        with Horizontal(id="save-row"):
            yield Label("Save this mapping")
            yield Input(placeholder="name, e.g. shop contacts", id="mapping-name", compact=True)
            yield Button("Save", id="save-mapping", compact=True)

    @property
    def editor(self) -> MappingEditor | None:
        found = self.query(MappingEditor)
        return found.first() if found else None

    async def show(
        self,
        schema: Schema,
        plan: ImportPlan,
        columns: list[str],
        rows: Sequence[Sequence[object]],
        origins: dict[str, str] | None = None,
    ) -> None:
        """Build the editor for these columns with the plan's mapping, defaults and keys;
        `origins` says where each suggested field came from (a field label, HubSpot, ...)."""
        body = self.query_one("#mapping-body", VerticalScroll)
        await body.remove_children()
        label = schema.module(plan.module).label.lower()
        self.query_one("#mapping-name", Input).placeholder = f"name, e.g. shop {label}"
        self.columns = list(columns)
        editor = MappingEditor(
            schema,
            plan.module,
            columns,
            sample_values(columns, rows),
            plan.mapping,
            plan.defaults,
            plan.reference_keys,
            origins,
            id="mapping-editor",
        )
        await body.mount(editor)

    def apply_to(self, plan: ImportPlan) -> None:
        editor = self.editor
        if editor is None:
            return
        plan.mapping = editor.mapping
        plan.defaults = editor.defaults
        plan.reference_keys = editor.reference_keys

    def problem(self) -> str | None:
        editor = self.editor
        if editor is None:
            return "Choose a file first."
        problems = editor.problems()
        if problems:
            return problems[0]
        if not editor.mapping:
            return "Map at least one column to a field."
        return None

    @on(Button.Pressed, "#save-mapping")
    @on(Input.Submitted, "#mapping-name")
    def save(self, event: Message) -> None:
        if isinstance(event, Input.Submitted):
            event.stop()
        name = self.query_one("#mapping-name", Input).value.strip()
        if not name:
            self.app.notify("Type a name for the mapping first.", severity="warning")
            self.query_one("#mapping-name", Input).focus()
            return
        self.post_message(self.SaveRequested(name))
