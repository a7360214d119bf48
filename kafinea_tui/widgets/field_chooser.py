"""Choose some of a module's fields and their order: a checklist whose rows can be moved.

The export dialog uses it for "Chosen fields", but nothing in it is about exports: it lists the
names it is given (with their labels), `space` checks a field, `shift+up`/`shift+down` (or `K`/`J`,
as in visidata, for terminals and SSH sessions that drop shifted arrows) move the highlighted row,
and `chosen` is the checked names from top to bottom. The order on screen is the order reported,
so what a person sees is what the caller gets.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import SelectionList, Static

from kafinea_tui import keys
from kafinea_tui.data.filter.compiler import SYSTEM_FIELDS
from kafinea_tui.data.schema import LINE_ITEM_FIELDS, FieldType, Module
from kafinea_tui.widgets.toggles import CheckList


def chooser_fields(module: Module) -> list[tuple[str, str]]:
    """(name, label) of every field an export can write, in schema order: a sales order's items
    as their three columns (`items.product`...), then the system fields id, created at and
    modified at, last because they are seldom wanted."""
    fields: list[tuple[str, str]] = []
    for field in module.fields:
        if field.type is FieldType.LINE_ITEMS:
            parts = LINE_ITEM_FIELDS
            fields.extend((f"{field.name}.{p.name}", f"{field.label}: {p.label}") for p in parts)
        else:
            fields.append((field.name, field.label))
    fields.extend((name, field.label) for name, field in SYSTEM_FIELDS.items())
    return fields


class FieldList(CheckList):
    """The checklist itself; reordering rebuilds its options, keeping checks and highlight."""

    def __init__(self, fields: Sequence[tuple[str, str]]) -> None:
        super().__init__(*((label, name) for name, label in fields), compact=True)
        self.labels = dict(fields)

    def move_highlighted(self, step: int) -> bool:
        """Swap the highlighted row with its neighbour `step` rows away; False at either end."""
        index = self.highlighted
        if index is None or not 0 <= index + step < self.option_count:
            return False
        names = [self.get_option_at_index(i).value for i in range(self.option_count)]
        names[index], names[index + step] = names[index + step], names[index]
        checked = set(self.selected)
        with self.prevent(SelectionList.SelectedChanged):
            self.clear_options()
            self.add_options((self.labels[n], n, n in checked) for n in names)
        self.highlighted = index + step
        return True

    def show_chosen(self, names: Sequence[str]) -> None:
        """Check `names` and put them first, in their order (names it does not list, such as a
        field deleted since, are left out); the other rows follow in their current order."""
        known = [n for n in dict.fromkeys(names) if n in self.labels]
        current = [self.get_option_at_index(i).value for i in range(self.option_count)]
        rest = [n for n in current if n not in set(known)]
        with self.prevent(SelectionList.SelectedChanged):
            self.clear_options()
            self.add_options((self.labels[n], n, n in known) for n in [*known, *rest])


class FieldChooser(Vertical):
    """A hint line over the checklist; posts `Changed` when the checks or their order change."""

    DEFAULT_CSS = """
    FieldChooser { height: auto; }
    FieldChooser > #chooser-hint { height: 1; color: $text-muted; }
    FieldChooser > FieldList { height: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings("move_field_up", "move_field_down")

    class Changed(Message):
        """The chosen names (in order) changed."""

        def __init__(self, chooser: FieldChooser, chosen: list[str]) -> None:
            super().__init__()
            self.chooser = chooser
            self.chosen = chosen

        @property
        def control(self) -> FieldChooser:
            return self.chooser

    def __init__(
        self,
        fields: Sequence[tuple[str, str]],
        *,
        id: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(id=id, disabled=disabled)
        self._fields = list(fields)

    def compose(self) -> ComposeResult:
        yield Static(self.hint(), id="chooser-hint", markup=False)
        yield FieldList(self._fields)

    def hint(self) -> str:
        """What the keys do, with the live move keys (a keymap may have rebound them)."""
        keymap = keys.app_keymap(self.app)
        up, down = (
            keys.keys_label(keys.live_keys(name, keymap)).replace(" ", "/")
            for name in ("move_field_up", "move_field_down")
        )
        return f"space checks · {up}, {down} move · the file follows this order"

    @property
    def field_list(self) -> FieldList:
        return self.query_one(FieldList)

    @property
    def chosen(self) -> list[str]:
        """The checked names, top to bottom."""
        checked = set(self.field_list.selected)
        rows = self.field_list
        values = (rows.get_option_at_index(i).value for i in range(rows.option_count))
        return [value for value in values if value in checked]

    def show_chosen(self, names: Sequence[str]) -> None:
        """Check these names, first and in this order (a remembered choice)."""
        self.field_list.show_chosen(names)
        self.post_message(self.Changed(self, self.chosen))

    def action_move(self, step: int) -> None:
        if self.field_list.move_highlighted(step):
            self.post_message(self.Changed(self, self.chosen))

    @on(SelectionList.SelectedChanged)
    def _checks_changed(self, event: SelectionList.SelectedChanged[str]) -> None:
        event.stop()
        self.post_message(self.Changed(self, self.chosen))
