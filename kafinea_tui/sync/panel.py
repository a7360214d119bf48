"""What the sync panel shows and does, as plain data and functions (no Textual).

The panel's worker calls `load_view` every few seconds; its keys call the actions below. With
the app as the workspace's owner, `host` holds the app's engine, started as soon as config.toml
describes automation; the panel shows "stopped" while there is none.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from kafinea_tui.data.automation import outbox as table
from kafinea_tui.data.automation import runs
from kafinea_tui.data.automation.outbox import Delivery
from kafinea_tui.data.errors import KafineaError
from kafinea_tui.data.store.database import Store
from kafinea_tui.data.store.tokens import TokenInfo, list_tokens
from kafinea_tui.sync.config import write as config_write
from kafinea_tui.sync.config.load import read_config
from kafinea_tui.sync.config.model import AutomationConfig, Endpoint
from kafinea_tui.sync.engine import Engine
from kafinea_tui.sync.engine_host import EngineHost
from kafinea_tui.sync.scheduler import Scheduler, ScheduleState
from kafinea_tui.sync.workflows import stopped_cascades
from kafinea_tui.workspace import Workspace

Kind = Literal["workflow", "schedule"]
FILTERS: tuple[str | None, ...] = (None, "pending", "failed", "delivered")
SHOWN = 200  # deliveries listed


@dataclass(frozen=True)
class WorkflowRow:
    name: str
    module: str
    on: str  # create | update | create_or_update
    when: str
    enabled: bool
    last_fired: datetime | None
    fired: int


@dataclass(frozen=True)
class ScheduleRow:
    name: str
    when: str  # "every 300s", "cron 0 2 * * *"
    action: str  # send | pull
    module: str
    enabled: bool
    running: bool
    next_run: datetime | None
    last_started: datetime | None = None
    last_status: str | None = None  # running | ok | failed
    last_result: str | None = None


@dataclass(frozen=True)
class EndpointRow:
    """An endpoint as the panel lists it: never its secret nor its headers' values."""

    name: str
    url: str
    format: str
    retries: int
    signed: bool


@dataclass
class PanelView:
    """What the panel shows, from the workspace's store and config (this process owns it) or
    from the owner's API (the app is a client): the same rows either way."""

    engine: str
    counts: dict[str, int]
    deliveries: list[Delivery]
    total: int
    workflows: list[WorkflowRow]
    schedules: list[ScheduleRow]
    endpoints: list[EndpointRow]
    tokens: list[TokenInfo]
    errors: list[str] = field(default_factory=list)


def schedule_row(state: ScheduleState) -> ScheduleRow:
    last = state.last
    return ScheduleRow(
        name=state.schedule.name,
        when=state.schedule.when_text,
        action=state.schedule.action.type,
        module=state.schedule.action.module,
        enabled=state.schedule.enabled,
        running=state.running,
        next_run=state.next_run,
        last_started=last.started_at if last else None,
        last_status=last.status if last else None,
        last_result=last.result if last else None,
    )


def endpoint_row(endpoint: Endpoint) -> EndpointRow:
    return EndpointRow(
        endpoint.name, endpoint.url, endpoint.format, endpoint.retries, bool(endpoint.secret)
    )


def engine_line(engine: Engine | None) -> str:
    if engine is None or not engine.running:
        return "Engine stopped: add endpoints, workflows or schedules to config.toml to start it"
    status = engine.status()
    since = f" since {status.started_at:%H:%M:%S} UTC" if status.started_at else ""
    return f"Engine running here (process {status.pid}){since}"


def load_view(
    store: Store, workspace: Workspace, engine: Engine | None, status: str | None
) -> PanelView:
    config = engine.config if engine is not None else _config(store, workspace)
    errors = list(engine.errors) if engine is not None else list(config.errors)
    cur = store.cursor()
    # As the API's status says them (a client's panel shows the owner's): the config's
    # errors, then the workflow cascades stopped lately.
    errors += stopped_cascades(cur)
    total, found = table.deliveries(cur, status, SHOWN)
    fired = runs.fires(cur)
    flows = [
        WorkflowRow(w.name, w.module, w.on, w.when, w.enabled, *fired.get(w.name, (None, 0)))
        for w in config.workflows
    ]
    states = (
        engine.schedules()
        if engine is not None
        else Scheduler(store, workspace.mappings_dir).states(config)
    )
    return PanelView(
        engine=engine_line(engine),
        counts=table.counts(cur),
        deliveries=found,
        total=total,
        workflows=flows,
        schedules=[schedule_row(state) for state in states],
        endpoints=[endpoint_row(e) for e in config.endpoints.values()],
        tokens=list_tokens(store),
        errors=errors,
    )


def _config(store: Store, workspace: Workspace) -> AutomationConfig:
    return read_config(workspace.config_path, store.schema)


def retry_delivery(store: Store, engine: Engine | None, delivery_id: int) -> str:
    with store.transaction() as cur:
        done = table.retry(cur, delivery_id)
    if done is None:
        raise KafineaError(f"Delivery {delivery_id} is not failed or pending; it stays as it is.")
    if engine is not None:
        engine.wake()
    return f"Delivery {delivery_id} will be sent again (same webhook-id)."


def run_schedule(engine: Engine | None, name: str) -> str:
    if engine is None:
        raise KafineaError("The engine is not running; schedules run with it.")
    schedule = engine.config.schedule(name)
    if schedule is None:
        raise KafineaError(f"There is no schedule {name!r} any more.")
    run = engine.scheduler.run(schedule)
    engine.wake()
    if run is None:
        return f"{name} is running already."
    return f"{name}: {run.status}: {run.result}"


def queue_test(store: Store, engine: Engine | None, name: str) -> int:
    """Queue a sample delivery to an endpoint (the log shows how it went); its id."""
    sample = json.dumps(
        {"type": "kafinea.test", "data": {"message": "A test delivery from Kafinea's sync panel."}}
    )
    with store.transaction() as cur:
        delivery = table.enqueue(cur, "send", name, sample)
    if engine is not None:
        engine.wake()
    return delivery


def test_endpoint(store: Store, engine: Engine | None, name: str) -> str:
    return f"Test delivery {queue_test(store, engine, name)} queued for {name}."


def set_enabled(workspace: Workspace, host: EngineHost, kind: Kind, name: str, on: bool) -> str:
    """Turn a workflow or a schedule on or off in config.toml, then read it again."""
    write = (
        config_write.set_workflow_enabled
        if kind == "workflow"
        else config_write.set_schedule_enabled
    )
    write(workspace.config_path, name, on)
    host.reload()
    return enabled_sentence(kind, name, on)


def enabled_sentence(kind: Kind, name: str, on: bool) -> str:
    return f"{kind.capitalize()} {name!r} {'on' if on else 'off'}; config.toml saved."


def reload(host: EngineHost) -> str:
    """config.toml read again; the engine starts if it now describes automation."""
    errors = host.reload()
    state = "the engine runs" if host.running else "no automation in it: the engine is stopped"
    return f"config.toml read again: {len(errors)} error(s); {state}."
