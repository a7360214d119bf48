"""The list layouts: which fields each module's list shows as columns, and in which order.

    GET  /api/v1/layouts              {"contacts": {"order": [...], "hidden": [...]}, ...}
    GET  /api/v1/{module}/layout      {"order": [...], "hidden": [...]}
    PUT  /api/v1/{module}/layout      the same object: kept for the module's list

They are the workspace's preference the app's layout manager (`f`) writes (`kf_settings`,
data/list_layout.py), here so that the app as a client of the workspace's owner, or of a
server elsewhere, shows and arranges the same columns as the owner's app. A module never
arranged is absent from `GET /layouts` and reads as the default (every field, schema order).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kafinea_tui.data.errors import UsageError
from kafinea_tui.data.list_layout import ColumnLayout, read_layout, read_layouts, save_layout
from kafinea_tui.data.schema import Module
from kafinea_tui.sync.api import params as qp
from kafinea_tui.sync.api.admin import json_object, methods
from kafinea_tui.sync.api.module_routes import ModuleRoutes
from kafinea_tui.sync.api.openapi.schemas import error_answers

Wrap = Callable[[Any], Any]


class LayoutRoutes(ModuleRoutes):
    def routes(self, base: str, read: Wrap, write: Wrap) -> list[Route]:
        return [
            Route(f"{base}/layouts", read(self.layouts), methods=["GET"]),
            Route(
                f"{base}/{{module}}/layout",
                methods(GET=read(self.layout), PUT=write(self.save)),
                methods=["GET", "PUT"],
            ),
        ]

    async def layouts(self, request: Request) -> Response:
        qp.Params(request.query_params, ())
        found = await run_in_threadpool(read_layouts, self.store)
        modules = self.store.schema.modules
        return JSONResponse({name: found[name].as_dict() for name in modules if name in found})

    async def layout(self, request: Request) -> Response:
        module = self.module_of(request)
        qp.Params(request.query_params, ())
        found = await run_in_threadpool(read_layout, self.store, module.name)
        return JSONResponse(found.as_dict())

    async def save(self, request: Request) -> Response:
        module = self.module_of(request)
        qp.Params(request.query_params, ())
        layout = layout_of(module, await json_object(request, ("order", "hidden")))
        await self.writes.run(lambda: save_layout(self.store, module.name, layout))
        return JSONResponse(layout.as_dict())


def layout_of(module: Module, body: dict[str, Any]) -> ColumnLayout:
    """The body as a layout of `module`: lists of its field names (a label is read as its
    field's name); anything else is one sentence."""
    names: dict[str, list[str]] = {}
    for key in ("order", "hidden"):
        given = body.get(key, [])
        if not isinstance(given, list) or not all(isinstance(n, str) for n in given):
            raise UsageError(f'"{key}" is a list of field names.')
        found = []
        for name in given:
            field = module.find_field(name)
            if field is None:
                raise UsageError(f"{module.label} has no field {name!r} (in {key!r}).")
            found.append(field.name)
        names[key] = found
    return ColumnLayout(tuple(dict.fromkeys(names["order"])), frozenset(names["hidden"]))


def openapi_paths(base: str, module: dict[str, Any]) -> dict[str, Any]:
    """These routes' part of the OpenAPI document (openapi.py adds it to the paths)."""
    names = {"type": "array", "items": {"type": "string"}}
    layout = {
        "type": "object",
        "properties": {"order": names, "hidden": names},
        "additionalProperties": False,
    }
    words = {
        400: "a wrong request: unknown parameter or key, a field the module does not have",
        401: "no valid token",
        403: "a read-only token on a route that writes",
        404: "no such module",
    }

    def operation(summary: str, answer: dict[str, Any], codes: tuple[int, ...]) -> Any:
        answers: dict[str, Any] = {
            "200": {"description": summary, "content": {"application/json": {"schema": answer}}}
        }
        answers.update(error_answers(codes, words))
        return {"summary": summary, "responses": answers}

    body = {"required": True, "content": {"application/json": {"schema": layout}}}
    return {
        f"{base}/layouts": {
            "get": {
                **operation(
                    "Every arranged module's list layout (modules never arranged are absent)",
                    {"type": "object", "additionalProperties": layout},
                    (400, 401),
                ),
                "parameters": [],
            }
        },
        f"{base}/{{module}}/layout": {
            "get": {
                **operation(
                    "The module's list layout: its fields in the list's order, the hidden ones",
                    layout,
                    (400, 401, 404),
                ),
                "parameters": [module],
            },
            "put": {
                **operation(
                    "Keep the module's list layout (the layout manager's columns)",
                    layout,
                    (400, 401, 403, 404),
                ),
                "parameters": [module],
                "requestBody": body,
            },
        },
    }
