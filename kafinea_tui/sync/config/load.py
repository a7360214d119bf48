"""Read the automation part of `config.toml` into typed objects (`model.py`).

Each entry is checked on its own: each mistake in it becomes one sentence naming the entry and
the key (`workflows[2].when: unknown field 'statuss' (at column 1)`), all of them at once (a key
that the others depend on, as a workflow's module, is said alone), the entry is left out, and
the rest keeps running. Entries are counted from 1, as a person counts them in the file.
Filters are compiled and templates resolved against the workspace's schema (workflow_entry.py,
schedule_entry.py), and a pull's saved mapping read from the workspace's mappings folder, so
that nothing found wrong at check time can fail later at send time. A key no table knows (a
misspelt `chnaged`, a `[[workflow]]` table) is a mistake too: ignored, its entry ran without it.
"""

from __future__ import annotations

import tomllib
import zoneinfo
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from kafinea_tui.data.schema import Schema
from kafinea_tui.sync.config.entry import Entry, Invalid
from kafinea_tui.sync.config.model import (
    AutomationConfig,
    Endpoint,
    Format,
    Schedule,
    Smtp,
    Workflow,
)
from kafinea_tui.sync.config.schedule_entry import read_schedule
from kafinea_tui.sync.config.schema_checks import http_headers, http_url
from kafinea_tui.sync.config.workflow_entry import read_workflow
from kafinea_tui.sync.templates import addresses, header_text
from kafinea_tui.workspace import MAPPINGS_DIR

T = TypeVar("T")

# config.toml's top level: the automation's keys and tables, and the app's (workspace.py, keys.py).
TOP_KEYS = ("timezone", "locale")
TOP_TABLES = ("smtp", "endpoints", "workflows", "schedules", "keymap")
_ARRAYS = ("endpoints", "workflows", "schedules")  # of tables: [[endpoints]]
SMTP_KEYS = (
    "host",
    "port",
    "sender",
    "username",
    "password",
    "starttls",
    "timeout",
    "retries",
    "backoff",
)
ENDPOINT_KEYS = ("name", "url", "headers", "secret", "format", "retries", "timeout", "backoff")


def read_config(path: Path, schema: Schema, mappings: Path | None = None) -> AutomationConfig:
    """The config file's automation, or an empty one with the syntax error as its error.
    A pull's saved mapping is looked for in `mappings`, by default the `mappings/` folder
    beside the file (the workspace's)."""
    data, problem = read_toml(path)
    if problem is not None:
        return AutomationConfig(errors=(problem,))
    return parse_config(
        data, schema, path.with_name(MAPPINGS_DIR) if mappings is None else mappings
    )


def read_toml(path: Path) -> tuple[dict[str, Any], str | None]:
    """The file's data ({} when there is none), or the sentence saying why it cannot be read
    (a syntax error with its line and column)."""
    if not path.is_file():
        return {}, None
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle), None
    except tomllib.TOMLDecodeError as error:
        return {}, f"{path.name} is not valid TOML: {error}"
    except OSError as error:
        return {}, f"{path} cannot be read: {error.strerror or error}"


def parse_config(
    data: dict[str, Any], schema: Schema, mappings: Path | None = None
) -> AutomationConfig:
    """`data` (config.toml's) read; `mappings` is the workspace's folder of saved mappings
    (without it, a pull naming one is a mistake: there is nowhere to find it)."""
    errors: list[str] = _unknown_top_level(data)
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
        workflow = _one(errors, read_workflow, Entry, f"workflows[{n}]", raw, schema, names, smtp)
        if workflow is not None:
            workflows.append(workflow)
    schedules: list[Schedule] = []
    for n, raw in enumerate(_array(data, "schedules", errors), 1):
        where = f"schedules[{n}]"
        schedule = _one(errors, read_schedule, Entry, where, raw, schema, endpoints, mappings)
        if schedule is not None:
            schedules.append(schedule)
    _twice(errors, "workflows", [w.name for w in workflows])
    _twice(errors, "schedules", [s.name for s in schedules])
    return AutomationConfig(
        timezone, smtp, endpoints, tuple(workflows), tuple(schedules), tuple(errors)
    )


