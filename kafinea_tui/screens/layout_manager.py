"""The layout manager (`f`): a module's fields with their types, and adding custom fields.

The fields come from the store's in-memory schema snapshot, so listing them needs no query; only
adding a field touches the database, in the AddFieldScreen's worker. Dismisses with True when a
field was added, so the list below knows to rebuild its columns.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from kafinea_tui import keys
from kafinea_tui.data.schema import Field, FieldType
from kafinea_tui.data.store.database import Store
from kafinea_tui.screens.add_field import AddFieldScreen

# The add-field modal lives in its own file; it is exported here too, where the layout manager's
# callers (the import wizard's mapping step) look for it.
__all__ = ["AddFieldScreen", "LayoutManagerScreen", "describe"]


def describe(field: Field) -> str:
    """What a person needs to know about a field beyond its type."""
    notes: list[str] = []
    if field.mandatory:
        notes.append("mandatory")
    if field.unique:
        notes.append("unique")
    if field.type is FieldType.REFERENCE and field.related:
        notes.append(f"→ {field.related}")
    if field.type is FieldType.LINE_ITEMS:
        notes.append("product, quantity, list price")
    if field.values:
        notes.append(", ".join(field.values))
    if field.custom:
        notes.append("custom")
    return "; ".join(notes)


class LayoutManagerScreen(Screen[bool]):
    DEFAULT_CSS = """
    LayoutManagerScreen #fields-title {
        height: 1; padding: 0 1; background: $boost; text-style: bold;
    }
    LayoutManagerScreen #fields-table { height: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings("add_field", "close_screen")

    def __init__(self, store: Store, module_name: str) -> None:
        super().__init__()
        self.store = store
        self.module_name = module_name
        self.added = False

    def compose(self) -> ComposeResult:
        yield Static("", id="fields-title", markup=False)
        yield DataTable(id="fields-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table: DataTable[str] = self.query_one(DataTable)
        table.add_columns("Label", "Name", "Type", "Details")
        self.show_fields()
        table.focus()

    def show_fields(self) -> None:
        module = self.store.module(self.module_name)
        self.query_one("#fields-title", Static).update(
            f"{module.label}: {len(module.fields)} fields"
        )
        table: DataTable[str] = self.query_one(DataTable)
        table.clear()
        for field in module.fields:
            table.add_row(
                field.label, field.name, field.type.value, describe(field), key=field.name
            )

    def action_add_field(self) -> None:
        self.app.push_screen(AddFieldScreen(self.store, self.module_name), self._field_added)

    def _field_added(self, field: Field | None) -> None:
        if field is None:
            return
        self.added = True
        self.show_fields()
        table: DataTable[str] = self.query_one(DataTable)
        table.move_cursor(row=table.get_row_index(field.name))
        self.notify(f"Added the field {field.label} ({field.name}).")

    def action_close(self) -> None:
        self.dismiss(self.added)
