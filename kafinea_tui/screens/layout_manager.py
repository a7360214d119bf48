"""The layout manager (`f`): a module's fields with their types, which of them the module's
list shows as columns and in which order, and adding custom fields.

The fields come from the backend's schema (held in memory) and the layout from the list below,
so arranging them needs no query; only adding a field asks the backend (the workspace's store,
or the server the app is a client of), in the AddFieldScreen's worker. It dismisses with a `LayoutChange`: the list applies the new columns at
once and saves them in its own worker (a screen's workers end with the screen).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import Static

from kafinea_tui import keys
from kafinea_tui.backend import Backend
from kafinea_tui.data.list_layout import ColumnLayout
from kafinea_tui.data.schema import Field, FieldType, Schema
from kafinea_tui.screens.add_field import AddFieldScreen
from kafinea_tui.widgets.key_footer import KeyFooter
from kafinea_tui.widgets.plain import PlainTable

# The add-field modal lives in its own file; it is exported here too, where the layout manager's
# callers (the import wizard's mapping step) look for it.
__all__ = ["AddFieldScreen", "LayoutChange", "LayoutManagerScreen", "describe"]

SHOWN, HIDDEN = "[x]", "[ ]"  # marks that read without colour, as the checkboxes do


def describe(field: Field, schema: Schema | None = None) -> str:
    """What a person needs to know about a field beyond its type; a reference names its
    module by its label (the schema's), as the tabs do."""
    notes: list[str] = []
    if field.mandatory:
        notes.append("mandatory")
    if field.unique:
        notes.append("unique")
    if field.type is FieldType.REFERENCE and field.related:
        related = schema.modules.get(field.related) if schema else None
        notes.append(f"→ {related.label if related else field.related}")
    if field.type is FieldType.LINE_ITEMS:
        notes.append("product, quantity, list price")
    if field.values:
        notes.append(", ".join(field.values))
    if field.custom:
        notes.append("custom")
    return "; ".join(notes)


@dataclass(frozen=True)
class LayoutChange:
    """What the layout manager changed: a field added (`added`), the columns (`layout`, None
    when they were left as they were)."""

    added: bool = False
    layout: ColumnLayout | None = None


class LayoutManagerScreen(Screen[LayoutChange]):
    DEFAULT_CSS = """
    LayoutManagerScreen #fields-title {
        height: 1; padding: 0 1; background: $boost; text-style: bold;
    }
    LayoutManagerScreen #fields-table { height: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings(
        "toggle_column", "move_column_up", "move_column_down", "add_field", "close_screen"
    )

    def __init__(
        self, backend: Backend, module_name: str, layout: ColumnLayout | None = None
    ) -> None:
        super().__init__()
        self.backend = backend
        self.module_name = module_name
        self.added = False
        self.column_layout = self.first_column_layout = layout or ColumnLayout()

    def compose(self) -> ComposeResult:
        yield Static("", id="fields-title", markup=False)
        yield PlainTable(id="fields-table", cursor_type="row", zebra_stripes=True)
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        table: PlainTable = self.query_one(PlainTable)
        table.add_columns("Column", "Label", "Name", "Type", "Details")
        self.show_fields()
        table.focus()

    def show_fields(self, cursor: str | None = None) -> None:
        """The fields in the list's column order, each marked shown or hidden; the cursor on
        `cursor` (default: the row it was on)."""
        module = self.backend.module(self.module_name)
        order = self.column_layout.fields(module)
        shown = set(self.column_layout.shown(module))
        self.query_one("#fields-title", Static).update(
            f"{module.label}: {len(module.fields)} fields, {len(shown)} shown as columns"
        )
        table: PlainTable = self.query_one(PlainTable)
        row = table.cursor_row
        table.clear()
        for name in order:
            field = module.field(name)
            mark = SHOWN if name in shown else HIDDEN
            table.add_row(
                mark,
                field.label,
                field.name,
                field.type.value.replace("_", " "),  # `line items`, as people write it
                describe(field, self.backend.schema),
                key=field.name,
            )
        if cursor is not None:
            row = table.get_row_index(cursor)
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1), animate=False)

    @property
    def cursor_field(self) -> str | None:
        table: PlainTable = self.query_one(PlainTable)
        if not table.row_count:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return str(row_key.value)

    def action_toggle_column(self) -> None:
        name = self.cursor_field
        if name is None:
            return
        module = self.backend.module(self.module_name)
        if self.column_layout.shown(module) == (name,):
            self.notify("The list shows at least one column.", severity="warning")
            return
        self.column_layout = self.column_layout.toggled(module, name)
        self.show_fields(name)

    def action_move_column(self, step: int) -> None:
        name = self.cursor_field
        if name is not None:
            self.column_layout = self.column_layout.moved(
                self.backend.module(self.module_name), name, step
            )
            self.show_fields(name)

    def action_add_field(self) -> None:
        self.app.push_screen(AddFieldScreen(self.backend, self.module_name), self._field_added)

    def _field_added(self, field: Field | None) -> None:
        if field is None:
            return
        self.added = True
        self.show_fields(field.name)
        self.notify(f"Added the field {field.label} ({field.name}).")

    def action_close(self) -> None:
        module = self.backend.module(self.module_name)
        changed = any(
            read(self.column_layout, module) != read(self.first_column_layout, module)
            for read in (ColumnLayout.fields, ColumnLayout.shown)
        )
        self.dismiss(LayoutChange(self.added, self.column_layout if changed else None))
