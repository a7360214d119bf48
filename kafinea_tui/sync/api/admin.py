"""The administration routes: past imports and undo, custom fields, tokens, the config check.

    GET    /api/v1/imports                       past imports, newest first (`imports --json`)
    GET    /api/v1/imports/{batch}/undo          what undoing would do (run, then rolled back)
    POST   /api/v1/imports/{batch}/undo          undo it; the undo's report (`undo --json`)
    GET    /api/v1/{module}/fields               the module's fields (as in `modules`)
    POST   /api/v1/{module}/fields               add a custom field: {"label", "type", "values"}
    GET    /api/v1/tokens                        the tokens (names, never the tokens)
    POST   /api/v1/tokens                        {"name", "read_only"}: the new token, shown once
    DELETE /api/v1/tokens/{name}                 revoke; refused from the very next request on
    GET    /api/v1/automation/check              config.toml checked (`automation check --json`)

They exist so that every command works through the workspace's owner (the CLI beside a running
`serve` or app). Rights: reading needs a token, changing needs a read-write one; the token
routes, which hand out access, need a read-write token even to list (a read-only token is for
reading data, not for seeing who else can). Through the owner's socket every route is open.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kafinea_tui.arguments import MAX_INTEGER
from kafinea_tui.data.errors import UsageError
from kafinea_tui.data.importer.undo import list_batches, undo_import, undo_preview
from kafinea_tui.data.schema import Module, module_as_dict
from kafinea_tui.data.store.database import Store
from kafinea_tui.data.store.tokens import create_token, list_tokens, revoke_token
from kafinea_tui.sync.api import params as qp
from kafinea_tui.sync.api.body import parse_json
from kafinea_tui.sync.api.openapi.schemas import error_answers, json_body
from kafinea_tui.sync.api.writes import WriteQueue
from kafinea_tui.workspace import Workspace

Wrap = Callable[[Any], Any]


class AdminRoutes:
    def __init__(
        self,
        store: Store,
        workspace: Workspace | None,
        module_of: Callable[[Request], Module],
        writes: WriteQueue,
    ) -> None:
        self.store = store
        self.workspace = workspace
        self.module_of = module_of
        self.writes = writes

    def routes(self, base: str, read: Wrap, write: Wrap) -> list[Route]:
        """Before the module routes: `/tokens/import` must not read as module `tokens`."""
        return [
            Route(f"{base}/imports", read(self.imports), methods=["GET"]),
            Route(
                f"{base}/imports/{{batch:int}}/undo",
                methods(GET=read(self.undo_preview), POST=write(self.undo)),
                methods=["GET", "POST"],
            ),
            Route(
                f"{base}/tokens",
                methods(GET=write(self.tokens), POST=write(self.create_token)),
                methods=["GET", "POST"],
            ),
            Route(f"{base}/tokens/{{name}}", write(self.revoke_token), methods=["DELETE"]),
            Route(f"{base}/automation/check", read(self.check), methods=["GET"]),
            Route(
                f"{base}/{{module}}/fields",
                methods(GET=read(self.fields), POST=write(self.add_field)),
                methods=["GET", "POST"],
            ),
        ]

    async def imports(self, request: Request) -> Response:
        qp.Params(request.query_params, ())
        batches = await run_in_threadpool(list_batches, self.store)
        return JSONResponse([b.as_dict() for b in batches])

    async def undo_preview(self, request: Request) -> Response:
        qp.Params(request.query_params, ())
        batch = _batch(request)
        report = await run_in_threadpool(undo_preview, self.store, batch)
        return JSONResponse(report.as_dict())

    async def undo(self, request: Request) -> Response:
        qp.Params(request.query_params, ())
        batch = _batch(request)
        report = await self.writes.run(lambda: undo_import(self.store, batch))
        return JSONResponse(report.as_dict())

    async def fields(self, request: Request) -> Response:
        qp.Params(request.query_params, ())
        return JSONResponse(module_as_dict(self.module_of(request))["fields"])

    async def add_field(self, request: Request) -> Response:
        module = self.module_of(request)
        qp.Params(request.query_params, ())
        body = await json_object(request, ("label", "type", "values"))
        label, type_, values = body.get("label"), body.get("type"), body.get("values", [])
        if not isinstance(label, str) or not isinstance(type_, str):
            raise UsageError('A field needs "label" and "type", both text.')
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise UsageError('"values" is a list of texts (a picklist\'s values).')
        field = await self.writes.run(
            lambda: self.store.add_custom_field(module.name, label, type_, values)
        )
        fields = module_as_dict(self.store.schema.module(module.name))["fields"]
        return JSONResponse(next(f for f in fields if f["name"] == field.name))

    async def tokens(self, request: Request) -> Response:
        qp.Params(request.query_params, ())
        found = await run_in_threadpool(list_tokens, self.store)
        return JSONResponse([t.as_dict() for t in found])

    async def create_token(self, request: Request) -> Response:
        qp.Params(request.query_params, ())
        body = await json_object(request, ("name", "read_only"))
        name, read_only = body.get("name"), body.get("read_only", False)
        if not isinstance(name, str) or not isinstance(read_only, bool):
            raise UsageError('A token needs a "name" (text); "read_only" is true or false.')
        token = await self.writes.run(lambda: create_token(self.store, name, read_only))
        info = next(t for t in list_tokens(self.store) if t.name == name.strip())
        return JSONResponse({**info.as_dict(), "token": token})

    async def revoke_token(self, request: Request) -> Response:
        qp.Params(request.query_params, ())
        name = str(request.path_params["name"])
        await self.writes.run(lambda: revoke_token(self.store, name))
        return JSONResponse({"name": name, "revoked": True})

    async def check(self, request: Request) -> Response:
        from kafinea_tui.sync.config.check import check_summary

        qp.Params(request.query_params, ())
        if self.workspace is None:
            raise UsageError("This server has no workspace folder, so it has no config.toml.")
        summary = await run_in_threadpool(check_summary, self.workspace, self.store)
        return JSONResponse(summary)


def methods(**endpoints: Callable[[Request], Any]) -> Callable[[Request], Any]:
    """One endpoint a path dispatching on the method, so a 405 lists every method it takes."""

    async def dispatch(request: Request) -> Response:
        method = request.method if request.method != "HEAD" else "GET"
        answer: Response = await endpoints[method](request)
        return answer

    return dispatch


def one_route_a_path(routes: list[Route]) -> list[Route]:
    """Routes of one path (each module's, one a method) merged into one that dispatches on
    the method, so a 405 there lists every method the path takes in `Allow`."""
    by_path: dict[str, list[Route]] = {}
    for route in routes:
        by_path.setdefault(route.path, []).append(route)
    merged: list[Route] = []
    for path, same in by_path.items():
        if len(same) == 1:
            merged.append(same[0])
            continue
        endpoints = {m: r.endpoint for r in same for m in r.methods or () if m != "HEAD"}
        merged.append(Route(path, methods(**endpoints), methods=list(endpoints)))
    return merged


def _batch(request: Request) -> int:
    number = int(request.path_params["batch"])
    if number > MAX_INTEGER:
        raise UsageError(f"The batch number is at most {MAX_INTEGER}, not {number}.")
    return number


async def json_object(request: Request, keys: tuple[str, ...]) -> dict[str, Any]:
    """The body, one JSON object of some of `keys` (any other key is refused, named)."""
    raw = await request.body()
    body = parse_json(raw)
    if not isinstance(body, dict):
        raise UsageError(f"The body is one JSON object with {', '.join(keys)}.")
    unknown = sorted(set(body) - set(keys))
    if unknown:
        raise UsageError(f"The body has no key {unknown[0]!r}; it takes {', '.join(keys)}.")
    return body


def openapi_paths(base: str, module: dict[str, Any]) -> dict[str, Any]:
    """These routes' part of the OpenAPI document."""
    read = (400, 401, 404)
    write = (400, 401, 403, 404, 422)
    integer = {"type": "integer", "minimum": 0, "maximum": MAX_INTEGER}
    batch = {"name": "batch", "in": "path", "required": True, "schema": integer}
    name = {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}

    def op(summary: str, ok: str, params: list[Any], codes: tuple[int, ...], **extra: Any) -> Any:
        answers: dict[str, Any] = {
            "200": {"description": ok, "content": {"application/json": {"schema": {}}}}
        }
        answers.update(error_answers(codes, "an error, as a sentence"))
        return {"summary": summary, "parameters": params, "responses": answers, **extra}

    field_body = json_body(
        {
            "label": {"type": "string"},
            "type": {"type": "string"},
            "values": {"type": "array", "items": {"type": "string"}},
        },
        ["label", "type"],
    )
    token_body = json_body({"name": {"type": "string"}, "read_only": {"type": "boolean"}}, ["name"])
    return {
        f"{base}/imports": {
            "get": op("Past imports (and mass edits), newest first", "[batches]", [], read)
        },
        f"{base}/imports/{{batch}}/undo": {
            "get": op(
                "What undoing the batch would do; nothing changes",
                "the counts",
                [batch],
                (*read, 422),
            ),
            "post": op("Undo the batch", "the undo's report", [batch], write),
        },
        f"{base}/tokens": {
            "get": op(
                "The API tokens (names, never the tokens); needs a read-write token",
                "[tokens]",
                [],
                (400, 401, 403),
            ),
            "post": op(
                "Create a token; the answer is the only time it is shown",
                "{name, read_only, created_at, token}",
                [],
                write,
                requestBody=token_body,
            ),
        },
        f"{base}/tokens/{{name}}": {
            "delete": op(
                "Revoke a token: refused from the next request on", "{name, revoked}", [name], write
            )
        },
        f"{base}/automation/check": {
            "get": op(
                "config.toml's automation checked, as `automation check --json`",
                "{endpoints, workflows, schedules, errors}",
                [],
                read,
            )
        },
        f"{base}/{{module}}/fields": {
            "get": op("The module's fields", "[fields]", [module], read),
            "post": op("Add a custom field", "the field", [module], write, requestBody=field_body),
        },
    }
