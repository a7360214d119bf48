"""Small per-workspace settings kept in the database (`kf_settings`): the last module opened,
each module's export choices, the import wizard's last folder...

They live in the workspace database rather than in config.toml because the app writes them as it
goes, and config.toml is a file people edit by hand: the app never rewrites it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import duckdb

from kafinea_tui.data.errors import KafineaError
from kafinea_tui.data.store.database import Store
from kafinea_tui.data.store.results import first_row

LAST_MODULE = "app.last_module"
IMPORT_FOLDER = "import.last_folder"  # where the wizard's file browser opens


def export_choices_key(module: str) -> str:
    """Where a module's last export choices (path pattern, format, fields...) are kept."""
    return f"export.{module}"


def get_setting(store: Store, key: str) -> str | None:
    """The stored value, or None when the workspace has never stored one."""
    row = first_row(store.cursor().execute("SELECT value FROM kf_settings WHERE key = ?", [key]))
    return None if row is None else (None if row[0] is None else str(row[0]))


def set_setting(store: Store, key: str, value: str | None) -> None:
    """Replace the value (kf_settings has no key constraint, so delete then insert, atomically)."""
    with store.transaction() as cur:
        cur.execute("DELETE FROM kf_settings WHERE key = ?", [key])
        cur.execute("INSERT INTO kf_settings VALUES (?, ?)", [key, value])


def get_json_setting(store: Store, key: str) -> dict[str, Any] | None:
    """A setting stored as a JSON object (a dialog's choices), or None when absent or unreadable:
    a remembered choice is a convenience, and a damaged one is forgotten, not an error."""
    text = get_setting(store, key)
    if text is None:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def set_json_setting(store: Store, key: str, value: Mapping[str, Any]) -> None:
    set_setting(store, key, json.dumps(dict(value), ensure_ascii=False))


def keep_setting(store: Store, key: str, value: str | None) -> bool:
    """`set_setting` for a convenience (a dialog's last choices, the last folder) written beside
    the work it belongs to: whether it was kept. A refusal of the database (a conflicting
    write, a full disk) rolls it back and is no failure of that work, so it is not raised."""
    try:
        set_setting(store, key, value)
    except (duckdb.Error, KafineaError):
        return False
    return True


def keep_json_setting(store: Store, key: str, value: Mapping[str, Any]) -> bool:
    """`keep_setting` of a JSON object."""
    return keep_setting(store, key, json.dumps(dict(value), ensure_ascii=False))
