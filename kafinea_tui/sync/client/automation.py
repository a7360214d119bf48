"""The typed answers of the automation routes, for `Client` (client.py).

    GET  /api/v1/automation/deliveries      DeliveryPage (Delivery)
    POST /api/v1/automation/deliveries/{id}/retry   Delivery
    GET  /api/v1/automation/schedules       [ScheduleState] (with ScheduleRun)
    POST /api/v1/automation/schedules/{name}/run    ScheduleRun
    GET  /api/v1/automation/workflows       [WorkflowState]
    PUT  /api/v1/automation/endpoints/{name}, POST /api/v1/automation/{workflows|schedules}
                                            ConfigSaved

Times stay the server's ISO 8601 UTC strings (as `Change.at`). Each `from_json` reads the keys
it knows and ignores others, so a newer server that adds keys does not break an older client.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Delivery:
    """One outbox row: a send to an endpoint or an email, and how its attempts went."""

    id: int
    webhook_id: str  # the same on every attempt; receivers drop duplicates by it
    kind: str  # send | email
    target: str  # the endpoint's name, or "smtp"
    status: str  # pending | sending | delivered | failed
    attempts: int
    payload: Any  # the JSON sent, or the CSV text
    workflow: str | None
    schedule: str | None
    module: str | None
    record_id: int | None
    last_error: str | None
    answer: str | None  # the receiver's answer (status and text)
    created_at: str
    next_attempt_at: str | None
    last_attempt_at: str | None
    delivered_at: str | None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Delivery:
        known: dict[str, Any] = {name: data.get(name) for name in cls.__dataclass_fields__}
        return cls(**known)


@dataclass(frozen=True)
class DeliveryPage:
    total: int  # deliveries matching the status asked, on every page
    deliveries: list[Delivery]


@dataclass(frozen=True)
class ScheduleRun:
    """One run of a schedule; `result` says what it did or why it failed."""

    status: str  # running | ok | failed
    result: str | None
    started_at: str | None
    finished_at: str | None
    id: int | None = None
    schedule: str | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ScheduleRun:
        known: dict[str, Any] = {name: data.get(name) for name in cls.__dataclass_fields__}
        return cls(**known)


@dataclass(frozen=True)
class ScheduleState:
    name: str
    when: str  # "every 300s" or "cron 0 2 * * *"
    action: str  # send | pull
    module: str
    enabled: bool
    running: bool
    next_run: str | None
    last_run: ScheduleRun | None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ScheduleState:
        last = data.get("last_run")
        return cls(
            name=data["name"],
            when=data["when"],
            action=data["action"],
            module=data["module"],
            enabled=bool(data["enabled"]),
            running=bool(data["running"]),
            next_run=data.get("next_run"),
            last_run=None if last is None else ScheduleRun.from_json(last),
        )


@dataclass(frozen=True)
class WorkflowState:
    """A workflow of config.toml, with when it last fired and for how many records."""

    name: str
    module: str
    on: str  # create | update | create_or_update
    when: str
    changed: list[str]
    actions: list[dict[str, Any]]
    enabled: bool
    last_fired: str | None
    fired: int

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> WorkflowState:
        return cls(
            name=data["name"],
            module=data["module"],
            on=data["on"],
            when=data.get("when") or "",
            changed=list(data.get("changed") or []),
            actions=[dict(a) for a in data.get("actions") or []],
            enabled=bool(data.get("enabled", True)),
            last_fired=data.get("last_fired"),
            fired=int(data.get("fired") or 0),
        )


@dataclass(frozen=True)
class ConfigSaved:
    """An edit of the server's config.toml: the sentence of what was saved, and the engine
    once it read the file again (running, and the config's errors)."""

    saved: str
    running: bool
    errors: list[str]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ConfigSaved:
        return cls(
            saved=str(data["saved"]),
            running=bool(data.get("running")),
            errors=[str(e) for e in data.get("errors") or []],
        )
