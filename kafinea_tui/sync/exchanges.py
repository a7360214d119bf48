"""What a schedule does when it runs: send a module's records to an endpoint, or pull records
from a URL and import them. Each returns the run's result as a sentence; a `RunFailed` carries
the reason a run failed (nothing was imported or sent then).

A send builds its payload with one SQL statement over the module (the filter's matches, or the
records changed since the last successful run, by change-log cursor) and puts it in the outbox,
which delivers and retries it like a workflow's. A pull reads the whole answer before importing
it in one transaction: invalid JSON or CSV fails the run and imports nothing.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx

from kafinea_tui.data.automation import csv_payload, outbox, payload, runs
from kafinea_tui.data.errors import KafineaError
from kafinea_tui.data.importer.plan import CsvOptions, Duplicates, ImportPlan
from kafinea_tui.data.importer.rows import RowPlan, write_rows
from kafinea_tui.data.importer.run import run_import
from kafinea_tui.data.importer.saved_mappings import apply_mapping, load_mapping
from kafinea_tui.data.query import compile_filter
from kafinea_tui.data.store.change_log import top_cursor
from kafinea_tui.data.store.database import Store
from kafinea_tui.sync.config.model import PullSchedule, Schedule, SendSchedule
from kafinea_tui.sync.delivery.http import new_client
from kafinea_tui.sync.delivery.outcome import excerpt


class RunFailed(Exception):
    """The run failed; the message says why."""


def send(store: Store, schedule: Schedule, action: SendSchedule) -> tuple[str, int]:
    """Enqueue the records as one delivery; the result and the cursor covered."""
    module = store.module(action.module)
    where = compile_filter(action.filter, module, store.schema)
    with store.transaction() as cur:
        top = top_cursor(cur)
        changed = (runs.last_cursor(cur, schedule.name), top) if action.since_last_run else None
        if action.format == "csv":
            count, body = csv_payload.export_csv(
                cur, module, store.schema, action.fields, where, changed
            )
        else:
            count, body = payload.export_json(
                cur, module, store.schema, action.fields, where, schedule.name, changed
            )
        if count == 0:
            return "nothing to send: no record matched" + (
                " or changed since the last run" if action.since_last_run else ""
            ), top
        delivery = outbox.enqueue(cur, "send", action.endpoint, body, schedule.name, module.name)
    return f"{count} record(s) queued for {action.endpoint} (delivery {delivery})", top


def pull(store: Store, schedule: Schedule, action: PullSchedule, mappings: Path | None) -> str:
    """GET the URL and import what it answers; the import report as JSON.

    All or nothing: a row that cannot be read or written fails the whole pull, which the joined
    transaction then rolls back, so a pull is never half imported."""
    module = store.module(action.module)
    with new_client() as client:
        try:
            answer = client.get(action.url, headers=action.headers, timeout=action.timeout)
        except httpx.HTTPError as error:
            raise RunFailed(f"cannot get {action.url}: {error or type(error).__name__}") from None
    if not answer.is_success:
        raise RunFailed(
            f"{action.url} answered {answer.status_code} {answer.reason_phrase}: "
            f"{excerpt(answer.text)}"
        )
    objects = _json_records(answer, action)
    try:
        with store.transaction(), tempfile.TemporaryDirectory(prefix="kafinea-pull-") as folder:
            if objects is not None:
                report = write_rows(store, _row_plan(module.name, action), objects)
            else:
                path = Path(folder) / "pulled.csv"
                path.write_bytes(answer.content)
                report = run_import(store, _file_plan(module.name, action, path, mappings))
            if report.failed:
                raise _Partial(report.as_dict())
    except _Partial as partial:
        first = "; ".join(f"line {e['line']}: {e['reason']}" for e in partial.report["errors"][:3])
        raise RunFailed(
            f"the answer of {action.url} has {partial.report['failed']} row(s) that cannot "
            f"be imported, so nothing was imported: {first}"
        ) from None
    except KafineaError as error:
        raise RunFailed(f"the answer of {action.url} cannot be imported: {error}") from None
    summary = report.as_dict()
    summary["errors"] = summary.get("errors", [])[:20]
    return json.dumps(summary)


def _json_records(answer: httpx.Response, action: PullSchedule) -> list[Any] | None:
    """The records of a JSON answer (a list, or an object holding `records` or `data`); None
    when the answer is not JSON (then it is read as CSV)."""
    kind = answer.headers.get("content-type", "").split(";")[0].strip().lower()
    if not (kind.endswith("json") or answer.content.lstrip()[:1] in (b"[", b"{")):
        return None
    try:
        data = json.loads(answer.content)
    except (ValueError, UnicodeDecodeError) as error:
        raise RunFailed(f"{action.url} answered invalid JSON: {error}") from None
    if isinstance(data, dict):
        data = data.get("records", data.get("data", [data]))
    if not isinstance(data, list) or not all(isinstance(o, dict) for o in data):
        raise RunFailed(f"{action.url} answered JSON that is not a list of records")
    if not data:
        raise RunFailed(f"{action.url} answered no records")
    if action.map:
        data = [{action.map.get(k, k): v for k, v in o.items()} for o in data]
    return data


def _row_plan(module: str, action: PullSchedule) -> RowPlan:
    return RowPlan(
        module=module,
        duplicates=Duplicates(action.duplicates) if action.duplicates else None,
        match=list(action.match),
        source="pull",
        actor=None,
        description=f"pull from {action.url}",
    )


def _file_plan(module: str, action: PullSchedule, path: Path, mappings: Path | None) -> ImportPlan:
    plan = ImportPlan(
        module=module,
        csv=CsvOptions(path=path, encoding="auto", delimiter="auto", header=True),
        duplicates=Duplicates(action.duplicates) if action.duplicates else None,
        match=list(action.match),
        mapping=dict(action.map),
        date_format="yyyy-mm-dd",
        source="pull",
    )
    if not action.mapping:
        return plan
    if mappings is None:
        raise RunFailed("saved mappings need a workspace")
    saved = apply_mapping(plan, load_mapping(mappings, action.mapping))
    return replace(saved, source="pull", mapping={**saved.mapping, **action.map})


class _Partial(Exception):
    def __init__(self, report: dict[str, Any]) -> None:
        super().__init__("rows failed")
        self.report = report
