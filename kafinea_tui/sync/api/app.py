"""The REST API: `create_app(store) -> Starlette`, base `/api/v1`, JSON, bearer tokens.

Routes (DESIGN.md "API contract"): modules; records list, create (through the importer),
read, patch, delete; CSV import and export; the changes feed; `/openapi.json` describes them.
Every route but `/api/v1/health` and `/openapi.json` needs `Authorization: Bearer TOKEN`
(`kafinea-tui token create`); a read-only token gets 403 on the routes that write.

Why it is built this way:
- DuckDB calls block, so every one runs on a worker thread (`run_in_threadpool`); the store
  gives each thread its own cursor, and the event loop keeps answering while an import runs.
- Writes take one lock, one request at a time: two API writes never conflict in DuckDB, and
  change-log cursors become visible in order, so the changes feed never skips an entry.
- Errors are sentences: a `KafineaError` from the data layer is 422 (400 when the request
  itself is wrong, with the position for a bad filter), an unknown module 404, and anything
  unexpected 500 with a sentence; a traceback only ever reaches the server's log.
"""

from __future__ import annotations

import json
import tempfile
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from kafinea_tui import __version__
from kafinea_tui.arguments import sort_terms
from kafinea_tui.data.errors import UsageError
from kafinea_tui.data.exporter.run import export_csv
from kafinea_tui.data.importer.run import run_import
from kafinea_tui.data.query import ListQuery
from kafinea_tui.data.schema import Module, module_as_dict
from kafinea_tui.data.store.database import Store
from kafinea_tui.data.store.tokens import check_token
from kafinea_tui.data.values import ValueOptions
from kafinea_tui.sync.api import params as qp
from kafinea_tui.sync.api.changes import MAX_CHANGES, changes_after, parse_cursor
from kafinea_tui.sync.api.errors import EXCEPTION_HANDLERS, ApiError
from kafinea_tui.sync.api.imports import import_objects
from kafinea_tui.sync.api.openapi import openapi_document
from kafinea_tui.sync.api.records import get_record, list_records, typed_values
from kafinea_tui.workspace import Workspace

Endpoint = Callable[[Request], Awaitable[Response]]
CHARSETS = {"utf-8-sig": "utf-8", "iso-8859-1": "iso-8859-1", "windows-1252": "windows-1252"}


def create_app(store: Store, workspace: Workspace | None = None) -> Starlette:
    """The ASGI app over an open store; `workspace` adds its saved mappings to imports."""
    api = _Api(store, workspace)
    read, write = api.guard(write=False), api.guard(write=True)
    base = "/api/v1"
    routes = [
        Route("/openapi.json", api.openapi, methods=["GET"]),
        Route(f"{base}/health", api.health, methods=["GET"]),
        Route(f"{base}/modules", read(api.modules), methods=["GET"]),
        Route(f"{base}/{{module}}/records", read(api.list_records), methods=["GET"]),
        Route(f"{base}/{{module}}/records", write(api.create_records), methods=["POST"]),
        Route(f"{base}/{{module}}/records/{{id:int}}", read(api.get_record), methods=["GET"]),
        Route(f"{base}/{{module}}/records/{{id:int}}", write(api.patch_record), methods=["PATCH"]),
        Route(
            f"{base}/{{module}}/records/{{id:int}}", write(api.delete_record), methods=["DELETE"]
        ),
        Route(f"{base}/{{module}}/import", write(api.import_csv), methods=["POST"]),
        Route(f"{base}/{{module}}/export", read(api.export_csv), methods=["GET"]),
        Route(f"{base}/{{module}}/changes", read(api.changes), methods=["GET"]),
    ]
    return Starlette(routes=routes, exception_handlers=EXCEPTION_HANDLERS)


