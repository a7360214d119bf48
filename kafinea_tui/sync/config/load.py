"""Read the automation part of `config.toml` into typed objects (`model.py`).

Each entry is checked on its own: a bad one becomes one sentence naming the entry and the key
(`workflows[2].when: unknown field 'statuss' (at column 1)`), is left out, and the rest keeps
running. Entries are counted from 1, as a person counts them in the file. Filters are compiled
and templates resolved against the workspace's schema here, so that nothing found wrong at check
time can fail later at send time.
"""

from __future__ import annotations

import tomllib
import zoneinfo
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from croniter import croniter

from kafinea_tui.data.errors import FilterError, KafineaError
from kafinea_tui.data.filter.compiler import resolve_field
from kafinea_tui.data.query import compile_filter
from kafinea_tui.data.schema import Module, Schema
from kafinea_tui.sync.config.model import (
    EVENTS,
    Action,
    AutomationConfig,
    EmailAction,
    Endpoint,
    PullSchedule,
    Schedule,
    SendAction,
    SendSchedule,
    Smtp,
    UpdateAction,
    Workflow,
)
from kafinea_tui.sync.durations import parse_duration
from kafinea_tui.sync.templates import parse_template

T = TypeVar("T")


class Invalid(Exception):
    """One key of one entry is wrong; the message already names them."""


