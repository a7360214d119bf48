"""config.toml's endpoints, workflows and schedules written through the API.

    POST /api/v1/automation/endpoints           add an endpoint (its fields; a name used twice
                                                is refused, as the panel's form refuses it)
    PUT  /api/v1/automation/endpoints/{name}    edit the endpoint `name` (a rename: the old
                                                name in the path, the new in the body), or add
                                                it when config.toml has none of that name
    POST /api/v1/automation/workflows           add a workflow: the body is its TOML keys
    POST /api/v1/automation/schedules           add a schedule: the same

A client's sync panel saves its forms here, on the socket or on a server elsewhere alike: the
edit is the one the owner's own panel makes (sync/config/endpoint_edit.py, sync/config/entry_edit.py, one
checker), a refused one is a 400 with the check's sentence and leaves the file as it was, and
after a save the owner reads config.toml again (its engine reloads). The API never sends a
secret or a header's value, so an endpoint key left out of the body keeps the server's value;
a key sent as null removes it (its default applies).
"""

from __future__ import annotations

from typing import Any, get_args

from starlette.concurrency import run_in_threadpool
from starlette.convertors import PathConvertor, register_url_convertor
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kafinea_tui.data.errors import KafineaError, UsageError
from kafinea_tui.sync.api import params as qp
from kafinea_tui.sync.api.admin import json_object
from kafinea_tui.sync.api.automation.control import AT, AutomationControl, Wrap
from kafinea_tui.sync.api.errors import ApiError
from kafinea_tui.sync.api.openapi.schemas import error_answers
from kafinea_tui.sync.config.endpoint_edit import save_endpoint
from kafinea_tui.sync.config.entry_edit import Kind, add_entry

FIELDS = ("name", "url", "secret", "format", "retries", "timeout", "headers")
KINDS: tuple[str, ...] = get_args(Kind)
MAX_ENTRY = 64 * 1024  # characters of a workflow's or schedule's TOML


class EndpointName(PathConvertor):
    """An endpoint's name, which may hold a "/", but not the path of `POST .../{name}/test`."""

    regex = r".+(?<!/test)"


register_url_convertor("endpoint", EndpointName())


class AutomationConfig:
    """The writes of config.toml; `control` gives its path and how the owner reads it again."""

    def __init__(self, control: AutomationControl) -> None:
        self.control = control

    def routes(self, base: str, write: Wrap) -> list[Route]:
        at = f"{base}{AT}"
        return [
            Route(f"{at}/endpoints", write(self.add_endpoint), methods=["POST"]),
            Route(f"{at}/endpoints/{{name:endpoint}}", write(self.endpoint), methods=["PUT"]),
            *(Route(f"{at}/{kind}", write(self.entry), methods=["POST"]) for kind in KINDS),
        ]

    async def add_endpoint(self, request: Request) -> Response:
        qp.Params(request.query_params, ())
        path = self.control.config_path()
        body = await json_object(request, FIELDS)
        _no_secret_echoed(body)
        if not isinstance(body.get("name"), str):
            raise UsageError('The body names the endpoint: {"name": "factory", ...}.')
        schema = self.control.store.schema
        sentence = await run_in_threadpool(_refused_as_400, save_endpoint, path, schema, body, None)
        return await self._saved(sentence)

    async def endpoint(self, request: Request) -> Response:
        qp.Params(request.query_params, ())
        path = self.control.config_path()
        name = str(request.path_params["name"])
        body = await json_object(request, FIELDS)
        _no_secret_echoed(body)
        config = await run_in_threadpool(self.control.config)
        old_name = name if name in config.endpoints else None
        entry = {**body, "name": body.get("name", name)}
        if old_name is None and entry["name"] != name:
            raise ApiError(
                404,
                f"There is no endpoint {name!r} to rename (the endpoints:"
                f" {', '.join(config.endpoints) or 'none'}).",
            )
        schema = self.control.store.schema
        sentence = await run_in_threadpool(
            _refused_as_400, save_endpoint, path, schema, entry, old_name
        )
        return await self._saved(sentence)

    async def entry(self, request: Request) -> Response:
        qp.Params(request.query_params, ())
        kind: Kind = "workflows" if request.url.path.endswith("/workflows") else "schedules"
        path = self.control.config_path()
        raw = await request.body()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise UsageError(f"The body is the {kind[:-1]}'s TOML keys, in UTF-8.") from None
        if not text.strip() or len(text) > MAX_ENTRY:
            raise UsageError(
                f"The body is the {kind[:-1]}'s TOML keys (at most {MAX_ENTRY} characters),"
                f" as written under [[{kind}]] in config.toml."
            )
        store = self.control.store

        def add() -> str:
            # The store's cursor is the thread's own: taken in the thread that checks with it.
            return add_entry(path, store.schema, store.cursor(), kind, text)

        sentence = await run_in_threadpool(_refused_as_400, add)
        return await self._saved(sentence)

    async def _saved(self, sentence: str) -> Response:
        """The owner reads config.toml again, as the panel's save has it do locally."""
        errors = await run_in_threadpool(self.control.read_again)
        engine = self.control.engine
        running = engine is not None and engine.running
        return JSONResponse({"saved": sentence, "running": running, "errors": errors})


