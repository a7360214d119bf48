"""Checks of an entry's keys against the workspace's schema, shared by workflows and
schedules: an endpoint, a module, a filter (compiled as the engine will), field names, an http(s) address."""

from __future__ import annotations

import re
from collections.abc import Collection

from kafinea_tui.data.errors import FilterError, KafineaError
from kafinea_tui.data.filter.compiler import resolve_field
from kafinea_tui.data.query import compile_filter
from kafinea_tui.data.schema import Module, Schema
from kafinea_tui.sync.config.entry import Entry


def http_url(entry: Entry) -> str:
    url = entry.text("url", required=True)
    if not url.startswith(("http://", "https://")):
        raise entry.fail("url", f"{url!r} is not an http:// or https:// address")
    return url


_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # an HTTP header's name (RFC 9110)
_VALUE = re.compile(r"[\x20-\x7e\t]*")  # what every HTTP library sends as it is


def http_headers(entry: Entry, key: str = "headers") -> dict[str, str]:
    """Headers to send: names HTTP allows, and values of visible ASCII (a line break or an
    accent failed every attempt at send time, which the check is there to spare)."""
    headers = entry.mapping(key)
    for name, value in headers.items():
        if not _TOKEN.fullmatch(name):
            raise entry.fail(key, f"{name!r} is not a header name (letters, digits and -)")
        if not _VALUE.fullmatch(value):
            raise entry.fail(
                key, f"the value of {name} holds a line break, a control or a non-ASCII character"
            )
    return headers


def endpoint_name(entry: Entry, endpoints: Collection[str]) -> str:
    """The name of an endpoint that config.toml declares; the sentence lists them, since the
    usual mistake is a misspelt one."""
    name = entry.text("endpoint", required=True)
    if name not in endpoints:
        known = ", ".join(sorted(endpoints)) or "none"
        raise entry.fail("endpoint", f"unknown endpoint {name!r} (the endpoints: {known})")
    return name


def module_of(entry: Entry, schema: Schema) -> Module:
    name = entry.text("module", required=True)
    try:
        return schema.module(name)
    except KeyError as error:
        raise entry.fail("module", str(error.args[0])) from None


def filter_text(entry: Entry, key: str, module: Module, schema: Schema) -> str:
    text = entry.text(key, default="")
    try:
        compile_filter(text, module, schema)
    except FilterError as error:
        raise entry.fail(key, f"{error.reason} (at column {error.position + 1})") from None
    except KafineaError as error:
        raise entry.fail(key, str(error)) from None
    return text


def field_names(entry: Entry, key: str, module: Module) -> tuple[str, ...]:
    names = []
    for name in entry.strings(key):
        found = resolve_field(module, name)
        if found is None:
            raise entry.fail(key, f"{module.label} has no field {name!r}")
        names.append(found.name)
    return tuple(names)
