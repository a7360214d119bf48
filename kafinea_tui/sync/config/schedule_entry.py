"""A `[[schedules]]` entry of config.toml: when it runs (every or cron) and its send or pull.

Checked so that the run meets nothing new: an interval or a cron the calendar can hold, a
pull's inline `map` and saved `mapping` naming fields of its module (the saved mapping read
from the workspace's mappings folder, as the run reads it).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from croniter import CroniterError, croniter

from kafinea_tui.data.errors import KafineaError
from kafinea_tui.data.importer.plan import CsvOptions, ImportPlan
from kafinea_tui.data.importer.saved_mappings import list_mappings, load_mapping
from kafinea_tui.data.schema import Module, Schema
from kafinea_tui.sync.config.entry import Entry, Invalid
from kafinea_tui.sync.config.model import Endpoint, PullSchedule, Schedule, SendSchedule
from kafinea_tui.sync.config.schema_checks import (
    endpoint_name,
    field_names,
    filter_text,
    http_headers,
    http_url,
    module_of,
)
from kafinea_tui.sync.durations import parse_duration

SCHEDULE_KEYS = ("name", "every", "cron", "action", "enabled")
SEND_KEYS = ("type", "endpoint", "module", "filter", "since_last_run", "fields")
PULL_KEYS = (
    "type",
    "url",
    "module",
    "duplicates",
    "match",
    "mapping",
    "map",
    "headers",
    "timeout",
)
SKIPPED = ("", "-", "skip")  # a column mapped to one of these is left out (the importer's words)


def read_schedule(
    entry: Entry, schema: Schema, endpoints: dict[str, Endpoint], mappings: Path | None = None
) -> Schedule:
    e = entry.each
    name = e(lambda: entry.text("name", required=True), "")
    no_timing: tuple[float | None, str | None] = (None, None)
    every, cron = e(lambda: _timing(entry), no_timing)
    action = e(lambda: _scheduled_action(entry, schema, endpoints, mappings), None)
    enabled = e(lambda: entry.get("enabled", bool, True), True)
    entry.done(SCHEDULE_KEYS)
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
    assert cron is not None
    # Five fields, or an alias (@daily): croniter also takes six or seven, the sixth being
    # seconds, which would run "0 2 * * * *" each second of 2 a.m.
    fields = len(cron.split())
    if not croniter.is_valid(cron) or (fields != 5 and not cron.strip().startswith("@")):
        raise entry.fail(
            "cron", f"{cron!r} is not a cron expression (minute hour day month weekday)"
        )
    try:
        croniter(cron, datetime.now(UTC)).get_next(datetime)
    except (CroniterError, OverflowError):
        raise entry.fail("cron", f"{cron!r} never comes (no such date)") from None
    return None, cron


def _scheduled_action(
    entry: Entry, schema: Schema, endpoints: dict[str, Endpoint], mappings: Path | None
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
        action.done(SEND_KEYS)
        return built
    built = PullSchedule(
        url=e(lambda: http_url(action), ""),
        module=module.name,
        duplicates=e(lambda: _duplicates(action), None),
        match=e(lambda: _match(action, module), ()),
        map=e(lambda: _inline_map(action, module), {}),
        headers=e(lambda: http_headers(action), {}),
        timeout=e(lambda: action.seconds("timeout", 30.0), 30.0),
    )
    built = replace(built, mapping=e(lambda: _saved_mapping(action, module, mappings), None))
    action.done(PULL_KEYS)
    return built


def _duplicates(action: Entry) -> str | None:
    duplicates = action.get("duplicates", str, None)
    if duplicates is not None and duplicates not in ("overwrite", "merge", "ignore"):
        raise action.fail("duplicates", f"{duplicates!r} is not one of overwrite, merge, ignore")
    return duplicates


def _match(action: Entry, module: Module) -> tuple[str, ...]:
    """The fields a pull matches records on: fields of the module's own (the importer's rule,
    which refuses `id` or `items`)."""
    names = []
    for name in action.strings("match"):
        found = module.find_field(name)
        if found is None or not found.is_column:
            raise action.fail("match", f"{module.label} has no field {name!r} to match records on")
        names.append(found.name)
    return tuple(names)


def _inline_map(action: Entry, module: Module) -> dict[str, str]:
    """`map = { "Column" = "field" }`: each field one the import can map a column to, and
    each mapped once (the run refuses two columns for one field)."""
    columns = action.mapping("map")
    problem = _mapping_problem(columns, module)
    if problem is not None:
        raise action.fail("map", problem)
    return columns


def _mapping_problem(
    columns: dict[str, str], module: Module, defaults: dict[str, str] | None = None
) -> str | None:
    """What the import would refuse in this column -> field mapping (and defaults), in the
    importer's own words, or None: the mapping is checked as a file whose columns are the
    mapping's (which columns a pulled file has is known only when it comes)."""
    if all(str(wanted).strip() in SKIPPED for wanted in columns.values()):
        return None  # nothing to check; and an empty plan would be one to suggest
    from kafinea_tui.data.importer.run import plan_targets  # the importer, when a pull maps

    plan = ImportPlan(
        module=module.name,
        csv=CsvOptions(path=Path("pulled.csv")),
        mapping=dict(columns),
        defaults=dict(defaults or {}),
    )
    try:
        plan_targets(module, plan, list(columns))
    except KafineaError as error:
        return str(error).rstrip(".")
    return None


def _saved_mapping(action: Entry, module: Module, mappings: Path | None) -> str | None:
    """A saved mapping's name, once read as the run will read it: it exists, it is well
    formed, it is the module's, and its fields are the module's."""
    name = action.get("mapping", str, None)
    if name is None:
        return None
    if mappings is None:
        raise action.fail("mapping", "saved mappings need a workspace's mappings folder")
    if name.strip() not in list_mappings(mappings):
        known = ", ".join(list_mappings(mappings)) or "none"
        raise action.fail(
            "mapping", f"there is no saved mapping {name!r} (the saved mappings: {known})"
        )
    try:
        data = load_mapping(mappings, name)
    except KafineaError as error:
        raise action.fail("mapping", str(error).rstrip(".")) from None
    saved_module = data.get("module", module.name)
    if saved_module != module.name:
        raise action.fail(
            "mapping", f"the saved mapping {name!r} is for {saved_module}, not {module.name}"
        )
    saved, defaults = data.get("mapping", {}), data.get("defaults", {})
    problem = _mapping_problem(saved, module, defaults)
    inline = action.data.get("map")
    if problem is None and isinstance(inline, dict) and _mapping_problem(inline, module) is None:
        problem = _mapping_problem({**saved, **inline}, module, defaults)  # what the run maps
    if problem is None:
        problem = next(
            (
                f"{module.label} has no field {field!r} to match records on"
                for field in data.get("match", [])
                if (found := module.find_field(field)) is None or not found.is_column
            ),
            None,
        )
    if problem is not None:
        raise action.fail("mapping", f"{problem} (in the saved mapping {name!r})")
    return name
