"""The footer of key bindings every screen shows, rebuilt only when the keys it shows change.

Textual's Footer rebuilds all its keys (a dozen widgets, each styled again) whenever the screen
publishes that its bindings may have changed: at every focus move, screen switch and
`refresh_bindings()`. Most of those leave the same keys, descriptions and enabled states, and
the rebuild was a large part of what a key press cost; so the footer compares what it would
show with what it shows and rebuilds only on a difference. A compact footer's keys are made
compact as they are built, not restyled once mounted.
"""

from __future__ import annotations

from collections.abc import Hashable

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KeyFooter(Footer):
    """Footer that skips a rebuild showing the same keys as the one before."""

    def __init__(self, *, compact: bool = False) -> None:
        super().__init__(compact=compact)
        self._shown: tuple[Hashable, ...] | None = None

    def _keys(self) -> tuple[Hashable, ...]:
        """Everything `Footer.compose` reads to build the keys, in its order."""
        app = self.app
        shown = tuple(
            (
                binding.key,
                app.get_key_display(binding),
                binding.description,
                binding.action,
                enabled,
                tooltip,
                binding.tooltip,
                binding.show,
                None
                if binding.group is None
                else (binding.group.description, binding.group.compact),
            )
            for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
        )
        return (
            self.show_command_palette,
            app.ENABLE_COMMAND_PALETTE,
            app.COMMAND_PALETTE_BINDING,
            shown,
        )

    def compose(self) -> ComposeResult:
        """Footer's keys, made compact before they mount when the footer is: a key starts
        compact (its own default) and its watcher would otherwise style it again as it
        mounts. A wide footer's keys are left to Textual as they were."""
        for widget in super().compose():
            if self.compact and isinstance(widget, FooterKey):
                widget.add_class("-compact", update=False)
            yield widget

    async def recompose(self) -> None:
        if not self.is_attached or not self._bindings_ready:
            await super().recompose()
            return
        keys = self._keys()
        if keys == self._shown:
            return
        self._shown = keys
        await super().recompose()
