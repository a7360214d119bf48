"""The owner's engine and config.toml, for the sync panel of an app that is a client.

    GET   /api/v1/automation/status                   engine running?, pid, since, config errors
                                                      and cascades stopped lately, deliveries by
                                                      status
    GET   /api/v1/automation/endpoints                name, url, format, retries, timeout, signed,
                                                      header names (never a secret nor a value)
    POST  /api/v1/automation/endpoints/{name}/test    queue a sample delivery: {"delivery": id}
    PATCH /api/v1/automation/workflows/{name}         {"enabled": bool}: saved to config.toml
    PATCH /api/v1/automation/schedules/{name}         the same for a schedule
    POST  /api/v1/automation/reload                   config.toml read again (as SIGHUP does)

The engine runs in the workspace's owner; these routes let a client see it and steer it
without a second engine. Turning an entry on or off rewrites config.toml as the owner's own
panel does (sync/config/write.py) and has the engine read it again; `reload` is the owner's
(`serve` reloads its engine; the app's host also starts one when config.toml gains automation).
Adding and editing endpoints, workflows and schedules: config.py.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.convertors import PathConvertor, register_url_convertor
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kafinea_tui.data.automation import outbox as table
from kafinea_tui.data.errors import UsageError
from kafinea_tui.data.store.database import Store
from kafinea_tui.sync import panel
from kafinea_tui.sync.api import params as qp
from kafinea_tui.sync.api.admin import json_object
from kafinea_tui.sync.api.errors import ApiError
from kafinea_tui.sync.api.openapi.schemas import error_answers
from kafinea_tui.sync.config import write as config_write
from kafinea_tui.sync.config.load import read_config
from kafinea_tui.sync.config.model import AutomationConfig
from kafinea_tui.sync.engine import Engine, EngineSource, current
from kafinea_tui.sync.workflows import stopped_cascades
from kafinea_tui.workspace import Workspace

Wrap = Callable[[Any], Any]
Reload = Callable[[], list[str]]
AT = "/automation"


class EntryName(PathConvertor):
    """A workflow's or schedule's name, which may hold a "/" (sent as %2F), but not the path
    of `POST .../schedules/{name}/run`: a PATCH there is a 405 of that route, not a toggle."""

    regex = r".+(?<!/run)"


register_url_convertor("entry", EntryName())


class AutomationControl:
    """`reload`: how the owner reads config.toml again (its engine host's); default: the
    engine's own reload, when one runs."""

    def __init__(
        self,
        store: Store,
        workspace: Workspace | None,
        engine: EngineSource,
        reload: Reload | None = None,
    ) -> None:
        self.store = store
        self.workspace = workspace
        self.source = engine
        self._reload = reload

    @property
    def engine(self) -> Engine | None:
        return current(self.source)

    def routes(self, base: str, read: Wrap, write: Wrap) -> list[Route]:
        at = f"{base}{AT}"
        return [
            Route(f"{at}/status", read(self.status), methods=["GET"]),
            Route(f"{at}/endpoints", read(self.endpoints), methods=["GET"]),
            Route(f"{at}/endpoints/{{name:path}}/test", write(self.test), methods=["POST"]),
            Route(f"{at}/workflows/{{name:entry}}", write(self.workflow), methods=["PATCH"]),
            Route(f"{at}/schedules/{{name:entry}}", write(self.schedule), methods=["PATCH"]),
            Route(f"{at}/reload", write(self.reload), methods=["POST"]),
        ]

    def config(self) -> AutomationConfig:
        if self.engine is not None:
            return self.engine.config
        return read_config(self.config_path(), self.store.schema)

    def config_path(self) -> Any:
        if self.workspace is None:
            raise UsageError("This server has no workspace folder, so it has no config.toml.")
        return self.workspace.config_path

    async def status(self, request: Request) -> Response:
        qp.Params(request.query_params, ())
        engine = self.engine
        # The store's cursor is the thread's own: taken in the worker thread that uses it.
        counts = await run_in_threadpool(lambda: table.counts(self.store.cursor()))
        if engine is not None and engine.running:
            state = await run_in_threadpool(engine.status)
            started = state.started_at.isoformat() + "Z" if state.started_at else None
            errors = list(engine.errors)
        elif self.workspace is not None:
            started = None
            errors = list((await run_in_threadpool(self.config)).errors)
        else:
            started, errors = None, []
        # A workflow cascade stopped after its last round is a problem of the config too (its
        # workflows set each other off); kept in the database, it is seen by every process.
        errors += await run_in_threadpool(lambda: stopped_cascades(self.store.cursor()))
        running = engine is not None and engine.running
        return JSONResponse(
            {
                "running": running,
                "pid": os.getpid(),
                "started_at": started,
                "errors": errors,
                "deliveries": counts,
            }
        )

    async def endpoints(self, request: Request) -> Response:
        qp.Params(request.query_params, ())
        config = await run_in_threadpool(self.config)
        return JSONResponse(
            [
                {
                    "name": e.name,
                    "url": e.url,
                    "format": e.format,
                    "retries": e.retries,
                    "timeout": e.timeout,
                    "signed": bool(e.secret),
                    "headers": sorted(e.headers),
                }
                for e in config.endpoints.values()
            ]
        )

    async def test(self, request: Request) -> Response:
        qp.Params(request.query_params, ())
        name = str(request.path_params["name"])
        config = await run_in_threadpool(self.config)
        if name not in config.endpoints:
            known = ", ".join(config.endpoints) or "none"
            raise ApiError(404, f"There is no endpoint {name!r} (the endpoints: {known}).")
        delivery = await run_in_threadpool(panel.queue_test, self.store, self.engine, name)
        return JSONResponse({"delivery": delivery, "endpoint": name})

    async def workflow(self, request: Request) -> Response:
        return await self._set_enabled(request, "workflow")

    async def schedule(self, request: Request) -> Response:
        return await self._set_enabled(request, "schedule")

    async def _set_enabled(self, request: Request, kind: panel.Kind) -> Response:
        qp.Params(request.query_params, ())
        name = str(request.path_params["name"])
        body = await json_object(request, ("enabled",))
        enabled = body.get("enabled")
        if not isinstance(enabled, bool):
            raise UsageError('The body is {"enabled": true} or {"enabled": false}.')
        path = self.config_path()
        config = await run_in_threadpool(self.config)
        known = [e.name for e in (config.workflows if kind == "workflow" else config.schedules)]
        if name not in known:
            raise ApiError(
                404, f"There is no {kind} {name!r} (the {kind}s: {', '.join(known) or 'none'})."
            )
        write = (
            config_write.set_workflow_enabled
            if kind == "workflow"
            else config_write.set_schedule_enabled
        )
        await run_in_threadpool(write, path, name, enabled)
        errors = await run_in_threadpool(self.read_again)
        return JSONResponse({"name": name, "enabled": enabled, "errors": errors})

    async def reload(self, request: Request) -> Response:
        qp.Params(request.query_params, ())
        self.config_path()
        errors = await run_in_threadpool(self.read_again)
        engine = self.engine
        return JSONResponse({"running": engine is not None and engine.running, "errors": errors})

    def read_again(self) -> list[str]:
        if self._reload is not None:
            return self._reload()
        if self.engine is not None:
            return self.engine.reload()
        return list(self.config().errors)


def openapi_paths(base: str) -> dict[str, Any]:
    """The routes' part of the OpenAPI document (openapi.py adds it to the paths)."""
    at = f"{base}{AT}"
    name = {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}
    words = {
        400: "a wrong request: unknown parameter or key, a body that is not {enabled: bool},"
        " or a server without a workspace folder",
        401: "no valid token",
        403: "a read-only token on a route that writes",
        404: "no such endpoint, workflow or schedule in config.toml",
        422: "config.toml cannot be read or written",
    }

    def operation(summary: str, ok: str, params: list[Any], codes: tuple[int, ...]) -> Any:
        answers: dict[str, Any] = {
            "200": {"description": ok, "content": {"application/json": {"schema": {}}}}
        }
        answers.update(error_answers(codes, words))
        return {"summary": summary, "parameters": params, "responses": answers}

    enabled = {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {"enabled": {"type": "boolean"}},
                    "required": ["enabled"],
                    "additionalProperties": False,
                }
            }
        },
    }

    def toggle(kind: str) -> dict[str, Any]:
        found = operation(
            f"Turn the {kind} on or off: saved to config.toml, which the engine reads again",
            "{name, enabled, errors}",
            [name],
            (400, 401, 403, 404, 422),
        )
        return {**found, "requestBody": enabled}

    return {
        f"{at}/status": {
            "get": operation(
                "The owner's automation engine: running, pid, since, config errors and the"
                " workflow cascades stopped in the last 24 hours, deliveries by status",
                "{running, pid, started_at, errors, deliveries}: errors are sentences, config"
                " errors first, then each stopped cascade naming its workflows",
                [],
                (400, 401, 422),
            )
        },
        f"{at}/endpoints": {
            "get": operation(
                "config.toml's endpoints, without their secrets or header values",
                "[{name, url, format, retries, timeout, signed, headers}]",
                [],
                (400, 401, 422),
            )
        },
        f"{at}/endpoints/{{name}}/test": {
            "post": operation(
                "Queue a sample delivery to the endpoint; the delivery log shows how it went",
                "{delivery, endpoint}",
                [name],
                (400, 401, 403, 404, 422),
            )
        },
        f"{at}/workflows/{{name}}": {"patch": toggle("workflow")},
        f"{at}/schedules/{{name}}": {"patch": toggle("schedule")},
        f"{at}/reload": {
            "post": operation(
                "Read config.toml again (as SIGHUP does); the engine takes the new config",
                "{running, errors}",
                [],
                (400, 401, 403, 422),
            )
        },
    }
