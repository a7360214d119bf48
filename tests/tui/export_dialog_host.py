"""The export dialog's test bench: a bare app that pushes the dialog over a store and keeps
what it dismissed with, the dialog for a query, the terminal size, reading the dialog's status
and the written file, and buttons that take a second press at Pilot's speed."""

from __future__ import annotations

import csv
from pathlib import Path

from textual.app import App
from textual.widgets import Button, Static

from kafinea_tui.backend.local import LocalBackend
from kafinea_tui.data.exporter.run import ExportResult
from kafinea_tui.data.query import ListQuery
from kafinea_tui.data.store.database import Store
from kafinea_tui.screens.export_dialog import ExportDialog

SIZE = (100, 30)


def read(path: Path, delimiter: str = ",", encoding: str = "utf-8") -> list[list[str]]:
    """The rows of an exported CSV file."""
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.reader(handle, delimiter=delimiter))


def no_press_animation(app: App[None]) -> None:
    """A Button ignores a second press while its 0.2 s press effect runs; Pilot is faster."""
    for button in app.screen.query(Button):
        button.active_effect_duration = 0


def status(app: App[None]) -> str:
    """The dialog's status line (what it did, or why it did not)."""
    return str(app.screen.query_one("#export-status", Static).render())


class Host(App[None]):
    """A bare app that pushes the dialog and keeps what it dismissed with."""

    def __init__(self, dialog: ExportDialog) -> None:
        super().__init__()
        self.dialog = dialog
        self.results: list[ExportResult | None] = []

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self.results.append)


def dialog_for(
    store: Store, tmp_path: Path, selected: frozenset[int] = frozenset(), **query: object
) -> ExportDialog:
    """The dialog over `store`'s contacts as the list would open it (`query`: the list's
    ListQuery options), offering tmp_path/contacts.csv."""
    return ExportDialog(
        LocalBackend(store),
        "contacts",
        query=ListQuery("contacts", **query),  # type: ignore[arg-type]
        selected_ids=selected,
        page=1,
        page_size=20,
        default_path=tmp_path / "contacts.csv",
    )
