"""A receiver on 127.0.0.1 that answers deliveries from a script (the outbox's tests), and the
outbox run round by round until the first delivery is delivered or failed."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from kafinea_tui.data.automation import outbox as table
from kafinea_tui.data.store.database import Store
from kafinea_tui.sync.outbox import Outbox
from tests.sync.servers import free_port, wait_for


class Receiver:
    """Answers from a script: each path has its list of (status, headers, text) answers."""

    def __init__(self) -> None:
        self.port = free_port()
        self.script: list[tuple[int, dict[str, str], str]] = []
        self.seen: list[dict[str, Any]] = []
        # /slow answers after 3 s, or as soon as the receiver stops: its sender gave up long
        # before, and the server's shutdown waits for the answers in flight.
        self.released = threading.Event()

        async def any_path(request: Request) -> Response:
            if request.url.path == "/loop":
                return RedirectResponse("/loop", status_code=307)
            if request.url.path == "/slow":
                await asyncio.to_thread(self.released.wait, 3)
            self.seen.append({"headers": dict(request.headers), "body": await request.body()})
            status, headers, text = self.script.pop(0) if self.script else (200, {}, "ok")
            return PlainTextResponse(text, status_code=status, headers=headers)

        app = Starlette(routes=[Route("/{path:path}", any_path, methods=["POST"])])
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        wait_for(lambda: self.server.started, timeout=20)
        return self

    def __exit__(self, *exc: object) -> None:
        self.released.set()
        self.server.should_exit = True
        self.thread.join(timeout=20)


def run_until_settled(store: Store, box: Outbox) -> table.Delivery:
    def settled() -> table.Delivery | None:
        box.round()
        found = table.get(store.cursor(), 1)
        return found if found and found.status in ("delivered", "failed") else None

    result: table.Delivery = wait_for(settled, timeout=60, every=0.05)
    return result
