"""The typed client's plumbing and its administration calls (past imports, undo, fields,
tokens, the automation routes, mass edits and deletes), apart from client.py to keep each file
short.
`Client` inherits `Administration`; use it through `kafinea_tui.client.Client`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import IO, Any
from urllib.parse import quote

import httpx

from kafinea_tui.sync.client.automation import (
    ConfigSaved,
    Delivery,
    DeliveryPage,
    ScheduleRun,
    ScheduleState,
    WorkflowState,
)

BASE = "/api/v1"
AUTOMATION = f"{BASE}/automation"
VERSION_HEADER = "Kafinea-Version"
COUNT_HEADER = "Kafinea-Count"
Params = list[tuple[str, str | int | float | bool | None]]


class ApiError(Exception):
    """An error answer: `status` (400, 401, 403, 404, 413, 422, 507...) and the `sentence`;
    `position` is where a filter expression went wrong (0-based), when that was the error."""

    def __init__(
        self,
        status: int,
        sentence: str,
        position: int | None = None,
        expression: str | None = None,
    ) -> None:
        super().__init__(f"{status}: {sentence}")
        self.status = status
        self.sentence = sentence
        self.position = position
        self.expression = expression  # the filter expression, with `position`


class Administration:
    """The calls the CLI makes through a workspace's owner, beside the records' calls."""

    http: httpx.Client

    def get_json(self, url: str, params: Params | None = None) -> Any:
        return _checked(self.http.get(url, params=params or []))

    def post_json(self, url: str, body: Any, params: Params | None = None) -> Any:
        return _checked(self.http.post(url, params=params or [], json=body))

    def imports(self) -> list[dict[str, Any]]:
        """Past imports (and mass edits), newest first, as `kafinea-tui imports --json`."""
        return list(self.get_json(f"{BASE}/imports"))

    def undo(self, batch: int, preview: bool = False) -> dict[str, Any]:
        """Undo a batch (`preview`: only say what it would do); the undo's report."""
        url = f"{BASE}/imports/{int(batch)}/undo"
        return dict(self.get_json(url) if preview else _checked(self.http.post(url)))

    def fields(self, module: str) -> list[dict[str, Any]]:
        return list(self.get_json(f"{BASE}/{module}/fields"))

    def add_field(
        self, module: str, label: str, type: str, values: Sequence[str] = ()
    ) -> dict[str, Any]:
        body = {"label": label, "type": type, "values": list(values)}
        return dict(_checked(self.http.post(f"{BASE}/{module}/fields", json=body)))

    def layouts(self) -> dict[str, dict[str, list[str]]]:
        """Each arranged module's list layout: `{"contacts": {"order": [..], "hidden": [..]}}`."""
        return dict(self.get_json(f"{BASE}/layouts"))

    def save_layout(
        self, module: str, order: Sequence[str], hidden: Sequence[str] = ()
    ) -> dict[str, list[str]]:
        """Keep the module's list columns: every field in `order`, those `hidden` not shown."""
        body = {"order": list(order), "hidden": list(hidden)}
        return dict(_checked(self.http.put(f"{BASE}/{module}/layout", json=body)))

    def tokens(self) -> list[dict[str, Any]]:
        return list(self.get_json(f"{BASE}/tokens"))

    def create_token(self, name: str, read_only: bool = False) -> dict[str, Any]:
        """{"name", "read_only", "created_at", "token"}: the only time the token is shown."""
        body = {"name": name, "read_only": read_only}
        return dict(_checked(self.http.post(f"{BASE}/tokens", json=body)))

    def revoke_token(self, name: str) -> None:
        _checked(self.http.delete(f"{BASE}/tokens/{quote(name, safe='')}"))

    def automation_check(self) -> dict[str, Any]:
        return dict(self.get_json(f"{BASE}/automation/check"))

    def deliveries(
        self, status: str | None = None, limit: int | None = None, offset: int | None = None
    ) -> DeliveryPage:
        """Outbox deliveries, newest first; `status`: pending, sending, delivered or failed."""
        params = _params(status=status, limit=limit, offset=offset)
        page = self.get_json(f"{AUTOMATION}/deliveries", params)
        found = [Delivery.from_json(d) for d in page["deliveries"]]
        return DeliveryPage(int(page["total"]), found)

    def retry_delivery(self, delivery_id: int) -> Delivery:
        """Send a failed (or waiting) delivery again, with the same webhook-id; 409 when it
        was delivered or is in flight."""
        url = f"{AUTOMATION}/deliveries/{int(delivery_id)}/retry"
        return Delivery.from_json(_checked(self.http.post(url)))

    def schedules(self) -> list[ScheduleState]:
        """Each schedule: when, next run, last run and its result."""
        found = self.get_json(f"{AUTOMATION}/schedules")["schedules"]
        return [ScheduleState.from_json(s) for s in found]

    def run_schedule(self, name: str) -> ScheduleRun:
        """Run a schedule now and wait for its result; 409 when it is running already."""
        url = f"{AUTOMATION}/schedules/{quote(name, safe='')}/run"
        return ScheduleRun.from_json(_checked(self.http.post(url)))

    def workflows(self) -> list[WorkflowState]:
        """The workflows with their rules, when each last fired and for how many records."""
        found = self.get_json(f"{AUTOMATION}/workflows")["workflows"]
        return [WorkflowState.from_json(w) for w in found]

    def automation_status(self) -> dict[str, Any]:
        """The owner's engine: {"running", "pid", "started_at", "errors", "deliveries"}."""
        return dict(self.get_json(f"{AUTOMATION}/status"))

    def endpoints(self) -> list[dict[str, Any]]:
        """config.toml's endpoints: name, url, format, retries, signed, header names."""
        return list(self.get_json(f"{AUTOMATION}/endpoints"))

    def test_endpoint(self, name: str) -> int:
        """Queue a sample delivery to the endpoint; its delivery id."""
        url = f"{AUTOMATION}/endpoints/{quote(name, safe='')}/test"
        return int(_checked(self.http.post(url))["delivery"])

    def set_enabled(self, kind: str, name: str, enabled: bool) -> dict[str, Any]:
        """Turn a workflow or a schedule (`kind`) on or off in the server's config.toml."""
        url = f"{AUTOMATION}/{kind}s/{quote(name, safe='')}"
        return dict(_checked(self.http.patch(url, json={"enabled": enabled})))

    def add_endpoint(self, fields: Mapping[str, Any]) -> ConfigSaved:
        """Add an endpoint (`fields`: name, url, secret, format, retries, timeout, headers) to
        the server's config.toml; a name used twice is refused (ApiError 400)."""
        url = f"{AUTOMATION}/endpoints"
        return ConfigSaved.from_json(_checked(self.http.post(url, json=dict(fields))))

    def save_endpoint(self, name: str, fields: Mapping[str, Any]) -> ConfigSaved:
        """Add the endpoint `name` to the server's config.toml, or edit it (a rename: the new
        name in `fields`); a key left out keeps the server's value, None removes it. A refused
        edit is ApiError 400 with the config check's sentence."""
        url = f"{AUTOMATION}/endpoints/{quote(name, safe='')}"
        return ConfigSaved.from_json(_checked(self.http.put(url, json=dict(fields))))

    def add_config_entry(self, kind: str, text: str) -> ConfigSaved:
        """Add a workflow or a schedule (`kind`: workflows or schedules), `text` its TOML
        keys, to the server's config.toml, checked as `automation check` checks it."""
        headers = {"Content-Type": "text/plain; charset=utf-8"}
        answer = self.http.post(f"{AUTOMATION}/{kind}", content=text.encode(), headers=headers)
        return ConfigSaved.from_json(_checked(answer))

    def reload_config(self) -> dict[str, Any]:
        """The server reads config.toml again: {"running", "errors"}."""
        return dict(_checked(self.http.post(f"{AUTOMATION}/reload")))

    def update_many(
        self, module: str, selection: Mapping[str, Any], values: Mapping[str, Any], **options: Any
    ) -> dict[str, Any]:
        """Mass edit: set `values` on the records `selection` names (`{"ids": [..]}` or
        `{"filter": .., "search": ..}`); options `dry_run`, `date_format`, `decimal`. The
        report of `update --json`."""
        body = {**selection, "values": dict(values)}
        return dict(self.post_json(f"{BASE}/{module}/update", body, _params(**options)))

    def delete_many(
        self, module: str, selection: Mapping[str, Any], **options: Any
    ) -> dict[str, Any]:
        """Mass delete of the records `selection` names (option `dry_run`); the report of
        `delete --json`."""
        return dict(self.post_json(f"{BASE}/{module}/delete", dict(selection), _params(**options)))


