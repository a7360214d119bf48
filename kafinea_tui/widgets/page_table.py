"""The DataTable inside RecordTable: one page of rows, a selection mark, and the list's keys.

DataTable binds `enter`, `pageup` and `pagedown` itself (select cell, scroll), and the focused
widget's bindings win over the screen's; so the list's keys live here, overriding those three,
and each one asks the enclosing RecordTable to act through a `Command` message. The keys come from the
registry (kafinea_tui/keys.py), so a `[keymap]` table in config.toml rebinds every one of them.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.binding import BindingType
from textual.message import Message

from kafinea_tui import keys
from kafinea_tui.data.query import Page
from kafinea_tui.data.schema import FieldType
from kafinea_tui.widgets.plain import PlainTable

MARK_COLUMN = "__mark__"
MARK = "●"
MAX_CELL = 40  # long text (descriptions) is cut in the list; the detail screen shows it whole


# Numbers read down a column by their digits, so they line up on the right (a sales order's
# items column shows how many lines it has: a number too).
NUMBER_TYPES = frozenset({FieldType.INTEGER, FieldType.DECIMAL, FieldType.LINE_ITEMS})


def cell_text(value: object) -> str:
    """A stored value as one line of the list: empty for NULL, yes/no for booleans, cut short."""
    if value is None:
        return ""
    text = ("yes" if value else "no") if isinstance(value, bool) else str(value)
    text = text.replace("\n", " ")
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


class PageTable(PlainTable):
    """Rows keyed by record id; columns keyed by field name."""

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings(
        "open_record",
        "toggle_selection",
        "select_page",
        "select_all_matching",
        "go_next_page",
        "go_previous_page",
        "go_first_page",
        "go_last_page",
        "sort_column",
        "sort_column_descending",
        "cycle_page_size",
    )

    class Open(Message):
        def __init__(self, record_id: int) -> None:
            super().__init__()
            self.record_id = record_id

    class Command(Message):
        """Ask the enclosing RecordTable to run its method `name` with `args`."""

        def __init__(self, name: str, args: tuple[Any, ...]) -> None:
            super().__init__()
            self.name = name
            self.args = args

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="cell", zebra_stripes=True)
        self._fields: tuple[str, ...] = ()
        self._sort_marks: tuple[tuple[str, bool], ...] = ()

    def action_command(self, name: str, *args: Any) -> None:
        self.post_message(self.Command(name, args))

    def action_open(self) -> None:
        record_id = self.cursor_id
        if record_id is not None:
            self.post_message(self.Open(record_id))

    @property
    def cursor_id(self) -> int | None:
        if not self.row_count:
            return None
        row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        return int(str(row_key.value))

    @property
    def cursor_field(self) -> str | None:
        """The field under the cursor column (the mark column counts as the first field)."""
        if not self._fields:
            return None
        return self._fields[max(0, self.cursor_column - 1)]

    def show_page(
        self,
        page: Page,
        selected: set[int],
        sort: tuple[tuple[str, bool], ...],
        keep_cursor: bool = False,
        column: int | None = None,
    ) -> None:
        """Replace the rows with `page`; rebuild columns only when the fields or sort changed.
        `column`: the cursor's column (default: where it is)."""
        row, current = self.cursor_coordinate
        column = current if column is None else column
        fields = tuple(f.name for f in page.fields)
        numbers = [f.type in NUMBER_TYPES for f in page.fields]
        if fields != self._fields or sort != self._sort_marks:
            self.clear(columns=True)
            self.add_column("", key=MARK_COLUMN, width=1)
            directions = dict(sort)
            for field, number in zip(page.fields, numbers, strict=True):
                label = field.label
                if field.name in directions:
                    label += " ▼" if directions[field.name] else " ▲"
                self.add_column(Text(label, justify="right") if number else label, key=field.name)
            self._fields = fields
            self._sort_marks = sort
        else:
            self.clear()
        for record_id, values in zip(page.ids, page.rows, strict=True):
            mark = MARK if record_id in selected else ""
            cells = (
                Text(cell_text(v), justify="right") if number else cell_text(v)
                for v, number in zip(values, numbers, strict=True)
            )
            self.add_row(mark, *cells, key=str(record_id))
        if self.row_count:
            target_row = min(row, self.row_count - 1) if keep_cursor else 0
            self.move_cursor(row=target_row, column=column, animate=False)

    def scroll_back(self, x: float) -> None:
        """Scroll across to `x` once the rows just shown are measured (where a module's list
        was left when another was shown)."""
        self.call_after_refresh(self.scroll_to, x=x, animate=False, immediate=True)

    def mark(self, record_id: int, selected: bool) -> None:
        """Show or hide the selection mark of a row of this page (other rows are ignored)."""
        key = str(record_id)
        if key in self.rows:
            self.update_cell(key, MARK_COLUMN, MARK if selected else "")