class Entry:
    """Typed access to one table of the config, naming `where` in every error."""

    def __init__(self, where: str, data: Any) -> None:
        if not isinstance(data, dict):
            raise Invalid(f"{where}: expected a table, not {type(data).__name__}")
        self.where = where
        self.data: dict[str, Any] = data

    def fail(self, key: str, message: str) -> Invalid:
        return Invalid(f"{self.where}.{key}: {message}")

    def get(self, key: str, kind: type[T], default: T | None = None, required: bool = False) -> T:
        if key not in self.data:
            if required:
                raise Invalid(f"{self.where}: missing key {key!r}")
            return default  # type: ignore[return-value]
        value = self.data[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.fail(key, f"expected {_KIND_WORDS.get(kind, kind.__name__)}, not {value!r}")
        return value

    def text(self, key: str, required: bool = False, default: str | None = None) -> str:
        value = self.get(key, str, default, required)
        if required and not str(value).strip():
            raise self.fail(key, "must not be empty")
        return value

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.get(key, list, [])
        if not all(isinstance(v, str) for v in value):
            raise self.fail(key, "expected a list of strings")
        return tuple(value)

    def mapping(self, key: str) -> dict[str, str]:
        value = self.get(key, dict, {})
        if not all(isinstance(v, str) for v in value.values()):
            raise self.fail(key, "expected a table of strings")
        return dict(value)

    def choice(self, key: str, choices: tuple[str, ...], default: str | None = None) -> str:
        value = self.text(key, required=default is None, default=default)
        if value not in choices:
            raise self.fail(key, f"{value!r} is not one of {', '.join(choices)}")
        return value


_KIND_WORDS: dict[type, str] = {
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "true or false",
    list: "a list",
    dict: "a table",
}


def read_config(path: Path, schema: Schema) -> AutomationConfig:
    """The config file's automation, or an empty one with the syntax error as its error."""
    if not path.is_file():
        return AutomationConfig()
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        return AutomationConfig(errors=(f"{path.name} is not valid TOML: {error}",))
    except OSError as error:
        return AutomationConfig(errors=(f"{path} cannot be read: {error.strerror or error}",))
    return parse_config(data, schema)


def parse_config(data: dict[str, Any], schema: Schema) -> AutomationConfig:
    errors: list[str] = []
    timezone = data.get("timezone")
    if timezone is not None:
        try:
            zoneinfo.ZoneInfo(str(timezone))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            errors.append(f"timezone: unknown time zone {timezone!r}")
            timezone = None
    smtp = _one(errors, _smtp, Entry, "smtp", data["smtp"]) if "smtp" in data else None
    endpoints: dict[str, Endpoint] = {}
    for n, raw in enumerate(_array(data, "endpoints", errors), 1):
        endpoint = _one(errors, _endpoint, Entry, f"endpoints[{n}]", raw)
        if endpoint is not None:
            if endpoint.name in endpoints:
                errors.append(f"endpoints[{n}].name: {endpoint.name!r} is named twice")
            endpoints[endpoint.name] = endpoint
    names = set(endpoints)
    workflows: list[Workflow] = []
    for n, raw in enumerate(_array(data, "workflows", errors), 1):
        workflow = _one(errors, _workflow, Entry, f"workflows[{n}]", raw, schema, names, smtp)
        if workflow is not None:
            workflows.append(workflow)
    schedules: list[Schedule] = []
    for n, raw in enumerate(_array(data, "schedules", errors), 1):
        schedule = _one(errors, _schedule, Entry, f"schedules[{n}]", raw, schema, endpoints)
        if schedule is not None:
            schedules.append(schedule)
    _twice(errors, "workflows", [w.name for w in workflows])
    _twice(errors, "schedules", [s.name for s in schedules])
    return AutomationConfig(
        timezone, smtp, endpoints, tuple(workflows), tuple(schedules), tuple(errors)
    )


def _one(
    errors: list[str], build: Callable[..., T], entry: type[Entry], where: str, raw: Any, *rest: Any
) -> T | None:
    """`build(Entry(where, raw), *rest)`, or None with its sentence added to `errors`."""
    try:
        return build(entry(where, raw), *rest)
    except Invalid as error:
        errors.append(str(error))
        return None


def _array(data: dict[str, Any], key: str, errors: list[str]) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        errors.append(f"{key}: expected an array of tables ([[{key}]])")
        return []
    return value


def _twice(errors: list[str], key: str, names: list[str]) -> None:
    for name in sorted({n for n in names if names.count(n) > 1}):
        errors.append(f"{key}: the name {name!r} is used twice; names tell entries apart")


def _smtp(entry: Entry) -> Smtp:
    return Smtp(
        host=entry.text("host", required=True),
        port=entry.get("port", int, 25),
        sender=entry.text("sender", default="kafinea@localhost"),
        username=entry.get("username", str, None),
        password=entry.get("password", str, None),
        starttls=entry.get("starttls", bool, False),
        timeout=entry.get("timeout", float, 10.0),
        retries=entry.get("retries", int, 5),
        backoff=entry.get("backoff", float, 2.0),
    )


def _endpoint(entry: Entry) -> Endpoint:
    url = entry.text("url", required=True)
    if not url.startswith(("http://", "https://")):
        raise entry.fail("url", f"{url!r} is not an http:// or https:// address")
    secret = entry.get("secret", str, None)
    if secret is not None:
        from kafinea_tui.sync.signing import decode_secret

        try:
            decode_secret(secret)
        except ValueError as error:
            raise entry.fail("secret", str(error)) from None
    retries = entry.get("retries", int, 5)
    if not 0 <= retries <= 100:
        raise entry.fail("retries", f"between 0 and 100, not {retries}")
    return Endpoint(
        name=entry.text("name", required=True),
        url=url,
        headers=entry.mapping("headers"),
        secret=secret,
        format=entry.choice("format", ("json", "csv"), "json"),  # type: ignore[arg-type]
        retries=retries,
        timeout=entry.get("timeout", float, 10.0),
        backoff=entry.get("backoff", float, 2.0),
    )


def _module(entry: Entry, schema: Schema) -> Module:
    name = entry.text("module", required=True)
    try:
        return schema.module(name)
    except KeyError as error:
        raise entry.fail("module", str(error.args[0])) from None


def _check_filter(entry: Entry, key: str, module: Module, schema: Schema) -> str:
    text = entry.text(key, default="")
    try:
        compile_filter(text, module, schema)
    except FilterError as error:
        raise entry.fail(key, f"{error.reason} (at column {error.position + 1})") from None
    except KafineaError as error:
        raise entry.fail(key, str(error)) from None
    return text


def _fields(entry: Entry, key: str, module: Module) -> tuple[str, ...]:
    names = []
    for name in entry.strings(key):
        found = resolve_field(module, name)
        if found is None:
            raise entry.fail(key, f"{module.label} has no field {name!r}")
        names.append(found.name)
    return tuple(names)


def _workflow(entry: Entry, schema: Schema, endpoints: set[str], smtp: Smtp | None) -> Workflow:
    module = _module(entry, schema)
    on = entry.choice("on", tuple(EVENTS), "create_or_update")
    when = _check_filter(entry, "when", module, schema)
    changed = _fields(entry, "changed", module)
    raw_actions = entry.get("actions", list, required=True)
    if not raw_actions:
        raise entry.fail("actions", "the workflow has no action")
    actions = tuple(
        _action(Entry(f"{entry.where}.actions[{n}]", raw), module, schema, endpoints, smtp)
        for n, raw in enumerate(raw_actions, 1)
    )
    return Workflow(
        name=entry.text("name", required=True),
        module=module.name,
        on=on,
        when=when,
        changed=changed,
        actions=actions,
        enabled=entry.get("enabled", bool, True),
    )


def _action(
    entry: Entry, module: Module, schema: Schema, endpoints: set[str], smtp: Smtp | None
) -> Action:
    kind = entry.choice("type", ("send", "email", "update"))
    if kind == "send":
        name = entry.text("endpoint", required=True)
        if name not in endpoints:
            known = ", ".join(sorted(endpoints)) or "none"
            raise entry.fail("endpoint", f"unknown endpoint {name!r} (the endpoints: {known})")
        return SendAction(endpoint=name, fields=_fields(entry, "fields", module))
    if kind == "email":
        if smtp is None:
            raise entry.fail("type", "an email action needs an [smtp] table")
        texts = {
            k: entry.text(k, required=k != "body", default="") for k in ("to", "subject", "body")
        }
        for key, text in texts.items():
            try:
                parse_template(text, module, schema)
            except ValueError as error:
                raise entry.fail(key, str(error)) from None
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
            raise entry.fail("set", f"{module.label} has no field {name!r} an action can set")
        checked[found.name] = value
    return UpdateAction(checked)


def _schedule(entry: Entry, schema: Schema, endpoints: dict[str, Endpoint]) -> Schedule:
    every_text = entry.get("every", str, None)
    cron = entry.get("cron", str, None)
    if (every_text is None) == (cron is None):
        raise Invalid(f'{entry.where}: give either every = "5m" or cron = "0 2 * * *"')
    every = None
    if every_text is not None:
        try:
            every = parse_duration(every_text)
        except ValueError as error:
            raise entry.fail("every", str(error)) from None
    if cron is not None and not croniter.is_valid(cron):
        raise entry.fail(
            "cron", f"{cron!r} is not a cron expression (minute hour day month weekday)"
        )
    action = Entry(f"{entry.where}.action", entry.get("action", dict, required=True))
    module = _module(action, schema)
    kind = action.choice("type", ("send", "pull"))
    built: SendSchedule | PullSchedule
    if kind == "send":
        name = action.text("endpoint", required=True)
        if name not in endpoints:
            raise action.fail("endpoint", f"unknown endpoint {name!r}")
        built = SendSchedule(
            endpoint=name,
            module=module.name,
            filter=_check_filter(action, "filter", module, schema),
            since_last_run=action.get("since_last_run", bool, False),
            fields=_fields(action, "fields", module),
            format=endpoints[name].format,
        )
    else:
        url = action.text("url", required=True)
        if not url.startswith(("http://", "https://")):
            raise action.fail("url", f"{url!r} is not an http:// or https:// address")
        duplicates = action.get("duplicates", str, None)
        if duplicates is not None and duplicates not in ("overwrite", "merge", "ignore"):
            raise action.fail(
                "duplicates", f"{duplicates!r} is not one of overwrite, merge, ignore"
            )
        built = PullSchedule(
            url=url,
            module=module.name,
            duplicates=duplicates,
            match=_fields(action, "match", module),
            mapping=action.get("mapping", str, None),
            map=action.mapping("map"),
            headers=action.mapping("headers"),
            timeout=action.get("timeout", float, 30.0),
        )
    return Schedule(
        name=entry.text("name", required=True),
        action=built,
        every=every,
        cron=cron,
        enabled=entry.get("enabled", bool, True),
    )