def _params(**options: Any) -> Params:
    """Options as query parameters: lists repeat, mappings become KEY=VALUE items, booleans
    are flags (true only), None is left out."""
    params: Params = []
    for name, value in options.items():
        if value is None or value is False:
            continue
        if value is True:
            params.append((name, "true"))
        elif isinstance(value, Mapping):
            params.extend((name, f"{k}={v}") for k, v in value.items())
        elif isinstance(value, Iterable) and not isinstance(value, str | bytes):
            params.extend((name, str(v)) for v in value)
        else:
            params.append((name, str(value)))
    return params


def _chunks(handle: IO[bytes]) -> Iterator[bytes]:
    while chunk := handle.read(1 << 20):
        yield chunk


def _same_version(answer: httpx.Response, version: str) -> None:
    theirs = answer.headers.get(VERSION_HEADER)
    if theirs != version and answer.status_code != 409:
        answer.read()
        raise ApiError(
            409,
            f"The server runs kafinea-tui {theirs or 'of an older version'} and this is "
            f"kafinea-tui {version}; use the same version on both sides.",
        )


def _checked(answer: httpx.Response) -> Any:
    if answer.is_error:
        raise _error(answer)
    return answer.json()


def _error(answer: httpx.Response) -> ApiError:
    try:
        body = answer.json()
        sentence = str(body["error"])
        position, expression = body.get("position"), body.get("expression")
    except (ValueError, KeyError, TypeError):
        sentence, position, expression = answer.text.strip() or answer.reason_phrase, None, None
    return ApiError(answer.status_code, sentence, position, expression)
