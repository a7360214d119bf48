"""Mass edit and mass delete over the API: `POST /api/v1/{module}/update` and `/delete`.

The body names the records as the command line does, `{"ids": [1, 2]}` or `{"filter": "...",
"search": "..."}` (one of them is needed; `"filter": ""` is every record), and for an update the
values, `{"values": {"title": "Buyer", "birthdate": "1990-12-31", "do_not_call": true}}`, read
as an import reads a cell (`null` or "" clears). `dry_run`, `date_format` and `decimal` are query
parameters. The answer is the report of `update --json` / `delete --json`; the edit is one batch
in past imports, logged with the source `api` and the token's name. A delete over the API never
asks: the client's request is its confirmation (`dry_run=true` reports what would go).
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kafinea_tui.arguments import MAX_INTEGER
from kafinea_tui.data.bulk import Selection, mass_delete, mass_update
from kafinea_tui.data.errors import UsageError
from kafinea_tui.data.store.tokens import TokenInfo
from kafinea_tui.data.values import ValueOptions
from kafinea_tui.sync.api import params as qp
from kafinea_tui.sync.api.body import parse_json
from kafinea_tui.sync.api.module_routes import ModuleRoutes

UPDATE_PARAMS = ("dry_run", "date_format", "decimal")
DELETE_PARAMS = ("dry_run",)
_SELECTION_KEYS = ("ids", "filter", "search")


class BulkRoutes(ModuleRoutes):
    async def update(self, request: Request) -> Response:
        module = self.module_of(request)
        params = qp.Params(request.query_params, UPDATE_PARAMS)
        options = ValueOptions(qp.decimal(params), params.text("date_format") or "yyyy-mm-dd")
        body = await read_body(request, ("values",))
        selection = selection_of(body)
        values = values_of(body.get("values"))
        source, actor = _origin(request)
        dry_run = params.flag("dry_run")
        report = await self.writes.run(
            lambda: mass_update(
                self.store,
                module.name,
                selection,
                values,
                dry_run=dry_run,
                source=source,
                options=options,
                actor=actor,
            )
        )
        return JSONResponse(report.as_dict())

    async def delete(self, request: Request) -> Response:
        module = self.module_of(request)
        params = qp.Params(request.query_params, DELETE_PARAMS)
        selection = selection_of(await read_body(request, ()))
        source, actor = _origin(request)
        dry_run = params.flag("dry_run")
        report = await self.writes.run(
            lambda: mass_delete(
                self.store, module.name, selection, dry_run=dry_run, source=source, actor=actor
            )
        )
        return JSONResponse(report.as_dict())


def _origin(request: Request) -> tuple[str, str | None]:
    """The change log's source and actor: the API and the token, or for the CLI through the
    owner's socket what the command alone would log."""
    if getattr(request.state, "cli", False):
        return "cli", None
    token: TokenInfo = request.state.token
    return "api", token.name


async def read_body(
    request: Request, extra: tuple[str, ...], selection: tuple[str, ...] = _SELECTION_KEYS
) -> dict[str, Any]:
    """The body, one JSON object of the `selection` keys and `extra`; another key is refused
    in a sentence listing the keys the route takes."""
    raw = await request.body()
    body = await run_in_threadpool(parse_json, raw)
    if not isinstance(body, dict):
        raise UsageError('The body is one JSON object: {"ids": [...]} or {"filter": "..."}.')
    unknown = sorted(set(body) - {*selection, *extra})
    if unknown:
        known = ", ".join((*selection, *extra))
        raise UsageError(f"The body has no key {unknown[0]!r}; it takes {known}.")
    return body


def selection_of(body: dict[str, Any]) -> Selection:
    """The records a body names: `ids`, or `filter` and `search`; one of them is needed."""
    for name in ("filter", "search"):
        if name in body and not isinstance(body[name], str):
            raise UsageError(f'"{name}" is text.')
    if "ids" not in body and "filter" not in body and "search" not in body:
        raise UsageError(
            'Say which records: "ids": [1, 2], "filter": "..." or "search": "..."'
            ' ("filter": "" for every record).'
        )
    if "ids" in body:
        ids = body["ids"]
        if not isinstance(ids, list) or not all(
            isinstance(i, int) and not isinstance(i, bool) and 0 <= i <= MAX_INTEGER for i in ids
        ):
            raise UsageError('"ids" is a list of record ids (whole numbers from 0).')
        if "filter" in body or "search" in body:
            raise UsageError('"ids" names the records itself; send it without filter or search.')
        return Selection(ids=tuple(ids))
    return Selection(filter=body.get("filter"), search=body.get("search"))


def values_of(values: Any) -> dict[str, str]:
    """`{"field": value}` as the cells' text: true/false for booleans, "" for null."""
    if not isinstance(values, dict) or not values:
        raise UsageError('Say what to change: "values": {"field": "value", ...}.')
    texts: dict[str, str] = {}
    for name, value in values.items():
        if value is None:
            texts[name] = ""
        elif isinstance(value, bool):
            texts[name] = "true" if value else "false"
        elif isinstance(value, int | float | str):
            texts[name] = str(value)
        else:
            raise UsageError(f"{name} takes a single value, not a {type(value).__name__}.")
    return texts
