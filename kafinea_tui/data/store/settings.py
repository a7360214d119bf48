"""Small per-workspace settings kept in the database (`kf_settings`): the last module opened, ...

They live in the workspace database rather than in config.toml because the app writes them as it
goes, and config.toml is a file people edit by hand: the app never rewrites it.
"""

from __future__ import annotations

from kafinea_tui.data.store.database import Store

LAST_MODULE = "app.last_module"


def get_setting(store: Store, key: str) -> str | None:
    """The stored value, or None when the workspace has never stored one."""
    row = store.cursor().execute("SELECT value FROM kf_settings WHERE key = ?", [key]).fetchone()
    return None if row is None else (None if row[0] is None else str(row[0]))


def set_setting(store: Store, key: str, value: str | None) -> None:
    """Replace the value (kf_settings has no key constraint, so delete then insert, atomically)."""
    with store.transaction() as cur:
        cur.execute("DELETE FROM kf_settings WHERE key = ?", [key])
        cur.execute("INSERT INTO kf_settings VALUES (?, ?)", [key, value])
