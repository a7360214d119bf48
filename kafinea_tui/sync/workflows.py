"""Workflows: the config's rules compiled into data-layer triggers, and installed on a store.

`compile_triggers` turns each enabled workflow into a `Trigger` (its `when` compiled to SQL, its
send and email actions into payload expressions (JSON, or CSV text for a csv endpoint), its update values typed), and `install` hands
them to the store, which fires them in every write transaction before it commits (see
data/automation/triggers.py). Whichever process opens the workspace installs them, so a change
made by a command run alone still enqueues its deliveries; the owner's engine sends them.

`stopped_cascades` says which cascades of `update` actions were stopped lately, for the
automation's status (the API's `errors`, the sync panel's problems).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import duckdb

from kafinea_tui.data.automation import csv_payload, payload, runs
from kafinea_tui.data.automation.triggers import Enqueue, Trigger, fire
from kafinea_tui.data.errors import KafineaError
from kafinea_tui.data.query import compile_filter
from kafinea_tui.data.schema import FieldType, Module, Schema
from kafinea_tui.data.store.change_log import utc_now
from kafinea_tui.data.store.database import Store
from kafinea_tui.data.values import ValueOptions, read_value
from kafinea_tui.sync.config.model import (
    AutomationConfig,
    EmailAction,
    SendAction,
    UpdateAction,
    Workflow,
)
from kafinea_tui.sync.templates import Path, parse_template

SMTP_TARGET = "smtp"
# How long a stopped cascade stays among the automation's errors: long enough to be seen the
# next day, short enough that a config fixed since stops being blamed.
STOPS_SHOWN = timedelta(hours=24)


def compile_triggers(
    config: AutomationConfig, schema: Schema, cur: duckdb.DuckDBPyConnection
) -> tuple[list[Trigger], list[str]]:
    """The enabled workflows as triggers, and a sentence for each one that cannot run."""
    triggers: list[Trigger] = []
    errors: list[str] = []
    for n, workflow in enumerate(config.workflows, 1):
        if not workflow.enabled:
            continue
        try:
            triggers.append(_compile(workflow, schema, cur, config))
        except (KafineaError, ValueError, KeyError) as error:
            errors.append(f"workflows[{n}] ({workflow.name}): {error}")
    return triggers, errors


def _compile(
    workflow: Workflow, schema: Schema, cur: duckdb.DuckDBPyConnection, config: AutomationConfig
) -> Trigger:
    module = schema.module(workflow.module)
    when_sql, when_params = compile_filter(workflow.when, module, schema)
    enqueues: list[Enqueue] = []
    updates: dict[str, Any] = {}
    for action in workflow.actions:
        if isinstance(action, SendAction):
            endpoint = config.endpoints.get(action.endpoint)
            if endpoint is not None and endpoint.format == "csv":
                sql, around = csv_payload.workflow_payload(cur, module, schema, action.fields)
                enqueues.append(Enqueue("send", action.endpoint, sql, envelope=around))
                continue
            # {"type", "workflow", "data"}: the record is each delivery's own, the rest the
            # envelope they share.
            sql = f"to_json({payload.record_json(module, schema, action.fields)})"
            event = f"{module.name}.{'created' if workflow.on == 'create' else 'changed'}"
            around = payload.envelope(cur, event, workflow.name)
            enqueues.append(Enqueue("send", action.endpoint, sql, envelope=around))
        elif isinstance(action, EmailAction):
            enqueues.append(_email(action, module, schema))
        elif isinstance(action, UpdateAction):
            updates.update(_typed_updates(action, module, cur))
    return Trigger(
        workflow=workflow.name,
        module=module,
        ops=workflow.ops,
        when_sql=when_sql,
        when_params=tuple(when_params),
        changed=workflow.changed,
        enqueues=tuple(enqueues),
        updates=updates,
    )


def _email(action: EmailAction, module: Module, schema: Schema) -> Enqueue:
    pieces: list[str] = []
    params: list[Any] = []
    for key, text in (("to", action.to), ("subject", action.subject), ("body", action.body)):
        parts = [
            p if isinstance(p, str) else (p.field, p.via)
            for p in parse_template(text, module, schema)
        ]
        sql = payload.template_sql(parts, schema)
        pieces.append(f"'{key}', {sql.text}")
        params += sql.params
    return Enqueue("email", SMTP_TARGET, f"json_object({', '.join(pieces)})", tuple(params))


def _typed_updates(
    action: UpdateAction, module: Module, cur: duckdb.DuckDBPyConnection
) -> dict[str, Any]:
    """The values read by the import's rules (ISO dates, decimal points); every value that
    cannot be set is said at once, in one sentence."""
    typed: dict[str, Any] = {}
    mistakes: list[str] = []
    for name, text in action.values.items():
        field = module.field(name)
        if field.type in (FieldType.REFERENCE, FieldType.LINE_ITEMS):
            mistakes.append(f"an update action cannot set {field.label} (a reference)")
        elif field.type is FieldType.PICKLIST and text not in field.values:
            values = ", ".join(field.values)
            mistakes.append(f"{text!r} is not a value of {field.label} ({values})")
        else:
            value, reason = read_value(cur, field, text, ValueOptions("point", "yyyy-mm-dd"))
            if reason is not None:
                mistakes.append(f"{field.label} is {reason}")
            typed[field.name] = value
    if mistakes:
        raise ValueError(f"set: {'; '.join(mistakes)}")
    return typed


def install(store: Store, config: AutomationConfig) -> list[str]:
    """Fire these workflows in every write of `store` from now on; returns compile errors.

    First, deliveries queued as references by an earlier release with payload SQL that cannot
    run (csv_payload.repair_queued) are given SQL that can: every write renders them first, so
    until then the workspace refused every write."""
    with store.write_lock:
        csv_payload.repair_queued(store.cursor())
    triggers, errors = compile_triggers(config, store.schema, store.cursor())
    if not triggers:
        store.set_commit_hook(None)
        return errors

    def hook(cur: duckdb.DuckDBPyConnection, since: int) -> None:
        fire(cur, triggers, since)

    store.set_commit_hook(hook)
    return errors


def stopped_cascades(cur: duckdb.DuckDBPyConnection) -> list[str]:
    """A sentence for each set of workflows whose cascade was stopped in the last STOPS_SHOWN
    (the latest first). Why: a stop is kept in kf_workflow_fires but fires nothing, so the
    workflows' counts alone show it as ordinary firings; the README promises it is shown."""
    return [_stop_sentence(stop) for stop in runs.stops(cur, utc_now() - STOPS_SHOWN)]


def _stop_sentence(stop: runs.Stop) -> str:
    hours = int(STOPS_SHOWN.total_seconds() // 3600)
    again = f" ({stop.times} times in the last {hours} hours)" if stop.times > 1 else ""
    left = "record" if stop.records == 1 else "records"
    return (
        f"workflows {stop.workflows}: a cascade was stopped after {stop.rounds} rounds at"
        f" {stop.last:%Y-%m-%d %H:%M:%S} UTC{again}: their updates keep changing records that"
        f" fire them again; the last changes of {stop.records:,} {left} fired nothing"
    )


__all__ = ["SMTP_TARGET", "Path", "compile_triggers", "install", "stopped_cascades"]
