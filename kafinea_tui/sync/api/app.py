"""The REST API: `create_app(store) -> Starlette`, base `/api/v1`, JSON, bearer tokens.

Routes (DESIGN.md "API contract"): modules; records list, create, read, patch, delete; CSV
import and export; the changes feed; `/openapi.json` describes them. Every route but
`/api/v1/health` and `/openapi.json` needs `Authorization: Bearer TOKEN` (`kafinea-tui token
create`); a read-only token gets 403 on the routes that write. Requests through the owner's
Unix socket (`listener`) need no token: the socket's file mode is their credential.

Why it is built this way:
- Small writes (one record, a short list, PATCH, DELETE) take the importer's row path
  (`importer.rows`): the import's rules without staging a file, a few statements a record.
  Longer lists and CSV bodies take the file importer. Every write is in the change log with
  the source `api` and the token's name; a list or a CSV is one batch in past imports.
- Writes run one at a time on a thread of their own (`writes.WriteQueue`): a waiting write
  holds no worker thread, and reads (which DuckDB serves from a committed snapshot) never wait
  for one. Small writes waiting together share one commit (group commit). Reads run on the
  worker threads (`run_in_threadpool`), each with its own cursor.
- Errors are sentences (`errors`); the body limit and unexpected failures are `shield.Shield`'s.
"""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kafinea_tui import __version__
from kafinea_tui.arguments import sort_terms
from kafinea_tui.data.cancel import Cancellation, hold_for_tests
from kafinea_tui.data.errors import UsageError
from kafinea_tui.data.importer.plan import Duplicates
from kafinea_tui.data.importer.rows import (
    ROW_PATH_LIMIT,
    RowPlan,
    delete_record,
    update_record,
    write_rows,
)
from kafinea_tui.data.importer.run import run_import
from kafinea_tui.data.importer.saved_mappings import remember_mapping
from kafinea_tui.data.query import ListQuery
from kafinea_tui.data.schema import Module, module_as_dict
from kafinea_tui.data.store.database import Store
from kafinea_tui.data.store.tokens import TokenInfo, check_token, known_token
from kafinea_tui.sync.api import params as qp
from kafinea_tui.sync.api.admin import AdminRoutes, one_route_a_path
from kafinea_tui.sync.api.automation.config import AutomationConfig
from kafinea_tui.sync.api.automation.control import AutomationControl
from kafinea_tui.sync.api.automation.routes import AutomationRoutes
from kafinea_tui.sync.api.body import parse_json
from kafinea_tui.sync.api.bulk import BulkRoutes
from kafinea_tui.sync.api.changes import MAX_CHANGES, changes_after, parse_cursor
from kafinea_tui.sync.api.disconnect import cancelled_on_disconnect
from kafinea_tui.sync.api.errors import EXCEPTION_HANDLERS, ApiError
from kafinea_tui.sync.api.export.answer import export_answer
from kafinea_tui.sync.api.export.to_path import export_to_path
from kafinea_tui.sync.api.layouts import LayoutRoutes
from kafinea_tui.sync.api.openapi.document import openapi_document
from kafinea_tui.sync.api.records import get_record, list_records
from kafinea_tui.sync.api.screen_support import ScreenSupportRoutes
from kafinea_tui.sync.api.shield import DEFAULT_MAX_BODY_MB, Shield
from kafinea_tui.sync.api.writes import WriteQueue
from kafinea_tui.sync.engine import EngineSource
from kafinea_tui.workspace import Workspace

Endpoint = Callable[[Request], Awaitable[Response]]
# Set in the scope of requests that came through the owner's Unix socket (`listener`): the
# socket's file mode (0600) is their credential, so they have full rights without a token.
SOCKET_SCOPE = "kafinea.socket"
CLIENT_HEADER = "kafinea-client"
SOCKET_TOKEN = TokenInfo("socket", read_only=False, created_at=datetime(1970, 1, 1, tzinfo=UTC))
BASE = "/api/v1"
COUNT_HEADER = "kafinea-count"  # an export's record count (the CLI's "exported N records")


