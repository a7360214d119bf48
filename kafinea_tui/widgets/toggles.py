"""Radio buttons and checkboxes that read without colour: `( )`/`(•)` and `[ ]`/`[x]`.

Textual draws both as the same block with a coloured mark that is there on or off, so over a
16-colour SSH session, or to a colour-blind reader, a chosen option and an unchosen one look
alike, and a radio button looks like a checkbox. These draw the mark only when on, inside the
brackets that say which kind of control it is. `CheckList` does the same for a SelectionList.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import Checkbox, RadioButton, SelectionList


class Radio(RadioButton):
    """One choice of a RadioSet: `( )` off, `(•)` on."""

    BUTTON_LEFT = "("
    BUTTON_RIGHT = ")"
    ON = "•"

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.BUTTON_INNER = self.ON if self.value else " "

    def watch_value(self) -> None:
        self.BUTTON_INNER = self.ON if self.value else " "
        super().watch_value()


class Check(Checkbox):
    """A checkbox: `[ ]` off, `[x]` on."""

    BUTTON_LEFT = "["
    BUTTON_RIGHT = "]"
    ON = "x"

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.BUTTON_INNER = self.ON if self.value else " "

    def watch_value(self) -> None:
        self.BUTTON_INNER = self.ON if self.value else " "
        super().watch_value()


class CheckList(SelectionList[str]):
    """A SelectionList whose rows start with `[ ]` or `[x]` instead of a coloured block."""

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
