"""The command palette provider: every action of the screen on top, searchable by name.

Screens list their own actions in `palette_commands()`, next to the bindings they mirror, so a
new action appears in the palette by being written once in its screen. This provider only asks
the active screen (and the app, for app-wide actions) and fuzzy-matches the titles.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from textual.command import DiscoveryHit, Hit, Hits, Provider


@dataclass(frozen=True)
class PaletteCommand:
    title: str
    help: str
    callback: Callable[[], Any]


@runtime_checkable
class HasPaletteCommands(Protocol):
    def palette_commands(self) -> Iterable[PaletteCommand]: ...


class KafineaCommands(Provider):
    """Commands of the active screen, then of the app."""

    def _commands(self) -> Iterator[PaletteCommand]:
        for node in (self.screen, self.app):
            if isinstance(node, HasPaletteCommands):
                yield from node.palette_commands()

    async def discover(self) -> Hits:
        for command in self._commands():
            yield DiscoveryHit(command.title, command.callback, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(command.title), command.callback, help=command.help
                )
