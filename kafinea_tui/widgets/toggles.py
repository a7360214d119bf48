"""Radio buttons and checkboxes that read without colour: `( )`/`(•)` and `[ ]`/`[x]`.

Textual draws both as the same block with a coloured mark that is there on or off, so over a
16-colour SSH session, or to a colour-blind reader, a chosen option and an unchosen one look
alike, and a radio button looks like a checkbox. These draw the mark only when on, inside the
brackets that say which kind of control it is. `CheckList` does the same for a SelectionList.

Their labels are plain text, never markup: they show people's field labels (`Budget [EUR]`),
as the app's tables and drop-downs do (widgets/plain.py says why), control characters shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Self

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import Checkbox, RadioButton, SelectionList

from kafinea_tui.widgets.plain import plain


class Radio(RadioButton):
    """One choice of a RadioSet: `( )` off, `(•)` on."""

    BUTTON_LEFT = "("
    BUTTON_RIGHT = ")"
    ON = "•"

    def __init__(self, label: str = "", value: bool = False, **kwargs: Any) -> None:
        super().__init__(plain(label), value, **kwargs)
        self.BUTTON_INNER = self.ON if self.value else " "

    def watch_value(self) -> None:
        self.BUTTON_INNER = self.ON if self.value else " "
        super().watch_value()


class Check(Checkbox):
    """A checkbox: `[ ]` off, `[x]` on."""

    BUTTON_LEFT = "["
    BUTTON_RIGHT = "]"
    ON = "x"

    def __init__(self, label: str = "", value: bool = False, **kwargs: Any) -> None:
        super().__init__(plain(label), value, **kwargs)
        self.BUTTON_INNER = self.ON if self.value else " "

    def watch_value(self) -> None:
        self.BUTTON_INNER = self.ON if self.value else " "
        super().watch_value()


class CheckList(SelectionList[str]):
    """A SelectionList whose rows start with `[ ]` or `[x]` instead of a coloured block."""

    def __init__(self, *selections: tuple[str, str] | tuple[str, str, bool], **kwargs: Any) -> None:
        super().__init__(*map(_plain, selections), **kwargs)

    def add_options(self, items: Iterable[Any]) -> Self:
        """Options as (label, value, on) tuples, as `__init__` takes them."""
        return super().add_options(map(_plain, items))

    def render_line(self, y: int) -> Strip:
        line = super().render_line(y)
        segments = list(line)
        if len(segments) < 3 or segments[1].text != Checkbox.BUTTON_INNER:
            return line  # not an option's row (past the last one)
        _, scroll_y = self.scroll_offset
        option = self.get_option_at_index(scroll_y + y)
        mark = "x" if option.value in self.selected else " "
        left, inner, right = segments[:3]
        segments[:3] = [
            Segment("[", left.style),
            Segment(mark, inner.style),
            Segment("]", right.style),
        ]
        return Strip(segments, line.cell_length)


def _plain(option: Any) -> Any:
    """A (label, value, on) option whose label is text as written, not markup."""
    if isinstance(option, tuple) and isinstance(option[0], str):
        return (plain(option[0]), *option[1:])
    return option
