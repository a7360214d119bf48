"""What the sync panel needs from wherever the workspace is: one interface, two implementations.

`LocalAutomation` works on the workspace this process owns (its store, its config.toml, the
app's engine); `RemoteAutomation` asks the workspace's owner, or a server elsewhere, through the
API: the panel then shows the owner's engine, not one of its own. Both answer with the panel's
rows (`sync.panel.PanelView`) and each action with the sentence the panel shows; a refusal is a
`KafineaError`. Methods block: the panel calls them from thread workers.
"""

from __future__ import annotations

from typing import Any, Protocol

from kafinea_tui.data.schema import Schema
from kafinea_tui.sync.config.entry_edit import Kind as EntryKind
from kafinea_tui.sync.config.model import Endpoint
from kafinea_tui.sync.panel import Kind, PanelView


class Automation(Protocol):
    @property
    def schema(self) -> Schema:
        """The modules, to name them by their labels and check config entries against."""
        ...

    @property
    def serves_here(self) -> bool:
        """Whether this process runs the engine and the API (the owner): the panel's API
        server line is about this app only then."""
        ...

    def view(self, status: str | None) -> PanelView:
        """Engine, deliveries (only `status` ones when given), workflows, schedules,
        endpoints and tokens, as the panel shows them."""
        ...

    def retry_delivery(self, delivery_id: int) -> str: ...

    def set_enabled(self, kind: Kind, name: str, on: bool) -> str:
        """Turn a workflow or a schedule on or off (saved to config.toml, read again)."""
        ...

    def run_schedule(self, name: str) -> str: ...

    def test_endpoint(self, name: str) -> str:
        """Queue a sample delivery to the endpoint; the log shows how it went."""
        ...

    def create_token(self, name: str) -> str:
        """The sentence that shows the new token, the only time it is shown."""
        ...

    def revoke_token(self, name: str) -> str: ...

    def reload(self) -> str:
        """config.toml read again by whoever runs the engine; what came of it."""
        ...

    # -- config.toml, edited from the panel's forms ---------------------------------------------

    def endpoint(self, name: str) -> Endpoint:
        """The endpoint for its form: as config.toml has it here; through the API, without
        its secret and header values (the API never sends them)."""
        ...

    def endpoint_note(self, name: str) -> str | None:
        """After `endpoint(name)`: what the form must say of what it does not show (an edit
        that leaves the secret or headers empty keeps the owner's), or None."""
        ...

    def save_endpoint(self, entry: dict[str, Any], old_name: str | None) -> str:
        """Add the endpoint (`old_name` None) or replace that one, after the config check."""
        ...

    def add_entry(self, kind: EntryKind, text: str) -> str:
        """Append a workflow or schedule (`text`: its TOML keys), after the config check."""
        ...
