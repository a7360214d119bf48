"""A typed client of the Kafinea REST API, for scripts (and, later, the app against a server).

    from kafinea_tui.client import Client

    with Client("http://127.0.0.1:8765", token) as kafinea:
        report = kafinea.create("salesorders", {"order_number": "WEB-1", "subject": "Order"})
        feed = kafinea.changes("salesorders", since=cursor)
        for change in feed:          # every page, until `more` is false
            ...
        cursor = feed.cursor         # where the next run starts

        for delivery in kafinea.deliveries(status="failed").deliveries:
            kafinea.retry_delivery(delivery.id)     # same webhook-id: receivers drop repeats

It is written against the OpenAPI document the server serves (`/openapi.json`; a test checks
that every route it calls is described there) and imports nothing of the server: httpx only
(the automation routes' answers are typed in client_automation.py).
An error answer raises `ApiError` with the server's sentence and status; the connection pool of
one `Client` is safe to share between threads.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

import httpx

from kafinea_tui.sync.client_automation import (
    Delivery,
    DeliveryPage,
    ScheduleRun,
    ScheduleState,
    WorkflowState,
)

BASE = "/api/v1"
AUTOMATION = f"{BASE}/automation"
# The Content-Type a workbook is posted with, by its extension.
SPREADSHEETS = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.12",
    ".xls": "application/vnd.ms-excel",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
}
Params = list[tuple[str, str | int | float | bool | None]]


class ApiError(Exception):
    """An error answer: `status` (400, 401, 403, 404, 413, 422, 507...) and the `sentence`;
    `position` is where a filter expression went wrong (0-based), when that was the error."""

    def __init__(self, status: int, sentence: str, position: int | None = None) -> None:
        super().__init__(f"{status}: {sentence}")
        self.status = status
        self.sentence = sentence
        self.position = position


@dataclass(frozen=True)
class Page:
    total: int  # records matching, on every page
    records: list[dict[str, Any]]


@dataclass(frozen=True)
class RowError:
    line: int  # the object's 1-based index in a posted list, or the line of a CSV body
    column: str | None
    reason: str


@dataclass(frozen=True)
class Report:
    """What an import or a POST of records did; `batch` is what `kafinea-tui undo` takes."""

    batch: int | None
    total: int
    created: int
    updated: int
    merged: int
    skipped: int
    failed: int
    related_created: int
    errors: list[RowError]
    warnings: list[str]
    dry_run: bool
    unmapped: list[str]  # columns of a CSV body that went to no field
    looks_like: str | None  # "looks like a HubSpot contacts export", when the columns say so
    ids: tuple[int, ...] = ()  # records posted as JSON: the ids written, in the body's order

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Report:
        errors = [RowError(e["line"], e.get("column"), e["reason"]) for e in data["errors"]]
        counts = ("total", "created", "updated", "merged", "skipped", "failed", "related_created")
        return cls(
            batch=data.get("batch"),
            **{name: int(data[name]) for name in counts},
            errors=errors,
            warnings=list(data["warnings"]),
            dry_run=bool(data["dry_run"]),
            unmapped=list(data.get("unmapped") or []),
            looks_like=data.get("looks_like"),
            ids=tuple(int(i) for i in data.get("ids") or ()),
        )


@dataclass(frozen=True)
class Change:
    cursor: str
    op: str  # create, update, delete
    id: int
    source: str  # api, import, app, undo, ...
    fields: list[str]
    at: str  # ISO 8601, UTC
    batch: int | None
    token: str | None  # the name of the API token that made the change


@dataclass
class ChangeFeed:
    """The changes after a cursor, page after page until the server says there are no more;
    `cursor` is the last one seen (the one given, until a change arrives)."""

    client: Client
    module: str
    cursor: str | None
    page_size: int | None = None

    def __iter__(self) -> Iterator[Change]:
        while True:
            params: Params = [("since", self.cursor)] if self.cursor else []
            if self.page_size:
                params.append(("limit", str(self.page_size)))
            page = self.client.get_json(f"{BASE}/{self.module}/changes", params)
            for entry in page["changes"]:
                yield Change(**entry)
                self.cursor = str(entry["cursor"])
            self.cursor = str(page["cursor"]) if page["changes"] else self.cursor
            if not page["more"]:
                return


class Client:
    """One server, one token. Close it (or use `with`) to release its connections."""

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        timeout: float = 60.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.http = httpx.Client(
            base_url=base_url.rstrip("/"), headers=headers, timeout=timeout, transport=transport
        )

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.http.close()

    # -- reading ----------------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        return dict(self.get_json(f"{BASE}/health"))

    def modules(self) -> list[dict[str, Any]]:
        return list(self.get_json(f"{BASE}/modules"))

    def records(
        self,
        module: str,
        *,
        filter: str | None = None,
        search: str | None = None,
        sort: str | Sequence[str] | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> Page:
        """One page of records (limit at most 1000, default 50)."""
        params = _params(filter=filter, search=search, sort=sort, limit=limit, offset=offset)
        page = self.get_json(f"{BASE}/{module}/records", params)
        return Page(int(page["total"]), list(page["records"]))

    def record(self, module: str, record_id: int) -> dict[str, Any]:
        return dict(self.get_json(f"{BASE}/{module}/records/{int(record_id)}"))

    def changes(
        self, module: str, since: str | None = None, page_size: int | None = None
    ) -> ChangeFeed:
        """Every change after `since` (from the start when None), oldest first; iterate it."""
        return ChangeFeed(self, module, since, page_size)

    def export_csv(
        self, module: str, to: Path | str | IO[bytes] | None = None, **options: Any
    ) -> bytes | None:
        """The module as CSV with the CLI's export options (`filter=`, `fields=`, `sort=`...);
        written to `to` (a path or a binary file) as it arrives, else returned."""
        url = f"{BASE}/{module}/export"
        with self.http.stream("GET", url, params=_params(**options)) as answer:
            if answer.is_error:
                answer.read()
                raise _error(answer)
            if to is None:
                return answer.read()
            if isinstance(to, str | Path):
                with Path(to).open("wb") as handle:
                    for chunk in answer.iter_bytes():
                        handle.write(chunk)
            else:
                for chunk in answer.iter_bytes():
                    to.write(chunk)
        return None

    # -- writing ----------------------------------------------------------------------------

    def create(
        self, module: str, records: Mapping[str, Any] | Sequence[Mapping[str, Any]], **options: Any
    ) -> Report:
        """Post one record or a list (one batch) with the import's options: `duplicates`,
        `match`, `dry_run`, `no_create_related`, `date_format`, `decimal`."""
        body = dict(records) if isinstance(records, Mapping) else [dict(r) for r in records]
        url = f"{BASE}/{module}/records"
        answer = self.http.post(url, params=_params(**options), json=body)
        return Report.from_json(_checked(answer))

    def update(
        self, module: str, record_id: int, values: Mapping[str, Any], **options: Any
    ) -> dict[str, Any]:
        """Set some fields of a record (null clears one); the record as it is now."""
        url = f"{BASE}/{module}/records/{int(record_id)}"
        answer = self.http.patch(url, params=_params(**options), json=dict(values))
        return dict(_checked(answer))

    def delete(self, module: str, record_id: int) -> None:
        _checked(self.http.delete(f"{BASE}/{module}/records/{int(record_id)}"))

    def import_csv(
        self, module: str, data: bytes | str | Path | IO[bytes], **options: Any
    ) -> Report:
        """Import CSV text (bytes, a str, a path, or a binary file) with the CLI's import
        options: `map={"Column": "field"}`, `match=[...]`, `duplicates="merge"`, ...
        A path to a workbook (.xlsx .xlsm .xls .ods) is sent as one (`import_file`)."""
        if isinstance(data, Path) and data.suffix.lower() in SPREADSHEETS:
            return self.import_file(module, data, **options)
        content: Any
        if isinstance(data, Path):
            content = data.read_bytes()
        elif isinstance(data, str):
            content = data.encode("utf-8")
        else:
            content = data
        answer = self.http.post(
            f"{BASE}/{module}/import",
            params=_params(**options),
            content=content,
            headers={"Content-Type": "text/csv"},
        )
        return Report.from_json(_checked(answer))

    def import_file(
        self, module: str, path: Path | str, sheet: str | int | None = None, **options: Any
    ) -> Report:
        """Import a file, CSV or workbook by its extension (`sheet`: a workbook's sheet, by
        name or 1-based number), with the CLI's import options."""
        path = Path(path)
        kind = SPREADSHEETS.get(path.suffix.lower(), "text/csv")
        with path.open("rb") as handle:
            answer = self.http.post(
                f"{BASE}/{module}/import",
                params=_params(sheet=sheet, filename=path.name, **options),
                content=handle,
                headers={"Content-Type": kind},
            )
        return Report.from_json(_checked(answer))

    # -- automation (the engine of the server's process) ------------------------------------

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

    def update_many(
        self, module: str, selection: Mapping[str, Any], values: Mapping[str, Any], **options: Any
    ) -> dict[str, Any]:
        """Mass edit: set `values` on the records `selection` names (`{"ids": [..]}` or
        `{"filter": .., "search": ..}`); the report of `update --json`."""
        body = {**selection, "values": dict(values)}
        return dict(self.post_json(f"{BASE}/{module}/update", body, _params(**options)))

    def delete_many(
        self, module: str, selection: Mapping[str, Any], **options: Any
    ) -> dict[str, Any]:
        """Mass delete of the records `selection` names; the report of `delete --json`."""
        return dict(self.post_json(f"{BASE}/{module}/delete", dict(selection), _params(**options)))

    # -- what the app asks besides records ----------------------------------------------------

    def matching_ids(self, module: str, filter: str = "", search: str = "") -> list[int]:
        """Every id the filter and search match, in id order ("select all matching")."""
        body = {"filter": filter, "search": search}
        return [int(i) for i in self.post_json(f"{BASE}/{module}/matching", body)["ids"]]

    def count_among(
        self, module: str, ids: Sequence[int], filter: str = "", search: str = ""
    ) -> int:
        """How many of `ids` the filter and search match."""
        body = {"filter": filter, "search": search, "among": [int(i) for i in ids]}
        return int(self.post_json(f"{BASE}/{module}/matching", body)["count"])

    def preview_update(
        self, module: str, selection: Mapping[str, Any], values: Mapping[str, Any], limit: int = 5
    ) -> dict[str, Any]:
        """What a mass edit would do: count, a few records before and after, errors."""
        body = {**selection, "values": dict(values)}
        params: Params = [("limit", limit)]
        return dict(self.post_json(f"{BASE}/{module}/update/preview", body, params))

    def preview_delete(self, module: str, selection: Mapping[str, Any]) -> dict[str, Any]:
        """What a mass delete would do: count, and the references it clears."""
        return dict(self.post_json(f"{BASE}/{module}/delete/preview", dict(selection)))

    def completions(self, module: str, field: str, prefix: str) -> list[str]:
        """Keys of the related module of reference `field` that start with `prefix`."""
        params: Params = [("field", field), ("prefix", prefix)]
        return [str(k) for k in self.get_json(f"{BASE}/{module}/completions", params)["keys"]]

    # -- plumbing ---------------------------------------------------------------------------

    def get_json(self, url: str, params: Params | None = None) -> Any:
        return _checked(self.http.get(url, params=params or []))

    def post_json(self, url: str, body: Any, params: Params | None = None) -> Any:
        return _checked(self.http.post(url, params=params or [], json=body))


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


def _checked(answer: httpx.Response) -> Any:
    if answer.is_error:
        raise _error(answer)
    return answer.json()


def _error(answer: httpx.Response) -> ApiError:
    try:
        body = answer.json()
        sentence = str(body["error"])
        position = body.get("position")
    except (ValueError, KeyError, TypeError):
        sentence, position = answer.text.strip() or answer.reason_phrase, None
    return ApiError(answer.status_code, sentence, position)