def create_app(
    store: Store,
    workspace: Workspace | None = None,
    max_body_mb: float = DEFAULT_MAX_BODY_MB,
    engine: EngineSource = None,
    reload: Callable[[], list[str]] | None = None,
) -> Starlette:
    """The ASGI app over an open store; `workspace` adds its saved mappings to imports;
    request bodies past `max_body_mb` are refused with 413; `engine` (the owner's automation
    engine) gives the schedules' state and runs them; `reload` reads config.toml again for the
    owner (default: the engine's own reload)."""
    api = _Api(store, workspace)
    read, write = api.guard(write=False), api.guard(write=True)
    records = f"{BASE}/{{module}}/records"
    admin = AdminRoutes(store, workspace, api.module, api.writes)
    control = AutomationControl(store, workspace, engine, reload)
    automation = [
        *AutomationRoutes(store, workspace, engine).routes(BASE, read, write),
        *control.routes(BASE, read, write),
        *AutomationConfig(control).routes(BASE, write),
    ]
    routes = [
        *one_route_a_path(automation),
        *admin.routes(BASE, read, write),
        *LayoutRoutes(store, api.module, api.writes).routes(BASE, read, write),
        _route("/openapi.json", GET=api.openapi),
        _route(f"{BASE}/health", GET=api.health),
        _route(f"{BASE}/modules", GET=read(api.modules)),
        _route(records, GET=read(api.list_records), POST=write(api.create_records)),
        _route(
            f"{records}/{{id:int}}",
            GET=read(api.get_record),
            PATCH=write(api.patch_record),
            DELETE=write(api.delete_record),
        ),
        _route(f"{BASE}/{{module}}/import", POST=write(api.import_csv)),
        _route(
            f"{BASE}/{{module}}/export", GET=read(api.export_csv), POST=read(api.export_to_path)
        ),
        _route(f"{BASE}/{{module}}/changes", GET=read(api.changes)),
        _route(f"{BASE}/{{module}}/update", POST=write(api.bulk.update)),
        _route(f"{BASE}/{{module}}/delete", POST=write(api.bulk.delete)),
        _route(f"{BASE}/{{module}}/matching", POST=read(api.support.matching)),
        _route(f"{BASE}/{{module}}/update/preview", POST=write(api.support.update_preview)),
        _route(f"{BASE}/{{module}}/delete/preview", POST=write(api.support.delete_preview)),
        _route(f"{BASE}/{{module}}/completions", GET=read(api.support.completions)),
    ]
    max_body = int(max_body_mb * 2**20)
    return Starlette(
        routes=routes,
        exception_handlers=EXCEPTION_HANDLERS,
        middleware=[Middleware(Shield, max_body=max_body)],
        lifespan=api.lifespan,
    )


def _route(path: str, **endpoints: Endpoint) -> Route:
    """One route a path, dispatching on the method: a 405 then lists every method the path
    takes in its `Allow` header (one route per method would list only the first one's)."""

    async def dispatch(request: Request) -> Response:
        return await endpoints[request.method if request.method != "HEAD" else "GET"](request)

    return Route(path, dispatch, methods=list(endpoints))


