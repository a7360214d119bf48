"""`automation check` as data: config.toml read as the engine reads it, and every entry that
cannot run as a sentence. One function for the command run alone and for the API's
`/automation/check`, so that both print the same."""

from __future__ import annotations

from typing import Any

from kafinea_tui.data.store.database import Store
from kafinea_tui.sync.config.load import read_config, read_toml
from kafinea_tui.sync.workflows import compile_triggers
from kafinea_tui.workspace import Workspace


def check_summary(workspace: Workspace, store: Store) -> dict[str, Any]:
    """{"endpoints": [...], "workflows": [...], "schedules": [...], "errors": [sentences]}."""
    config = read_config(workspace.config_path, store.schema, workspace.mappings_dir)
    triggers, compile_errors = compile_triggers(config, store.schema, store.cursor())
    # A workflow read but not compiled (an update value that cannot be set) is not ready.
    compiled = {t.workflow for t in triggers}
    return {
        "endpoints": sorted(config.endpoints),
        "workflows": [w.name for w in config.workflows if w.name in compiled or not w.enabled],
        "schedules": [s.name for s in config.schedules],
        "errors": [*config.errors, *compile_errors],
    }


def unreadable_summary(workspace: Workspace) -> dict[str, Any] | None:
    """The summary of a config.toml that cannot be read at all (not TOML: the sentence gives
    its line and column), found before the workspace opens, since opening it reads the file
    too; None when it reads."""
    _, problem = read_toml(workspace.config_path)
    if problem is None:
        return None
    return {"endpoints": [], "workflows": [], "schedules": [], "errors": [problem]}
