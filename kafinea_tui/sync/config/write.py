"""Edits of config.toml from the sync panel, written with tomli-w.

Only the edited entry changes: every other key of the file (the keymap, the locale, entries the
panel does not know) is read and written back as it was. Comments are not kept (tomli-w writes
data, not the original text); the panel says so before the first save.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

import tomli_w

from kafinea_tui.data.errors import KafineaError


def load(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise KafineaError(f"{path.name} is not valid TOML ({error}); fix it first.") from None


def save(path: Path, data: dict[str, Any]) -> None:
    """Write atomically: a crash never leaves half a config."""
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("wb") as handle:
        tomli_w.dump(data, handle)
    os.replace(temporary, path)


def set_workflow_enabled(path: Path, name: str, enabled: bool) -> None:
    _set_enabled(path, "workflow", name, enabled)


def set_schedule_enabled(path: Path, name: str, enabled: bool) -> None:
    _set_enabled(path, "schedule", name, enabled)


def _set_enabled(path: Path, kind: str, name: str, enabled: bool) -> None:
    """Turn the `[[<kind>s]]` entry named `name` on or off, keeping the rest of the file."""
    data = load(path)
    for entry in data.get(f"{kind}s", []):
        if isinstance(entry, dict) and entry.get("name") == name:
            entry["enabled"] = enabled
            save(path, data)
            return
    raise KafineaError(f"config.toml has no {kind} named {name!r}.")


def upsert_endpoint(path: Path, endpoint: dict[str, Any]) -> None:
    """Add an endpoint, or replace the keys given of the one with the same name."""
    data = load(path)
    endpoints = data.setdefault("endpoints", [])
    for entry in endpoints:
        if isinstance(entry, dict) and entry.get("name") == endpoint["name"]:
            entry.update(endpoint)
            break
    else:
        endpoints.append(endpoint)
    save(path, data)
