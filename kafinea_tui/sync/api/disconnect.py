"""A request whose client goes away stops the work it asked for.

Starlette runs an endpoint to its end even when the client has closed the connection: an
import of a million rows would commit although nobody waits for its report any more (the app's
Stop, the CLI's Ctrl-C, a client killed). `cancelled_on_disconnect` watches the connection once
the request's body has been read and cancels the work's `Cancellation` when the client leaves:
the importer then rolls back as for a Stop, and nothing is written.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.requests import Request

from kafinea_tui.data.cancel import Cancellation


@asynccontextmanager
async def cancelled_on_disconnect(
    request: Request, cancellation: Cancellation
) -> AsyncIterator[None]:
    """Within the block, the client's disconnect cancels `cancellation`. Enter it after the
    body is read: the server's next message is then the disconnect (or nothing, until the
    answer is sent)."""

    async def watch() -> None:
        while True:
            message = await request.receive()
            if message["type"] == "http.disconnect":
                cancellation.cancel()
                return

    watcher = asyncio.create_task(watch())
    try:
        yield
    finally:
        watcher.cancel()
