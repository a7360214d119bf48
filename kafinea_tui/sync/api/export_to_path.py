"""`POST /api/v1/{module}/export`: the owner writes an export to a path its client names.

A client of the workspace's socket runs on the owner's machine as the owner's user (the
socket's mode, 0600, lets no one else in), so the file it wants is a file the owner can write
itself: the export goes straight to it, as `kafinea-tui export` alone writes it (a temporary
file beside it, renamed over it when whole), instead of being written once on the owner's side
and copied through the socket into the client's file. A million contacts (160 MB) cost about
a third more when copied; written in place, what a local export costs.

Over TCP the route is refused: a server must not write its own disk where a network client
says. A client that goes away (a Stop, Ctrl-C) stops the export, which then leaves no file.
"""

from __future__ import annotations

import os
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kafinea_tui.data.cancel import Cancellation, hold_for_tests
from kafinea_tui.data.errors import UsageError
from kafinea_tui.data.exporter.run import export_file
from kafinea_tui.data.store.database import Store
from kafinea_tui.sync.api import params as qp
from kafinea_tui.sync.api.admin import json_object
from kafinea_tui.sync.api.disconnect import cancelled_on_disconnect
from kafinea_tui.sync.api.errors import ApiError

NOT_HERE = (
    "Only the workspace's own socket can have the server write a file; over the network,"
    " GET this route to receive the export."
)


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
    async with cancelled_on_disconnect(request, stop):  # a client gone: no file
        result = await run_in_threadpool(
            export_file, store, options, Path(path), hold_for_tests(stop), stop
        )
    return JSONResponse({"path": str(result.path), "count": result.count})
