"""Every key of the app, one row each: its id, default keys, action, title and help.

Screens and widgets declare `BINDINGS = keys.bindings("id", ...)`; the command palette, the help
screen (`?`) and the README's key table read the same rows, and the live key comes from the
workspace's `[keymap]`, so a rebinding shows everywhere. Help text never names a key for that
reason. Ids are snake_case `verb_noun`; `aliases` are older ids still accepted in config.toml.
A new key is one row here and its id in the BINDINGS of the screen that acts on it.
`python -m kafinea_tui.keys` rewrites the README's table from these rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from textual.binding import Binding, BindingType
from textual.keys import key_to_character


@dataclass(frozen=True)
class Key:
    """One binding: `keys` in Textual's syntax (comma-separated), `action` run on the node whose
    BINDINGS hold it; `show` puts it in the footer, as `footer` when the title is too long for
    80 columns; `palette` False keeps it out of the command palette (the palette's own key, and
    Quit, which Textual's system commands already offer)."""

    id: str
    keys: str
    action: str
    title: str
    help: str
    group: str
    show: bool = False
    priority: bool = False
    palette: bool = True
    aliases: tuple[str, ...] = ()
    footer: str = ""


ANYWHERE = "Everywhere"
LIST = "Module list"
ABOVE = "Any screen above a list"
PAST = "Past imports"
FIELDS = "Fields (layout manager)"
WIZARD = "Import wizard"
EXPORT = "Export dialog"
DIALOG = "Dialogs"
SYNC = "Sync panel"
DETAIL = "Record detail"
FORM = "Record form and mass edit"

MODULE_KEYS = 5  # keys 1-5 go to the modules in the order of data.schema.MODULE_ORDER
_ORDINALS = ("first", "second", "third", "fourth", "fifth")

# fmt: off
KEYS: tuple[Key, ...] = (
    Key("open_help", "question_mark,f1", "app.help", "Help",
        "Every key of this screen, with what it does", ANYWHERE, show=True),
    Key("open_palette", "ctrl+p", "app.command_palette", "Palette",
        "Every action of this screen, by name", ANYWHERE, priority=True, palette=False,
        aliases=("command_palette",)),
    Key("open_past_imports", "I", "app.past_imports", "Past imports",
        "Every import of this workspace; undo one", ANYWHERE, aliases=("past_imports",)),
    Key("quit_anywhere", "ctrl+q", "app.quit", "Quit", "Quit Kafinea from any screen",
        ANYWHERE, priority=True, palette=False),
    Key("reconnect_server", "ctrl+r", "app.reconnect", "Reconnect",
        "Connect again to the server the app works through, after it stopped answering",
        ANYWHERE, priority=True),
    # -- the module list (its screen) ------------------------------------------------------------
    Key("focus_filter", "slash", "focus_filter", "Filter",
        "Type a filter expression, or plain text to search, and apply it", LIST,
        show=True, aliases=("filter",)),
    Key("clear_selection", "escape", "clear", "Clear selection",
        "Clear the selection (asks first when it is more than a page); with nothing selected, "
        "clear the filter", LIST, aliases=("clear",)),
    Key("import_records", "i", "import_records", "Import",
        "Import a CSV file into this module", LIST, show=True, aliases=("import",)),
    Key("export_records", "e", "export_records", "Export",
        "Export the selection, this page, all records or all matching the filter", LIST,
        show=True, aliases=("export",)),
    Key("open_fields", "f", "fields", "Fields",
        "The module's fields (layout manager): which the list shows as columns, in which "
        "order; custom fields are added there", LIST,
        aliases=("fields",)),
    Key("open_sync", "y", "sync_panel", "Sync",
        "The sync panel: the automation engine, deliveries, workflows, schedules, endpoints, "
        "API tokens", LIST, aliases=("sync",)),
    *(
        Key(f"go_module_{n}", str(n), f"switch_module({n - 1})", f"Module {n}",
            f"Show the {_ORDINALS[n - 1]} module's list", LIST, aliases=(f"module_{n}",))
        for n in range(1, MODULE_KEYS + 1)
    ),
    Key("new_record", "n", "new_record", "New record", "Create a record in this module", LIST),
    Key("edit_selection", "m", "mass_edit", "Mass edit",
        "Set a field on the selected records, or on every record the filter matches", LIST,
        show=True, footer="Edit"),
    Key("delete_records", "d", "delete_records", "Delete",
        "Delete the selected records, or the record under the cursor; asks first, and past "
        "imports can undo it", LIST),
    Key("quit_app", "q", "app.quit", "Quit",
        "Quit Kafinea (on other screens the same key closes the screen)", LIST, palette=False,
        aliases=("quit",)),
    # -- the module list (its table) -------------------------------------------------------------
    Key("open_record", "enter", "open", "Open record",
        "Every field of the record under the cursor", LIST, aliases=("detail",)),
    Key("toggle_selection", "space", "command('toggle_cursor_row')", "Toggle selection",
        "Select or unselect the row; the selection stays across pages, filters and sorts",
        LIST, show=True, footer="Select"),
    Key("select_page", "a", "command('select_page')", "Select page",
        "Select every row of this page (again: unselect them)", LIST),
    Key("select_all_matching", "A", "command('select_all_matching')", "Select all matching",
        "Select every record the filter matches", LIST, aliases=("select_all",)),
    Key("go_next_page", "right_square_bracket,pagedown", "command('next_page')", "Next page",
        "Show the next page", LIST, show=True, aliases=("next_page",)),
    Key("go_previous_page", "left_square_bracket,pageup", "command('previous_page')",
        "Previous page", "Show the previous page", LIST, aliases=("previous_page",)),
    Key("go_first_page", "g", "command('first_page')", "First page",
        "Show the first page (Home and End move within the page)", LIST),
    Key("go_last_page", "G", "command('last_page')", "Last page", "Show the last page", LIST),
    Key("sort_column", "s", "command('sort_cursor_column')", "Sort",
        "Sort by the cursor's column: ascending, descending, unsorted", LIST, show=True,
        aliases=("sort",)),
    Key("sort_column_descending", "S", "command('sort_cursor_column', True)", "Sort descending",
        "Sort by the cursor's column, descending", LIST, aliases=("sort_descending",)),
    Key("cycle_page_size", "p", "command('cycle_page_size')", "Page size",
        "The next page size: 20, 50, 100, 500 records", LIST, aliases=("page_size",)),
    # -- every screen above a list ---------------------------------------------------------------
    Key("close_screen", "escape,q", "close", "Close",
        "Close this screen and go back to the one below", ABOVE, show=True),
    # -- the record detail --------------------------------------------------------------------------
    Key("edit_record", "e", "edit", "Edit", "Edit this record's fields", DETAIL, show=True),
    Key("delete_record", "d", "delete", "Delete", "Delete this record (asks first)", DETAIL,
        show=True),
    Key("follow_reference", "enter", "follow", "Open related",
        "Open the record the highlighted reference names; close it to come back", DETAIL,
        show=True),
    # -- the record form and mass edit --------------------------------------------------------------
    Key("save_form", "ctrl+s", "save", "Save",
        "Save the record, or apply the mass edit once its preview is shown", FORM, show=True,
        priority=True),
    # -- past imports ----------------------------------------------------------------------------
    Key("undo_import", "u", "undo", "Undo import",
        "Undo the import under the cursor: remove what it created, restore what it changed",
        PAST, show=True),
    Key("reload_imports", "r", "reload", "Reload", "Read the list of imports again", PAST),
    # -- fields ----------------------------------------------------------------------------------
    Key("add_field", "n", "add_field", "Add field", "Add a custom field to this module", FIELDS,
        show=True),
    Key("toggle_column", "space", "toggle_column", "Show or hide column",
        "Show or hide the highlighted field as a column of the module's list", FIELDS,
        show=True, footer="Show/hide"),
    Key("move_column_up", "shift+up,K", "move_column(-1)", "Move column up",
        "Move the highlighted field one place up here, one column left in the list", FIELDS,
        show=True, footer="Up"),
    Key("move_column_down", "shift+down,J", "move_column(1)", "Move column down",
        "Move the highlighted field one place down here, one column right in the list", FIELDS,
        show=True, footer="Down"),
    # -- the import wizard -----------------------------------------------------------------------
    Key("next_step", "ctrl+n", "next", "Next step", "Go on to the next step", WIZARD, show=True,
        priority=True),
    Key("previous_step", "ctrl+b", "back", "Previous step", "Go back a step", WIZARD,
        show=True, priority=True),
    Key("open_parent_folder", "backspace", "parent", "Parent folder",
        "In the file browser, show the folder above", WIZARD, show=True),
    Key("toggle_all_files", "a", "toggle_all_files", "All files",
        "In the file browser, list every file, not only CSV, TSV, TXT and spreadsheets "
        "(again: only those)", WIZARD, show=True),
    # -- the export dialog -----------------------------------------------------------------------
    Key("move_field_up", "shift+up,K", "move(-1)", "Move field up",
        "Move the highlighted field one place up in the export's order", EXPORT),
    Key("move_field_down", "shift+down,J", "move(1)", "Move field down",
        "Move the highlighted field one place down in the export's order", EXPORT),
    # -- the sync panel ---------------------------------------------------------------------------
    Key("filter_deliveries", "f", "cycle_filter", "Filter deliveries",
        "Show all deliveries, then only pending, failed or delivered ones", SYNC, show=True),
    Key("retry_delivery", "r", "retry", "Retry delivery",
        "Send the failed delivery under the cursor again, with the same webhook-id", SYNC,
        show=True, footer="Retry"),
    Key("toggle_workflow", "space", "toggle_workflow", "Workflow/schedule on/off",
        "Turn the workflow or schedule under the cursor on or off (saved to config.toml)", SYNC),
    Key("run_schedule", "x", "run_schedule", "Run schedule now",
        "Run the schedule under the cursor now", SYNC, show=True, footer="Run now"),
    Key("test_endpoint", "t", "test_endpoint", "Test endpoint",
        "Queue a sample delivery to the endpoint under the cursor", SYNC),
    Key("add_endpoint", "a", "add_endpoint", "Add endpoint",
        "Add an endpoint (name, URL, secret, retries, timeout, headers), saved to config.toml",
        SYNC),
    Key("edit_endpoint", "e", "edit_endpoint", "Edit endpoint",
        "Edit the endpoint under the cursor; the engine reloads on save", SYNC),
    Key("add_entry", "w", "add_entry", "Add workflow or schedule",
        "Add a workflow or a schedule, written as its TOML keys from an example; checked as "
        "automation check does, saved to config.toml", SYNC),
    Key("create_token", "n", "new_token", "New API token",
        "Create an API token; it is shown once", SYNC),
    Key("revoke_token", "d", "revoke_token", "Revoke API token",
        "Revoke the API token under the cursor", SYNC),
    Key("reload_config", "l", "reload_config", "Reload config",
        "Read config.toml again (endpoints, workflows, schedules)", SYNC),
    Key("toggle_api_server", "s", "api_server", "API server on/off",
        "Serve the API on TCP at an address you type (tokens needed), or stop it", SYNC),
    # -- dialogs that ask ------------------------------------------------------------------------
    Key("confirm_action", "y", "confirm", "Yes", "Do what the dialog asks", DIALOG, show=True),
    Key("cancel_work", "ctrl+x", "cancel_work", "Stop",
        "Stop the import or export in progress: a stopped import writes nothing, a stopped "
        "export leaves no file", DIALOG, show=True, priority=True),
)
# fmt: on

BY_ID: dict[str, Key] = {key.id: key for key in KEYS}
ALIASES: dict[str, str] = {alias: key.id for key in KEYS for alias in key.aliases}


def key(binding_id: str) -> Key:
    """The row of `binding_id`; a KeyError names an id missing from the registry."""
    return BY_ID[binding_id]


def bindings(*ids: str) -> list[BindingType]:
    """The Textual bindings of these rows, in this order, for a screen's or widget's BINDINGS."""
    return [
        Binding(
            row.keys,
            row.action,
            row.footer or row.title,
            show=row.show,
            priority=row.priority,
            id=row.id,
            tooltip=row.help,
        )
        for row in map(key, ids)
    ]


def canonical_id(name: str) -> str | None:
    """The registry id a `[keymap]` entry names (its own id or an older alias), or None."""
    if name in BY_ID:
        return name
    return ALIASES.get(name)


def keymap_from_config(config: Mapping[str, Any]) -> tuple[dict[str, str], list[str]]:
    """The `[keymap]` table as binding id -> keys, and a sentence for each entry ignored.

    Older ids (`next_page`, `filter`...) are read as the ids that replaced them.
    """
    table = config.get("keymap", {})
    if not isinstance(table, dict):
        return {}, ["[keymap] in config.toml must be a table of binding id = keys; ignored."]
    keymap: dict[str, str] = {}
    problems: list[str] = []
    for name, keys in table.items():
        binding_id = canonical_id(str(name))
        if binding_id is None:
            problems.append(f"keymap: {name} is not the id of a key (see the README); ignored.")
            continue
        if isinstance(keys, list) and all(isinstance(k, str) for k in keys):
            keys = ",".join(keys)
        if not isinstance(keys, str) or not keys.strip():
            problems.append(f'keymap: {name} needs keys as text, like "ctrl+f"; ignored.')
            continue
        keymap[binding_id] = keys.replace(" ", "")
    return keymap, problems


_NAMES = {
    "slash": "/",
    "pageup": "PageUp",
    "pagedown": "PageDown",
    "home": "Home",
    "end": "End",
    "space": "space",
    "escape": "escape",
    "enter": "enter",
    "backspace": "backspace",
    "tab": "tab",
}


def key_label(key_name: str) -> str:
    """One key as people read it: `]` for right_square_bracket, `?`, `PageDown`, `ctrl+p`, `F1`."""
    if key_name in _NAMES:
        return _NAMES[key_name]
    if re.fullmatch(r"f[0-9]{1,2}", key_name):
        return key_name.upper()
    character = key_to_character(key_name)
    if character is not None and character.isprintable() and not character.isspace():
        return character
    return key_name


def keys_label(keys: str) -> str:
    """Comma-separated keys as one label: `] PageDown`."""
    return " ".join(key_label(k.strip()) for k in keys.split(",") if k.strip())


def live_keys(binding_id: str, keymap: Mapping[str, str]) -> str:
    """The keys that run `binding_id` now: the keymap's if it rebinds it, else the default."""
    return keymap.get(binding_id) or key(binding_id).keys


def app_keymap(app: object) -> Mapping[str, str]:
    """The keymap `app` runs with (KafineaApp keeps the one read from config.toml), else none."""
    keymap = getattr(app, "keymap", None)
    return keymap if isinstance(keymap, Mapping) else {}


def markdown_table(group: str) -> str:
    """The README's table of one group's keys, with default keys and ids."""
    lines = ["| key | what it does | binding id |", "|---|---|---|"]
    for row in KEYS:
        if row.group == group:
            shown = " ".join(f"`{label}`" for label in keys_label(row.keys).split(" "))
            lines.append(f"| {shown} | {row.help} | `{row.id}` |")
    return "\n".join(lines)


def groups() -> list[str]:
    """The groups in registry order, each once."""
    return list(dict.fromkeys(row.group for row in KEYS))


START = "<!-- keys: generated by `python -m kafinea_tui.keys` from kafinea_tui/keys.py -->"
END = "<!-- keys: end -->"


def readme_section() -> str:
    """The generated part of the README: a table a group, between the START and END markers."""
    parts = [START]
    for group in groups():
        parts += ["", f"**{group}**", "", markdown_table(group)]
    parts += ["", END]
    return "\n".join(parts)


def with_readme_section(text: str) -> str:
    """`text` (the README) with its generated part replaced by the registry's current one."""
    start, end = text.index(START), text.index(END) + len(END)
    return text[:start] + readme_section() + text[end:]


def _write_readme(paths: Iterable[str]) -> None:
    from pathlib import Path

    for name in paths:
        path = Path(name)
        path.write_text(with_readme_section(path.read_text(encoding="utf-8")), encoding="utf-8")


if __name__ == "__main__":
    import sys

    _write_readme(sys.argv[1:] or ["README.md"])
