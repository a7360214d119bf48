"""Adding or editing an endpoint from the sync panel: the form's text in, config.toml out.

The form holds text; `entry_of` turns it into the TOML table `[[endpoints]]` holds, and
`save_endpoint` puts that table in config.toml only when the whole file then reads as
`kafinea-tui automation check` reads it (the same `parse_config`) with no new error: a bad URL
or secret, a name used twice, or a rename that leaves a workflow naming the old endpoint is a
sentence, and the file is left as it was. Keys the form does not show (`backoff`, a user's
own) are kept; a field emptied in the form removes its key (its default applies).
tomli-w writes data, not text: the file's comments do not survive a save (the form says so).
"""

from __future__ import annotations

import base64
import copy
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kafinea_tui.data.errors import KafineaError
from kafinea_tui.data.schema import Schema
from kafinea_tui.sync.config.load import parse_config
from kafinea_tui.sync.config.model import Endpoint
from kafinea_tui.sync.config.write import load, save
from kafinea_tui.workspace import MAPPINGS_DIR

FORMATS = ("json", "csv")


@dataclass(frozen=True)
class EndpointForm:
    """The form's fields as typed; `headers` one `Name: value` a line."""

    name: str = ""
    url: str = ""
    secret: str = ""
    format: str = "json"
    retries: str = ""
    timeout: str = ""
    headers: str = ""

    @classmethod
    def of(cls, endpoint: Endpoint) -> EndpointForm:
        return cls(
            name=endpoint.name,
            url=endpoint.url,
            secret=endpoint.secret or "",
            format=endpoint.format,
            retries=str(endpoint.retries),
            timeout=f"{endpoint.timeout:g}",
            headers="\n".join(f"{k}: {v}" for k, v in endpoint.headers.items()),
        )


def new_secret() -> str:
    """A fresh signing secret, as Standard Webhooks writes them: `whsec_` and 24 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode("ascii")


def entry_of(form: EndpointForm) -> dict[str, Any]:
    """The `[[endpoints]]` table of the form; empty fields are left out (None)."""
    entry: dict[str, Any] = {
        "name": form.name.strip(),
        "url": form.url.strip(),
        "secret": form.secret.strip() or None,
        "format": form.format if form.format != "json" else None,
        "retries": _number(form.retries, "retries", int),
        "timeout": _number(form.timeout, "timeout", float),
        "headers": _headers(form.headers) or None,
    }
    return entry


def _number(text: str, key: str, kind: type[int] | type[float]) -> int | float | None:
    text = text.strip()
    if not text:
        return None
    try:
        return kind(text)
    except ValueError:
        words = "a whole number" if kind is int else "a number of seconds"
        raise KafineaError(f"{key}: {words}, not {text!r}.") from None


def _headers(text: str) -> dict[str, str]:
    headers: dict[str, str] = {}
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        name, colon, value = line.partition(":")
        if not colon or not name.strip() or any(c.isspace() for c in name.strip()):
            raise KafineaError(
                f"headers, line {n}: write one header a line as Name: value, not {line.strip()!r}."
            )
        headers[name.strip()] = value.strip()
    return headers


def save_endpoint(path: Path, schema: Schema, entry: dict[str, Any], old_name: str | None) -> str:
    """Add the endpoint (`old_name` None) or replace the one named `old_name`, then save;
    KafineaError with the check's sentences when the config would gain an error."""
    data = load(path)
    mappings = path.with_name(MAPPINGS_DIR)  # a pull's saved mappings, read as the check reads them
    before = set(parse_config(copy.deepcopy(data), schema, mappings).errors)
    endpoints = data.setdefault("endpoints", [])
    if not isinstance(endpoints, list):
        raise KafineaError("config.toml: endpoints is not an array of tables ([[endpoints]]).")
    index = _index(endpoints, old_name)
    if index is None:
        table: dict[str, Any] = {}
        endpoints.append(table)
        index = len(endpoints) - 1
    else:
        table = endpoints[index]
    for key, value in entry.items():
        if value is None:
            table.pop(key, None)
        else:
            table[key] = value
    where = f"endpoints[{index + 1}]"
    errors = [
        e
        for e in parse_config(data, schema, mappings).errors
        if e.startswith((f"{where}.", f"{where}:")) or e not in before
    ]
    if errors:
        raise KafineaError("Not saved: " + "; ".join(errors))
    save(path, data)
    done = "added" if old_name is None else "saved"
    return f"Endpoint {entry['name']!r} {done} in config.toml."


def _index(endpoints: list[Any], name: str | None) -> int | None:
    if name is None:
        return None
    for n, entry in enumerate(endpoints):
        if isinstance(entry, dict) and entry.get("name") == name:
            return n
    raise KafineaError(f"config.toml has no endpoint named {name!r} any more.")
