"""What the app's screens need from a server beyond records: ids, previews and completions.

The app as a client (`kafinea_tui.backend.remote`) shows the same screens as over its own
workspace, so the questions its screens ask the data layer are routes here, each answered by
the very function the local app calls:

- `POST /{module}/matching` `{"filter", "search", "among"}`: the ids the list's query matches
  ("select all matching"), or those of `among` it matches (the selected records a filter hides).
- `POST /{module}/update/preview` (the mass edit's body, `limit`): `bulk.preview_update`.
- `POST /{module}/delete/preview` (the mass delete's body): `bulk.delete_impact`.
- `GET /{module}/completions?field=&prefix=`: keys of the related module for the record form.

The previews run dry-run transactions, so they go through the write queue like the writes they
announce, and need a token that may write.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kafinea_tui.arguments import MAX_INTEGER
from kafinea_tui.data.bulk import delete_impact, preview_update
from kafinea_tui.data.errors import UsageError
from kafinea_tui.data.query import ListQuery, count_among, matching_ids
from kafinea_tui.data.record_form import key_completions
from kafinea_tui.sync.api import params as qp
from kafinea_tui.sync.api.bulk import read_body, selection_of, values_of
from kafinea_tui.sync.api.module_routes import ModuleRoutes
from kafinea_tui.sync.api.openapi.schemas import error_answers

PREVIEW_LIMIT = 100


class ScreenSupportRoutes(ModuleRoutes):
    async def matching(self, request: Request) -> Response:
        module = self.module_of(request)
        qp.Params(request.query_params, ())
        body = await read_body(request, ("among",), selection=("filter", "search"))
        for name in ("filter", "search"):
            if not isinstance(body.get(name, ""), str):
                raise UsageError(f'"{name}" is text.')
        query = ListQuery(module.name, body.get("filter", ""), body.get("search", ""))
        if "among" not in body:
            ids = await run_in_threadpool(matching_ids, self.store, query)
            return JSONResponse({"ids": ids, "count": len(ids)})
        among = body["among"]
        if not isinstance(among, list) or not all(_is_id(i) for i in among):
            raise UsageError('"among" is a list of record ids (whole numbers from 0).')
        counted = await run_in_threadpool(count_among, self.store, query, among)
        return JSONResponse({"ids": None, "count": counted})

    async def update_preview(self, request: Request) -> Response:
        module = self.module_of(request)
        params = qp.Params(request.query_params, ("limit",))
        limit = params.integer("limit", 5, low=0, high=PREVIEW_LIMIT)
        body = await read_body(request, ("values",))
        selection = selection_of(body)
        values = values_of(body.get("values"))
        preview = await self.writes.run(
            lambda: preview_update(self.store, module.name, selection, values, limit)
        )
        return JSONResponse(preview.as_dict())

    async def delete_preview(self, request: Request) -> Response:
        module = self.module_of(request)
        qp.Params(request.query_params, ())
        selection = selection_of(await read_body(request, ()))
        impact = await self.writes.run(lambda: delete_impact(self.store, module.name, selection))
        return JSONResponse(impact.as_dict())

    async def completions(self, request: Request) -> Response:
        module = self.module_of(request)
        params = qp.Params(request.query_params, ("field", "prefix"))
        name = params.text("field") or ""
        field = module.find_field(name)
        if field is None or field.related is None:
            raise UsageError(f"{module.label} has no reference field {name!r}.")
        prefix = params.text("prefix") or ""
        keys = await run_in_threadpool(key_completions, self.store, module.name, field.name, prefix)
        return JSONResponse({"keys": keys})


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_INTEGER


def openapi_paths(base: str, module: dict[str, Any]) -> dict[str, Any]:
    """These routes' part of the OpenAPI document (openapi.py adds it to the paths)."""
    ids = {"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": MAX_INTEGER}}
    text = {"type": "string"}
    strings = {"type": "array", "items": text}
    selection = {"ids": ids, "filter": text, "search": text}
    values = {
        "type": "object",
        "additionalProperties": {"type": ["string", "number", "integer", "boolean", "null"]},
    }
    words = {
        400: "a wrong request: unknown parameter or key, bad value, bad filter",
        401: "no valid token",
        403: "a read-only token on a route that writes",
        404: "no such module",
        413: "a body past the server's --max-body-mb",
    }

    def obj(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": properties,
            "required": required,
            "additionalProperties": False,
        }

    def operation(
        summary: str,
        answer: dict[str, Any],
        params: list[dict[str, Any]],
        codes: tuple[int, ...],
        body: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        answers: dict[str, Any] = {
            "200": {"description": summary, "content": {"application/json": {"schema": answer}}}
        }
        answers.update(error_answers(codes, words))
        found: dict[str, Any] = {"summary": summary, "parameters": params, "responses": answers}
        if body is not None:
            schema = {"application/json": {"schema": body}}
            found["requestBody"] = {"required": True, "content": schema}
        return found

    def query(name: str, schema: dict[str, Any]) -> dict[str, Any]:
        return {"name": name, "in": "query", "schema": schema}

    read = (400, 401, 404, 413)
    write = (400, 401, 403, 404, 413)
    change = obj(
        {"id": {"type": "integer"}, "title": text, "before": values, "after": values},
        ["id", "title", "before", "after"],
    )
    impact = obj(
        {"module": text, "field": text, "count": {"type": "integer"}, "sentence": text},
        ["module", "field", "count", "sentence"],
    )
    counted = {"type": "integer"}
    return {
        f"{base}/{{module}}/matching": {
            "post": operation(
                "The ids the filter and search match, or how many of `among` they match",
                obj(
                    {"ids": {"anyOf": [ids, {"type": "null"}]}, "count": counted}, ["ids", "count"]
                ),
                [module],
                read,
                obj({"filter": text, "search": text, "among": ids}, []),
            )
        },
        f"{base}/{{module}}/update/preview": {
            "post": operation(
                "What a mass edit would do: the count, a few records before and after, errors",
                obj(
                    {
                        "count": counted,
                        "records": {"type": "array", "items": change},
                        "errors": strings,
                        "warnings": strings,
                    },
                    ["count", "records", "errors", "warnings"],
                ),
                [module, query("limit", {"type": "integer", "minimum": 0, "maximum": 100})],
                write,
                obj({**selection, "values": values}, ["values"]),
            )
        },
        f"{base}/{{module}}/delete/preview": {
            "post": operation(
                "What a mass delete would do: the count, and the references it clears",
                obj(
                    {
                        "count": counted,
                        "references": {"type": "array", "items": impact},
                        "warnings": strings,
                    },
                    ["count", "references", "warnings"],
                ),
                [module],
                write,
                obj(selection, []),
            )
        },
        f"{base}/{{module}}/completions": {
            "get": operation(
                "Keys of a reference field's related module that start with a prefix",
                obj({"keys": strings}, ["keys"]),
                [module, query("field", text), query("prefix", text)],
                read,
            )
        },
    }
