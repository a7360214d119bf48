"""The sync panel of an app that is a client: the owner's engine, through its API.

The engine runs in the workspace's owner (`serve`, or the app that opened it), never a second
one here: the panel's view is the owner's status, outbox, workflows, schedules, endpoints and
tokens (one request each, sync/api/automation*.py and admin.py), and each key one request. A
token created or revoked here works, or is refused, from the server's next request.

config.toml belongs to the owner's workspace folder. The forms save it through the API, on the
socket and on a server elsewhere (`--server`) alike (sync/api/automation/config.py): the owner
applies the edit with the same check as its own panel, then reads the file again. The API
never sends a secret or a header's value, so the endpoint form opens without them and an edit
that leaves them empty keeps the server's (the form says so).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol, TypeVar

from kafinea_tui.backend.automation.local import token_sentence
from kafinea_tui.backend.protocol import ReadOnly
from kafinea_tui.data.automation.outbox import Delivery
from kafinea_tui.data.errors import KafineaError
from kafinea_tui.data.schema import Schema
from kafinea_tui.data.store.tokens import TokenInfo
from kafinea_tui.sync.client import Client
from kafinea_tui.sync.config.entry_edit import Kind as EntryKind
from kafinea_tui.sync.config.model import Endpoint
from kafinea_tui.sync.panel import (
    SHOWN,
    EndpointRow,
    Kind,
    PanelView,
    ScheduleRow,
    WorkflowRow,
    enabled_sentence,
)

T = TypeVar("T")


class Caller(Protocol):
    """The backend's way to make one request (its failures as the data layer's errors)."""

    def __call__(self, method: Callable[..., T], *args: Any, **kwargs: Any) -> T: ...


class RemoteAutomation:
    """`where`: the owner as the panel names it (`server PID 4190`, or the server's URL)."""

    def __init__(
        self, client: Client, call: Caller, schema: Callable[[], Schema], where: str
    ) -> None:
        self.client = client
        self.call = call
        self._schema = schema
        self.where = where
        self._listed: dict[str, dict[str, Any]] = {}  # the endpoints as the API last gave them

    @property
    def schema(self) -> Schema:
        return self._schema()

    @property
    def serves_here(self) -> bool:
        return False

    def view(self, status: str | None) -> PanelView:
        client, call = self.client, self.call
        state = call(client.automation_status)
        page = call(client.get_json, "/api/v1/automation/deliveries", _delivery_params(status))
        try:
            tokens = [TokenInfo.from_dict(t) for t in call(client.tokens)]
        except ReadOnly:  # a read-only token may not see who else has access
            tokens = []
        return PanelView(
            engine=self._engine_line(state),
            counts={str(k): int(v) for k, v in state["deliveries"].items()},
            deliveries=[Delivery.from_dict(d) for d in page["deliveries"]],
            total=int(page["total"]),
            workflows=[
                WorkflowRow(w.name, w.module, w.on, w.when, w.enabled, _time(w.last_fired), w.fired)
                for w in call(client.workflows)
            ],
            schedules=[
                ScheduleRow(
                    name=s.name,
                    when=s.when,
                    action=s.action,
                    module=s.module,
                    enabled=s.enabled,
                    running=s.running,
                    next_run=_time(s.next_run),
                    last_started=_time(s.last_run.started_at) if s.last_run else None,
                    last_status=s.last_run.status if s.last_run else None,
                    last_result=s.last_run.result if s.last_run else None,
                )
                for s in call(client.schedules)
            ],
            endpoints=[
                EndpointRow(e["name"], e["url"], e["format"], int(e["retries"]), bool(e["signed"]))
                for e in call(client.endpoints)
            ],
            tokens=tokens,
            errors=[str(e) for e in state.get("errors") or []],
        )

    def _engine_line(self, state: dict[str, Any]) -> str:
        process = "" if str(state.get("pid")) in self.where else f" (process {state.get('pid')})"
        if not state.get("running"):
            return (
                f"Engine stopped in {self.where}{process}: add endpoints, workflows or"
                " schedules to its config.toml to start it"
            )
        started = _time(state.get("started_at"))
        since = f" since {started:%H:%M:%S} UTC" if started else ""
        return f"Engine running in {self.where}{process}{since}"

    def retry_delivery(self, delivery_id: int) -> str:
        self.call(self.client.retry_delivery, delivery_id)
        return f"Delivery {delivery_id} will be sent again (same webhook-id)."

    def set_enabled(self, kind: Kind, name: str, on: bool) -> str:
        self.call(self.client.set_enabled, kind, name, on)
        return enabled_sentence(kind, name, on)

    def run_schedule(self, name: str) -> str:
        run = self.call(self.client.run_schedule, name)
        return f"{name}: {run.status}: {run.result}"

    def test_endpoint(self, name: str) -> str:
        delivery = self.call(self.client.test_endpoint, name)
        return f"Test delivery {delivery} queued for {name}."

    def create_token(self, name: str) -> str:
        made = self.call(self.client.create_token, name)
        return token_sentence(str(made["name"]), str(made["token"]))

    def revoke_token(self, name: str) -> str:
        self.call(self.client.revoke_token, name)
        return f"Token {name!r} revoked."

    def reload(self) -> str:
        answer = self.call(self.client.reload_config)
        errors = answer.get("errors") or []
        state = (
            "the engine runs"
            if answer.get("running")
            else "no automation in it: the engine is stopped"
        )
        return f"config.toml read again by {self.where}: {len(errors)} error(s); {state}."

    # -- config.toml -----------------------------------------------------------------------

    def endpoint(self, name: str) -> Endpoint:
        """The endpoint as the API gives it: no secret, no headers (the form says why)."""
        self._listed = {str(e["name"]): e for e in self.call(self.client.endpoints)}
        found = self._listed.get(name)
        if found is None:
            raise KafineaError(f"config.toml has no endpoint named {name!r} any more.")
        return Endpoint(
            name=name,
            url=str(found["url"]),
            format=found["format"],
            retries=int(found["retries"]),
            timeout=float(found.get("timeout", 10.0)),
        )

    def endpoint_note(self, name: str) -> str | None:
        found = self._listed.get(name)
        if found is None or not (found.get("signed") or found.get("headers")):
            return None
        kept = [
            *(["its signing secret"] if found.get("signed") else []),
            *([f"its headers ({', '.join(found['headers'])})"] if found.get("headers") else []),
        ]
        return (
            f"{self.where} never sends secrets or header values: left empty here,"
            f" {' and '.join(kept)} {'are' if len(kept) > 1 else 'is'} kept; what you type"
            " replaces them."
        )

    def save_endpoint(self, entry: dict[str, Any], old_name: str | None) -> str:
        if old_name is None:
            return self.call(self.client.add_endpoint, entry).saved
        fields = {k: v for k, v in entry.items() if v is not None or k not in ("secret", "headers")}
        return self.call(self.client.save_endpoint, old_name, fields).saved

    def add_entry(self, kind: EntryKind, text: str) -> str:
        return self.call(self.client.add_config_entry, kind, text).saved


def _delivery_params(status: str | None) -> list[tuple[str, str | int | float | bool | None]]:
    params: list[tuple[str, str | int | float | bool | None]] = [("limit", SHOWN)]
    return params + ([("status", status)] if status else [])


def _time(text: Any) -> datetime | None:
    """The server's ISO 8601 UTC time as the panel shows times (naive UTC, as the store's)."""
    if not text:
        return None
    return datetime.fromisoformat(str(text)).replace(tzinfo=None)
