"""The automation config's typed objects: SMTP, endpoints, workflows and schedules.

`sync.config.load` builds them from `config.toml`; the engine, the trigger compiler, the API and
the sync panel read them. Frozen: a reload builds a new `AutomationConfig`, never edits one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Format = Literal["json", "csv"]
EVENTS: dict[str, tuple[str, ...]] = {
    "create": ("create",),
    "update": ("update",),
    "create_or_update": ("create", "update"),
}


@dataclass(frozen=True)
class Smtp:
    host: str
    port: int = 25
    sender: str = "kafinea@localhost"
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 10.0
    retries: int = 5
    backoff: float = 2.0


@dataclass(frozen=True)
class Endpoint:
    name: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    secret: str | None = None  # `whsec_` + base64: signs deliveries (Standard Webhooks 1.0)
    format: Format = "json"
    retries: int = 5
    timeout: float = 10.0
    backoff: float = 2.0  # seconds before the first retry; doubled at each one


@dataclass(frozen=True)
class SendAction:
    endpoint: str
    fields: tuple[str, ...] = ()  # empty: every field of the module
    type: Literal["send"] = "send"


@dataclass(frozen=True)
class EmailAction:
    to: str
    subject: str
    body: str
    type: Literal["email"] = "email"


@dataclass(frozen=True)
class UpdateAction:
    values: dict[str, str]
    type: Literal["update"] = "update"


Action = SendAction | EmailAction | UpdateAction


@dataclass(frozen=True)
class Workflow:
    name: str
    module: str
    on: str  # create | update | create_or_update
    when: str = ""
    changed: tuple[str, ...] = ()
    actions: tuple[Action, ...] = ()
    enabled: bool = True

    @property
    def ops(self) -> tuple[str, ...]:
        return EVENTS[self.on]


@dataclass(frozen=True)
class SendSchedule:
    endpoint: str
    module: str
    filter: str = ""
    since_last_run: bool = False
    fields: tuple[str, ...] = ()
    format: Format = "json"  # the endpoint's, when the config was read: the payload's form
    type: Literal["send"] = "send"


@dataclass(frozen=True)
class PullSchedule:
    url: str
    module: str
    duplicates: str | None = None
    match: tuple[str, ...] = ()
    mapping: str | None = None  # a saved mapping's name
    map: dict[str, str] = field(default_factory=dict)  # an inline mapping, column -> field
    headers: dict[str, str] = field(default_factory=dict)
    timeout: float = 30.0
    type: Literal["pull"] = "pull"


@dataclass(frozen=True)
class Schedule:
    name: str
    action: SendSchedule | PullSchedule
    every: float | None = None  # seconds
    cron: str | None = None
    enabled: bool = True

    @property
    def when_text(self) -> str:
        if self.cron:
            return f"cron {self.cron}"
        return f"every {self.every:g}s"


@dataclass(frozen=True)
class AutomationConfig:
    timezone: str | None = None
    smtp: Smtp | None = None
    endpoints: dict[str, Endpoint] = field(default_factory=dict)
    workflows: tuple[Workflow, ...] = ()
    schedules: tuple[Schedule, ...] = ()
    errors: tuple[str, ...] = ()  # one sentence per invalid entry, which was left out

    def schedule(self, name: str) -> Schedule | None:
        return next((s for s in self.schedules if s.name == name), None)
