"""A module list's columns: which fields it shows, in which order, kept per module.

Kept in the workspace database (`kf_settings`, one row a module, `list.columns.<module>`), like
the last module opened: the app writes it as people work, and config.toml is a file people
edit by hand that the app never rewrites. The stored order names every field known when it was
saved and `hidden` the ones not shown, so a field added since (a custom field) is shown, at the
end, and a field removed since is forgotten.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from kafinea_tui.data.schema import Module
from kafinea_tui.data.store.database import Store
from kafinea_tui.data.store.settings import get_setting, set_setting

PREFIX = "list.columns."


@dataclass(frozen=True)
class ColumnLayout:
    """The order of a module's fields in its list, and the ones hidden; empty: the schema's
    order, all shown."""

    order: tuple[str, ...] = ()
    hidden: frozenset[str] = frozenset()

    def fields(self, module: Module) -> tuple[str, ...]:
        """Every field of `module` in the list's order: the stored order of those that still
        exist, then the others in schema order."""
        names = [f.name for f in module.fields]
        known = set(names)
        ordered = [n for n in dict.fromkeys(self.order) if n in known]
        return (*ordered, *(n for n in names if n not in set(ordered)))

    def shown(self, module: Module) -> tuple[str, ...]:
        """The fields the list shows, in order; never none (all hidden reads as all shown)."""
        shown = tuple(n for n in self.fields(module) if n not in self.hidden)
        return shown or self.fields(module)

    def toggled(self, module: Module, name: str) -> ColumnLayout:
        """`name` shown if hidden, hidden if shown, unless it is the last one shown."""
        order = self.fields(module)
        if name in self.hidden:
            return ColumnLayout(order, self.hidden - {name})
        if self.shown(module) == (name,):
            return ColumnLayout(order, self.hidden)
        return ColumnLayout(order, self.hidden | {name})

    def moved(self, module: Module, name: str, step: int) -> ColumnLayout:
        """`name` moved `step` places (-1 up, 1 down) in the order, within its ends."""
        order = list(self.fields(module))
        index = order.index(name)
        target = max(0, min(len(order) - 1, index + step))
        order.insert(target, order.pop(index))
        return ColumnLayout(tuple(order), self.hidden)

    def as_dict(self) -> dict[str, list[str]]:
        """The layout as stored and as the API sends it: `{"order": [...], "hidden": [...]}`."""
        return {"order": list(self.order), "hidden": sorted(self.hidden)}

    def to_json(self) -> str:
        return json.dumps(self.as_dict())

    @classmethod
    def from_json(cls, text: str | None) -> ColumnLayout:
        """The stored layout; anything unreadable is the default layout, not an error: a
        list's columns are a preference, and the list must open."""
        try:
            data: Any = json.loads(text or "{}")
        except ValueError:
            return cls()
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: Any) -> ColumnLayout:
        """`as_dict`'s shape back; anything else is the default layout (see `from_json`)."""
        if not isinstance(data, dict):
            return cls()
        order, hidden = data.get("order", []), data.get("hidden", [])
        if not isinstance(order, list) or not isinstance(hidden, list):
            return cls()
        return cls(tuple(map(str, order)), frozenset(map(str, hidden)))


def read_layouts(store: Store) -> dict[str, ColumnLayout]:
    """Every module's stored layout, by module name (modules never arranged are absent)."""
    rows = (
        store.cursor()
        .execute("SELECT key, value FROM kf_settings WHERE starts_with(key, ?)", [PREFIX])
        .fetchall()
    )
    return {str(key).removeprefix(PREFIX): ColumnLayout.from_json(value) for key, value in rows}


def list_columns(
    store: Store, layouts: dict[str, ColumnLayout], module: str
) -> tuple[str, ...] | None:
    """The columns `module`'s list shows under `layouts`: None (every field) when it was never
    arranged or is not a module of the workspace."""
    layout = layouts.get(module)
    if layout is None or module not in store.schema.modules:
        return None
    return layout.shown(store.schema.modules[module])


def read_layout(store: Store, module: str) -> ColumnLayout:
    return ColumnLayout.from_json(get_setting(store, PREFIX + module))


def save_layout(store: Store, module: str, layout: ColumnLayout) -> None:
    set_setting(store, PREFIX + module, layout.to_json())
