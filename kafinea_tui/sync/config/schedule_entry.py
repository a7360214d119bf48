"""A `[[schedules]]` entry of config.toml: when it runs (every or cron) and its send or pull."""

from __future__ import annotations

from dataclasses import replace

from croniter import croniter

from kafinea_tui.data.schema import Schema
from kafinea_tui.sync.config.entry import Entry, Invalid
from kafinea_tui.sync.config.model import Endpoint, PullSchedule, Schedule, SendSchedule
from kafinea_tui.sync.config.schema_checks import (
    endpoint_name,
    field_names,
    filter_text,
    http_url,
    module_of,
)
from kafinea_tui.sync.durations import parse_duration


def read_schedule(entry: Entry, schema: Schema, endpoints: dict[str, Endpoint]) -> Schedule:
    e = entry.each
    name = e(lambda: entry.text("name", required=True), "")
    no_timing: tuple[float | None, str | None] = (None, None)
    every, cron = e(lambda: _timing(entry), no_timing)
    action = e(lambda: _scheduled_action(entry, schema, endpoints), None)
    enabled = e(lambda: entry.get("enabled", bool, True), True)
    entry.done()
    assert action is not None  # `done` raised otherwise
    return Schedule(name=name, action=action, every=every, cron=cron, enabled=enabled)


def _timing(entry: Entry) -> tuple[float | None, str | None]:
    """(every in seconds, None) or (None, a cron expression)."""
    every_text = entry.get("every", str, None)
    cron = entry.get("cron", str, None)
    if (every_text is None) == (cron is None):
        raise Invalid(f'{entry.where}: give either every = "5m" or cron = "0 2 * * *"')
    if every_text is not None:
        try:
            return parse_duration(every_text), None
        except ValueError as error:
            raise entry.fail("every", str(error)) from None
    if cron is not None and not croniter.is_valid(cron):
        raise entry.fail(
            "cron", f"{cron!r} is not a cron expression (minute hour day month weekday)"
        )
    return None, cron


def _scheduled_action(
    entry: Entry, schema: Schema, endpoints: dict[str, Endpoint]
) -> SendSchedule | PullSchedule:
    action = Entry(f"{entry.where}.action", entry.get("action", dict, required=True))
    module = module_of(action, schema)  # what the other keys are checked against
    kind = action.choice("type", ("send", "pull"))
    e = action.each
    built: SendSchedule | PullSchedule
    if kind == "send":
        built = SendSchedule(
            endpoint=e(lambda: endpoint_name(action, endpoints), ""),
            module=module.name,
            filter=e(lambda: filter_text(action, "filter", module, schema), ""),
            since_last_run=e(lambda: action.get("since_last_run", bool, False), False),
            fields=e(lambda: field_names(action, "fields", module), ()),
        )
        if built.endpoint:
            built = replace(built, format=endpoints[built.endpoint].format)
    else:
        built = PullSchedule(
            url=e(lambda: http_url(action), ""),
            module=module.name,
            duplicates=e(lambda: _duplicates(action), None),
            match=e(lambda: field_names(action, "match", module), ()),
            mapping=e(lambda: action.get("mapping", str, None), None),
            map=e(lambda: action.mapping("map"), {}),
            headers=e(lambda: action.mapping("headers"), {}),
            timeout=e(lambda: action.seconds("timeout", 30.0), 30.0),
        )
    action.done()
    return built


def _duplicates(action: Entry) -> str | None:
    duplicates = action.get("duplicates", str, None)
    if duplicates is not None and duplicates not in ("overwrite", "merge", "ignore"):
        raise action.fail("duplicates", f"{duplicates!r} is not one of overwrite, merge, ignore")
    return duplicates