def _no_secret_echoed(body: dict[str, Any]) -> None:
    """A secret or headers of the wrong type are refused here, without their value: the
    config check would quote it back."""
    secret, headers = body.get("secret"), body.get("headers")
    if secret is not None and not isinstance(secret, str):
        raise UsageError("secret: a whsec_ string, or null for none.")
    if headers is not None and not (
        isinstance(headers, dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in headers.items())
    ):
        raise UsageError('headers: an object of strings ({"Name": "value"}), or null for none.')


def _refused_as_400(edit: Any, *args: Any) -> str:
    """The check's refusal is the request's fault: a 400 with its sentence."""
    try:
        return str(edit(*args))
    except UsageError:
        raise
    except KafineaError as error:
        raise UsageError(str(error)) from None


def openapi_paths(base: str) -> dict[str, Any]:
    """The routes' part of the OpenAPI document (openapi.py adds it to the paths)."""
    at = f"{base}{AT}"
    name = {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}
    words = {
        400: "a refused edit (the sentence is config check's, nothing was saved), a wrong body,"
        " or a server without a workspace folder",
        401: "no valid token",
        403: "a read-only token",
        404: "a rename of an endpoint that is not there",
        422: "config.toml cannot be written",
    }

    def answers(codes: tuple[int, ...]) -> dict[str, Any]:
        found: dict[str, Any] = {
            "200": {
                "description": "{saved, running, errors}: what was saved; the engine read it",
                "content": {"application/json": {"schema": {}}},
            }
        }
        found.update(error_answers(codes, words))
        return found

    nullable = {
        "url": {"type": "string"},
        "secret": {"type": ["string", "null"]},
        "format": {"type": ["string", "null"], "enum": ["json", "csv", None]},
        "retries": {"type": ["integer", "null"]},
        "timeout": {"type": ["number", "null"]},
        "headers": {
            "type": ["object", "null"],
            "additionalProperties": {"type": "string"},
        },
    }
    endpoint = {
        "type": "object",
        "properties": {"name": {"type": "string"}, **nullable},
        "additionalProperties": False,
    }
    named = {**endpoint, "required": ["name"]}
    paths: dict[str, Any] = {
        f"{at}/endpoints": {
            "post": {
                "summary": "Add an endpoint to config.toml (a name used twice is refused)",
                "parameters": [],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": named}},
                },
                "responses": answers((400, 401, 403, 422)),
            }
        },
        f"{at}/endpoints/{{name}}": {
            "put": {
                "summary": "Add or edit (rename: the old name here) an endpoint of config.toml;"
                " a key left out keeps its value, null removes it",
                "parameters": [name],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": endpoint}},
                },
                "responses": answers((400, 401, 403, 404, 422)),
            }
        },
    }
    for kind in KINDS:
        paths[f"{at}/{kind}"] = {
            "post": {
                "summary": f"Add a {kind[:-1]} to config.toml: the body is its TOML keys",
                "parameters": [],
                "requestBody": {
                    "required": True,
                    "content": {"text/plain": {"schema": {"type": "string"}}},
                },
                "responses": answers((400, 401, 403, 422)),
            }
        }
    return paths
