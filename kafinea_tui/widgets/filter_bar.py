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

from kafinea_tui import keys

# One filter a person would really type in each module, shown in the empty bar: it teaches the
# syntax with the module's own field names (a contacts city is `mailing_city`, not `city`).
FILTER_EXAMPLES: dict[str, str] = {
    "contacts": 'mailing_city = "Paris" and email is not empty',
    "organizations": 'billing_city = "Paris" and employees >= 50',
    "leads": 'city = "Paris" and lead_status = "New"',
    "products": 'category = "Hardware" and unit_price < 100',
    "salesorders": 'status = "Approved" and total >= 1000',
}

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


def placeholder_for(module: str, key: str = "/") -> str:
    """The empty bar's hint: the key that focuses it, a filter in `module`'s own fields, or a
    search."""
    example = FILTER_EXAMPLES.get(module)
    if example is None:
        return f'{key} filter (field = "value" ...)  ·  or text to search'
    return f"{key} filter: {example}  ·  or text to search"


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

    def __init__(self, module: str = "contacts", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._module = module

    def compose(self) -> ComposeResult:
        yield Input(placeholder=self._placeholder(), id="filter-input", select_on_focus=False)
        yield Static("", id="filter-error", markup=False)

    @property
    def input(self) -> Input:
        return self.query_one("#filter-input", Input)

    @property
    def text(self) -> str:
        return self.input.value

    def set_module(self, module: str) -> None:
        """Show `module`'s example in the empty bar (the list switched modules)."""
        self._module = module
        self.input.placeholder = self._placeholder()

    def _placeholder(self) -> str:
        """The hint with the live key of the filter (a keymap may have moved it)."""
        live = keys.live_keys("focus_filter", keys.app_keymap(self.app))
        return placeholder_for(self._module, keys.key_label(live.split(",")[0]))

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
