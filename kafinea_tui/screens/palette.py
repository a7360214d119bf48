"""The command palette provider: every action of the screen on top, searchable by name.

The actions are the bindings the screen (and its widgets, and the app) declare from the keys
registry, so a new key is in the palette by being bound; each shows its help and its live key
(a `[keymap]` rebinding shows here too). Screens may add commands no key runs (`Go to Leads`,
`Page size 500`) in `palette_commands()`, and name a command after what it acts on
(`Import into Leads`) in `palette_title()`. `bound_keys` also feeds the help screen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol, runtime_checkable

from textual.app import App
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode
from textual.screen import Screen

from kafinea_tui import keys


@dataclass(frozen=True)
class PaletteCommand:
    """An action for the palette; `key_id` names the registry row whose live key it shows."""

    title: str
    help: str
    callback: Callable[[], Any]
    key_id: str | None = None


@dataclass(frozen=True)
class BoundKey:
    """A registry row as one node binds it: the node runs its action."""

    node: DOMNode
    key: keys.Key
    action: str


@runtime_checkable
class HasPaletteCommands(Protocol):
    def palette_commands(self) -> Iterable[PaletteCommand]: ...


@runtime_checkable
class NamesPaletteCommands(Protocol):
    def palette_title(self, key: keys.Key) -> str | None: ...


def declared_keys(node: DOMNode) -> Iterator[tuple[keys.Key, str]]:
    """The registry rows in the BINDINGS of `node`'s class and its bases, with their actions."""
    for cls in type(node).__mro__:
        for binding in cls.__dict__.get("BINDINGS", ()):
            if isinstance(binding, Binding) and binding.id in keys.BY_ID:
                yield keys.BY_ID[binding.id], binding.action


def bound_keys(screen: Screen[Any], app: App[Any]) -> list[BoundKey]:
    """Every registry key bound on `screen`: the screen's, its widgets', then the app's; each id
    once (the node nearest the screen wins, as it would for a key press without focus)."""
    seen: set[str] = set()
    found: list[BoundKey] = []
    for node in (screen, *screen.query("*"), app):
        for row, action in declared_keys(node):
            if row.id not in seen:
                seen.add(row.id)
                found.append(BoundKey(node, row, action))
    return found


def title_on(screen: Screen[Any], key: keys.Key) -> str:
    """The key's title as `screen` names it (`Import into Leads`), else the registry's."""
    named = screen.palette_title(key) if isinstance(screen, NamesPaletteCommands) else None
    return named or key.title


def key_help(app: App[Any], key_id: str, help_text: str) -> str:
    """`help_text` followed by the live keys of `key_id`."""
    label = keys.keys_label(keys.live_keys(key_id, keys.app_keymap(app)))
    return f"{help_text}  · {label}" if help_text else label


def commands(screen: Screen[Any], app: App[Any]) -> Iterator[PaletteCommand]:
    """The palette's commands over `screen`: its bound keys, then the extra commands."""
    for bound in bound_keys(screen, app):
        if not bound.key.palette:
            continue
        yield PaletteCommand(
            title_on(screen, bound.key),
            bound.key.help,
            partial(app.run_action, bound.action, bound.node),
            bound.key.id,
        )
    for node in (screen, app):
        if isinstance(node, HasPaletteCommands):
            yield from node.palette_commands()


class KafineaCommands(Provider):
    """Commands of the active screen, then of the app."""

    def _commands(self) -> Iterator[PaletteCommand]:
        return commands(self.screen, self.app)

    def _help(self, command: PaletteCommand) -> str:
        if command.key_id is None:
            return command.help
        return key_help(self.app, command.key_id, command.help)

    async def discover(self) -> Hits:
        for command in self._commands():
            yield DiscoveryHit(command.title, command.callback, help=self._help(command))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(command.title),
                    command.callback,
                    help=self._help(command),
                )
