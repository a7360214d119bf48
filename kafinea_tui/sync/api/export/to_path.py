"""`POST /api/v1/{module}/export`: the owner writes an export to a path its client names.

A client of the workspace's socket runs on the owner's machine as the owner's user (the
socket's mode, 0600, lets no one else in), so the file it wants is a file the owner can write
itself: the export goes straight to it, as `kafinea-tui export` alone writes it (a temporary
file beside it, renamed over it when whole), instead of being written once on the owner's side
and copied through the socket into the client's file. A million contacts (160 MB) cost about
a third more when copied; written in place, what a local export costs.

A client that asks for `application/x-ndjson` follows the export's progress: one JSON line a
report (`{"progress": 0.42}`), then `{"path": ..., "count": n}`, or `{"error": ..., "status":
n}` for what failed once the lines had started; what fails before (a bad filter, an unwritable
folder) is an error answer as for every route. Over TCP the route is refused: a server must not
write its own disk where a network client says. A client that goes away (a Stop, Ctrl-C) stops
the export, which then leaves no file.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from kafinea_tui.data.cancel import Cancellation, hold_for_tests
from kafinea_tui.data.errors import KafineaError, UsageError
from kafinea_tui.data.exporter.options import ExportOptions
from kafinea_tui.data.exporter.run import export_file
from kafinea_tui.data.store.database import Store
from kafinea_tui.sync.api import params as qp
from kafinea_tui.sync.api.admin import json_object
from kafinea_tui.sync.api.disconnect import cancelled_on_disconnect
from kafinea_tui.sync.api.errors import ApiError, error_status

NDJSON = "application/x-ndjson"
NOT_HERE = (
    "Only the workspace's own socket can have the server write a file; over the network,"
    " GET this route to receive the export."
)
LOG = logging.getLogger("kafinea_tui.api")


async def export_to_path(
    store: Store, request: Request, module: str, through_socket: bool
) -> Response:
    """Export with the query's options to the body's `path`; `{"path": ..., "count": N}`."""
    if not through_socket:
        raise ApiError(403, NOT_HERE)
    options = qp.export_options(request.query_params, module)
    path = (await json_object(request, ("path",))).get("path")
    if not isinstance(path, str) or not os.path.isabs(path):
        raise UsageError('The body names the file to write by its absolute path: {"path": "/…"}.')
    stop = Cancellation()
    if NDJSON in request.headers.get("accept", ""):
        async with cancelled_on_disconnect(request, stop):  # until the lines start
            return await _followed(store, options, Path(path), stop)
    async with cancelled_on_disconnect(request, stop):  # a client gone: no file
        result = await run_in_threadpool(
            export_file, store, options, Path(path), hold_for_tests(stop), stop
        )
    return JSONResponse({"path": str(result.path), "count": result.count})


async def _followed(
    store: Store, options: ExportOptions, path: Path, stop: Cancellation
) -> Response:
    """The export on a thread of its own, its reports as JSON lines once the first has come
    (the plan and the count are done then: their errors are still an error answer)."""
    loop = asyncio.get_running_loop()
    events: asyncio.Queue[dict[str, Any] | BaseException] = asyncio.Queue()
    held = hold_for_tests(stop)

    def report(fraction: float) -> None:
        loop.call_soon_threadsafe(events.put_nowait, {"progress": round(fraction, 4)})
        if held is not None:
            held(fraction)

    def work() -> None:
        try:
            result = export_file(store, options, path, report, stop)
            done: dict[str, Any] | BaseException = {"path": str(result.path), "count": result.count}
        except BaseException as error:  # handed to the answer
            done = error
        loop.call_soon_threadsafe(events.put_nowait, done)

    threading.Thread(target=work, daemon=True, name="kafinea-api-export").start()
    try:
        first = await events.get()
    except BaseException:  # the request was cancelled before the export's first report
        stop.cancel()
        raise
    if isinstance(first, BaseException):
        raise first

    async def lines() -> AsyncIterator[bytes]:
        event: dict[str, Any] | BaseException = first
        try:
            while True:
                if isinstance(event, BaseException):
                    yield _line(_failure(event))
                    return
                yield _line(event)
                if "count" in event:
                    return
                event = await events.get()
        finally:
            stop.cancel()  # a no-op once written; else the client is gone: no file

    return StreamingResponse(lines(), media_type=NDJSON)


def _failure(error: BaseException) -> dict[str, Any]:
    if isinstance(error, KafineaError):
        return {"error": str(error), "status": error_status(error)}
    LOG.error("An export failed: %r", error)
    return {"error": "The export failed on the server; its log says why.", "status": 500}


def _line(event: dict[str, Any]) -> bytes:
    return json.dumps(event).encode() + b"\n"
