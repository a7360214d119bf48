"""A `[[workflows]]` entry of config.toml and its actions (send, email, update), checked
against the schema and the endpoints so that nothing found wrong here fails at send time."""

from __future__ import annotations

from functools import partial
from typing import Any

from kafinea_tui.data.filter.compiler import resolve_field
from kafinea_tui.data.schema import Module, Schema
from kafinea_tui.sync.config.entry import Entry
from kafinea_tui.sync.config.model import (
    EVENTS,
    Action,
    EmailAction,
    SendAction,
    Smtp,
    UpdateAction,
    Workflow,
)
from kafinea_tui.sync.config.schema_checks import (
    endpoint_name,
    field_names,
    filter_text,
    module_of,
)
from kafinea_tui.sync.templates import parse_template

WORKFLOW_KEYS = ("name", "module", "on", "when", "changed", "actions", "enabled")
EMAIL_KEYS = ("to", "subject", "body")
ACTION_KEYS: dict[str, tuple[str, ...]] = {
    "send": ("type", "endpoint", "fields"),
    "email": ("type", *EMAIL_KEYS),
    "update": ("type", "set"),
}


def read_workflow(entry: Entry, schema: Schema, endpoints: set[str], smtp: Smtp | None) -> Workflow:
    e = entry.each
    name = e(lambda: entry.text("name", required=True), "")
    module = module_of(entry, schema)  # what the other keys are checked against

    def actions() -> tuple[Action, ...]:
        raw_actions = entry.get("actions", list, required=True)
        if not raw_actions:
            raise entry.fail("actions", "the workflow has no action")
        found = []
        for n, raw in enumerate(raw_actions, 1):
            one = partial(
                _action, f"{entry.where}.actions[{n}]", raw, module, schema, endpoints, smtp
            )
            found.append(e(one, None))
        return tuple(a for a in found if a is not None)

    workflow = Workflow(
        name=name,
        module=module.name,
        on=e(lambda: entry.choice("on", tuple(EVENTS), "create_or_update"), ""),
        when=e(lambda: filter_text(entry, "when", module, schema), ""),
        changed=e(lambda: field_names(entry, "changed", module), ()),
        actions=e(actions, ()),
        enabled=e(lambda: entry.get("enabled", bool, True), True),
    )
    entry.done(WORKFLOW_KEYS)
    return workflow


def _action(
    where: str, raw: Any, module: Module, schema: Schema, endpoints: set[str], smtp: Smtp | None
) -> Action:
    entry = Entry(where, raw)
    action = _action_of_type(entry, module, schema, endpoints, smtp)
    entry.done(ACTION_KEYS[action.type])
    return action


def _action_of_type(
    entry: Entry, module: Module, schema: Schema, endpoints: set[str], smtp: Smtp | None
) -> Action:
    kind = entry.choice("type", ("send", "email", "update"))
    if kind == "send":
        return SendAction(
            endpoint=entry.each(lambda: endpoint_name(entry, endpoints), ""),
            fields=entry.each(lambda: field_names(entry, "fields", module), ()),
        )
    if kind == "email":
        if smtp is None:
            raise entry.fail("type", "an email action needs an [smtp] table")
        texts = {
            k: entry.each(partial(_template, entry, k, module, schema), "") for k in EMAIL_KEYS
        }
        return EmailAction(texts["to"], texts["subject"], texts["body"])
    values = entry.mapping("set")
    if not values:
        raise entry.fail(
            "set", 'an update action sets at least one field, e.g. set = { status = "Shipped" }'
        )
    checked: dict[str, str] = {}
    for name, value in values.items():
        found = resolve_field(module, name)
        if found is None or not found.is_column or name in ("id", "created_at", "modified_at"):
            entry.note("set", f"{module.label} has no field {name!r} an action can set")
            continue
        checked[found.name] = value
    return UpdateAction(checked)


def _template(entry: Entry, key: str, module: Module, schema: Schema) -> str:
    text = entry.text(key, required=key != "body", default="")
    try:
        parse_template(text, module, schema)
    except ValueError as error:
        raise entry.fail(key, str(error)) from None
    return text
