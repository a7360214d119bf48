"""The automation routes: deliveries (list, retry), schedules (state, run now), workflows.

    GET  /api/v1/automation/deliveries?status=&limit=&offset=   {"total": n, "deliveries": [...]}
    POST /api/v1/automation/deliveries/{id}/retry                the delivery, pending again
    GET  /api/v1/automation/schedules                            next run, last result
    POST /api/v1/automation/schedules/{name}/run                 runs it now; the run's result
    GET  /api/v1/automation/workflows                            config, last fired, count

They read the engine of the process serving the API (the workspace's owner); without one
(an API over a store alone) deliveries and workflows still answer from the database and config,
and running a schedule is refused with 409.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kafinea_tui.arguments import MAX_INTEGER
from kafinea_tui.data.automation import outbox as table
from kafinea_tui.data.automation import runs
from kafinea_tui.data.store.database import Store
from kafinea_tui.sync.api import params as qp
from kafinea_tui.sync.api.errors import ApiError
from kafinea_tui.sync.api.openapi.schemas import error_answers
from kafinea_tui.sync.config.load import read_config
from kafinea_tui.sync.config.model import AutomationConfig
from kafinea_tui.sync.engine import Engine, EngineSource, current
from kafinea_tui.sync.scheduler import Scheduler
from kafinea_tui.workspace import Workspace

Wrap = Callable[[Any], Any]
PREFIX = "/automation"


class AutomationRoutes:
    def __init__(self, store: Store, workspace: Workspace | None, engine: EngineSource) -> None:
        self.store = store
        self.workspace = workspace
        self.source = engine

    @property
    def engine(self) -> Engine | None:
        """The engine running now in this process (the app's may start after the API)."""
        return current(self.source)

    def routes(self, base: str, read: Wrap, write: Wrap) -> list[Route]:
        at = f"{base}{PREFIX}"
        return [
            Route(f"{at}/deliveries", read(self.deliveries), methods=["GET"]),
            Route(f"{at}/deliveries/{{id:int}}/retry", write(self.retry), methods=["POST"]),
            Route(f"{at}/schedules", read(self.schedules), methods=["GET"]),
            # `path`: a schedule name may hold a "/", which the client sends as %2F.
            Route(f"{at}/schedules/{{name:path}}/run", write(self.run), methods=["POST"]),
            Route(f"{at}/workflows", read(self.workflows), methods=["GET"]),
        ]

    def config(self) -> AutomationConfig:
        if self.engine is not None:
            return self.engine.config
        if self.workspace is None:
            return AutomationConfig()
        return read_config(self.workspace.config_path, self.store.schema)

    async def deliveries(self, request: Request) -> Response:
        params = qp.Params(request.query_params, ("status", "limit", "offset"))
        # Empty is refused as any other unknown status (the document lists the statuses).
        status = params.choice("status", list(table.STATUSES))
        limit = params.integer("limit", qp.DEFAULT_LIMIT, low=0, high=qp.MAX_LIMIT)
        offset = params.integer("offset", 0)
        # The store's cursor is the thread's own: taken in the worker thread that uses it, never
        # on the event loop's (two requests would then share one cursor across threads).
        total, found = await run_in_threadpool(
            lambda: table.deliveries(self.store.cursor(), status, limit, offset)
        )
        return JSONResponse({"total": total, "deliveries": [d.as_dict() for d in found]})

    async def retry(self, request: Request) -> Response:
        qp.Params(request.query_params, ())
        delivery_id = int(request.path_params["id"])

        def work() -> table.Delivery | None:
            with self.store.transaction() as cur:
                return table.retry(cur, delivery_id)

        done = await run_in_threadpool(work)
        if done is None:
            found = await run_in_threadpool(lambda: table.get(self.store.cursor(), delivery_id))
            if found is None:
                raise ApiError(404, f"There is no delivery {delivery_id}.")
            raise ApiError(
                409,
                f"Delivery {delivery_id} is {found.status}; only a failed or "
                "pending delivery can be retried.",
            )
        if self.engine is not None:
            self.engine.wake()
        return JSONResponse(done.as_dict())

    async def schedules(self, request: Request) -> Response:
        qp.Params(request.query_params, ())
        if self.engine is not None:
            states = await run_in_threadpool(self.engine.schedules)
        else:
            scheduler = Scheduler(
                self.store, self.workspace.mappings_dir if self.workspace else None
            )  # type: ignore[arg-type]
            states = await run_in_threadpool(scheduler.states, self.config())
        return JSONResponse({"schedules": [s.as_dict() for s in states]})

    async def run(self, request: Request) -> Response:
        qp.Params(request.query_params, ())
        name = str(request.path_params["name"])
        schedule = self.config().schedule(name)
        if schedule is None:
            known = ", ".join(s.name for s in self.config().schedules) or "none"
            raise ApiError(404, f"There is no schedule {name!r} (the schedules: {known}).")
        if self.engine is None:
            raise ApiError(
                409, "No automation engine runs in this server; start `kafinea-tui serve`."
            )
        run = await run_in_threadpool(self.engine.scheduler.run, schedule)
        self.engine.wake()
        if run is None:
            raise ApiError(409, f"The schedule {name!r} is running already; runs never overlap.")
        return JSONResponse(run_as_dict(run))

    async def workflows(self, request: Request) -> Response:
        qp.Params(request.query_params, ())
        fired = await run_in_threadpool(lambda: runs.fires(self.store.cursor()))
        found = []
        for workflow in self.config().workflows:
            last, count = fired.get(workflow.name, (None, 0))
            data = dataclasses.asdict(workflow)
            data["last_fired"] = None if last is None else last.isoformat() + "Z"
            data["fired"] = count
            found.append(data)
        return JSONResponse({"workflows": found})


def run_as_dict(run: runs.Run) -> dict[str, Any]:
    data = dataclasses.asdict(run)
    for key in ("started_at", "finished_at"):
        data[key] = None if data[key] is None else data[key].isoformat() + "Z"
    return data


def openapi_paths(base: str) -> dict[str, Any]:
    """The routes' part of the OpenAPI document (openapi.py adds it to the paths)."""
    at = f"{base}{PREFIX}"
    delivery_id = {
        "name": "id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 0, "maximum": MAX_INTEGER},
    }
    name = {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}
    words = {
        400: "a wrong request: unknown or repeated parameter, bad value",
        401: "no valid token",
        403: "a read-only token on a route that writes",
        404: "no such delivery or schedule",
        409: "the delivery cannot be retried (delivered or in flight), the schedule is running,"
        " or no engine runs in this server",
    }

    def operation(summary: str, ok: str, params: list[Any], codes: tuple[int, ...]) -> Any:
        answers: dict[str, Any] = {
            "200": {
                "description": ok,
                "content": {"application/json": {"schema": {"type": "object"}}},
            }
        }
        answers.update(error_answers(codes, words))
        return {"summary": summary, "parameters": params, "responses": answers}

    def query(key: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
        return {"name": key, "in": "query", "schema": schema, "description": description}

    read = (400, 401, 404)
    write = (400, 401, 403, 404, 409)
    return {
        f"{at}/deliveries": {
            "get": operation(
                "Outbox deliveries, newest first",
                "{total, deliveries: [{id, webhook_id, kind, target, status, attempts,"
                " last_error, answer, payload, ...}]}",
                [
                    query(
                        "status",
                        "only deliveries in this status",
                        {"type": "string", "enum": list(table.STATUSES)},
                    ),
                    query(
                        "limit",
                        "page size, default 50",
                        {"type": "integer", "minimum": 0, "maximum": qp.MAX_LIMIT},
                    ),
                    query(
                        "offset",
                        "deliveries to skip",
                        {"type": "integer", "minimum": 0, "maximum": MAX_INTEGER},
                    ),
                ],
                read,
            )
        },
        f"{at}/deliveries/{{id}}/retry": {
            "post": operation(
                "Send a failed (or waiting) delivery again, with the same webhook-id",
                "the delivery",
                [delivery_id],
                write,
            )
        },
        f"{at}/schedules": {
            "get": operation("Schedules: next run, last result", "{schedules: [...]}", [], read)
        },
        f"{at}/schedules/{{name}}/run": {
            "post": operation("Run a schedule now; answers its result", "the run", [name], write)
        },
        f"{at}/workflows": {
            "get": operation(
                "Workflows: their rules, when each last fired and how many records",
                "{workflows: [...]}",
                [],
                read,
            )
        },
    }
