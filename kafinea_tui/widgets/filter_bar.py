"""The filter bar: one input for both the filter language and a quick search.

The rule, so that nobody has to pick a mode: text that contains an operator of the filter
language (`=`, `!=`, `<`, `>`, `~`, `^`, `in (...)`, `is [not] empty`) is a filter expression;
any other text is a quick search across the module's text fields. `Paris` finds Paris anywhere,
`mailing_city = "Paris"` finds it in one field. The bar only classifies and shows errors; running
the query is the list's job, so the same rule serves any screen that embeds it.
"""

from __future__ import annotations

import re

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

_OPERATOR = re.compile(r"""[=<>~^]|!=|!~|\bis\s+(not\s+)?empty\b|\bin\s*\(""", re.IGNORECASE)
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"?')


def split_filter_text(text: str) -> tuple[str, str]:
    """(filter, search): the text goes to exactly one of the two, by the rule above.

    Operators inside quoted values do not count, so `"a=b"` alone is a quick search for a=b.
    """
    text = text.strip()
    if not text:
        return "", ""
    unquoted = _QUOTED.sub('""', text)
    if _OPERATOR.search(unquoted):
        return text, ""
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1]
    return "", text


class FilterBar(Vertical):
    """An input for a filter or a search, with the last error sentence shown under it."""

    DEFAULT_CSS = """
    FilterBar { height: auto; }
    FilterBar > Input, FilterBar > Input:focus { border: none; height: 1; padding: 0 1; }
    FilterBar > Input:focus { background: $boost; }
    FilterBar > #filter-error { color: $error; height: auto; display: none; padding: 0 1; }
    FilterBar.-error > #filter-error { display: block; }
    """

    class Applied(Message):
        """The user submitted the bar: exactly one of `filter` and `search` is set (or neither)."""

        def __init__(self, bar: FilterBar, filter: str, search: str) -> None:
            super().__init__()
            self.bar = bar
            self.filter = filter
            self.search = search

        @property
        def control(self) -> FilterBar:
            return self.bar

    _error = ""

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder='/ filter: city = "Paris" and email is not empty  ·  or text to search',
            id="filter-input",
            select_on_focus=False,
        )
        yield Static("", id="filter-error", markup=False)

    @property
    def input(self) -> Input:
        return self.query_one("#filter-input", Input)

    @property
    def text(self) -> str:
        return self.input.value

    def set_text(self, text: str) -> None:
        """Show `text` without applying it (switching back to a module restores its filter)."""
        self.input.value = text
        self.input.cursor_position = len(text)

    def show_error(self, sentence: str | None) -> None:
        """Show the error of the last applied text under the input, or clear it with None."""
        sentence = sentence or ""
        if sentence == self._error:
            return  # every page load clears the error: do not re-layout the screen for nothing
        self._error = sentence
        self.query_one("#filter-error", Static).update(sentence)
        self.set_class(bool(sentence), "-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        filter_text, search = split_filter_text(event.value)
        self.post_message(self.Applied(self, filter_text, search))
