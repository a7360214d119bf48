"""What the screen shows, read as text for the app tests' assertions: the list's footer and
columns, the layout manager's rows, a Static's text, a table's cells."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from kafinea_tui.app import KafineaApp
from kafinea_tui.widgets.page_table import PageTable


def footer(app: App[Any]) -> str:
    """The list's footer line: `1–50 of 120 · 0 selected · 50 a page`."""
    return str(app.screen.query_one("#table-footer", Static).render())


def column(app: App[Any], name: str) -> list[str]:
    """The cells of one column of the list's page, top to bottom."""
    table = app.screen.query_one(PageTable)
    return [str(v) for v in table.get_column(name)]


def list_columns(app: KafineaApp) -> list[str]:
    """The list's columns by field name, left to right (the selection mark left out)."""
    table = app.screen.query_one(PageTable)
    return [str(c.key.value) for c in table.ordered_columns][1:]


def manager_rows(app: KafineaApp) -> list[tuple[str, str]]:
    """The layout manager's rows as (mark, field name), top to bottom."""
    table = app.screen.query_one(DataTable)
    return [
        (str(table.get_row_at(i)[0]), str(table.get_row_at(i)[2])) for i in range(table.row_count)
    ]


def text_of(pilot: Pilot[Any], selector: str) -> str:
    return str(pilot.app.screen.query_one(selector, Static).render())


def cells(table: DataTable[Any]) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