class _Api:
    def __init__(self, store: Store, workspace: Workspace | None) -> None:
        self.store = store
        self.workspace = workspace
        self.write_lock = threading.Lock()

    # -- authentication ---------------------------------------------------------------------

    def guard(self, write: bool) -> Callable[[Endpoint], Endpoint]:
        def wrap(endpoint: Endpoint) -> Endpoint:
            async def guarded(request: Request) -> Response:
                scheme, _, token = request.headers.get("authorization", "").partition(" ")
                if scheme.lower() != "bearer" or not token.strip():
                    raise ApiError(401, "This route needs an Authorization: Bearer TOKEN header.")
                info = await run_in_threadpool(check_token, self.store, token.strip())
                if info is None:
                    raise ApiError(401, "The token is not valid (revoked, or never created).")
                if write and info.read_only:
                    raise ApiError(403, f"The token {info.name!r} is read-only; this route writes.")
                return await endpoint(request)

            return guarded

        return wrap

    def _locked(self, work: Callable[[], Any]) -> Any:
        with self.write_lock:
            return work()

    def module(self, request: Request) -> Module:
        name = str(request.path_params["module"])
        try:
            return self.store.schema.module(name)
        except KeyError:
            known = ", ".join(self.store.schema.modules)
            raise ApiError(404, f"There is no module {name!r}; the modules are {known}.") from None

    # -- routes -----------------------------------------------------------------------------

    async def openapi(self, request: Request) -> Response:
        return JSONResponse(openapi_document(__version__))

    async def health(self, request: Request) -> Response:
        return JSONResponse({"status": "ok", "version": __version__})

    async def modules(self, request: Request) -> Response:
        qp.Params(request.query_params, ())
        modules = list(self.store.schema.modules.values())
        return JSONResponse([module_as_dict(m) for m in modules])

    async def list_records(self, request: Request) -> Response:
        module = self.module(request)
        params = qp.Params(request.query_params, qp.LIST_PARAMS)
        query = ListQuery(
            module=module.name,
            filter=params.text("filter") or "",
            search=params.text("search") or "",
            sort=sort_terms(params.all("sort"), "sort"),
        )
        limit = params.integer("limit", qp.DEFAULT_LIMIT, low=0, high=qp.MAX_LIMIT)
        offset = params.integer("offset", 0)
        page = await run_in_threadpool(list_records, self.store, query, offset, limit)
        return JSONResponse(page)

    async def create_records(self, request: Request) -> Response:
        module = self.module(request)
        params = qp.Params(request.query_params, qp.RECORDS_POST)
        options = {
            "duplicates": params.duplicates(),
            "match": params.all("match"),
            "dry_run": params.flag("dry_run"),
            "no_create_related": params.flag("no_create_related"),
            "date_format": params.text("date_format"),
            "decimal": params.text("decimal"),
        }
        body = await run_in_threadpool(_json, await request.body())

        def work() -> dict[str, Any]:
            with tempfile.TemporaryDirectory(prefix="kafinea-api-") as folder:
                path = Path(folder) / f"api-{module.name}.csv"
                return import_objects(self.store, module, body, path, options).as_dict()

        return JSONResponse(await run_in_threadpool(self._locked, work))

    async def get_record(self, request: Request) -> Response:
        module = self.module(request)
        qp.Params(request.query_params, ())
        record_id = int(request.path_params["id"])
        record = await run_in_threadpool(get_record, self.store, module, record_id)
        if record is None:
            raise ApiError(404, f"{module.label} has no record {record_id}.")
        return JSONResponse(record)

    async def patch_record(self, request: Request) -> Response:
        module = self.module(request)
        params = qp.Params(request.query_params, ("date_format", "decimal"))
        options = ValueOptions(
            params.text("decimal") or "point", params.text("date_format") or "yyyy-mm-dd"
        )
        record_id = int(request.path_params["id"])
        body = await run_in_threadpool(_json, await request.body())
        if not isinstance(body, dict):
            raise UsageError("PATCH takes one JSON object: the fields to change.")

        def work() -> dict[str, Any] | None:
            if get_record(self.store, module, record_id) is None:
                return None
            values = typed_values(self.store, module, body, options)
            self.store.update(module.name, record_id, values, source="api")
            return get_record(self.store, module, record_id)

        record = await run_in_threadpool(self._locked, work)
        if record is None:
            raise ApiError(404, f"{module.label} has no record {record_id}.")
        return JSONResponse(record)

    async def delete_record(self, request: Request) -> Response:
        module = self.module(request)
        qp.Params(request.query_params, ())
        record_id = int(request.path_params["id"])

        def work() -> bool:
            if get_record(self.store, module, record_id) is None:
                return False
            self.store.delete(module.name, record_id, source="api")
            return True

        if not await run_in_threadpool(self._locked, work):
            raise ApiError(404, f"{module.label} has no record {record_id}.")
        return JSONResponse({"id": record_id, "deleted": True})

    async def import_csv(self, request: Request) -> Response:
        module = self.module(request)
        with tempfile.TemporaryDirectory(prefix="kafinea-api-") as folder:
            path = Path(folder) / f"api-{module.name}.csv"
            plan, dry_run = qp.import_plan(request.query_params, module.name, path, self.workspace)
            handle = await run_in_threadpool(path.open, "wb")
            try:
                async for chunk in request.stream():
                    await run_in_threadpool(handle.write, chunk)
            finally:
                await run_in_threadpool(handle.close)

            def work() -> dict[str, Any]:
                return run_import(self.store, plan, dry_run=dry_run).as_dict()

            return JSONResponse(await run_in_threadpool(self._locked, work))

    async def export_csv(self, request: Request) -> Response:
        module = self.module(request)
        options = qp.export_options(request.query_params, module.name)
        folder = tempfile.TemporaryDirectory(prefix="kafinea-api-")
        path = Path(folder.name) / f"{module.name}.csv"
        try:
            await run_in_threadpool(export_csv, self.store, options, path)
        except BaseException:
            folder.cleanup()
            raise
        charset = CHARSETS.get(options.encoding.strip().lower(), "utf-8")
        return FileResponse(
            path,
            media_type=f"text/csv; charset={charset}",
            filename=f"{module.name}.csv",
            background=BackgroundTask(folder.cleanup),
        )

    async def changes(self, request: Request) -> Response:
        module = self.module(request)
        params = qp.Params(request.query_params, ("since", "limit"))
        since = parse_cursor(params.text("since"))
        limit = params.integer("limit", MAX_CHANGES, low=1, high=MAX_CHANGES)
        page = await run_in_threadpool(changes_after, self.store, module, since, limit)
        return JSONResponse(page)


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UsageError(f"The body is not valid JSON: {error}.") from None