class _Api:
    def __init__(self, store: Store, workspace: Workspace | None) -> None:
        self.store = store
        self.workspace = workspace
        self.writes = WriteQueue(store)
        self.bulk = BulkRoutes(store, self.module, self.writes)
        self.support = ScreenSupportRoutes(store, self.module, self.writes)

    @asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        """The writer thread ends with the server, after the writes it has queued."""
        try:
            yield
        finally:
            self.writes.close()

    # -- authentication ---------------------------------------------------------------------

    def guard(self, write: bool) -> Callable[[Endpoint], Endpoint]:
        def wrap(endpoint: Endpoint) -> Endpoint:
            async def guarded(request: Request) -> Response:
                request.state.cli = False
                if request.scope.get(SOCKET_SCOPE):
                    request.state.token = SOCKET_TOKEN
                    # The CLI run beside the owner: its changes keep the command's sources
                    # in the change log and past imports, as if it had run alone.
                    request.state.cli = request.headers.get(CLIENT_HEADER) == "cli"
                    return await endpoint(request)
                scheme, _, token = request.headers.get("authorization", "").partition(" ")
                if scheme.lower() != "bearer" or not token.strip():
                    raise ApiError(401, "This route needs an Authorization: Bearer TOKEN header.")
                info = known_token(self.store, token.strip())
                if info is False:
                    info = await run_in_threadpool(check_token, self.store, token.strip())
                if not isinstance(info, TokenInfo):
                    raise ApiError(401, "The token is not valid (revoked, or never created).")
                if write and info.read_only:
                    raise ApiError(403, f"The token {info.name!r} is read-only; this route writes.")
                request.state.token = info
                return await endpoint(request)

            return guarded

        return wrap

    def module(self, request: Request) -> Module:
        name = str(request.path_params["module"])
        try:
            return self.store.schema.module(name)
        except KeyError as error:
            # The sentence of the data layer: the CLI prints the same whether it ran alone or
            # through the workspace's owner.
            raise ApiError(404, str(error.args[0])) from None

    # -- routes -----------------------------------------------------------------------------

    async def openapi(self, request: Request) -> Response:
        return JSONResponse(openapi_document(__version__, self.store.schema))

    async def health(self, request: Request) -> Response:
        qp.Params(request.query_params, ())
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
        token: TokenInfo = request.state.token
        duplicates = params.duplicates()
        plan = RowPlan(
            module=module.name,
            duplicates=Duplicates(duplicates) if duplicates else None,
            match=params.all("match"),
            date_format=params.text("date_format") or "yyyy-mm-dd",
            decimal=qp.decimal(params),
            create_related=not params.flag("no_create_related"),
            actor=token.name,
        )
        dry_run = params.flag("dry_run")
        body = await _body_json(request)
        if isinstance(body, list):
            plan.description = _described(module, len(body), token.name)
        objects: Sequence[Any] = body if isinstance(body, list) else [body]
        if not objects:
            raise UsageError("The body holds no records; send an object or a list of objects.")

        # A record or a short list may share a commit with other clients' (`WriteQueue`).
        small = len(objects) <= ROW_PATH_LIMIT and not dry_run
        report = await self.writes.run(
            lambda: write_rows(self.store, plan, objects, dry_run), group=small
        )
        # The ids of the records written, in the body's order: the app opens the one it created.
        return JSONResponse(report.as_dict() | {"ids": list(report.record_ids)})

    async def get_record(self, request: Request) -> Response:
        module = self.module(request)
        qp.Params(request.query_params, ())
        record_id = qp.record_id(request)
        record = await run_in_threadpool(get_record, self.store, module, record_id)
        if record is None:
            raise ApiError(404, f"{module.label} has no record {record_id}.")
        return JSONResponse(record)

    async def patch_record(self, request: Request) -> Response:
        module = self.module(request)
        params = qp.Params(request.query_params, qp.RECORD_PATCH)
        token: TokenInfo = request.state.token
        plan = RowPlan(
            module=module.name,
            date_format=params.text("date_format") or "yyyy-mm-dd",
            decimal=qp.decimal(params),
            create_related=not params.flag("no_create_related"),
            actor=token.name,
        )
        record_id = qp.record_id(request)
        body = await _body_json(request)
        if not isinstance(body, dict):
            raise UsageError("PATCH takes one JSON object: the fields to change.")

        def work() -> dict[str, Any] | None:
            update_record(self.store, plan, record_id, body)
            return get_record(self.store, module, record_id)

        record = await self.writes.run(work, group=True)
        if record is None:
            raise ApiError(404, f"{module.label} has no record {record_id}.")
        return JSONResponse(record)

    async def delete_record(self, request: Request) -> Response:
        module = self.module(request)
        qp.Params(request.query_params, ())
        record_id = qp.record_id(request)
        token: TokenInfo = request.state.token
        await self.writes.run(
            lambda: delete_record(self.store, module.name, record_id, actor=token.name), group=True
        )
        return JSONResponse({"id": record_id, "deleted": True})

    async def import_csv(self, request: Request) -> Response:
        """A CSV body, or a workbook (by its Content-Type or file name; `sheet` chooses the
        sheet), through the file importer: one batch."""
        module = self.module(request)
        token: TokenInfo = request.state.token
        suffix = qp.import_suffix(
            request.query_params,
            request.headers.get("content-type", ""),
            request.headers.get("content-disposition", ""),
        )
        extras = qp.import_extras(request.query_params)
        with tempfile.TemporaryDirectory(prefix="kafinea-api-") as folder:
            path = Path(folder) / f"api-{module.name}{suffix}"
            plan, dry_run = qp.import_plan(request.query_params, module.name, path, self.workspace)
            plan.actor = token.name
            if request.state.cli:
                plan.source, plan.actor = "import", None
            what = "CSV" if suffix == ".csv" else f"Spreadsheet ({suffix})"
            plan.description = extras.file_name or (
                f"{what} posted through the API by token {token.name!r}"
            )
            handle = await run_in_threadpool(path.open, "wb")
            try:
                async for chunk in request.stream():
                    await run_in_threadpool(handle.write, chunk)
            finally:
                await run_in_threadpool(handle.close)

            stop = Cancellation()

            def work() -> dict[str, Any]:
                report = run_import(
                    self.store,
                    plan,
                    dry_run=dry_run,
                    shared=True,
                    progress=hold_for_tests(stop),
                    cancellation=stop,
                )
                if extras.save_mapping:
                    if self.workspace is None:
                        raise UsageError("This server has no workspace folder to save mappings.")
                    remember_mapping(
                        self.workspace.mappings_dir, extras.save_mapping, plan, report, module
                    )
                return report.as_dict(details=extras.details)

            async with cancelled_on_disconnect(request, stop):  # a client gone: rolled back
                answer = await self.writes.run(work)
            return JSONResponse(answer)

    async def export_csv(self, request: Request) -> Response:
        module = self.module(request)
        options = qp.export_options(request.query_params, module.name)
        # HEAD: the file answer's headers, without streaming an export nobody reads.
        streamed = request.method == "GET"
        return await export_answer(self.store, options, module.name, streamed, COUNT_HEADER)

    async def export_to_path(self, request: Request) -> Response:
        socket = bool(request.scope.get(SOCKET_SCOPE))
        return await export_to_path(self.store, request, self.module(request).name, socket)

    async def changes(self, request: Request) -> Response:
        module = self.module(request)
        params = qp.Params(request.query_params, ("since", "limit"))
        since = parse_cursor(params.text("since"))
        limit = params.integer("limit", MAX_CHANGES, low=1, high=MAX_CHANGES)
        page = await run_in_threadpool(changes_after, self.store, module, since, limit)
        return JSONResponse(page)


def _described(module: Module, count: int, token: str) -> str:
    """How past imports shows a posted list (there is no file to name)."""
    noun = "record" if count == 1 else "records"
    return f"{count:,} {module.label} {noun} posted through the API by token {token!r}"


async def _body_json(request: Request) -> Any:
    """The JSON body; a large one is parsed on a worker thread, a small one right here (a
    thread hop costs more than parsing an order)."""
    body = await request.body()
    if len(body) > 65_536:
        return await run_in_threadpool(parse_json, body)
    return parse_json(body)
