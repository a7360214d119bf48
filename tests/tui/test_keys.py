"""The keys registry: every binding of the app is a row of it, ids are one style, the README's
table is the registry's, and older ids in config.toml still rebind."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

from textual.binding import Binding
from textual.dom import DOMNode

import kafinea_tui
from kafinea_tui import keys

README = Path(__file__).parents[2] / "README.md"
OLD_IDS = [
    "next_page",
    "previous_page",
    "filter",
    "toggle_selection",
    "select_page",
    "select_all",
    "clear",
    "sort",
    "sort_descending",
    "page_size",
    "detail",
    "module_1",
    "module_2",
    "module_3",
    "module_4",
    "module_5",
    "import",
    "past_imports",
    "export",
    "fields",
    "add_field",
    "sync",
    "command_palette",
    "quit",
]


def our_nodes() -> list[type[DOMNode]]:
    """Every screen and widget class defined in kafinea_tui (its modules imported)."""
    for info in pkgutil.walk_packages(kafinea_tui.__path__, "kafinea_tui."):
        if info.name.startswith(("kafinea_tui.screens", "kafinea_tui.widgets", "kafinea_tui.app")):
            importlib.import_module(info.name)
    found: list[type[DOMNode]] = []
    stack: list[type[DOMNode]] = [DOMNode]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("kafinea_tui."):
            found.append(cls)
    return found


def test_every_binding_of_every_screen_is_a_registry_row() -> None:
    used: set[str] = set()
    nodes = our_nodes()
    assert len(nodes) > 10
    for cls in nodes:
        for binding in cls.__dict__.get("BINDINGS", ()):
            assert isinstance(binding, Binding), cls
            assert binding.id in keys.BY_ID, f"{cls.__name__}: {binding.key} has no registry id"
            row = keys.BY_ID[binding.id]
            assert (binding.key, binding.action) == (row.keys, row.action)
            used.add(binding.id)
    assert used == set(keys.BY_ID), "rows no screen binds"


def test_ids_are_one_style_and_help_names_no_key() -> None:
    assert len(keys.BY_ID) == len(keys.KEYS)
    for row in keys.KEYS:
        assert re.fullmatch(r"[a-z]+(_[a-z0-9]+)+", row.id), row.id
        assert row.help and row.title
        for name in row.keys.split(","):
            shown = keys.key_label(name)
            if len(shown) > 1:  # single letters are words too; names of keys are not
                assert shown.lower() not in row.help.lower(), (row.id, shown)
            assert f"({shown})" not in row.help, row.id


def test_older_ids_stay_accepted() -> None:
    for old in OLD_IDS:
        assert keys.canonical_id(old) is not None, old
    keymap, problems = keys.keymap_from_config(
        {"keymap": {"next_page": "n", "filter": ["ctrl+f", "slash"], "frobnicate": "x"}}
    )
    assert keymap == {"go_next_page": "n", "focus_filter": "ctrl+f,slash"}
    assert len(problems) == 1 and "frobnicate" in problems[0]


def test_key_labels() -> None:
    assert keys.keys_label("right_square_bracket,pagedown") == "] PageDown"
    assert keys.keys_label("question_mark,f1") == "? F1"
    assert keys.keys_label("slash") == "/"
    assert keys.keys_label("ctrl+p") == "ctrl+p"


def test_the_readme_table_is_the_registry() -> None:
    text = README.read_text(encoding="utf-8")
    assert keys.with_readme_section(text) == text, "run: python -m kafinea_tui.keys README.md"
