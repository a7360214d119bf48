"""The help screen (`?` or F1): every key of the screen below it, with what it does.

It lists what that screen really binds (its own keys, its widgets', then the app's), read from
the keys registry, each with its live key: a `[keymap]` rebinding in config.toml shows here as
it runs. Nothing here names a key by hand.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from kafinea_tui import keys
from kafinea_tui.screens.palette import bound_keys, title_on
from kafinea_tui.widgets.key_footer import KeyFooter


class HelpScreen(Screen[None]):
    """The keys of `below` (the screen the help was opened over), one row each."""

    DEFAULT_CSS = """
    HelpScreen #help-title { height: 1; padding: 0 1; background: $boost; text-style: bold; }
    HelpScreen #help-body { height: 1fr; padding: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings("close_screen")

    def __init__(self, below: Screen[Any]) -> None:
        super().__init__()
        self.below = below

    def rows(self) -> list[tuple[str, str, str]]:
        """(live keys, title, help) for every key bound on the screen below."""
        keymap = keys.app_keymap(self.app)
        return [
            (
                keys.keys_label(keys.live_keys(b.key.id, keymap)),
                title_on(self.below, b.key),
                b.key.help,
            )
            for b in bound_keys(self.below, self.app)
        ]

    def compose(self) -> ComposeResult:
        yield Static("", id="help-title", markup=False)
        with VerticalScroll(id="help-body"):
            yield Static(id="help-keys")
        yield KeyFooter()

    def on_mount(self) -> None:
        close = keys.keys_label(keys.live_keys("close_screen", keys.app_keymap(self.app)))
        self.query_one("#help-title", Static).update(
            f"Keys of this screen · {close.replace(' ', ' or ')} goes back"
        )
        # A Rich table, not a DataTable: the help wraps within 80 columns instead of being cut.
        table = Table(box=None, expand=True, show_edge=False, pad_edge=False)
        table.add_column("Key", style="bold", no_wrap=True)
        table.add_column("Action", no_wrap=True)
        table.add_column("What it does", ratio=1)
        for shown, title, help_text in self.rows():
            table.add_row(Text(shown), Text(title), Text(help_text))
        self.query_one("#help-keys", Static).update(table)
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)
