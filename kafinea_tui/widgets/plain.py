"""The app's tables and drop-downs: what they show is text as written, never markup.

Textual reads a `str` cell, column label or option as markup (and a DataTable's `:emoji:`
codes). These widgets show people's data: a last name `Smith [/b]` or a picklist value
`[/x] low` stopped the app with a MarkupError, a field labelled `Budget [EUR]` lost its unit, a
title `:fire:` became a picture. So every `str` is made a `Text` as it arrives, which Textual
shows as it is; parsing no markup also makes a page of cells cheaper to measure and draw.
Nor do control characters reach the terminal: they are shown as pictures (data/printable.py
says why). Notifications are plain in `KafineaApp.notify`, checkboxes and radio buttons in
`toggles`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.console import RenderableType
from rich.text import Text, TextType
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Select
from textual.widgets.data_table import ColumnKey, RowKey

from kafinea_tui.data.printable import printable

Cell = str | Text


def plain(value: Cell) -> Text:
    """A cell or label as shown: a `str` as plain `Text`; a `Text` (justified, styled) as it
    is; in both, control characters as pictures."""
    return Text(printable(value), end="") if isinstance(value, str) else printable_text(value)


def printable_text(text: Text) -> Text:
    """`text` with its control characters as pictures, its styles kept (one character stands
    for one); the same object when it has none."""
    shown = printable(text.plain)
    if shown == text.plain:
        return text
    copy = text.copy()
    copy.plain = shown
    return copy


class PlainTable(DataTable[Cell]):
    """A DataTable whose `str` cells and labels are plain text."""

    def add_column(
        self,
        label: TextType,
        *,
        width: int | None = None,
        key: str | None = None,
        default: Cell | None = None,
    ) -> ColumnKey:
        label = plain(label)
        return super().add_column(label, width=width, key=key, default=default)

    def add_row(
        self,
        *cells: Cell,
        height: int | None = 1,
        key: str | None = None,
        label: TextType | None = None,
    ) -> RowKey:
        shown = [plain(cell) for cell in cells]
        label = None if label is None else plain(label)
        return super().add_row(*shown, height=height, key=key, label=label)

    def update_cell(
        self,
        row_key: RowKey | str,
        column_key: ColumnKey | str,
        value: Cell,
        *,
        update_width: bool = False,
    ) -> None:
        super().update_cell(row_key, column_key, plain(value), update_width=update_width)

    def update_cell_at(
        self, coordinate: Coordinate, value: Cell, *, update_width: bool = False
    ) -> None:
        super().update_cell_at(coordinate, plain(value), update_width=update_width)


class PlainSelect(Select[str]):
    """A Select whose `str` options are plain text."""

    def __init__(self, options: Iterable[tuple[RenderableType, str]], **kwargs: Any) -> None:
        super().__init__(_plain_options(options), **kwargs)

    def set_options(self, options: Iterable[tuple[RenderableType, str]]) -> None:
        super().set_options(_plain_options(options))


def _plain_options(
    options: Iterable[tuple[RenderableType, str]],
) -> list[tuple[RenderableType, str]]:
    return [(plain(p) if isinstance(p, str) else p, value) for p, value in options]