def _unknown_top_level(data: dict[str, Any]) -> list[str]:
    """A sentence for each top-level key or table that config.toml does not know."""
    tables = ", ".join(f"[[{t}]]" if t in _ARRAYS else f"[{t}]" for t in TOP_TABLES)
    found = []
    for key, value in data.items():
        if key in TOP_KEYS or key in TOP_TABLES:
            continue
        is_table = isinstance(value, dict) or (
            isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)
        )
        if is_table:
            found.append(
                f"{key}: unknown table; the tables are {tables}"
                f" (and the keys {', '.join(TOP_KEYS)})"
            )
        else:
            found.append(
                f"{key}: unknown key; the top-level keys are {', '.join(TOP_KEYS)},"
                f" and the tables {tables}"
            )
    return found


def _one(
    errors: list[str], build: Callable[..., T], entry: type[Entry], where: str, raw: Any, *rest: Any
) -> T | None:
    """`build(Entry(where, raw), *rest)`, or None with its sentences added to `errors`."""
    try:
        return build(entry(where, raw), *rest)
    except Invalid as error:
        errors.extend(str(m) for m in error.args)
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
    e = entry.each
    smtp = Smtp(
        host=e(lambda: entry.text("host", required=True), ""),
        port=e(lambda: entry.get("port", int, 25), 25),
        sender=e(lambda: _sender(entry), ""),
        username=e(lambda: entry.get("username", str, None), None),
        password=e(lambda: entry.get("password", str, None), None),
        starttls=e(lambda: entry.get("starttls", bool, False), False),
        timeout=e(lambda: entry.seconds("timeout", 10.0), 10.0),
        retries=e(lambda: _retries(entry), 5),
        backoff=e(lambda: entry.seconds("backoff", 2.0), 2.0),
    )
    entry.done(SMTP_KEYS)
    return smtp


def _sender(entry: Entry) -> str:
    """One email address, with a display name or not: the From of every email."""
    sender = entry.text("sender", default="kafinea@localhost")
    # header_text changes a sender with a line break, or spaces around it: not an address.
    found = addresses(sender) if header_text(sender) == sender else None
    if found is None or len(found) != 1:
        raise entry.fail(
            "sender",
            f"{sender!r} is not an email address"
            " (e.g. orders@example.com or Orders <orders@example.com>)",
        )
    return sender


def _endpoint(entry: Entry) -> Endpoint:
    e = entry.each
    endpoint = Endpoint(
        name=e(lambda: entry.text("name", required=True), ""),
        url=e(lambda: http_url(entry), ""),
        headers=e(lambda: http_headers(entry), {}),
        secret=e(lambda: _secret(entry), None),
        format=e(lambda: _format(entry), "json"),
        retries=e(lambda: _retries(entry), 5),
        timeout=e(lambda: entry.seconds("timeout", 10.0), 10.0),
        backoff=e(lambda: entry.seconds("backoff", 2.0), 2.0),
    )
    entry.done(ENDPOINT_KEYS)
    return endpoint


def _format(entry: Entry) -> Format:
    return "csv" if entry.choice("format", ("json", "csv"), "json") == "csv" else "json"


def _secret(entry: Entry) -> str | None:
    secret = entry.get("secret", str, None)
    if secret is not None:
        from kafinea_tui.sync.signing import decode_secret

        try:
            decode_secret(secret)
        except ValueError as error:
            raise entry.fail("secret", str(error)) from None
    return secret


def _retries(entry: Entry) -> int:
    retries = entry.get("retries", int, 5)
    if not 0 <= retries <= 100:
        raise entry.fail("retries", f"between 0 and 100, not {retries}")
    return retries
