"""The sync panel on the workspace this process owns: its store, config.toml and engine.

Each method is the call the panel made itself before a client could open it (sync/panel.py,
the token functions of the store, the config editors), so the owner's panel works as it did.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kafinea_tui.data.errors import KafineaError
from kafinea_tui.data.schema import Schema
from kafinea_tui.data.store.database import Store
from kafinea_tui.data.store.tokens import create_token, revoke_token
from kafinea_tui.sync import panel
from kafinea_tui.sync.config.endpoint_edit import save_endpoint
from kafinea_tui.sync.config.entry_edit import Kind as EntryKind
from kafinea_tui.sync.config.entry_edit import add_entry
from kafinea_tui.sync.config.load import read_config
from kafinea_tui.sync.config.model import Endpoint
from kafinea_tui.sync.engine import Engine
from kafinea_tui.sync.engine_host import EngineHost
from kafinea_tui.sync.panel import Kind, PanelView
from kafinea_tui.workspace import Workspace


class LocalAutomation:
    """`host()`: the app's engine host (the engine may start after the panel opens)."""

    def __init__(self, store: Store, workspace: Workspace, host: Callable[[], EngineHost]) -> None:
        self.store = store
        self.workspace = workspace
        self._host = host

    @property
    def host(self) -> EngineHost:
        return self._host()

    @property
    def engine(self) -> Engine | None:
        return self.host.engine

    @property
    def schema(self) -> Schema:
        return self.store.schema

    @property
    def serves_here(self) -> bool:
        return True

    def view(self, status: str | None) -> PanelView:
        return panel.load_view(self.store, self.workspace, self.engine, status)

    def retry_delivery(self, delivery_id: int) -> str:
        return panel.retry_delivery(self.store, self.engine, delivery_id)

    def set_enabled(self, kind: Kind, name: str, on: bool) -> str:
        return panel.set_enabled(self.workspace, self.host, kind, name, on)

    def run_schedule(self, name: str) -> str:
        return panel.run_schedule(self.engine, name)

    def test_endpoint(self, name: str) -> str:
        return panel.test_endpoint(self.store, self.engine, name)

    def create_token(self, name: str) -> str:
        token = create_token(self.store, name)
        return token_sentence(name, token)

    def revoke_token(self, name: str) -> str:
        revoke_token(self.store, name)
        return f"Token {name!r} revoked."

    def reload(self) -> str:
        return panel.reload(self.host)

    # -- config.toml ---------------------------------------------------------------------------

    def endpoint(self, name: str) -> Endpoint:
        return endpoint_in(self.workspace, self.schema, name)

    def endpoint_note(self, name: str) -> str | None:
        return None

    def save_endpoint(self, entry: dict[str, Any], old_name: str | None) -> str:
        return save_endpoint(self.workspace.config_path, self.schema, entry, old_name)

    def add_entry(self, kind: EntryKind, text: str) -> str:
        return add_entry(self.workspace.config_path, self.schema, self.store.cursor(), kind, text)


def token_sentence(name: str, token: str) -> str:
    return f"Token {name!r} (copy it now, it is not shown again): {token}"


def endpoint_in(workspace: Workspace, schema: Schema, name: str) -> Endpoint:
    """The endpoint `name` as config.toml has it now."""
    found = read_config(workspace.config_path, schema).endpoints.get(name)
    if found is None:
        raise KafineaError(f"config.toml has no endpoint named {name!r} any more.")
    return found
